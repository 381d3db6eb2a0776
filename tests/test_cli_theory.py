import pytest

from dlcourse.theory import calculate, load_network
from tests.test_cli import run_cli
from tests.theory.test_network import YAML


@pytest.fixture
def net_file(tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text(YAML)
    return path


def test_forward_prints_the_calculation(net_file, capsys):
    code, out, err = run_cli(["theory", "forward", str(net_file), "--x", "1,-1,0", "--y", "3", "--alpha", "0.2"],
                             capsys)  # fmt: skip
    assert code == 0, err
    calc = calculate(load_network(net_file), [1, -1, 0], 3, alpha=0.2, eta=0.01)
    for piece in ("Forward pass", "Backward pass", "SGD step, η = 0.01", "∂l/∂h̄¹", f"= {calc.loss:.4f}",
                  f"= {calc.smoothed_loss:.4f}", "numbered from 1"):  # fmt: skip
        assert piece in out, piece


@pytest.mark.parametrize(
    "content,args,words",
    [
        (None, ["--x", "1,-1,0", "--y", "3"], "does not exist"),
        (YAML.replace("b: [0, 1]", "b: [0, 1, 2]"), ["--x", "1,-1,0", "--y", "3"], "layer 1 does not fit"),
        (YAML, ["--x", "1,-1", "--y", "3"], "takes 3 inputs"),
        (YAML, ["--x", "1,x,0", "--y", "3"], "comma-separated numbers"),
        (YAML, ["--x", "1,-1,0", "--y", "0"], "from 1 to 3"),
        ("layers: [", ["--x", "1,-1,0", "--y", "3"], "not valid YAML"),
    ],
)
def test_bad_input_is_one_error_line_and_exit_2(tmp_path, capsys, content, args, words):
    path = tmp_path / "net.yaml"
    if content is not None:
        path.write_text(content)
    code, _, err = run_cli(["theory", "forward", str(path), *args], capsys)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], err
