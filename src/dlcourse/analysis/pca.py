"""PCA embeddings (scikit-learn) and the per-class centre and spread of an embedding."""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import PCA

from dlcourse.errors import InvalidInput


def fit_pca(x: np.ndarray, n_components: int = 50) -> PCA:
    """scikit-learn's PCA of the n x d rows of `x`, keeping `n_components` components.

    The covariance eigen-solver is exact and, for MNIST's n >> d (60,000 x 784), several times faster
    than the randomised SVD scikit-learn would pick by default.
    """
    x = np.asarray(x)
    if x.ndim != 2 or not 1 <= n_components <= min(x.shape):
        raise InvalidInput(f"PCA needs n x d data and 1 <= n_components <= min(n, d), got {x.shape}, {n_components}")
    return PCA(n_components=n_components, svd_solver="covariance_eigh").fit(x)


def project(pca: PCA, x: np.ndarray, dims: int = 2) -> np.ndarray:
    """The rows of `x` in the first `dims` principal components: (x - mean) @ components[:dims].T."""
    return (np.asarray(x) - pca.mean_) @ pca.components_[:dims].T


def class_spread(points: np.ndarray, labels: np.ndarray, classes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each class's centroid (k x dims) and covariance (k x dims x dims) in an embedding."""
    centroids = np.stack([points[labels == c].mean(axis=0) for c in classes])
    covariances = np.stack([np.cov(points[labels == c], rowvar=False) for c in classes])
    return centroids, covariances
