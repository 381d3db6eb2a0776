"""Leiden Introduction to Deep Learning, Assignment 1 (brief 002)."""

from dlcourse.suites.registry import describe_suite

describe_suite(
    "leiden-a1", "Leiden Introduction to Deep Learning, Assignment 1: Fashion-MNIST, CIFAR-10, tell-the-time"
)

from dlcourse.suites.leiden_a1 import (  # noqa: E402, F401  (registers the tasks)
    clocks_classes,
    clocks_compare,
    clocks_data,
    clocks_multihead,
    clocks_periodic,
    clocks_regression,
    sweep_task,
)
