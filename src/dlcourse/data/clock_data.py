"""The tell-the-time data (leiden-a1 Task 2): rendered clocks, cached, or the brief's original files.

The original `images.npy` (N x H x W grayscale) and `labels.npy` (N x 2: hour 0-11, minute 0-59) are not
public; when a user has them they are read from a folder. Otherwise `rendered` draws the clocks (see
`clocks`) and keeps them in the cache, keyed by everything that changes the pictures.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dlcourse.atomic import write_bytes
from dlcourse.data import fetch
from dlcourse.data.clocks import DEFAULT_VARIETY, RENDERER_VERSION, Variety, render
from dlcourse.errors import CorruptFile, DataNotFound

ORIGINAL_FILES = ("images.npy", "labels.npy")
ORIGINAL_FOLDERS = ("clocks", "tell-the-time", ".")  # where under a data folder the two files are looked for


@dataclass(frozen=True)
class ClockSet:
    """Clock images (uint8, N x H x W) with their labels (int64, N x 2: hour 0-11, minute 0-59)."""

    images: np.ndarray
    labels: np.ndarray
    source: str
    notes: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return self.images.shape[1]

    def describe(self) -> str:
        return f"{len(self.images):,} clocks of {self.size}x{self.images.shape[2]} pixels, {self.source}"


def uniform_times(count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(hours, minutes) in random order: every one of the 720 times `count // 720` times, and the
    remaining `count % 720` clocks at distinct times drawn at random (so a small set spans the whole dial
    instead of its first minutes)."""
    rest = rng.choice(720, count % 720, replace=False)
    times = rng.permutation(np.concatenate([np.tile(np.arange(720), count // 720), rest]))
    return times // 60, times % 60


def rendered_clocks(
    count: int, size: int, seed: int, variety: Variety = DEFAULT_VARIETY, cache: bool = True
) -> ClockSet:
    """`count` rendered clocks of size x size, the same for the same arguments; cached as .npz."""
    key = hashlib.sha256(repr((RENDERER_VERSION, count, size, seed, variety)).encode()).hexdigest()[:12]
    path = fetch.cache_dir() / "clocks" / f"clocks-{size}px-{count}-seed{seed}-{key}.npz"
    source = f"rendered (seed {seed}, renderer version {RENDERER_VERSION})"
    if cache and path.is_file():
        try:
            with np.load(path, allow_pickle=False) as npz:
                return ClockSet(npz["images"], npz["labels"], source + ", cached")
        except (zipfile.BadZipFile, EOFError, ValueError, KeyError, OSError):
            pass  # a damaged cache file is drawn again and replaced
    rng = np.random.default_rng(seed)
    hours, minutes = uniform_times(count, rng)
    images = render(hours, minutes, size, rng, variety)
    labels = np.stack([hours, minutes], 1).astype(np.int64)
    if cache:
        buf = io.BytesIO()
        np.savez(buf, images=images, labels=labels)
        write_bytes(path, buf.getvalue())
    return ClockSet(images, labels, source)


def find_original(data_dir: str | Path | None = None) -> Path | None:
    """The first folder holding both original files: in `data_dir`, `$DLCOURSE_DATA` or the cache, directly
    or in a clocks/ or tell-the-time/ subfolder."""
    for folder in fetch.search_dirs(data_dir):
        for sub in ORIGINAL_FOLDERS:
            if all((folder / sub / name).is_file() for name in ORIGINAL_FILES):
                return (folder / sub).resolve()
    return None


def read_original(path: str | Path) -> ClockSet:
    """The brief's `images.npy` and `labels.npy` from a folder (or given the path of `images.npy`)."""
    path = Path(path).expanduser()
    folder = path.parent if path.suffix == ".npy" else path
    missing = [name for name in ORIGINAL_FILES if not (folder / name).is_file()]
    if missing:
        raise DataNotFound(
            f"{folder} lacks {' and '.join(missing)}; the tell-the-time data is the pair {ORIGINAL_FILES}"
        )
    images, labels = (_read_npy(folder / name) for name in ORIGINAL_FILES)
    if images.ndim != 3 or images.shape[1] != images.shape[2]:
        raise CorruptFile(f"{folder / 'images.npy'} has shape {images.shape}, expected N x H x H grayscale images")
    if labels.shape != (len(images), 2):
        raise CorruptFile(f"{folder / 'labels.npy'} has shape {labels.shape}, expected ({len(images)}, 2)")
    if not np.issubdtype(labels.dtype, np.integer) and not (
        np.issubdtype(labels.dtype, np.floating) and np.array_equal(labels, np.round(labels))
    ):
        raise CorruptFile(f"{folder / 'labels.npy'} holds non-integer labels")
    labels = labels.astype(np.int64)
    if labels[:, 0].min() < 0 or labels[:, 0].max() > 11 or labels[:, 1].min() < 0 or labels[:, 1].max() > 59:
        raise CorruptFile(f"{folder / 'labels.npy'} holds labels outside hour 0-11, minute 0-59")
    return ClockSet(_as_uint8(images, folder / "images.npy"), labels, f"the original files in {folder}")


def _read_npy(path: Path) -> np.ndarray:
    try:
        return np.load(path, allow_pickle=False)
    except (ValueError, EOFError, OSError) as exc:
        raise CorruptFile(f"{path} is not a readable .npy array: {exc}") from None


def _as_uint8(images: np.ndarray, path: Path) -> np.ndarray:
    """uint8 as stored; floats in [0, 1] or [0, 255] are scaled to bytes."""
    if images.dtype == np.uint8:
        return images
    if not np.issubdtype(images.dtype, np.number) or images.size == 0:
        raise CorruptFile(f"{path} holds {images.dtype} values, expected grayscale pixels")
    low, high = float(images.min()), float(images.max())
    if low < 0 or high > 255:
        raise CorruptFile(f"{path} holds pixel values from {low:g} to {high:g}, expected 0-255 or 0-1")
    scale = 255.0 if high <= 1.0 else 1.0
    return np.round(images.astype(np.float32) * scale).astype(np.uint8)


def load_clocks(
    images: str,
    count: int,
    size: int,
    seed: int,
    variety: Variety = DEFAULT_VARIETY,
    data_dir: str | Path | None = None,
) -> ClockSet:
    """`images` is "rendered", "original" (found in the data folders) or a folder holding the original files.

    The originals come at their own size; at most `count` of them are used (a seeded random subset).
    """
    if images == "rendered":
        return rendered_clocks(count, size, seed, variety)
    if images == "original":
        folder = find_original(data_dir)
        if folder is None:
            where = ", ".join(str(d) for d in fetch.search_dirs(data_dir))
            raise DataNotFound(
                f"the original tell-the-time files {' and '.join(ORIGINAL_FILES)} were not found in {where} "
                "(or their clocks/ or tell-the-time/ subfolders); pass --data-dir, or --set images=FOLDER"
            )
    else:
        folder = Path(images)
    data = read_original(folder)
    notes = []
    if data.size != size:
        notes.append(f"the original images are {data.size}x{data.size}, so the size setting ({size}) is not used")
    if count < len(data.images):
        pick = np.sort(np.random.default_rng(seed).permutation(len(data.images))[:count])
        notes.append(f"a random {count:,} of the {len(data.images):,} original clocks")
        data = ClockSet(data.images[pick], data.labels[pick], data.source)
    return ClockSet(data.images, data.labels, data.source, tuple(notes))
