"""STL-10's binary release, written in its own format (column-major 3x96x96 uint8 images, labels 1-10), read back."""

import io
import tarfile

import numpy as np
import pytest

from dlcourse.data import load
from dlcourse.data.formats import STL10_FILES, read_stl10
from dlcourse.errors import CorruptFile, DataNotFound


def upright_images(n, seed):
    x = np.random.default_rng(seed).integers(0, 256, size=(n, 96, 96, 3), dtype=np.uint8)
    x[:, 5, 80] = (255, 0, 0)  # one red pixel near the top right: a transposed or flipped read moves it
    x[:, 80, 5] = (0, 0, 255)
    return x


def release(n_train=6, n_test=4):
    """The four files' bytes, as the official release writes them, and the images and labels they hold."""
    x_train, x_test = upright_images(n_train, 0), upright_images(n_test, 1)
    y_train, y_test = np.arange(n_train) % 10 + 1, (np.arange(n_test) + 3) % 10 + 1
    # Column-major H x W x C (MATLAB order) is C-order C x W x H.
    files = {
        "train_X.bin": x_train.transpose(0, 3, 2, 1).tobytes(),
        "train_y.bin": y_train.astype(np.uint8).tobytes(),
        "test_X.bin": x_test.transpose(0, 3, 2, 1).tobytes(),
        "test_y.bin": y_test.astype(np.uint8).tobytes(),
    }
    return files, (x_train, y_train - 1, x_test, y_test - 1)


def write(folder, files):
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)


def check(arrays, expected):
    for got, want in zip(arrays, expected, strict=True):
        np.testing.assert_array_equal(got, want)
    assert tuple(arrays[0][0, 5, 80]) == (255, 0, 0)


@pytest.mark.parametrize("layout", ["stl10_binary", "stl10/stl10_binary", "tar"])
def test_load_reads_the_release(tmp_path, layout):
    files, expected = release()
    if layout == "tar":
        with tarfile.open(tmp_path / "stl10_binary.tar.gz", "w:gz") as tar:
            for name, data in {**files, "unlabeled_X.bin": b"\0" * 27648, "class_names.txt": b"airplane\n"}.items():
                info = tarfile.TarInfo(f"stl10_binary/{name}")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    else:
        write(tmp_path / layout, files)
    ds = load("stl10", data_dir=tmp_path)
    check((ds.x_train, ds.y_train, ds.x_test, ds.y_test), expected)
    assert ds.x_train.shape == (6, 96, 96, 3) and ds.num_classes == 10
    assert ds.classes[ds.y_test[3]] == "horse"  # stored label 7 (of 1-10) is the seventh class
    if layout == "tar":  # decoded once into the cache, which the next load reads
        assert load("stl10", data_dir=tmp_path).x_test.shape == (4, 96, 96, 3)


def test_truncated_images_and_bad_labels_are_named(tmp_path):
    files, _ = release()
    write(tmp_path / "a", {**files, "train_X.bin": files["train_X.bin"][:-10]})
    with pytest.raises(CorruptFile, match="whole number"):
        read_stl10(tmp_path / "a")
    write(tmp_path / "b", {**files, "test_y.bin": bytes([0, 1, 2, 3])})
    with pytest.raises(CorruptFile, match="labels run 0-3"):
        read_stl10(tmp_path / "b")
    write(tmp_path / "c", {**files, "test_y.bin": bytes([1, 2])})
    with pytest.raises(CorruptFile, match="4 images but 2 labels"):
        read_stl10(tmp_path / "c")
    write(tmp_path / "d", {k: v for k, v in files.items() if k != "test_X.bin"})
    with pytest.raises(CorruptFile, match=r"lacks test_X\.bin"):
        read_stl10(tmp_path / "d")


def test_missing_stl10_says_what_to_put_where(tmp_path):
    with pytest.raises(DataNotFound, match="stl10_binary"):
        load("stl10", data_dir=tmp_path)
    assert set(STL10_FILES) == {"train_X.bin", "train_y.bin", "test_X.bin", "test_y.bin"}
