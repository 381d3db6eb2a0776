"""Analyses of data and trained models that tasks compose: PCA embeddings, pairwise linear separability,
filter mosaics, activation maps, DeepDream, inference timing."""

from dlcourse.analysis.pca import class_spread, fit_pca, project
from dlcourse.analysis.separability import Separability, pairwise_separability

__all__ = ["Separability", "class_spread", "fit_pca", "pairwise_separability", "project"]
