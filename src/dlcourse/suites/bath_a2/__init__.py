"""Bath CM500335 Group Assignment 2 (brief 001, FAQ 000)."""

from dlcourse.suites.registry import describe_suite

describe_suite("bath-a2", "Bath CM500335 Group Assignment 2: Deep learning (MNIST, Fashion-MNIST)")

# Import order is registry order, which is report order: the brief's 1, 2, 3.1, 4.1.
from dlcourse.suites.bath_a2 import pca, perceptron, mlp, cnn  # noqa: E402, F401, I001  (registers the tasks)
