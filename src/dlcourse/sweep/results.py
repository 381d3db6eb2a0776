"""The results file: JSON Lines, one record per finished trial, appended as each trial finishes.

Each record is written with a single `write` of one complete line, then flushed to disk (fsync), so a
killed sweep leaves every finished trial on disk and at most one half-written last line. Readers skip a
line that is not a complete JSON record; the writer cuts such a tail off before it appends again.
One sweep writes a file at a time: the writer holds an exclusive lock on it (where the OS offers `flock`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from dlcourse.errors import DlcourseError

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; one sweep per file is then the user's to ensure
    fcntl = None


class ResultsBusy(DlcourseError):
    """Another sweep is writing the same results file."""


def read_results(path: str | Path) -> list[dict[str, Any]]:
    """Every complete record in the file, in the order written (an absent file has none)."""
    path = Path(path)
    if not path.is_file():
        return []
    return _parse(path.read_bytes())[0]


def _parse(data: bytes) -> tuple[list[dict[str, Any]], int]:
    """(records, length of the data up to the end of its last complete line)."""
    end = data.rfind(b"\n") + 1
    records = []
    for line in data[:end].splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue  # not a record: a line damaged outside this program, or a torn write
        if isinstance(record, dict) and "trial" in record:
            records.append(record)
    return records, end


def _plain(obj: Any) -> Any:
    """NumPy scalars and arrays as plain JSON values."""
    if hasattr(obj, "tolist"):
        return obj.tolist()
    raise TypeError(f"{type(obj).__name__} is not JSON serialisable")


class ResultsFile:
    """The writer's view: `with ResultsFile(path) as results: results.done; results.append(record)`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.done: dict[str, dict[str, Any]] = {}  # trial id -> its record
        self.dropped_bytes = 0  # size of a half-written last line that was cut off
        self._fd: int | None = None

    def __enter__(self) -> ResultsFile:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o666)
        try:
            if fcntl is not None:
                try:
                    fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise ResultsBusy(f"another sweep is writing {self.path}; wait for it or use --results") from None
            data = self.path.read_bytes()
            records, end = _parse(data)
            if end < len(data):
                os.ftruncate(self._fd, end)
                self.dropped_bytes = len(data) - end
            self.done = {r["trial"]: r for r in records}
        except BaseException:
            self.close()
            raise
        return self

    def append(self, record: dict[str, Any]) -> None:
        if self._fd is None:
            raise RuntimeError("append outside a `with ResultsFile(...)` block")
        line = (json.dumps(record, sort_keys=True, default=_plain) + "\n").encode()
        written = os.write(self._fd, line)
        if written != len(line):  # a full disk; the short line is cut off on the next open
            raise OSError(f"wrote {written} of {len(line)} bytes to {self.path}")
        os.fsync(self._fd)
        self.done[record["trial"]] = record

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # also releases the lock
            self._fd = None

    def __exit__(self, *exc: object) -> None:
        self.close()
