"""Bad files and folders: dataset files with the wrong arrays or bytes, run folders that cannot be written.
Each gives one sentence and exit 2, and the earlier run is untouched."""

import errno
import io
import os
from pathlib import Path

import numpy as np
import pytest

from dlcourse import atomic
from tests.bad_inputs.conftest import TASK


def arrays(n=20, shape=(28, 28), dtype=np.uint8, labels=None, classes=10):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (n, *shape)).astype(dtype)
    y = rng.integers(0, classes, n) if labels is None else labels
    return {"x_train": x, "y_train": y, "x_test": x[:5], "y_test": y[:5]}


def npz_bytes(**named) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **named)
    return buf.getvalue()


BAD_MNIST = {
    "float images in [0, 1]": (npz_bytes(**arrays(dtype=np.float32)), "images are float32, not uint8"),
    "27x27 images": (npz_bytes(**arrays(shape=(27, 27))), "not N x 28 x 28"),
    "3-D labels": (npz_bytes(**arrays(labels=np.zeros((20, 1, 1), dtype=np.int64))), "labels have shape (20, 1, 1)"),
    "no images": (npz_bytes(**arrays(n=0, labels=np.zeros(0, dtype=np.int64))), "has no images"),
    "label 11": (npz_bytes(**arrays(labels=np.full(20, 11))), "outside the classes 0-9"),
    "label -1": (npz_bytes(**arrays(labels=np.full(20, -1))), "outside the classes 0-9"),
    "float labels": (npz_bytes(**arrays(labels=np.full(20, 1.5))), "not integer class indices"),
    "fewer labels than images": (npz_bytes(**arrays(labels=np.zeros(7, dtype=np.int64))), "20 images but 7 labels"),
    "a missing array": (npz_bytes(x_train=arrays()["x_train"]), "mnist.npz"),
    "not a zip": (b"these are not the arrays you are looking for" * 10, "mnist.npz"),
    "empty file": (b"", "mnist.npz"),
    "cut in half": (npz_bytes(**arrays())[:1500], "mnist.npz"),
    "a pickled object array": (npz_bytes(x_train=np.array([{"a": 1}], dtype=object)), "mnist.npz"),
}


@pytest.mark.parametrize("case", list(BAD_MNIST))
def test_a_bad_mnist_file(case, refuse, earlier, tmp_path):
    content, words = BAD_MNIST[case]
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "mnist.npz").write_bytes(content)
    assert refuse(["run", TASK, "-q", "--data-dir", tmp_path / "data", "--runs-dir", earlier.runs], words).startswith(
        "error: "
    )
    assert (tmp_path / "data" / "mnist.npz").read_bytes() == content


def test_cifar10_images_without_a_channel_axis(refuse, earlier, tmp_path):
    (tmp_path / "data").mkdir()
    np.savez(tmp_path / "data" / "cifar10.npz", **arrays(shape=(32, 32)))
    assert refuse(
        ["run", "tbmi26/q1", "-q", "--data-dir", tmp_path / "data", "--runs-dir", earlier.runs], "32 x 32 x 3"
    ).startswith("error: ")


def test_cifar10_label_out_of_range(refuse, earlier, tmp_path):
    (tmp_path / "data").mkdir()
    np.savez(tmp_path / "data" / "cifar10.npz", **arrays(shape=(32, 32, 3), labels=np.full(20, 10)))
    assert refuse(
        ["run", "tbmi26/q1", "-q", "--data-dir", tmp_path / "data", "--runs-dir", earlier.runs], "0-9"
    ).startswith("error: ")


def test_fashion_mnist_float_images(refuse, earlier, tmp_path):
    (tmp_path / "data").mkdir()
    np.savez(tmp_path / "data" / "fashion_mnist.npz", **arrays(dtype=np.float64))
    assert refuse(
        ["run", "bath-a2/6.1", "-q", "--data-dir", tmp_path / "data", "--runs-dir", earlier.runs], "float64"
    ).startswith("error: ")


# -- run folders that cannot be written -------------------------------------------------------------------


def quick(runs: Path) -> list:
    return ["run", TASK, "--profile", "quick", "-q", "--epochs", "1", "--runs-dir", runs]


def test_a_runs_dir_that_is_a_file(refuse, tmp_path, earlier):
    (tmp_path / "runs").write_text("not a folder")
    assert refuse(quick(tmp_path / "runs"), "earlier results are kept").startswith("error: ")
    assert (tmp_path / "runs").read_text() == "not a folder"


def test_a_runs_dir_below_a_file(refuse, tmp_path, earlier):
    (tmp_path / "file").write_text("x")
    assert refuse(quick(tmp_path / "file" / "runs"), "file").startswith("error: ")


def test_a_suite_folder_that_is_a_file(refuse, tmp_path, earlier):
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "bath-a2").write_text("x")
    assert refuse(quick(tmp_path / "runs"), "bath-a2").startswith("error: ")
    assert (tmp_path / "runs" / "bath-a2").read_text() == "x"


def test_a_task_folder_that_is_a_file(refuse, tmp_path, earlier):
    (tmp_path / "runs" / "bath-a2").mkdir(parents=True)
    (tmp_path / "runs" / "bath-a2" / "3.1").write_text("x")
    assert refuse(quick(tmp_path / "runs"), "3.1").startswith("error: ")
    assert (tmp_path / "runs" / "bath-a2" / "3.1").read_text() == "x"


def test_a_full_disk_while_results_are_written(refuse, earlier, monkeypatch):
    real = atomic.write_bytes

    def full(path, data):
        if Path(path).name == "metrics.json":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real(path, data)

    monkeypatch.setattr(atomic, "write_bytes", full)
    line = refuse(quick(earlier.runs), "No space left on device")
    assert "kept" in line


def test_a_previous_run_that_cannot_be_moved_aside(refuse, earlier, monkeypatch):
    real = Path.rename

    def read_only(self, target):
        if self == earlier.folder:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real(self, target)

    monkeypatch.setattr(Path, "rename", read_only)
    assert refuse(quick(earlier.runs), "kept").startswith("error: ")


def test_a_staging_folder_that_cannot_be_made(refuse, earlier, monkeypatch):
    real = Path.mkdir

    def read_only(self, *args, **kwargs):
        if ".partial-" in self.name:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", read_only)
    assert refuse(quick(earlier.runs), "kept").startswith("error: ")


def test_a_report_whose_file_is_a_folder(refuse, earlier):
    (earlier.runs / "bath-a2" / "report.html").mkdir()
    try:
        assert refuse(["report", "bath-a2", "--runs-dir", earlier.runs], "report.html").startswith("error: ")
    finally:
        (earlier.runs / "bath-a2" / "report.html").rmdir()
        (earlier.runs / "bath-a2" / "report.md").unlink(missing_ok=True)  # written before the HTML failed
