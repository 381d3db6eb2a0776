"""The task list as the suites' source declares it, read without importing them.

Importing the suites imports torch, which alone takes longer than a listing should; `dlcourse list` reads
each `@task(...)` decorator's literal arguments from the source instead. The registry stays the one
source of truth: a test checks that this listing and the imported registry agree.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from dlcourse.suites.registry import PROFILES, natural_key

SUITES = Path(__file__).parent
# Wall time of `dlcourse run <suite>` per profile, measured on a 2-core CPU (the quick profile on an Intel Xeon
# with AMX, the brief profile on the machine each entry names), so that nobody starts a run of hours by accident;
# the README's results give the measurements behind them.
MEASURED_TIMES = {
    "bath-a2": ("55 s", "28 min, Task 6 20.5 min of it (on the AMD EPYC)"),
    "fit3181-a1": ("52 s", "Parts 1-2: 5.6 min; Part 3 (3.1-3.10): 61 min (both on the AMD EPYC)"),
    "leiden-a1": ("25 s", "Task 1: 56 min; Task 2 (2, 2a-2e): 59 min (both on the AMD EPYC)"),
    "tbmi26": ("52 s", "22 min (on the AMD EPYC and on the Xeon)"),
}


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    module: str  # "dlcourse.suites.bath_a2.mlp"
    profiles: tuple[str, ...]
    needs: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()

    @property
    def suite(self) -> str:
        return self.id.split("/", 1)[0]


def catalog() -> list[Entry]:
    """Every task declared in the suites' source, in suite order and the brief's task order."""
    entries = [entry for path in sorted(SUITES.rglob("*.py")) for entry in _declared(path)]
    return sorted(entries, key=lambda e: (e.suite, natural_key(e.id.split("/", 1)[1])))


def _declared(path: Path) -> list[Entry]:
    module = ".".join(("dlcourse", *path.relative_to(SUITES.parent).with_suffix("").parts))
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for call in node.decorator_list:
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "task":
                found.append(_entry(call, module))
    return found


def _entry(call: ast.Call, module: str) -> Entry:
    task_id, title = (ast.literal_eval(arg) for arg in call.args[:2])
    keywords = {k.arg: k.value for k in call.keywords}
    literal = {name: tuple(ast.literal_eval(keywords[name])) for name in ("needs", "reads") if name in keywords}
    profiles = tuple(p for p in PROFILES if p in keywords and not _is_none(keywords[p]))
    return Entry(task_id, title, module, profiles, **literal)


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None
