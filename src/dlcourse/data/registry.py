"""Dataset names -> how to find, download and read them. `load("mnist")` is the one entry point."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

import numpy as np

from dlcourse.atomic import write_bytes
from dlcourse.data import fetch, formats
from dlcourse.data.dataset import Dataset
from dlcourse.data.validate import check_splits
from dlcourse.errors import DataNotFound, UnknownName
from dlcourse.registry import Registry

Finder = Callable[[Path], "tuple[formats.Splits, Path, tuple[str, ...]] | None"]


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    classes: tuple[str, ...]
    find: Finder  # looks in one folder; returns (arrays, the path read, notes) or None
    expected: str  # the files a user may put in a data folder, for the DataNotFound message
    remote: tuple[fetch.RemoteFile, ...] = ()
    licence: str = ""
    image_shape: tuple[int, ...] = (28, 28)  # one image: H x W (grayscale) or H x W x C
    sample: str | None = None  # the file in samples/ with a small real subset, where the package ships one


DATASETS: Registry[DatasetSpec] = Registry("dataset")


def _register(spec: DatasetSpec) -> DatasetSpec:
    return DATASETS.add(spec.name, spec)


def sample_names() -> list[str]:
    """The datasets with a subset bundled in the package."""
    return [name for name in DATASETS if DATASETS.get(name).sample is not None]


IDX_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def _find_npz(*names: str) -> Finder:
    def find(folder: Path):
        for name in names:
            if (path := folder / name).is_file():
                return formats.read_npz(path), path, ()
        return None

    return find


def _find_idx(*subdirs: str) -> Finder:
    """The four IDX files, each gzipped or raw, in one of `subdirs` of the folder."""

    def find(folder: Path):
        for sub in subdirs:
            where = folder / sub
            paths = [_gz_or_raw(where / stem) for stem in IDX_FILES]
            if all(paths):
                arrays = tuple(formats.read_idx(p) for p in paths)
                return formats.checked_splits(where, arrays), where, ()
        return None

    return find


def _gz_or_raw(stem: Path) -> Path | None:
    for path in (stem.with_name(stem.name + ".gz"), stem):
        if path.is_file():
            return path
    return None


def _first(*finders: Finder) -> Finder:
    def find(folder: Path):
        for finder in finders:
            if (found := finder(folder)) is not None:
                return found
        return None

    return find


CIFAR10_JPEG_NOTE = (
    "CIFAR-10 decoded from the course's JPEG copy: lossy, so accuracies run a little below published CIFAR-10 figures"
)


def _find_cifar10_jpeg(folder: Path):
    """The course's JPEG copy, decoded once and kept decoded in the cache (decoding takes ~10 s)."""
    decoded = fetch.cache_dir() / "cifar10" / "cifar10_from_jpeg.npz"
    source = folder / "cifar10_jpeg.npz"
    if not source.is_file():
        return None
    if decoded.is_file():
        return formats.read_npz(decoded), source, (CIFAR10_JPEG_NOTE,)
    arrays = formats.read_cifar10_jpeg_npz(source)
    _save_npz(decoded, arrays)
    return arrays, source, (CIFAR10_JPEG_NOTE,)


def _save_npz(path: Path, arrays: formats.Splits) -> None:
    import io

    buf = io.BytesIO()
    np.savez(buf, **dict(zip(formats.NPZ_KEYS, arrays, strict=True)))
    write_bytes(path, buf.getvalue())


def _find_cifar10(folder: Path):
    for sub in (folder, folder / "cifar10"):
        if (sub / "cifar10.npz").is_file():
            return formats.read_npz(sub / "cifar10.npz"), sub / "cifar10.npz", ()
        for name in ("cifar-10-batches-py", "cifar-10-python.tar.gz"):
            if (sub / name).exists():
                return formats.read_cifar10(sub / name), sub / name, ()
    return _find_cifar10_jpeg(folder)


_MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
_FASHION_MIRRORS = ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",)

_register(
    DatasetSpec(
        name="mnist",
        classes=tuple(str(d) for d in range(10)),
        find=_first(_find_npz("mnist.npz", "mnist/mnist.npz"), _find_idx("mnist", "MNIST/raw", ".")),
        expected="mnist.npz (x_train, y_train, x_test, y_test) or the four files "
        + ", ".join(f"{s}.gz" for s in IDX_FILES)
        + " (in the folder or its mnist/ subfolder)",
        remote=(
            fetch.RemoteFile(
                "train-images-idx3-ubyte.gz",
                "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
                _MNIST_MIRRORS,
            ),
            fetch.RemoteFile(
                "train-labels-idx1-ubyte.gz",
                "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
                _MNIST_MIRRORS,
            ),
            fetch.RemoteFile(
                "t10k-images-idx3-ubyte.gz",
                "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
                _MNIST_MIRRORS,
            ),
            fetch.RemoteFile(
                "t10k-labels-idx1-ubyte.gz",
                "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
                _MNIST_MIRRORS,
            ),
        ),
        licence="MNIST, Y. LeCun, C. Cortes and C. J. C. Burges; commonly listed as CC BY-SA 3.0.",
        sample="mnist.npz",
    ),
)

_register(
    DatasetSpec(
        name="fashion-mnist",
        classes=(
            "T-shirt/top",
            "Trouser",
            "Pullover",
            "Dress",
            "Coat",
            "Sandal",
            "Shirt",
            "Sneaker",
            "Bag",
            "Ankle boot",
        ),
        find=_first(
            _find_npz("fashion_mnist.npz", "fashion-mnist.npz", "fashion-mnist/fashion_mnist.npz"),
            _find_idx("fashion-mnist", "fashion_mnist", "FashionMNIST/raw"),
        ),
        expected=(
            "fashion_mnist.npz (x_train, y_train, x_test, y_test) or the four IDX .gz files in a fashion-mnist/ "
            "subfolder"
        ),
        remote=(
            fetch.RemoteFile(
                "train-images-idx3-ubyte.gz",
                "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
                _FASHION_MIRRORS,
            ),
            fetch.RemoteFile(
                "train-labels-idx1-ubyte.gz",
                "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
                _FASHION_MIRRORS,
            ),
            fetch.RemoteFile(
                "t10k-images-idx3-ubyte.gz",
                "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
                _FASHION_MIRRORS,
            ),
            fetch.RemoteFile(
                "t10k-labels-idx1-ubyte.gz",
                "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
                _FASHION_MIRRORS,
            ),
        ),
        licence="Fashion-MNIST, MIT licence, (c) 2017 Zalando SE.",
        sample="fashion-mnist.npz",
    ),
)

_register(
    DatasetSpec(
        name="cifar10",
        image_shape=(32, 32, 3),
        classes=("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"),
        find=_find_cifar10,
        expected="cifar10.npz, cifar-10-batches-py/, cifar-10-python.tar.gz, or the course's cifar10_jpeg.npz",
        remote=(
            fetch.RemoteFile(
                "cifar-10-python.tar.gz",
                "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
                ("https://www.cs.toronto.edu/~kriz/",),
            ),
        ),
        licence="CIFAR-10, A. Krizhevsky, V. Nair and G. Hinton (2009); distributed freely for research.",
        sample="cifar10_jpeg.npz",
    ),
)


def _find_stl10(folder: Path):
    """The stl10_binary/ folder (in the folder or its stl10/ subfolder), or the release's tar.gz, decoded
    once into the cache, since reading the 2.6 GB archive takes a while."""
    for sub in (folder / "stl10_binary", folder / "stl10" / "stl10_binary", folder):
        if (sub / "train_X.bin").is_file():
            return formats.read_stl10(sub), sub, ()
    for archive in (folder / "stl10_binary.tar.gz", folder / "stl10" / "stl10_binary.tar.gz"):
        if archive.is_file():
            decoded = fetch.cache_dir() / "stl10" / "stl10_binary.npz"
            if decoded.is_file():
                return formats.read_npz(decoded), archive, ()
            arrays = formats.read_stl10(archive)
            _save_npz(decoded, arrays)
            return arrays, archive, ()
    return None


_register(
    DatasetSpec(
        name="stl10",
        image_shape=(96, 96, 3),
        classes=("airplane", "bird", "car", "cat", "deer", "dog", "horse", "monkey", "ship", "truck"),
        find=_find_stl10,
        expected=(
            "the stl10_binary/ folder of the binary release (" + ", ".join(formats.STL10_FILES) + ") or "
            "stl10_binary.tar.gz (in the folder or its stl10/ subfolder)"
        ),
        remote=(
            # The authors publish no checksum; this sha256 of the 2,640,397,119-byte archive is the one
            # other projects record for it (its MD5, 91f7769df0f17e558f3565bffb0c7dfb, is torchvision's).
            fetch.RemoteFile(
                "stl10_binary.tar.gz",
                "f31fd99273a1acb8609c8db427cebb1de3f71de77758cdc0e22956e1289b9866",
                ("http://ai.stanford.edu/~acoates/stl10/", "https://cs.stanford.edu/~acoates/stl10/"),
            ),
        ),
        licence="STL-10, A. Coates, H. Lee and A. Y. Ng (AISTATS 2011), images from ImageNet; for research use.",
    ),
)

EMNIST_LETTERS_FILES = tuple(
    f"emnist-letters-{split}-{kind}-ubyte" for split in ("train", "test") for kind in ("images-idx3", "labels-idx1")
)


def _find_emnist_letters(folder: Path):
    """The four gzip IDX files in the folder, its emnist/ or gzip/ subfolder (the layout of the official
    release), or inside the official `gzip.zip` / the `emnist` package's cached `emnist.zip`."""
    for sub in (".", "emnist", "gzip", "emnist/gzip"):
        where = folder / sub
        paths = [_gz_or_raw(where / stem) for stem in EMNIST_LETTERS_FILES]
        if all(paths):
            arrays = formats.checked_splits(where, tuple(formats.read_idx(p) for p in paths))
            return formats.emnist_letters(arrays, where), where, ()
    for name in ("gzip.zip", "emnist.zip", "emnist/gzip.zip", "emnist/emnist.zip"):
        if (archive := folder / name).is_file():
            read = (formats.read_gz_idx_from_zip(archive, f"gzip/{stem}.gz") for stem in EMNIST_LETTERS_FILES)
            arrays = formats.checked_splits(archive, tuple(read))
            return formats.emnist_letters(arrays, archive), archive, ()
    return None


_register(
    DatasetSpec(
        name="emnist-letters",
        classes=tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),  # each class holds the upper- and lower-case letter
        find=_find_emnist_letters,
        expected=(
            "the four files emnist-letters-{train,test}-{images-idx3,labels-idx1}-ubyte.gz (in the folder or its "
            "emnist/ or gzip/ subfolder), or the official gzip.zip, or the emnist package's cached emnist.zip "
            "(--data-dir ~/.cache/emnist); there is no automatic download, as the official source is one "
            "zip of about 560 MB"
        ),
        licence="EMNIST, G. Cohen, S. Afshar, J. Tapson and A. van Schaik (2017), from NIST Special Database 19.",
    ),
)


def load(
    name: str, subset: str = "full", data_dir: str | Path | None = None, download: bool = True, quiet: bool = False
) -> Dataset:
    """Load a dataset by name.

    subset="full" searches `data_dir`, `$DLCOURSE_DATA` and the cache, then downloads (unless `download`
    is False or `DLCOURSE_OFFLINE` is set); subset="sample" reads the small real subset in the package.
    """
    spec = DATASETS.get(name)
    if subset == "sample":
        return load_sample(spec)
    if subset != "full":
        raise UnknownName(f"unknown subset {subset!r}; known: full, sample")
    dirs = fetch.search_dirs(data_dir)
    for folder in dirs:
        if (found := spec.find(folder)) is not None:
            return _dataset(spec, *found)
    if download and spec.remote and not fetch.offline():
        target = fetch.cache_dir() / spec.name
        try:
            fetch.download(spec.remote, target, quiet=quiet)
        except DataNotFound as exc:
            raise DataNotFound(f"{name} is not on disk and {exc}; {_where_to_put(spec, dirs)}") from None
        if (found := spec.find(fetch.cache_dir())) is not None:
            return _dataset(spec, *found)
    raise DataNotFound(f"{name} was not found; {_where_to_put(spec, dirs)}")


def _where_to_put(spec: DatasetSpec, dirs: list[Path]) -> str:
    return f"put {spec.expected} in one of: {', '.join(map(str, dirs))} (or pass --data-dir)"


def _dataset(spec: DatasetSpec, arrays: formats.Splits, path: Path, notes: tuple[str, ...]) -> Dataset:
    check_splits(spec.name, arrays, path, spec.image_shape, len(spec.classes))
    x_train, y_train, x_test, y_test = arrays
    return Dataset(
        spec.name, x_train, y_train.astype(np.int64), x_test, y_test.astype(np.int64), spec.classes, str(path), notes
    )


def load_sample(spec: DatasetSpec | str) -> Dataset:
    """The real class-balanced subset shipped in the package (no disk search, no network)."""
    spec = DATASETS.get(spec) if isinstance(spec, str) else spec
    if spec.sample is None:
        raise DataNotFound(f"{spec.name} ships no sample; known samples: {', '.join(sample_names())}")
    ref = resources.files("dlcourse.data") / "samples" / spec.sample
    with resources.as_file(ref) as path:
        arrays = _decoded_jpeg_sample(str(path)) if spec.name == "cifar10" else formats.read_npz(path)
        ds = _dataset(spec, arrays, path, ())
    note = f"the bundled sample of {spec.name}: {len(ds.x_train):,} train / {len(ds.x_test):,} test real images"
    notes = (note, CIFAR10_JPEG_NOTE) if spec.name == "cifar10" else (note,)
    return replace(ds, notes=notes)


@functools.lru_cache(maxsize=1)
def _decoded_jpeg_sample(path: str) -> formats.Splits:
    """Decoding 6,000 JPEGs takes seconds: once per process is enough. The arrays are read-only, so no
    caller can change what the next one gets."""
    arrays = formats.read_cifar10_jpeg_npz(path)
    for array in arrays:
        array.flags.writeable = False
    return arrays
