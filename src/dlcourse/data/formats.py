"""Readers for the canonical on-disk formats of the course datasets.

Each reader returns NumPy arrays and raises `CorruptFile` (one sentence naming the file) for anything
truncated or malformed. Nothing here touches the network or decides where files live (see `fetch`).
"""

from __future__ import annotations

import gzip
import io
import pickle
import tarfile
import zipfile
from pathlib import Path
from typing import ClassVar

import numpy as np

from dlcourse.errors import CorruptFile

# IDX type codes (http://yann.lecun.com/exdb/mnist/, "THE IDX FILE FORMAT"); all multi-byte data is big-endian.
_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def _read_bytes(path: Path) -> bytes:
    """File contents, transparently gunzipped when the name ends in .gz."""
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as f:
                return f.read()
        return path.read_bytes()
    except (gzip.BadGzipFile, EOFError, OSError, zipfile.BadZipFile) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise CorruptFile(f"{path} cannot be read as {'gzip' if path.suffix == '.gz' else 'a file'}: {exc}") from None


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file (raw or gzipped) such as `train-images-idx3-ubyte.gz` into an array of its shape."""
    path = Path(path)
    return parse_idx(_read_bytes(path), str(path))


def parse_idx(raw: bytes, path: str) -> np.ndarray:
    """The array in the bytes of an (uncompressed) IDX file; `path` names it in errors."""
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise CorruptFile(f"{path} is not an IDX file (bad magic number)")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if ndim == 0 or len(raw) < header:
        raise CorruptFile(f"{path} is truncated inside its IDX header")
    shape = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = np.dtype(_IDX_DTYPES[raw[2]])
    expected = int(np.prod(shape)) * dtype.itemsize
    found = len(raw) - header
    if found != expected:
        what = "truncated" if found < expected else "longer than its header says"
        raise CorruptFile(f"{path} is {what}: expected {expected} bytes of data for shape {shape}, found {found}")
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


Splits = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")


def read_npz(path: str | Path) -> Splits:
    """Read an `.npz` holding `x_train, y_train, x_test, y_test` (pickles refused)."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as npz:
            missing = [k for k in NPZ_KEYS if k not in npz.files]
            if missing:
                raise CorruptFile(f"{path} lacks the arrays {', '.join(missing)} (needs {', '.join(NPZ_KEYS)})")
            arrays = tuple(npz[k] for k in NPZ_KEYS)
    except (zipfile.BadZipFile, EOFError, ValueError, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise CorruptFile(f"{path} is not a readable .npz archive: {exc}") from None
    return checked_splits(path, arrays)


def checked_splits(path: Path, arrays: tuple[np.ndarray, ...]) -> Splits:
    x_train, y_train, x_test, y_test = arrays
    for x, y, split in ((x_train, y_train, "train"), (x_test, y_test, "test")):
        if len(x) != len(y):
            raise CorruptFile(f"{path}: {split} has {len(x)} images but {len(y)} labels")
    return x_train, y_train, x_test, y_test


def read_gz_idx_from_zip(archive: Path, member: str) -> np.ndarray:
    """A gzipped IDX file inside a zip archive, read in memory (EMNIST's official `gzip.zip`)."""
    where = f"{archive}:{member}"
    try:
        with zipfile.ZipFile(archive) as zf:
            packed = zf.read(member)
        return parse_idx(gzip.decompress(packed), where)
    except KeyError:
        raise CorruptFile(f"{archive} lacks {member}") from None
    except (zipfile.BadZipFile, gzip.BadGzipFile, EOFError, OSError) as exc:
        raise CorruptFile(f"{where} cannot be read: {exc}") from None


def emnist_letters(arrays: Splits, where: Path | str) -> Splits:
    """EMNIST letters as stored (images transposed, labels 1-26) to upright images and labels 0-25.

    The EMNIST release writes each 28x28 image column by column, so read row by row it is the letter
    mirrored along its diagonal; transposing puts it upright.
    """
    x_train, y_train, x_test, y_test = arrays
    for x, y, split in ((x_train, y_train, "train"), (x_test, y_test, "test")):
        if x.ndim != 3 or x.shape[1:] != (28, 28):
            raise CorruptFile(f"{where}: EMNIST {split} images have shape {x.shape}, expected (N, 28, 28)")
        if len(y) and (y.min() < 1 or y.max() > 26):
            raise CorruptFile(f"{where}: EMNIST letters {split} labels run {y.min()}-{y.max()}, expected 1-26")
    x_train, x_test = (np.ascontiguousarray(x.transpose(0, 2, 1)) for x in (x_train, x_test))
    return x_train, y_train.astype(np.int64) - 1, x_test, y_test.astype(np.int64) - 1


class _ArrayOnlyUnpickler(pickle.Unpickler):
    """Unpickles plain containers and NumPy arrays only, so a crafted pickle cannot run code."""

    _ALLOWED: ClassVar[frozenset[tuple[str, str]]] = frozenset(
        {
            ("numpy.core.multiarray", "_reconstruct"),
            ("numpy._core.multiarray", "_reconstruct"),
            ("numpy.core.multiarray", "scalar"),
            ("numpy._core.multiarray", "scalar"),
            ("numpy", "ndarray"),
            ("numpy", "dtype"),
        }
    )

    def find_class(self, module: str, name: str):
        if (module, name) in self._ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}")


def _read_cifar_batch(data: bytes, where: str) -> tuple[np.ndarray, np.ndarray]:
    try:
        batch = _ArrayOnlyUnpickler(io.BytesIO(data), encoding="bytes").load()
        images = np.asarray(batch[b"data"], dtype=np.uint8)
        labels = np.asarray(batch[b"labels"], dtype=np.uint8)
    except (pickle.UnpicklingError, EOFError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise CorruptFile(f"{where} is not a CIFAR-10 python batch: {exc}") from None
    if images.ndim != 2 or images.shape[1] != 3072 or len(images) != len(labels):
        raise CorruptFile(f"{where} has images of shape {images.shape}, expected (N, 3072) with N labels")
    # Stored as N x (1024 red, 1024 green, 1024 blue) rows; return N, H, W, C like the other readers.
    return images.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).copy(), labels


CIFAR10_TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
CIFAR10_TEST_BATCH = "test_batch"


def read_cifar10(path: str | Path) -> Splits:
    """Read CIFAR-10's python release: the `cifar-10-batches-py/` folder or the `.tar.gz` itself.

    The archive is read member by member in memory, never extracted, so no path in it can escape.
    """
    path = Path(path)
    if path.is_dir():

        def get(name: str) -> bytes:
            member = path / name
            if not member.is_file():
                raise CorruptFile(f"{path} lacks {name}; a complete cifar-10-batches-py folder has 6 batches")
            return member.read_bytes()
    else:
        get = _tar_member_reader(path)
    train = [_read_cifar_batch(get(n), f"{path}:{n}") for n in CIFAR10_TRAIN_BATCHES]
    x_test, y_test = _read_cifar_batch(get(CIFAR10_TEST_BATCH), f"{path}:{CIFAR10_TEST_BATCH}")
    x_train = np.concatenate([x for x, _ in train])
    y_train = np.concatenate([y for _, y in train])
    return x_train, y_train, x_test, y_test


def _tar_member_reader(path: Path):
    try:
        with tarfile.open(path, "r:*") as tar:
            members = {
                Path(m.name).name: tar.extractfile(m).read()
                for m in tar.getmembers()
                if m.isfile() and Path(m.name).name in (*CIFAR10_TRAIN_BATCHES, CIFAR10_TEST_BATCH)
            }
    except (tarfile.TarError, EOFError, OSError, zipfile.BadZipFile) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise CorruptFile(f"{path} is not a readable CIFAR-10 tar archive: {exc}") from None

    def get(name: str) -> bytes:
        if name not in members:
            raise CorruptFile(f"{path} lacks {name}; is it cifar-10-python.tar.gz?")
        return members[name]

    return get


def read_cifar10_jpeg_npz(path: str | Path) -> Splits:
    """Decode the course's JPEG copy of CIFAR-10 (`cifar10_jpeg.npz`: concatenated JPEGs plus offsets).

    Lossy: pixels are decoded JPEGs, a little off the original bytes.
    """
    from PIL import Image

    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as npz:
            parts = {
                k: npz[k] for k in ("train_jpeg", "train_offsets", "y_train", "test_jpeg", "test_offsets", "y_test")
            }
    except (zipfile.BadZipFile, EOFError, ValueError, KeyError, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise CorruptFile(f"{path} is not the CIFAR-10 JPEG archive: {exc}") from None

    def decode(blob: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        buf = blob.tobytes()
        out = np.empty((len(offsets) - 1, 32, 32, 3), dtype=np.uint8)
        for i in range(len(out)):
            with Image.open(io.BytesIO(buf[offsets[i] : offsets[i + 1]])) as im:
                out[i] = np.asarray(im.convert("RGB"))
        return out

    try:
        x_train = decode(parts["train_jpeg"], parts["train_offsets"])
        x_test = decode(parts["test_jpeg"], parts["test_offsets"])
    except (OSError, ValueError) as exc:
        raise CorruptFile(f"{path} holds an undecodable JPEG: {exc}") from None
    return checked_splits(path, (x_train, parts["y_train"].astype(np.uint8), x_test, parts["y_test"].astype(np.uint8)))


STL10_FILES = ("train_X.bin", "train_y.bin", "test_X.bin", "test_y.bin")
_STL10_IMAGE_BYTES = 3 * 96 * 96


def read_stl10(path: str | Path) -> Splits:
    """Read STL-10's binary release: the `stl10_binary/` folder or `stl10_binary.tar.gz` itself.

    Images are uint8, 3 x 96 x 96 each, written column-major (channel, then column, then row, as MATLAB
    stores an H x W x C array); they are returned as N x 96 x 96 x 3 rows-first images. Labels are stored
    as 1-10 and returned as 0-9. The tar is read as a stream, member by member, never extracted; only
    the four labelled-split files are kept (not the 100,000 unlabelled images).
    """
    path = Path(path)
    raw = _stl10_members_from_tar(path) if path.is_file() else _stl10_members_from_folder(path)
    arrays = []
    for split in ("train", "test"):
        images, labels = raw[f"{split}_X.bin"], raw[f"{split}_y.bin"]
        where = f"{path}:{split}_X.bin"
        if len(images) % _STL10_IMAGE_BYTES:
            raise CorruptFile(f"{where} holds {len(images)} bytes, not a whole number of 3x96x96 images")
        x = np.frombuffer(images, dtype=np.uint8).reshape(-1, 3, 96, 96).transpose(0, 3, 2, 1)
        y = np.frombuffer(labels, dtype=np.uint8)
        if len(y) != len(x):
            raise CorruptFile(f"{path}: {split} has {len(x)} images but {len(y)} labels")
        if len(y) and (y.min() < 1 or y.max() > 10):
            raise CorruptFile(f"{path}: STL-10 {split} labels run {y.min()}-{y.max()}, expected 1-10")
        arrays += [np.ascontiguousarray(x), y.astype(np.int64) - 1]
    return arrays[0], arrays[1], arrays[2], arrays[3]


def _stl10_members_from_folder(folder: Path) -> dict[str, bytes]:
    missing = [name for name in STL10_FILES if not (folder / name).is_file()]
    if missing:
        raise CorruptFile(f"{folder} lacks {', '.join(missing)}; the stl10_binary folder has {', '.join(STL10_FILES)}")
    return {name: (folder / name).read_bytes() for name in STL10_FILES}


def _stl10_members_from_tar(path: Path) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    try:
        with tarfile.open(path, "r|*") as tar:  # a stream: the 2.6 GB archive is read once, front to back
            for member in tar:
                name = Path(member.name).name
                if member.isfile() and name in STL10_FILES:
                    found[name] = tar.extractfile(member).read()
    except (tarfile.TarError, EOFError, OSError, zipfile.BadZipFile) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise CorruptFile(f"{path} is not a readable STL-10 tar archive: {exc}") from None
    missing = [name for name in STL10_FILES if name not in found]
    if missing:
        raise CorruptFile(f"{path} lacks {', '.join(missing)}; is it stl10_binary.tar.gz?")
    return found
