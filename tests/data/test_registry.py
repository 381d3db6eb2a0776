import gzip
import hashlib
from pathlib import Path

import numpy as np
import pytest

import dlcourse.data
from dlcourse.data import DATASETS, fetch, load, load_sample
from dlcourse.data.dataset import Dataset
from dlcourse.data.registry import IDX_FILES, sample_names
from dlcourse.errors import ChecksumMismatch, DataNotFound, UnknownName
from tests.data.test_formats import idx_bytes


def tiny_splits(seed=0, n=20):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    return dict(x_train=x, y_train=np.arange(n) % 10, x_test=x[:10], y_test=np.arange(10))


@pytest.mark.parametrize("name", ["mnist", "fashion-mnist"])
def test_bundled_samples_are_real_and_balanced(name):
    ds = load(name, subset="sample")
    assert ds.x_train.shape == (5000, 28, 28) and ds.x_test.shape == (1000, 28, 28)
    assert ds.x_train.dtype == np.uint8
    assert np.bincount(ds.y_train).tolist() == [500] * 10
    assert np.bincount(ds.y_test).tolist() == [100] * 10
    # Real images, not noise: mostly black background with bright strokes (MNIST mean ~33, Fashion ~73).
    mean = ds.x_train.mean()
    assert 25 < mean < 85
    assert (ds.x_train == 0).mean() > 0.3
    assert "sample" in ds.notes[0]


def test_load_searches_data_dir_then_env(tmp_path, monkeypatch):
    given, env = tmp_path / "given", tmp_path / "env"
    given.mkdir()
    env.mkdir()
    np.savez(env / "mnist.npz", **tiny_splits(seed=1))
    monkeypatch.setenv("DLCOURSE_DATA", str(env))
    assert load("mnist").source == str(env / "mnist.npz")
    np.savez(given / "mnist.npz", **tiny_splits(seed=2))
    ds = load("mnist", data_dir=given)
    assert ds.source == str(given / "mnist.npz")
    np.testing.assert_array_equal(ds.x_train, tiny_splits(seed=2)["x_train"])


def test_load_reads_gzipped_idx_folder(tmp_path):
    arrays = tiny_splits()
    folder = tmp_path / "mnist"
    folder.mkdir()
    for stem, key in zip(IDX_FILES, ("x_train", "y_train", "x_test", "y_test"), strict=True):
        (folder / f"{stem}.gz").write_bytes(gzip.compress(idx_bytes(np.asarray(arrays[key]))))
    ds = load("mnist", data_dir=tmp_path)
    np.testing.assert_array_equal(ds.x_test, arrays["x_test"])
    assert ds.y_train.tolist() == list(np.arange(20) % 10)


def test_missing_data_names_files_and_places(tmp_path):
    with pytest.raises(DataNotFound) as info:
        load("mnist", data_dir=tmp_path)
    message = str(info.value)
    assert "train-images-idx3-ubyte.gz" in message and "mnist.npz" in message and str(tmp_path) in message


def test_missing_data_dir_is_an_error(tmp_path):
    with pytest.raises(DataNotFound, match="does not exist"):
        load("mnist", data_dir=tmp_path / "nope")


def test_unknown_dataset_lists_known():
    with pytest.raises(UnknownName, match="mnist"):
        load("imagenet")
    with pytest.raises(DataNotFound, match="known samples: mnist, fashion-mnist, cifar10"):
        load_sample("stl10")


def test_every_bundled_sample_is_named_by_its_dataset():
    shipped = {p.name for p in (Path(dlcourse.data.__file__).parent / "samples").glob("*.npz")}
    assert sample_names() == ["mnist", "fashion-mnist", "cifar10"]
    assert {DATASETS.get(name).sample for name in sample_names()} == shipped


def test_cifar10_sample_decodes_its_jpegs():
    ds = load_sample("cifar10")
    assert ds.x_train.shape == (5000, 32, 32, 3) and ds.x_test.shape == (1000, 32, 32, 3)
    assert np.bincount(ds.y_train).tolist() == [500] * 10 and np.bincount(ds.y_test).tolist() == [100] * 10
    # Natural colour photographs: mid-grey on average, all three channels differing.
    assert 100 < ds.x_train.mean() < 140 and ds.x_train.std() > 50
    assert np.abs(ds.x_train[..., 0].astype(int) - ds.x_train[..., 2]).mean() > 5
    assert any("lossy" in note for note in ds.notes)


def test_download_verifies_sha256(tmp_path):
    """Downloads go through urllib, which also serves file:// URLs: a real transfer without a network."""
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    payload = b"some dataset bytes"
    (mirror / "data.bin").write_bytes(payload)
    good = fetch.RemoteFile("data.bin", hashlib.sha256(payload).hexdigest(), (mirror.as_uri() + "/",))
    fetch.download((good,), tmp_path / "cache", quiet=True)
    assert (tmp_path / "cache" / "data.bin").read_bytes() == payload

    bad = fetch.RemoteFile("data.bin", "0" * 64, (mirror.as_uri() + "/",))
    with pytest.raises(ChecksumMismatch):
        fetch.download((bad,), tmp_path / "other", quiet=True)
    assert list((tmp_path / "other").iterdir()) == []

    gone = fetch.RemoteFile("absent.bin", "0" * 64, (mirror.as_uri() + "/",))
    with pytest.raises(DataNotFound, match=r"absent\.bin"):
        fetch.download((gone,), tmp_path / "third", quiet=True)


def test_balanced_subset_takes_equal_counts():
    y = np.repeat(np.arange(10), [50, 60, 70, 80, 90, 100, 110, 120, 130, 140])
    x = np.arange(len(y))[:, None]
    ds = Dataset("t", x, y, x, y, tuple("0123456789"), "mem")
    sub = ds.balanced_subset(200, 100, seed=3)
    assert np.bincount(sub.y_train).tolist() == [20] * 10
    assert np.bincount(sub.y_test).tolist() == [10] * 10
    assert np.all(np.diff(sub.x_train[:, 0]) > 0)  # source order kept
    assert ds.balanced_subset(None, None) is ds
