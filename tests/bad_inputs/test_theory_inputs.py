"""`dlcourse theory forward` with bad networks and inputs: one sentence and exit 2, never a page of nan."""

import pytest

from tests.theory.test_network import YAML

GOOD = ["--x", "1,-1,0", "--y", "3"]
HUGE = """\
activation: relu
layers:
  - W: [[1e308, 1e308], [1e308, 1e308], [1e308, 1e308]]
    b: [0, 0]
  - W: [[1e308, 1, 1], [1, 1, 1]]
    b: [0, 0, 0]
"""

CASES = {
    "x holds nan": (YAML, ["--x", "nan,0,0", "--y", "3"], "x must hold finite numbers"),
    "x holds inf": (YAML, ["--x", "1,inf,0", "--y", "3"], "x must hold finite numbers"),
    "x is not numbers": (YAML, ["--x", "1,x,0", "--y", "3"], "comma-separated numbers"),
    "x is empty": (YAML, ["--x", "", "--y", "3"], "comma-separated numbers"),
    "x too short": (YAML, ["--x", "1,-1", "--y", "3"], "takes 3 inputs"),
    "y is 0": (YAML, ["--x", "1,-1,0", "--y", "0"], "from 1 to 3"),
    "y past the classes": (YAML, ["--x", "1,-1,0", "--y", "99"], "from 1 to 3"),
    "alpha above 1": (YAML, [*GOOD, "--alpha", "2"], "alpha must be between 0 and 1"),
    "alpha nan": (YAML, [*GOOD, "--alpha", "nan"], "alpha must be between 0 and 1"),
    "eta negative": (YAML, [*GOOD, "--eta", "-1"], "eta must be a finite number of at least 0"),
    "eta inf": (YAML, [*GOOD, "--eta", "inf"], "eta must be a finite number of at least 0"),
    "weights overflow": (HUGE, ["--x", "1,1,1", "--y", "1"], "overflows float64 at layer 1"),
    "a weight is nan": (YAML.replace("[0.5, 2]", "[.nan, 2]"), GOOD, "not a finite number"),
    "a bias too long": (YAML.replace("b: [0, 1]", "b: [0, 1, 2]"), GOOD, "layer 1 does not fit"),
    "ragged weights": (YAML.replace("[0.5, 2]", "[0.5]"), GOOD, "rectangular"),
    "unknown activation": (YAML.replace("relu", "swoosh"), GOOD, "swoosh"),
    "layers missing": ("activation: relu\n", GOOD, "'layers' list"),
    "a list, not a mapping": ("- 1\n- 2\n", GOOD, "must be a mapping"),
    "not YAML": ("layers: [", GOOD, "not valid YAML"),
    "binary bytes": (b"\x00\xff\xfe\x89PNG\r\n", GOOD, "not valid YAML"),
    "no such file": (None, GOOD, "does not exist"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_calculator_input(case, refuse, tmp_path):
    content, args, words = CASES[case]
    path = tmp_path / "net.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    assert refuse(["theory", "forward", path, *args], words).startswith("error: ")


def test_a_network_path_that_is_a_folder(refuse, tmp_path):
    assert refuse(["theory", "forward", tmp_path, *GOOD], "is a folder, not a file").startswith("error: ")
