import numpy as np
import pytest
import torch

from dlcourse.telltime import clock_time, common_sense_error, error_summary


@pytest.mark.parametrize(
    ("predicted", "true", "expected"),
    [
        ((11, 55), (0, 5), 10),  # the brief's example: the short way round 12
        ((0, 5), (11, 55), 10),
        ((6, 0), (0, 0), 360),  # opposite times: the largest possible error
        ((3, 0), (3, 0), 0),
        ((2, 59), (3, 1), 2),
        ((0, 0), (11, 59), 1),
        ((9, 0), (3, 0), 360),
        ((1, 0), (10, 0), 180),  # 9 hours one way is 3 hours the other
    ],
)
def test_common_sense_error_wraps_round_the_dial(predicted, true, expected):
    p, t = predicted[0] * 60 + predicted[1], true[0] * 60 + true[1]
    assert common_sense_error(np.array([p]), np.array([t]))[0] == expected
    assert common_sense_error(torch.tensor([float(p)]), torch.tensor([float(t)])).item() == expected


def test_common_sense_error_is_vectorised_and_takes_any_real_minutes():
    predicted = np.array([715.0, 725.0, -5.0, 360.5, 1440.0])
    true = np.array([5.0, 5.0, 5.0, 0.0, 0.0])
    np.testing.assert_allclose(common_sense_error(predicted, true), [10, 0, 10, 359.5, 0])


def test_common_sense_error_is_symmetric_and_bounded():
    rng = np.random.default_rng(0)
    a, b = rng.uniform(-2000, 2000, 1000), rng.uniform(-2000, 2000, 1000)
    e = common_sense_error(a, b)
    np.testing.assert_allclose(e, common_sense_error(b, a))
    assert e.min() >= 0 and e.max() <= 360


def test_constant_answer_averages_three_hours():
    true = np.arange(720)
    assert common_sense_error(np.zeros(720), true).mean() == pytest.approx(180, abs=0.5)


def test_clock_time_rounds_and_wraps():
    hours, minutes = clock_time(np.array([0.4, 59.6, 719.6, -1.0, 725.0]))
    assert hours.tolist() == [0, 1, 0, 11, 0] and minutes.tolist() == [0, 0, 0, 59, 5]


def test_error_summary():
    summary = error_summary(np.array([0.5, 1.0, 4.0, 9.0, 100.0]))
    assert summary == {"median_min": 4.0, "mean_min": 22.9, "within_1": 0.4, "within_5": 0.6, "within_10": 0.8}
