"""Library packages know nothing of the suites they serve: importing one loads no `dlcourse.suites` module."""

import subprocess
import sys

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
