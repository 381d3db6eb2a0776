import numpy as np
import pytest
from sklearn.svm import LinearSVC

from dlcourse.analysis import pairwise_separability
from dlcourse.errors import InvalidInput


def three_classes(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Class 0 far to the left; classes 1 and 2 on top of each other to the right."""
    rng = np.random.default_rng(seed)
    y = np.repeat([0, 1, 2], n)
    x = rng.normal(scale=0.5, size=(3 * n, 2))
    x[y == 0, 0] -= 5
    x[y > 0, 0] += 5
    return x, y


def test_table_is_symmetric_and_finds_the_separable_pairs():
    result = pairwise_separability(three_classes(100, 0), three_classes(50, 1), LinearSVC)
    for table in (result.train_acc, result.test_acc):
        assert table.shape == (3, 3)
        assert np.isnan(np.diag(table)).all()
        np.testing.assert_array_equal(table, table.T)
    assert result.test_acc[0, 1] == result.test_acc[0, 2] == 1.0
    assert result.test_acc[1, 2] < 0.8  # the same distribution: near chance
    assert [(a, b) for a, b, _ in result.pairs_at_least(0.99)] == [(0, 1), (0, 2)]
    assert result.ranked()[0][:2] == (1, 2)


def test_a_test_class_never_trained_on_is_an_error():
    x, y = three_classes(10, 0)
    with pytest.raises(InvalidInput, match="test class"):
        pairwise_separability((x[y < 2], y[y < 2]), (x, y), LinearSVC)
