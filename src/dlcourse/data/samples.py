"""Builds the small real subsets shipped in `samples/` from a full copy of each dataset.

Maintainers run `python -m dlcourse.data.samples --data-dir DIR` once; users only read the result.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import numpy as np

from dlcourse.atomic import write_bytes
from dlcourse.data.registry import SAMPLE_NAMES, load

TRAIN_PER_CLASS = 500
TEST_PER_CLASS = 100
CIFAR10_TRAIN_PER_CLASS = 200  # colour images cost more to ship and to train on than 28x28 digits
CIFAR10_TEST_PER_CLASS = 50


def write_sample(name: str, data_dir: Path, out_dir: Path, seed: int = 0) -> Path:
    ds = load(name, data_dir=data_dir, download=False)
    sub = ds.balanced_subset(TRAIN_PER_CLASS * ds.num_classes, TEST_PER_CLASS * ds.num_classes, seed=seed)
    buf = io.BytesIO()
    np.savez_compressed(
        buf,
        x_train=sub.x_train,
        y_train=sub.y_train.astype(np.uint8),
        x_test=sub.x_test,
        y_test=sub.y_test.astype(np.uint8),
    )
    return write_bytes(out_dir / SAMPLE_NAMES[name], buf.getvalue())


def write_cifar10_jpeg_sample(source: Path, out_dir: Path, seed: int = 0) -> Path:
    """A class-balanced subset of the course's `cifar10_jpeg.npz`, its JPEG files kept byte for byte."""
    rng = np.random.default_rng(seed)
    arrays = {}
    with np.load(source, allow_pickle=False) as npz:
        for split, per_class in (("train", CIFAR10_TRAIN_PER_CLASS), ("test", CIFAR10_TEST_PER_CLASS)):
            blob, offsets, y = npz[f"{split}_jpeg"], npz[f"{split}_offsets"], npz[f"y_{split}"]
            picks = [rng.permutation(np.flatnonzero(y == c))[:per_class] for c in np.unique(y)]
            order = np.sort(np.concatenate(picks))
            files = [blob[offsets[i] : offsets[i + 1]] for i in order]
            arrays[f"{split}_jpeg"] = np.concatenate(files)
            arrays[f"{split}_offsets"] = np.concatenate([[0], np.cumsum([len(f) for f in files])]).astype(np.int64)
            arrays[f"y_{split}"] = y[order].astype(np.uint8)
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    return write_bytes(out_dir / SAMPLE_NAMES["cifar10"], buf.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True, help="folder holding the full datasets")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "samples", help="default: the package")
    args = parser.parse_args()
    for name in SAMPLE_NAMES:
        if name == "cifar10":
            path = write_cifar10_jpeg_sample(args.data_dir / "cifar10_jpeg.npz", args.out)
        else:
            path = write_sample(name, args.data_dir, args.out)
        print(f"{path} {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
