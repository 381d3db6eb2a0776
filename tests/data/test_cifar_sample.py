import io

import numpy as np
import pytest
from PIL import Image

from dlcourse.data import load_sample
from dlcourse.data.formats import read_cifar10_jpeg_npz
from dlcourse.data.registry import CIFAR10_JPEG_NOTE
from dlcourse.data.samples import write_cifar10_sample


def test_bundled_cifar10_sample_is_balanced_real_and_says_it_is_lossy():
    ds = load_sample("cifar10")
    assert ds.x_train.shape == (5000, 32, 32, 3) and ds.x_test.shape == (1000, 32, 32, 3)
    assert ds.x_train.dtype == np.uint8
    assert np.bincount(ds.y_train).tolist() == [500] * 10 and np.bincount(ds.y_test).tolist() == [100] * 10
    assert CIFAR10_JPEG_NOTE in ds.notes
    assert 100 < ds.x_train.mean() < 140  # natural photos, not blank or saturated arrays
    with pytest.raises(ValueError):  # decoded once per process and shared: nobody may change it
        ds.x_train[0, 0, 0, 0] = 0


def jpeg(value):
    buf = io.BytesIO()
    Image.fromarray(np.full((32, 32, 3), value, dtype=np.uint8)).save(buf, format="JPEG")
    return np.frombuffer(buf.getvalue(), dtype=np.uint8)


def test_the_sample_keeps_each_chosen_jpeg_byte_for_byte(tmp_path):
    arrays = {}
    for split, n in (("train", 30), ("test", 20)):
        files = [jpeg(8 * i) for i in range(n)]
        arrays[f"{split}_jpeg"] = np.concatenate(files)
        arrays[f"{split}_offsets"] = np.concatenate([[0], np.cumsum([len(f) for f in files])])
        arrays[f"y_{split}"] = (np.arange(n) % 10).astype(np.uint8)
    source = tmp_path / "cifar10_jpeg.npz"
    np.savez(source, **arrays)
    out = write_cifar10_sample(source, tmp_path / "sample.npz")
    # Fewer images than the per-class quota: every image is kept, in its original order, bytes unchanged.
    with np.load(out) as sample:
        for key, value in arrays.items():
            assert np.array_equal(sample[key], value), key
    x_train = read_cifar10_jpeg_npz(out)[0]
    assert x_train.shape == (30, 32, 32, 3) and abs(int(x_train[5].mean()) - 40) <= 2
