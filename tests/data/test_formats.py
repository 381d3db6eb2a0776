import gzip
import io
import pickle
import struct
import tarfile

import numpy as np
import pytest

from dlcourse.data import formats
from dlcourse.errors import CorruptFile


def idx_bytes(array: np.ndarray) -> bytes:
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(struct.pack(">I", d) for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


@pytest.fixture
def images():
    return np.random.default_rng(0).integers(0, 256, size=(7, 28, 28), dtype=np.uint8)


@pytest.mark.parametrize("gz", [False, True])
def test_idx_round_trip(tmp_path, images, gz):
    path = tmp_path / ("x.idx.gz" if gz else "x.idx")
    data = idx_bytes(images)
    path.write_bytes(gzip.compress(data) if gz else data)
    np.testing.assert_array_equal(formats.read_idx(path), images)


def test_idx_labels_are_one_dimensional(tmp_path):
    labels = np.arange(10, dtype=np.uint8)
    (tmp_path / "y").write_bytes(idx_bytes(labels))
    np.testing.assert_array_equal(formats.read_idx(tmp_path / "y"), labels)


def test_truncated_idx_is_named(tmp_path, images):
    path = tmp_path / "x.idx"
    path.write_bytes(idx_bytes(images)[:-100])
    with pytest.raises(CorruptFile, match="truncated"):
        formats.read_idx(path)


def test_idx_with_extra_bytes_is_rejected(tmp_path, images):
    path = tmp_path / "x.idx"
    path.write_bytes(idx_bytes(images) + b"\0")
    with pytest.raises(CorruptFile, match="longer"):
        formats.read_idx(path)


def test_bad_magic_is_rejected(tmp_path):
    (tmp_path / "x").write_bytes(b"PK\x03\x04 not an idx file")
    with pytest.raises(CorruptFile, match="magic"):
        formats.read_idx(tmp_path / "x")


def test_corrupt_gzip_is_rejected(tmp_path, images):
    blob = gzip.compress(idx_bytes(images))
    (tmp_path / "x.gz").write_bytes(blob[: len(blob) // 2])
    with pytest.raises(CorruptFile):
        formats.read_idx(tmp_path / "x.gz")


def test_npz_round_trip_and_errors(tmp_path, images):
    labels = np.arange(7) % 3
    good = tmp_path / "d.npz"
    np.savez(good, x_train=images, y_train=labels, x_test=images[:2], y_test=labels[:2])
    x_train, _, x_test, _ = formats.read_npz(good)
    np.testing.assert_array_equal(x_train, images)
    assert x_test.shape == (2, 28, 28)

    np.savez(tmp_path / "missing.npz", x_train=images, y_train=labels)
    with pytest.raises(CorruptFile, match="x_test"):
        formats.read_npz(tmp_path / "missing.npz")

    np.savez(tmp_path / "uneven.npz", x_train=images, y_train=labels[:3], x_test=images, y_test=labels)
    with pytest.raises(CorruptFile, match="7 images but 3 labels"):
        formats.read_npz(tmp_path / "uneven.npz")

    (tmp_path / "junk.npz").write_bytes(good.read_bytes()[:200])
    with pytest.raises(CorruptFile):
        formats.read_npz(tmp_path / "junk.npz")


def cifar_batch(n: int, seed: int) -> tuple[dict, np.ndarray]:
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 32, 32, 3), dtype=np.uint8)
    rows = images.transpose(0, 3, 1, 2).reshape(n, 3072)  # the release stores R plane, G plane, B plane
    return {b"data": rows, b"labels": [int(v) for v in rng.integers(0, 10, size=n)]}, images


def write_cifar_folder(folder):
    folder.mkdir()
    expected = []
    for i, name in enumerate([*formats.CIFAR10_TRAIN_BATCHES, formats.CIFAR10_TEST_BATCH]):
        batch, images = cifar_batch(4, i)
        (folder / name).write_bytes(pickle.dumps(batch))
        expected.append((images, np.array(batch[b"labels"], dtype=np.uint8)))
    return expected


def test_cifar_folder_and_tarball(tmp_path):
    folder = tmp_path / "cifar-10-batches-py"
    expected = write_cifar_folder(folder)
    tarball = tmp_path / "cifar-10-python.tar.gz"
    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(folder, arcname="cifar-10-batches-py")
    for source in (folder, tarball):
        x_train, y_train, x_test, y_test = formats.read_cifar10(source)
        assert x_train.shape == (20, 32, 32, 3) and x_test.shape == (4, 32, 32, 3)
        np.testing.assert_array_equal(x_train[:4], expected[0][0])
        np.testing.assert_array_equal(y_train[4:8], expected[1][1])
        np.testing.assert_array_equal(x_test, expected[5][0])
        np.testing.assert_array_equal(y_test, expected[5][1])


def test_cifar_missing_batch_and_truncated_tar(tmp_path):
    folder = tmp_path / "cifar-10-batches-py"
    write_cifar_folder(folder)
    (folder / "data_batch_3").unlink()
    with pytest.raises(CorruptFile, match="data_batch_3"):
        formats.read_cifar10(folder)
    tarball = tmp_path / "c.tar.gz"
    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(tmp_path / "cifar-10-batches-py", arcname="cifar-10-batches-py")
    tarball.write_bytes(tarball.read_bytes()[:300])
    with pytest.raises(CorruptFile):
        formats.read_cifar10(tarball)


class _Exploit:
    def __reduce__(self):
        return (eval, ("__import__('pathlib').Path('PWNED').touch()",))


def test_cifar_pickle_cannot_run_code(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "cifar-10-batches-py"
    write_cifar_folder(folder)
    (folder / "data_batch_1").write_bytes(pickle.dumps({b"data": _Exploit(), b"labels": [0]}))
    with pytest.raises(CorruptFile, match="refusing"):
        formats.read_cifar10(folder)
    assert not (tmp_path / "PWNED").exists()


def test_cifar_jpeg_archive_decodes(tmp_path):
    from PIL import Image

    def pack(images):
        blobs = []
        for im in images:
            buf = io.BytesIO()
            Image.fromarray(im).save(buf, format="JPEG", quality=95)
            blobs.append(buf.getvalue())
        offsets = np.cumsum([0] + [len(b) for b in blobs])
        return np.frombuffer(b"".join(blobs), dtype=np.uint8), offsets

    flat = np.full((3, 32, 32, 3), 200, dtype=np.uint8)  # flat colour survives JPEG almost exactly
    train_jpeg, train_offsets = pack(flat)
    test_jpeg, test_offsets = pack(flat[:1])
    path = tmp_path / "cifar10_jpeg.npz"
    np.savez(
        path,
        train_jpeg=train_jpeg,
        train_offsets=train_offsets,
        y_train=np.array([1, 2, 3], np.uint8),
        test_jpeg=test_jpeg,
        test_offsets=test_offsets,
        y_test=np.array([4], np.uint8),
    )
    x_train, y_train, x_test, _ = formats.read_cifar10_jpeg_npz(path)
    assert x_train.shape == (3, 32, 32, 3) and x_test.shape == (1, 32, 32, 3)
    assert np.abs(x_train.astype(int) - 200).max() <= 2
    assert y_train.tolist() == [1, 2, 3]
