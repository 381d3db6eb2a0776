"""Notebooks of a suite, as its brief names them: a markdown cell per task quoting the brief, then a code cell
that shows the task's recorded run; executed so that outputs are embedded, with `.py` and `.html` exports.

The notebook sits in `<runs>/<suite>/`, beside the report, and finds the run folders at `..`, so it runs top to
bottom when opened there in Jupyter.
"""

from __future__ import annotations

from pathlib import Path

from dlcourse import atomic
from dlcourse.errors import ToolMissing, UnknownName
from dlcourse.runs import load_json
from dlcourse.suites import select
from dlcourse.suites.notebook.code_folder import write_code_folder
from dlcourse.suites.notebook.questions import notebook_name, question
from dlcourse.suites.registry import SUITE_TITLES, Task

try:
    import jupytext
    import nbformat
    from jupyter_client.kernelspec import NoSuchKernel
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from nbconvert import HTMLExporter
except ImportError as exc:
    raise ToolMissing(
        f"'dlcourse notebook' needs the Jupyter packages ({exc.name} is missing); install them with "
        "pip install -e . (they are dependencies of dlcourse)"
    ) from None


def build_notebooks(suite: str, runs_dir: str | Path = "runs", group: str = "N", execute: bool = True) -> list[Path]:
    """Write each notebook of `suite` with its `.py` and `.html` exports, and the code folder where the brief
    asks for one; returns the `.ipynb` paths, then the code folder's."""
    tasks = select(suite)
    if "/" in suite:
        raise UnknownName(f"'dlcourse notebook' takes a suite name such as {tasks[0].suite!r}, not a task")
    folder = Path(runs_dir) / suite
    folder.mkdir(parents=True, exist_ok=True)
    by_name: dict[str, list[Task]] = {}
    for task in tasks:
        by_name.setdefault(notebook_name(task, group), []).append(task)
    written = []
    for name, members in by_name.items():
        nb = notebook(SUITE_TITLES.get(suite, suite), members, folder)
        if execute:
            _execute(nb, folder)
        path = atomic.write_text(folder / f"{name}.ipynb", nbformat.writes(nb))
        atomic.write_text(path.with_suffix(".py"), jupytext.writes(nb, fmt="py:percent"))
        atomic.write_text(path.with_suffix(".html"), HTMLExporter().from_notebook_node(nb)[0])
        written.append(path)
    if code := write_code_folder(suite, tasks, folder, group):
        written.append(code)
    return written


def notebook(title: str, tasks: list[Task], folder: Path) -> nbformat.NotebookNode:
    """The unexecuted notebook of `tasks`, whose run folders lie in `folder`."""
    cells = [
        nbformat.v4.new_markdown_cell(
            f"# {title}\n\nEach task below quotes the brief, then shows the results `dlcourse run` recorded for it "
            "and the command that records them again."
        ),
        nbformat.v4.new_code_cell(
            "from dlcourse.suites.notebook import show\n\nRUNS = '..'  # this notebook sits in <runs>/<suite>/"
        ),
    ]
    for task in tasks:
        provenance = load_json(folder / task.name / "provenance.json") or {}
        command = provenance.get("command", f"dlcourse run {task.id}")
        cells.append(nbformat.v4.new_markdown_cell(f"## {task.id}: {task.title}\n\n> {question(task)}"))
        cells.append(nbformat.v4.new_code_cell(f"# to train again: {command}\nshow({task.id!r}, RUNS)"))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def _execute(nb: nbformat.NotebookNode, folder: Path) -> None:
    client = NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        extra_arguments=["--log-level=ERROR"],  # quiet the kernel's warning about plain TCP on localhost
        resources={"metadata": {"path": str(folder)}},
    )
    try:
        client.execute()
    except NoSuchKernel:
        raise ToolMissing(
            "no Jupyter 'python3' kernel to execute the notebook; install ipykernel in this environment"
        ) from None
    except CellExecutionError as exc:  # most often a kernel whose Python cannot import this dlcourse
        raise ToolMissing(f"a notebook cell failed in the Jupyter kernel: {exc.ename}: {exc.evalue}") from None
