"""Library packages know nothing of the suites they serve: importing one loads no `dlcourse.suites` module."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

LIBRARY = [
    "dlcourse.analysis",
    "dlcourse.attacks",
    "dlcourse.data",
    "dlcourse.models",
    "dlcourse.plots",
    "dlcourse.report",
    "dlcourse.runs",
    "dlcourse.sweep",
    "dlcourse.telltime",
    "dlcourse.theory",
    "dlcourse.train",
]


@pytest.mark.parametrize("module", LIBRARY)
def test_library_module_imports_no_suite(module):
    # A fresh interpreter: in this one the suites are long imported by other tests.
    check = f"import sys, {module}; print(sorted(m for m in sys.modules if m.startswith('dlcourse.suites')))"
    loaded = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]", f"{module} loads {loaded.strip()}"


SUITES = Path(__file__).resolve().parents[1] / "src" / "dlcourse" / "suites"


def test_no_suite_module_is_over_300_lines():
    long = {str(p.relative_to(SUITES)): n for p in SUITES.rglob("*.py") if (n := len(p.read_text().splitlines())) > 300}
    assert not long


def test_one_function_is_named_record_and_one_computes_a_mean_and_spread():
    """Recording a trained model is the recipe's `record`, and mean ± std over seeds is `spread.mean_std`: a
    suite defines neither again under that name."""
    defined = [
        (str(p.relative_to(SUITES)), node.name)
        for p in SUITES.rglob("*.py")
        for node in ast.walk(ast.parse(p.read_text()))
        if isinstance(node, ast.FunctionDef) and node.name in ("record", "mean_std")
    ]
    assert sorted(defined) == [("recipe.py", "record"), ("spread.py", "mean_std")]
