"""The notebooks `dlcourse notebook` writes: named as the briefs ask, executed top to bottom, exported."""

import json
import os
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

import dlcourse
from dlcourse.cli import main
from dlcourse.suites import TASKS, select
from dlcourse.suites.notebook.build import build_notebooks
from dlcourse.suites.notebook.questions import QUESTIONS, notebook_name, question
from dlcourse.suites.runner import run_task
from tests.fixtures import recorded_numbers
from tests.printed.conftest import TASK_IDS


@pytest.fixture
def kernel_imports_this_dlcourse(monkeypatch):
    """The Jupyter kernel is a new Python process started in the notebook's folder: give it this source tree."""
    monkeypatch.setenv("PYTHONPATH", str(Path(dlcourse.__file__).resolve().parents[1]))


CHEAP = {  # one task per suite that trains or computes its numbers in seconds in the quick profile
    "bath-a2": "bath-a2/3.1",
    "leiden-a1": "leiden-a1/2",
    "fit3181-a1": "fit3181-a1/1.3",
    "tbmi26": "tbmi26/q2",
}


def cells(path: Path) -> list:
    return [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


def printed(path: Path) -> str:
    return "".join(output.get("text", "") for cell in cells(path) for output in cell.outputs)


@pytest.mark.parametrize("suite", sorted(CHEAP))
def test_a_notebook_from_an_empty_folder_trains_and_gives_the_cli_numbers(
    suite, tmp_path, kernel_imports_this_dlcourse
):
    task = TASKS.get(CHEAP[suite])
    notebooks = tmp_path / "notebook"
    (path,) = [
        p for p in build_notebooks(suite, notebooks, only=(task.id,), train_missing=True) if p.suffix == ".ipynb"
    ]
    code = cells(path)
    assert all(cell.execution_count for cell in code)  # every cell ran, in order, on a fresh kernel
    assert not [output for cell in code for output in cell.outputs if output.output_type == "error"]
    # The code cells are the task's own function, then the call that runs it; nothing replays a record.
    assert f"def {task.fn.__name__}(ctx: TaskContext) -> None:" in code[-2].source
    assert code[-1].source == f"session.run({task.id!r}, {task.fn.__name__})"
    assert f"Ran {task.id} in" in printed(path)
    figures = [
        e
        for e in json.loads((notebooks / task.suite / task.name / "manifest.json").read_text())
        if e["kind"] == "figure"
    ]
    shown = sum("image/png" in output.get("data", {}) for output in code[-1].outputs)
    assert shown == len(figures)
    # The same numbers, bit for bit, as `dlcourse run` at the same seed.
    cli = run_task(task, profile="quick", runs_root=tmp_path / "cli", quiet=True)
    assert recorded_numbers(notebooks / task.suite / task.name) == recorded_numbers(cli)
    for written in (path, path.with_suffix(".py"), path.with_suffix(".html")):  # no path of this machine
        text = written.read_text()
        assert str(tmp_path) not in text and str(Path(dlcourse.__file__).parents[1]) not in text


def test_a_notebook_beside_finished_runs_trains_nothing(tmp_path, kernel_imports_this_dlcourse):
    task = TASKS.get(CHEAP["bath-a2"])
    finished = run_task(task, profile="quick", runs_root=tmp_path, quiet=True)
    recorded = (finished / "provenance.json").read_text()
    (path, code) = build_notebooks("bath-a2", tmp_path, only=(task.id, "bath-a2/3.2"), group="7")
    assert path == tmp_path / "bath-a2" / "Assignment2_Group_7.ipynb"
    assert code == tmp_path / "bath-a2" / "Assignment2_Group_7.code"
    said = printed(path)
    assert "Reused the finished run in ../bath-a2/3.1 (same settings, seed and device): nothing trained." in said
    assert (finished / "provenance.json").read_text() == recorded  # not trained again
    # Without --train-missing, a task with no finished run says how to train it, and trains nothing.
    assert "No finished quick run of bath-a2/3.2 in ../bath-a2/3.2: set TRAIN_MISSING = True" in said
    assert not (tmp_path / "bath-a2" / "3.2").exists()
    (ran,) = [cell for cell in cells(path) if cell.source == "session.run('bath-a2/3.1', task_3_1)"]
    assert any("image/png" in output.get("data", {}) for output in ran.outputs)  # the reused run's figures
    first = nbformat.read(path, as_version=4).cells[0].source
    assert "dlcourse's reference solution" in first and f"dlcourse {dlcourse.__version__}" in first
    headings = [cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "markdown"]
    assert any("> Discuss how the number of layers/parameters affects" in h for h in headings)  # the brief's 3.2
    script = path.with_suffix(".py").read_text()
    assert "def task_3_1(ctx: TaskContext) -> None:" in script and "session.run('bath-a2/3.1', task_3_1)" in script
    assert len(jupytext.reads(script, fmt="py:percent").cells) == len(nbformat.read(path, as_version=4).cells)


def test_a_dlcourse_error_in_a_notebook_is_one_line(tmp_path, kernel_imports_this_dlcourse):
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("from dlcourse.suites.notebook.session import start"),
            nbformat.v4.new_code_cell('start("fast")'),
            nbformat.v4.new_code_cell('start("quick", settings={"bath-a2/3.1": {"batch": 10}})'),
            nbformat.v4.new_code_cell('start("quick", settings={"bath-a2/3.1": {"epochs": "two"}})'),
        ]
    )
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True).execute()
    said = []
    for cell in nb.cells[1:]:
        said.append("".join(output.get("text", "") for output in cell.outputs))
        assert not [output for output in cell.outputs if output.output_type == "error"]  # no traceback
    assert said[0] == "error: PROFILE is 'fast', which is not a profile; use one of brief, quick, best\n"
    assert said[1] == "error: no setting 'batch' in bath-a2/3.1; 'dlcourse list --settings' shows them\n"
    assert said[2].startswith("error: ") and "epochs" in said[2] and said[2].count("\n") == 1


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


def test_notebook_of_an_unknown_profile_is_one_error_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["notebook", "bath-a2", "--runs-dir", str(tmp_path), "--profile", "fast"])
    assert stopped.value.code == 2
    assert capsys.readouterr().err.strip() == "error: unknown profile 'fast'; known: brief, quick, best"
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
