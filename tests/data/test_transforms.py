import numpy as np
import pytest

from dlcourse.data import channel_stats, channels_first, flatten, one_hot, scale_symmetric, scale_unit, unflatten


def test_scalings_match_the_brief():
    x = np.array([[0, 127, 255]], dtype=np.uint8)
    np.testing.assert_allclose(scale_unit(x), x / 255, rtol=1e-6)
    np.testing.assert_allclose(scale_symmetric(x), x / 127.5 - 1, rtol=1e-6)
    assert scale_symmetric(x).min() == -1.0 and scale_symmetric(x).max() == 1.0


def test_flatten_unflatten_and_one_hot():
    x = np.arange(2 * 28 * 28).reshape(2, 28, 28)
    assert flatten(x).shape == (2, 784)
    np.testing.assert_array_equal(unflatten(flatten(x)), x)
    y = np.array([2, 0, 9])
    np.testing.assert_array_equal(one_hot(y, 10), np.eye(10)[y])
    assert channels_first(x).shape == (2, 1, 28, 28)
    assert channels_first(np.zeros((2, 32, 32, 3))).shape == (2, 3, 32, 32)


def test_channel_stats_stay_exact_over_millions_of_pixels():
    images = np.empty((1000, 64, 64, 3), dtype=np.uint8)  # 4 million pixels per channel
    images[..., 0], images[..., 1], images[..., 2] = 200, 100, 0
    images[::2, ..., 2] = 255
    mean, std = channel_stats(images)
    assert mean == pytest.approx((200 / 255, 100 / 255, 0.5), abs=1e-6)
    assert std == pytest.approx((0, 0, 0.5), abs=1e-6)
