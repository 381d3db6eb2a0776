"""The mean ± std cell and the paired-difference noise that the seeded comparisons and 2e share."""

import math

import numpy as np
import pytest

from dlcourse.suites.spread import mean_std, paired_noise, std


def test_mean_std_gives_the_sample_spread_and_a_lone_value_alone():
    assert mean_std([70.0, 72.0, 74.0]) == "72.00 ± 2.00"
    assert mean_std([0.5, 0.75], digits=3) == "0.625 ± 0.177"
    assert mean_std([71.234]) == "71.23"
    assert std([70.0, 72.0, 74.0]) == 2.0 and std([71.0]) == 0.0  # one run has no spread


def test_paired_noise_is_two_standard_errors_of_the_mean_difference():
    assert paired_noise([1.0, 2.0, 3.0]) == pytest.approx(2 * 1.0 / math.sqrt(3))
    assert paired_noise(np.array([0.5, 0.5, 0.5])) == 0.0  # identical differences: no noise
