"""A dataset file with the wrong arrays fails at load, naming the file and the problem."""

import numpy as np
import pytest

from dlcourse import data
from dlcourse.errors import CorruptFile


def mnist_like(n=20, shape=(28, 28), dtype=np.uint8, labels=None):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (n, *shape)).astype(dtype)
    y = rng.integers(0, 10, n) if labels is None else labels
    return {"x_train": x, "y_train": y, "x_test": x[:5], "y_test": y[:5]}


@pytest.mark.parametrize(
    ("arrays", "words"),
    [
        (mnist_like(dtype=np.float32), "images are float32, not uint8"),
        (mnist_like(shape=(27, 27)), "images have shape (20, 27, 27), not N x 28 x 28"),
        (mnist_like(labels=np.zeros((20, 1, 1), dtype=np.int64)), "labels have shape (20, 1, 1)"),
        (mnist_like(labels=np.full(20, 11)), "labels run from 11 to 11, outside the classes 0-9"),
        (mnist_like(labels=np.full(20, -1)), "labels run from -1 to -1"),
        (mnist_like(labels=np.full(20, 1.5)), "labels are float64, not integer class indices"),
        (mnist_like(n=0, labels=np.zeros(0, dtype=np.int64)), "training set has no images"),
    ],
)
def test_bad_mnist_arrays_are_named(tmp_path, arrays, words):
    np.savez(tmp_path / "mnist.npz", **arrays)
    with pytest.raises(CorruptFile, match=r"mnist\.npz is not a usable mnist file") as info:
        data.load("mnist", data_dir=tmp_path, download=False)
    assert words in str(info.value)


def test_cifar10_images_without_a_channel_axis(tmp_path):
    np.savez(tmp_path / "cifar10.npz", **mnist_like(shape=(32, 32)))
    with pytest.raises(CorruptFile, match=r"not N x 32 x 32 x 3"):
        data.load("cifar10", data_dir=tmp_path, download=False)


def test_good_arrays_load(tmp_path):
    np.savez(tmp_path / "mnist.npz", **mnist_like())
    assert len(data.load("mnist", data_dir=tmp_path, download=False).y_train) == 20
