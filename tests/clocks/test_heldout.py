"""The held-out clock renderer draws every style it names, the same seed gives the same clocks, and no
training code can reach it."""

import ast
from pathlib import Path

import numpy as np
import pytest

import dlcourse
from dlcourse.heldout.clocks import BACKGROUNDS, DIALS, HANDS, MARKS, heldout_clocks

SRC = Path(dlcourse.__file__).parent.parent


def test_every_style_appears_and_the_seed_fixes_the_bytes():
    clocks = heldout_clocks(160, 48, seed=3)
    assert clocks.images.shape == (160, 48, 48) and clocks.images.dtype == np.uint8
    assert clocks.images.std() > 20  # drawn, not blank
    for name, values in (("dial", DIALS), ("marks", MARKS), ("hands", HANDS), ("background", BACKGROUNDS)):
        assert set(clocks.styles[name]) == set(values), name
    assert set(clocks.styles["seconds hand"]) == set(clocks.styles["jpeg"]) == {"True", "False"}
    assert clocks.labels[:, 0].min() >= 0 and clocks.labels[:, 0].max() <= 11
    assert clocks.labels[:, 1].min() >= 0 and clocks.labels[:, 1].max() <= 59
    np.testing.assert_array_equal(clocks.times, clocks.labels[:, 0] * 60 + clocks.labels[:, 1])
    again, other = heldout_clocks(20, 48, seed=3), heldout_clocks(20, 48, seed=4)
    assert again.images.tobytes() == clocks.images[:20].tobytes()
    assert other.images.tobytes() != again.images.tobytes()


def _imports(module: str) -> set[str]:
    """The dlcourse modules `module` imports, directly or through the modules it imports (not counting the
    package `__init__` files Python runs on the way, which only register tasks)."""
    seen, todo = set(), [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        base = SRC / Path(*name.split("."))
        path = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
        if not path.is_file():
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                todo += [a.name for a in node.names if a.name.startswith("dlcourse")]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("dlcourse"):
                todo.append(node.module)
                todo += [f"{node.module}.{a.name}" for a in node.names]
    return seen


TRAINING = [
    "dlcourse.data",
    "dlcourse.data.clocks",
    "dlcourse.data.clock_data",
    "dlcourse.models",
    "dlcourse.train",
    "dlcourse.telltime",
    "dlcourse.suites.runner",
    "dlcourse.suites.leiden_a1.clocks_common",
    "dlcourse.suites.leiden_a1.clocks_settings",
    "dlcourse.suites.leiden_a1.clocks_data",
    "dlcourse.suites.leiden_a1.clocks_classes",
    "dlcourse.suites.leiden_a1.clocks_regression",
    "dlcourse.suites.leiden_a1.clocks_multihead",
    "dlcourse.suites.leiden_a1.clocks_periodic",
]


@pytest.mark.parametrize("module", TRAINING)
def test_training_code_cannot_import_the_heldout_renderer(module):
    reached = _imports(module)
    assert len(reached) > 1, f"{module} not found"
    assert not any(m.startswith("dlcourse.heldout") for m in reached), module


def test_the_import_walk_finds_the_renderer_where_it_is_used():
    assert "dlcourse.heldout.clocks" in _imports("dlcourse.suites.leiden_a1.clocks_compare")
