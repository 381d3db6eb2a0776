import itertools

import numpy as np
import pytest

from dlcourse.errors import InvalidSetting
from dlcourse.theory import Quadratic, descend


def test_each_step_is_theta_minus_lr_times_gradient():
    bowl = Quadratic((1.0, 10.0))
    path = descend(bowl.grad, np.array([2.0, -1.0]), 0.05, 3)
    assert path.shape == (4, 2)
    for before, after in itertools.pairwise(path):
        np.testing.assert_allclose(after, before - 0.05 * bowl.grad(before))


def test_learning_rate_decides_between_divergence_crawling_and_convergence():
    bowl = Quadratic((1.0, 10.0))
    start = np.array([-4.0, 1.5])
    final = {lr: bowl.value(descend(bowl.grad, start, lr, 40)[-1]) for lr in (0.21, 0.005, 0.15)}
    assert bowl.stable_below == pytest.approx(0.2)
    assert final[0.21] > 100 * bowl.value(start)  # above 2 / max curvature: it blows up
    assert 0.1 * bowl.value(start) < final[0.005] < bowl.value(start)  # stable but slow
    assert final[0.15] < 1e-4


def test_learning_rate_must_be_positive():
    with pytest.raises(InvalidSetting, match="greater than 0"):
        descend(lambda t: t, np.zeros(2), 0.0, 3)
