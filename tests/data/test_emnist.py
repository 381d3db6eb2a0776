import gzip
import zipfile

import numpy as np
import pytest

from dlcourse.data import load
from dlcourse.data.registry import EMNIST_LETTERS_FILES
from dlcourse.errors import CorruptFile, DataNotFound
from tests.data.test_formats import idx_bytes


def stored_arrays(n_train=30, n_test=10):
    """Images as the EMNIST files hold them (transposed) and raw labels 1-26."""
    rng = np.random.default_rng(0)
    upright = rng.integers(0, 256, size=(n_train + n_test, 28, 28), dtype=np.uint8)
    upright[:, 2, 20] = 255  # asymmetric, so a missing or doubled transpose shows
    upright[:, 20, 2] = 0
    labels = (np.arange(n_train + n_test) % 26 + 1).astype(np.uint8)
    stored = upright.transpose(0, 2, 1)
    return (
        upright,
        labels,
        {
            EMNIST_LETTERS_FILES[0]: stored[:n_train],
            EMNIST_LETTERS_FILES[1]: labels[:n_train],
            EMNIST_LETTERS_FILES[2]: stored[n_train:],
            EMNIST_LETTERS_FILES[3]: labels[n_train:],
        },
    )


def write_gz(folder, files):
    folder.mkdir(parents=True, exist_ok=True)
    for stem, array in files.items():
        (folder / f"{stem}.gz").write_bytes(gzip.compress(idx_bytes(array)))


@pytest.mark.parametrize("layout", [".", "emnist", "gzip", "emnist/gzip", "gzip.zip", "emnist/emnist.zip"])
def test_labels_shift_to_zero_and_images_turn_upright(tmp_path, layout):
    upright, labels, files = stored_arrays()
    if layout.endswith(".zip"):
        (tmp_path / layout).parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(tmp_path / layout, "w") as zf:
            for stem, array in files.items():
                zf.writestr(f"gzip/{stem}.gz", gzip.compress(idx_bytes(array)))
    else:
        write_gz(tmp_path / layout, files)
    ds = load("emnist-letters", data_dir=tmp_path)
    np.testing.assert_array_equal(ds.x_train, upright[:30])
    np.testing.assert_array_equal(ds.x_test, upright[30:])
    np.testing.assert_array_equal(ds.y_train, labels[:30].astype(np.int64) - 1)
    assert ds.y_train.min() == 0 and ds.y_train.max() == 25 and ds.num_classes == 26
    assert ds.classes[ds.y_train[0]] == "A"


def test_labels_outside_1_to_26_are_corrupt(tmp_path):
    _, _, files = stored_arrays()
    files[EMNIST_LETTERS_FILES[1]] = np.zeros(30, dtype=np.uint8)  # 0 is not a letter
    write_gz(tmp_path, files)
    with pytest.raises(CorruptFile, match="expected 1-26"):
        load("emnist-letters", data_dir=tmp_path)


def test_missing_emnist_names_the_files_and_has_no_download(tmp_path):
    with pytest.raises(DataNotFound, match=r"emnist-letters-.*no automatic download"):
        load("emnist-letters", data_dir=tmp_path)
