import json

import numpy as np
import pytest

from dlcourse.errors import InvalidNetwork, UnknownName
from dlcourse.theory import Network, load_network, network_from_dict, random_network

YAML = """\
activation: relu
layers:
  - W: [[1, -1], [0.5, 2], [0, 1]]
    b: [0, 1]
  - W: [[1, 0, -1], [2, 1, 0]]
    b: [0.1, 0.2, 0.3]
"""


def test_yaml_and_json_files_give_the_same_network(tmp_path):
    (tmp_path / "net.yaml").write_text(YAML)
    net = load_network(tmp_path / "net.yaml")
    assert net.sizes == [3, 2, 3]
    np.testing.assert_array_equal(net.weights[0], [[1, -1], [0.5, 2], [0, 1]])
    (tmp_path / "net.json").write_text(json.dumps(net.to_dict()))
    again = load_network(tmp_path / "net.json")
    for a, b in zip(net.weights + net.biases, again.weights + again.biases, strict=True):
        np.testing.assert_array_equal(a, b)


def test_random_network_is_seeded_and_rounded():
    a, b = random_network([3, 4, 3], seed=5), random_network([3, 4, 3], seed=5)
    assert all(np.array_equal(u, v) for u, v in zip(a.weights, b.weights, strict=True))
    assert not np.array_equal(a.weights[0], random_network([3, 4, 3], seed=6).weights[0])
    assert np.array_equal(a.weights[0], np.round(a.weights[0], 1))


@pytest.mark.parametrize(
    "spec,words",
    [
        ({"layers": []}, "non-empty 'layers'"),
        ([1, 2], "mapping"),
        ({"layers": [{"W": [[1, 2]]}]}, "needs both"),
        ({"layers": [{"W": [[1, 2], [3]], "b": [0, 0]}]}, "rectangular"),
        ({"layers": [{"W": [["a", 2]], "b": [0, 0]}]}, "rectangular"),
        ({"layers": [{"W": [[1, 2]], "b": [0, 0, 0]}]}, "layer 1 does not fit"),
        ({"layers": [{"W": [[1, 2]], "b": [0, 0]}, {"W": [[1, 2, 3]], "b": [0, 0, 0]}]}, "layer 2 does not fit"),
        ({"layers": [{"W": [[1]], "b": [0]}]}, "at least 2"),
        ({"layers": [{"W": [[1, float("nan")]], "b": [0, 0]}]}, "finite"),
    ],
)
def test_malformed_networks_are_rejected(spec, words):
    with pytest.raises(InvalidNetwork, match=words):
        network_from_dict(spec)


def test_unknown_activation_and_missing_or_broken_files(tmp_path):
    with pytest.raises(UnknownName, match="swishy"):
        Network((np.ones((2, 2)),), (np.zeros(2),), "swishy")
    with pytest.raises(InvalidNetwork, match="does not exist"):
        load_network(tmp_path / "absent.yaml")
    (tmp_path / "bad.yaml").write_text("layers: [W: [1, 2")
    with pytest.raises(InvalidNetwork, match="not valid YAML"):
        load_network(tmp_path / "bad.yaml")
