import numpy as np
import pytest

from dlcourse.data.splits import validation_split
from dlcourse.errors import InvalidSetting


def test_stratified_disjoint_and_seeded():
    y = np.repeat(np.arange(26), np.arange(40, 66))  # unequal classes, 40 to 65 images each
    x = np.arange(len(y))
    (x_tr, _), (x_val, y_val) = validation_split(x, y, 0.1, seed=3)
    assert len(np.intersect1d(x_tr, x_val)) == 0 and len(x_tr) + len(x_val) == len(x)
    np.testing.assert_array_equal(y[x_val], y_val)
    counts = np.bincount(y_val, minlength=26)
    np.testing.assert_array_equal(counts, np.round(0.1 * np.bincount(y)))
    again = validation_split(x, y, 0.1, seed=3)[1][0]
    np.testing.assert_array_equal(x_val, again)
    assert not np.array_equal(x_val, validation_split(x, y, 0.1, seed=4)[1][0])


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.2])
def test_fraction_must_be_strictly_between_zero_and_one(fraction):
    with pytest.raises(InvalidSetting, match="between 0 and 1"):
        validation_split(np.zeros(10), np.zeros(10, dtype=int), fraction)
