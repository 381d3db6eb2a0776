"""Clock images a user points a reader at: PNG or JPEG files, folders of them, or `.npz` files with `images`."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from dlcourse.errors import CorruptFile, DataNotFound

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


def read_clock_images(sources: list[str | Path]) -> tuple[list[str], list[np.ndarray]]:
    """(a name for each image, the images as uint8 grayscale H x W), in the order given; folders in name order."""
    names: list[str] = []
    images: list[np.ndarray] = []
    for source in map(Path, sources):
        if source.is_dir():
            files = sorted(p for p in source.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
            if not files:
                raise DataNotFound(f"{source} holds no PNG or JPEG images")
            for path in files:
                names.append(str(path))
                images.append(_read_image(path))
        elif not source.exists():
            raise DataNotFound(f"{source} does not exist")
        elif source.suffix.lower() == ".npz":
            batch = _read_npz(source)
            names += [f"{source}[{i}]" for i in range(len(batch))]
            images += list(batch)
        else:
            names.append(str(source))
            images.append(_read_image(source))
    return names, images


def _read_image(path: Path) -> np.ndarray:
    try:
        with Image.open(path) as image:
            return np.asarray(image.convert("L"), dtype=np.uint8)
    except (UnidentifiedImageError, OSError) as exc:
        raise CorruptFile(f"{path} is not a readable PNG or JPEG image ({exc.__class__.__name__})") from None


def _read_npz(path: Path) -> np.ndarray:
    try:
        with np.load(path, allow_pickle=False) as npz:
            if "images" not in npz.files:
                raise CorruptFile(f"{path} holds no 'images' array (it holds: {', '.join(npz.files) or 'nothing'})")
            images = npz["images"]
    except (zipfile.BadZipFile, EOFError, ValueError, OSError) as exc:
        raise CorruptFile(f"{path} is not a readable .npz file ({exc.__class__.__name__})") from None
    if images.ndim != 3 or images.dtype != np.uint8 or len(images) == 0:
        raise CorruptFile(
            f"{path}: 'images' must be a non-empty uint8 N x H x W array, got {images.dtype} {images.shape}"
        )
    return images


def at_size(images: list[np.ndarray], size: int) -> np.ndarray:
    """The images resized (area-averaged when shrinking) to size x size, stacked as uint8 N x size x size."""
    out = np.empty((len(images), size, size), dtype=np.uint8)
    for i, image in enumerate(images):
        same = image.shape == (size, size)
        out[i] = image if same else np.asarray(Image.fromarray(image).resize((size, size), Image.Resampling.LANCZOS))
    return out
