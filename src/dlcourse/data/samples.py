"""Builds the small real subsets shipped in `samples/` from a full copy of each dataset.

Maintainers run `python -m dlcourse.data.samples --data-dir DIR` once; users only read the result.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import numpy as np

from dlcourse.atomic import write_bytes
from dlcourse.data.registry import DATASETS, load, sample_names

TRAIN_PER_CLASS = 500
TEST_PER_CLASS = 100


def write_sample(name: str, data_dir: Path, out_dir: Path, seed: int = 0) -> Path:
    out = out_dir / DATASETS.get(name).sample
    if name == "cifar10":
        return write_cifar10_sample(data_dir / "cifar10_jpeg.npz", out, seed)
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
    return write_bytes(out, buf.getvalue())


def write_cifar10_sample(source: Path, out: Path, seed: int = 0) -> Path:
    """A class-balanced subset of the course's JPEG copy of CIFAR-10, in the same archive format: each
    image keeps its JPEG bytes as they are, so the sample adds no second lossy step (and stays small: the
    files share their JPEG headers, which the compression then stores about once)."""
    rng = np.random.default_rng(seed)
    arrays = {}
    with np.load(source, allow_pickle=False) as npz:
        for split, per_class in (("train", TRAIN_PER_CLASS), ("test", TEST_PER_CLASS)):
            blob, offsets, labels = npz[f"{split}_jpeg"], npz[f"{split}_offsets"], npz[f"y_{split}"]
            picks = [rng.permutation(np.flatnonzero(labels == c))[:per_class] for c in np.unique(labels)]
            chosen = np.sort(np.concatenate(picks))
            images = [blob[offsets[i] : offsets[i + 1]] for i in chosen]
            arrays[f"{split}_jpeg"] = np.concatenate(images)
            arrays[f"{split}_offsets"] = np.concatenate([[0], np.cumsum([len(im) for im in images])])
            arrays[f"y_{split}"] = labels[chosen].astype(np.uint8)
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    return write_bytes(out, buf.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True, help="folder holding the full datasets")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "samples", help="default: the package")
    args = parser.parse_args()
    for name in sample_names():
        path = write_sample(name, args.data_dir, args.out)
        print(f"{path} {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
