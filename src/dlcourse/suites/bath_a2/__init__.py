"""Bath CM500335 Group Assignment 2 (brief 001, FAQ 000)."""

from dlcourse.suites.registry import describe_suite

describe_suite("bath-a2", "Bath CM500335 Group Assignment 2: Deep learning (MNIST, Fashion-MNIST)")

# Tasks are listed and reported in the brief's order (1, 2, 3.1, 3.2, 4.1, 4.2, 5, 6.1, 6.2), whatever the import order.
from dlcourse.suites.bath_a2 import (  # noqa: E402, F401
    cnn,
    depth,
    mlp,
    multi_task,
    pca,
    perceptron,
    single_task,
    visualise,
)
