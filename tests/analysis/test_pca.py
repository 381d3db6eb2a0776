import numpy as np
import pytest

from dlcourse.analysis import class_spread, fit_pca, project
from dlcourse.data import flatten, load_sample, scale_symmetric
from dlcourse.errors import InvalidInput


def test_embedding_matches_numpy_svd_up_to_sign():
    """The oracle: the first principal axes of the centred data are its leading right singular vectors."""
    # the central 14 x 14 pixels of 1,000 real images keep the reference SVD cheap
    x = flatten(scale_symmetric(load_sample("mnist").x_train[:1000, 7:21, 7:21])).astype(np.float64)
    pca = fit_pca(x, n_components=10)
    centred = x - x.mean(axis=0)
    _, singular, vt = np.linalg.svd(centred, full_matrices=False)
    expected = centred @ vt[:2].T
    ours = project(pca, x, dims=2)
    signs = np.sign(np.sum(ours * expected, axis=0))
    assert set(np.abs(signs)) == {1.0}
    np.testing.assert_allclose(ours * signs, expected, atol=1e-6 * np.abs(expected).max())
    ratios = singular**2 / np.sum(singular**2)
    np.testing.assert_allclose(pca.explained_variance_ratio_, ratios[:10], rtol=1e-8)


def test_class_spread_gives_each_class_its_mean_and_covariance():
    points = np.array([[0.0, 0.0], [2.0, 0.0], [10.0, 10.0], [10.0, 14.0]])
    centroids, covariances = class_spread(points, np.array([3, 3, 7, 7]), np.array([3, 7]))
    np.testing.assert_array_equal(centroids, [[1.0, 0.0], [10.0, 12.0]])
    np.testing.assert_allclose(covariances[0], [[2.0, 0.0], [0.0, 0.0]])
    np.testing.assert_allclose(covariances[1], [[0.0, 0.0], [0.0, 8.0]])


def test_too_many_components_is_an_error():
    with pytest.raises(InvalidInput, match="n_components"):
        fit_pca(np.zeros((5, 3)), n_components=4)
