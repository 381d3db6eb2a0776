"""Where data comes from: `--data-dir`, then `$DLCOURSE_DATA`, then the user cache; or a verified download.

Downloads go to the cache (`$XDG_CACHE_HOME/dlcourse`, else `~/.cache/dlcourse`), are checked against
their published sha256, and are renamed into place only when complete. `DLCOURSE_OFFLINE=1` forbids them.
"""

from __future__ import annotations

import hashlib
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from dlcourse.errors import ChecksumMismatch, DataNotFound

_CHUNK = 1 << 20


@dataclass(frozen=True)
class RemoteFile:
    """One file of a dataset release, with the mirrors that serve it and its published sha256."""

    name: str
    sha256: str
    mirrors: tuple[str, ...]  # base URLs ending in '/'


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "dlcourse"


def search_dirs(data_dir: str | Path | None = None) -> list[Path]:
    """The folders searched for data, in order. A given `data_dir` must exist."""
    dirs = []
    if data_dir is not None:
        data_dir = Path(data_dir).expanduser()
        if not data_dir.is_dir():
            what = "is a file, not a folder" if data_dir.exists() else "does not exist"
            raise DataNotFound(f"data directory {data_dir} {what}")
        dirs.append(data_dir)
    if env := os.environ.get("DLCOURSE_DATA"):
        dirs.append(Path(env).expanduser())
    dirs.append(cache_dir())
    return dirs


def offline() -> bool:
    return os.environ.get("DLCOURSE_OFFLINE", "").strip().lower() not in ("", "0", "false", "no")


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def download(files: tuple[RemoteFile, ...], dest: Path, quiet: bool = False) -> None:
    """Fetch every file into `dest`, trying each mirror in turn; raise `DataNotFound` if one cannot be had."""
    dest.mkdir(parents=True, exist_ok=True)
    for remote in files:
        target = dest / remote.name
        if target.is_file() and sha256_of(target) == remote.sha256:
            continue
        failures = []
        for base in remote.mirrors:
            try:
                _fetch(base + remote.name, target, remote.sha256, quiet)
                break
            except (urllib.error.URLError, OSError, TimeoutError) as exc:
                failures.append(f"{base}: {getattr(exc, 'reason', exc)}")
        else:
            raise DataNotFound(f"could not download {remote.name} ({'; '.join(failures)})")


def _fetch(url: str, target: Path, sha256: str, quiet: bool) -> None:
    from rich.progress import DownloadColumn, Progress, TransferSpeedColumn

    part = target.with_name(target.name + ".part")
    digest = hashlib.sha256()
    with urllib.request.urlopen(url, timeout=30) as response, open(part, "wb") as out:
        total = int(response.headers.get("Content-Length") or 0) or None
        with Progress(
            *Progress.get_default_columns(), DownloadColumn(), TransferSpeedColumn(), disable=quiet, transient=True
        ) as bar:
            job = bar.add_task(f"download {target.name}", total=total)
            while chunk := response.read(_CHUNK):
                out.write(chunk)
                digest.update(chunk)
                bar.advance(job, len(chunk))
    if digest.hexdigest() != sha256:
        part.unlink(missing_ok=True)
        raise ChecksumMismatch(f"{url} has sha256 {digest.hexdigest()}, expected {sha256}; nothing was kept")
    os.replace(part, target)
