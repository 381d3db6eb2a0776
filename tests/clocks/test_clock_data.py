import numpy as np
import pytest

from dlcourse.cli import main
from dlcourse.data import fetch
from dlcourse.data.clock_data import load_clocks, read_original, rendered_clocks, uniform_times
from dlcourse.data.clocks import Variety
from dlcourse.errors import CorruptFile, DataNotFound


def test_times_are_uniform():
    hours, minutes = uniform_times(1440, np.random.default_rng(0))
    counts = np.bincount(hours * 60 + minutes, minlength=720)
    assert counts.min() == counts.max() == 2
    assert not np.array_equal(hours[:60], np.zeros(60))  # shuffled, not in time order


def test_a_small_set_spans_the_whole_dial():
    hours, minutes = uniform_times(100, np.random.default_rng(0))
    times = hours * 60 + minutes
    assert len(np.unique(times)) == 100  # distinct times
    assert len(np.unique(hours)) == 12 and times.max() - times.min() > 600
    counts = np.bincount(uniform_times(2000, np.random.default_rng(1))[0], minlength=12)
    assert counts.max() - counts.min() <= 20  # 166.7 an hour on average; in time order hours 10-11 got 120


def test_rendered_clocks_are_cached_by_their_settings():
    first = rendered_clocks(30, 32, seed=5)
    files = list((fetch.cache_dir() / "clocks").glob("*.npz"))
    assert len(files) == 1 and "cached" not in first.source
    again = rendered_clocks(30, 32, seed=5)
    assert "cached" in again.source
    np.testing.assert_array_equal(again.images, first.images)
    np.testing.assert_array_equal(again.labels, first.labels)
    assert first.images.shape == (30, 32, 32) and first.labels.shape == (30, 2)
    rendered_clocks(30, 32, seed=5, variety=Variety(rotation=10))
    rendered_clocks(30, 32, seed=6)
    assert len(list((fetch.cache_dir() / "clocks").glob("*.npz"))) == 3
    files[0].write_bytes(b"damaged")  # a damaged cache file is drawn again
    np.testing.assert_array_equal(rendered_clocks(30, 32, seed=5).images, first.images)


def _write_original(folder, images, labels):
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / "images.npy", images)
    np.save(folder / "labels.npy", labels)


def test_original_files_are_read_from_a_folder_or_the_data_dir(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (40, 24, 24), dtype=np.uint8)
    labels = np.stack([rng.integers(0, 12, 40), rng.integers(0, 60, 40)], 1)
    _write_original(tmp_path / "clocks", images, labels)
    data = read_original(tmp_path / "clocks" / "images.npy")
    np.testing.assert_array_equal(data.images, images)
    assert data.labels.dtype == np.int64 and data.labels.tolist() == labels.tolist()
    found = load_clocks("original", count=10, size=150, seed=0, data_dir=tmp_path)
    assert len(found.images) == 10 and found.size == 24
    assert any("24x24" in n for n in found.notes) and any("random 10" in n for n in found.notes)
    assert load_clocks(str(tmp_path / "clocks"), count=100, size=24, seed=0).notes == ()


def test_float_images_are_scaled_to_bytes(tmp_path):
    _write_original(tmp_path, np.full((2, 8, 8), 0.5, dtype=np.float32), np.array([[1, 2], [3, 4]]))
    assert read_original(tmp_path).images.tolist() == np.full((2, 8, 8), 128, dtype=np.uint8).tolist()


def test_missing_originals_are_named(tmp_path):
    with pytest.raises(DataNotFound, match=r"images\.npy"):
        load_clocks("original", count=10, size=24, seed=0, data_dir=tmp_path)
    (tmp_path / "images.npy").write_bytes(b"")
    with pytest.raises(DataNotFound, match=r"labels\.npy"):
        read_original(tmp_path)


@pytest.mark.parametrize(
    ("images", "labels", "message"),
    [
        (np.zeros((3, 8, 8), np.uint8), np.zeros((2, 2), int), "expected \\(3, 2\\)"),
        (np.zeros((3, 8), np.uint8), np.zeros((3, 2), int), "N x H x H"),
        (np.zeros((2, 8, 8), np.uint8), np.array([[12, 0], [0, 0]]), "outside"),
        (np.zeros((2, 8, 8), np.uint8), np.array([[1, 60], [0, 0]]), "outside"),
        (np.zeros((2, 8, 8), np.uint8), np.array([[1.5, 3], [0, 0]]), "non-integer"),
        (np.full((2, 8, 8), 300.0), np.zeros((2, 2), int), "0-255"),
    ],
)
def test_malformed_originals_are_refused(tmp_path, images, labels, message):
    _write_original(tmp_path, images, labels)
    with pytest.raises(CorruptFile, match=message):
        read_original(tmp_path)


def test_unreadable_npy_is_corrupt(tmp_path):
    _write_original(tmp_path, np.zeros((2, 8, 8), np.uint8), np.zeros((2, 2), int))
    (tmp_path / "images.npy").write_bytes(b"\x93NUMPY garbage")
    with pytest.raises(CorruptFile, match=r"images\.npy"):
        read_original(tmp_path)


def test_the_command_line_names_missing_originals(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        main(["run", "leiden-a1/2", "--set", "images=original", "--quiet"])
    err = capsys.readouterr().err.strip()
    assert info.value.code == 2 and err.startswith("error: ") and "images.npy" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "runs" / "leiden-a1" / "2").exists()
