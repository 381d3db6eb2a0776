"""The notebooks `dlcourse notebook` writes: named as the briefs ask, executed top to bottom, exported."""

import os
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

import dlcourse
from dlcourse.cli import main
from dlcourse.suites import TASKS, select
from dlcourse.suites.notebook.build import build_notebooks
from dlcourse.suites.notebook.questions import QUESTIONS, notebook_name, question
from tests.printed.conftest import TASK_IDS


@pytest.fixture
def kernel_imports_this_dlcourse(monkeypatch):
    """The Jupyter kernel is a new Python process started in the notebook's folder: give it this source tree."""
    monkeypatch.setenv("PYTHONPATH", str(Path(dlcourse.__file__).resolve().parents[1]))


def test_executed_notebook_shows_every_recorded_task(recorded, kernel_imports_this_dlcourse):
    path, code = build_notebooks("bath-a2", recorded, group="7")
    assert path == recorded / "bath-a2" / "Assignment2_Group_7.ipynb"
    assert code == recorded / "bath-a2" / "Assignment2_Group_7.code"
    nb = nbformat.read(path, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code)  # every cell ran, in order
    outputs = [output for cell in code for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    assert sum("image/png" in output.get("data", {}) for output in outputs) == len(TASK_IDS)
    printed = "".join(output.get("text", "") for output in outputs)
    for task_id in TASK_IDS:
        assert f"Recorded by: dlcourse run {task_id} --profile quick" in printed
    assert "No finished run of bath-a2/6.2" in printed  # unrecorded tasks say how to record them
    headings = [cell.source for cell in nb.cells if cell.cell_type == "markdown"]
    assert any("> Discuss how the number of layers/parameters affects" in h for h in headings)  # the brief's 3.2

    script = path.with_suffix(".py").read_text()
    assert "show('bath-a2/3.1', RUNS)" in script
    assert len(jupytext.reads(script, fmt="py:percent").cells) == len(nb.cells)
    html = path.with_suffix(".html").read_text()
    assert html.count("data:image/png;base64,") >= len(TASK_IDS)


def test_fit3181_has_one_notebook_per_part():
    names = {notebook_name(task, "N") for task in select("fit3181-a1")}
    assert names == {"A1_Part1_Solutions", "A1_Part2_Solutions", "A1_Part3_Solutions"}


def test_questions_quote_the_brief_for_every_task():
    assert set(QUESTIONS) <= set(TASKS)  # no quote for a task that is not registered
    for task in (TASKS.get(task_id) for task_id in TASKS):
        assert question(task) == QUESTIONS[task.id] != task.title


def test_notebook_of_a_task_is_one_error_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["notebook", "bath-a2/3.1", "--runs-dir", str(tmp_path)])
    assert stopped.value.code == 2
    assert capsys.readouterr().err.strip() == (
        "error: 'dlcourse notebook' takes a suite name such as 'bath-a2', not a task"
    )
    assert not list(tmp_path.iterdir())  # nothing written


def test_the_code_folder_holds_the_source_the_notebook_calls(recorded, tmp_path):
    (code,) = build_notebooks("bath-a2", recorded, group="3", execute=False)[1:]
    assert code.name == "Assignment2_Group_3.code"
    source = Path(dlcourse.__file__).resolve().parent
    copied = {p.relative_to(code / "dlcourse") for p in (code / "dlcourse").rglob("*.py")}
    assert copied == {p.relative_to(source) for p in source.rglob("*.py")}
    assert not list(code.rglob("*.pyc")) and not list(code.rglob("*.npz"))  # code, not bytecode or data
    readme = (code / "README.md").read_text()
    for task_id in TASK_IDS:
        assert f"`dlcourse run {task_id} --profile quick`" in readme  # the command that recorded it
    assert "`dlcourse run bath-a2/6.2`" in readme  # not recorded: the command that would
    assert any(line.startswith("torch==") for line in (code / "requirements.txt").read_text().splitlines())
    # The copied package imports on its own, from the folder.
    found = subprocess.run(
        [sys.executable, "-c", "import dlcourse.settings, dlcourse; print(dlcourse.__file__)"],
        cwd=code,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(code)},
        check=True,
    ).stdout.strip()
    assert Path(found).resolve() == (code / "dlcourse" / "__init__.py").resolve()


def test_rebuilding_the_code_folder_replaces_it_whole(recorded):
    (code,) = build_notebooks("bath-a2", recorded, group="4", execute=False)[1:]
    stale = code / "dlcourse" / "stale_module.py"
    stale.write_text("# from an older build\n")
    build_notebooks("bath-a2", recorded, group="4", execute=False)
    assert not stale.exists() and (code / "dlcourse" / "__init__.py").is_file()
    assert sorted(p.name for p in code.parent.iterdir() if p.name.startswith("Assignment2_Group_4")) == [
        "Assignment2_Group_4.code",
        "Assignment2_Group_4.html",
        "Assignment2_Group_4.ipynb",
        "Assignment2_Group_4.py",
    ]
