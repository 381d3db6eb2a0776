import numpy as np
import pytest

from dlcourse.data import flatten, load_sample, scale_symmetric
from dlcourse.errors import InvalidInput
from dlcourse.perceptron import optimize, predict


def separable_blobs(n: int = 400, m: int = 5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian blobs 8 standard deviations apart along the first axis."""
    rng = np.random.default_rng(seed)
    y = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    x = rng.normal(size=(n, m))
    x[:, 0] += 4 * y
    return x, y


def test_predict_is_the_sign_of_the_score_with_zero_counted_as_one():
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-2.0, 0.5]])
    prediction = predict(x, np.array([1.0, -1.0]), 0.0)
    assert prediction.shape == (4,)
    np.testing.assert_array_equal(prediction, [1, -1, 1, -1])
    np.testing.assert_array_equal(predict(x, np.array([1.0, -1.0]), 5.0), [1, 1, 1, 1])


def test_predict_rejects_weights_of_the_wrong_length():
    with pytest.raises(InvalidInput, match="w of shape"):
        predict(np.zeros((3, 4)), np.zeros(5), 0.0)


def test_initial_weights_follow_the_brief():
    """With a zero learning rate nothing moves: w and b are rng.random(m) and rng.random() of the seed."""
    x, y = separable_blobs()
    w, b, errors = optimize(x, y, rng=7, learn_rate=0.0, max_iter=3)
    reference = np.random.default_rng(7)
    np.testing.assert_array_equal(w, reference.random(5))
    assert b == reference.random()
    assert len(errors) == 4


def test_reaches_zero_error_on_separable_data_and_stops_early():
    x, y = separable_blobs()
    w, b, errors = optimize(x, y, rng=0)
    assert errors[-1] <= 1e-3 and len(errors) < 1001
    assert errors[0] > errors[-1] == 0.0
    np.testing.assert_array_equal(predict(x, w, b), y)


def test_honours_the_iteration_cap_on_non_separable_data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 4))
    y = np.where(rng.random(300) < 0.5, -1.0, 1.0)  # labels independent of x
    _, _, errors = optimize(x, y, rng=0)
    assert len(errors) == 1001  # iter = 0, 1, ..., 1000 as in the brief's loop
    assert min(errors) > 0.1
    _, _, errors = optimize(x, y, rng=0, max_iter=20)
    assert len(errors) == 21


def test_same_seed_same_weights():
    x, y = separable_blobs()
    first, second = optimize(x, y, rng=3), optimize(x, y, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(first[0], second[0])
    assert first[1] == second[1] and first[2] == second[2]


def test_separates_real_zeros_from_ones():
    ds = load_sample("mnist")
    keep_train, keep_test = np.isin(ds.y_train, (0, 1)), np.isin(ds.y_test, (0, 1))
    x = flatten(scale_symmetric(ds.x_train[keep_train]))
    y = np.where(ds.y_train[keep_train] == 0, -1.0, 1.0)
    w, b, _ = optimize(x, y, rng=0)
    x_test = flatten(scale_symmetric(ds.x_test[keep_test]))
    y_test = np.where(ds.y_test[keep_test] == 0, -1.0, 1.0)
    assert (predict(x_test, w, b) == y_test).mean() >= 0.99


@pytest.mark.parametrize(
    "x,y,words",
    [
        (np.zeros((4, 2)), np.array([0.0, 1.0, 0.0, 1.0]), "labels must be -1 or 1"),
        (np.zeros((4, 2)), np.ones(3), "shape"),
        (np.zeros(4), np.ones(4), "shape"),
    ],
)
def test_bad_training_data_is_rejected(x, y, words):
    with pytest.raises(InvalidInput, match=words):
        optimize(x, y)
