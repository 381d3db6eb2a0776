"""Leiden Introduction to Deep Learning, Assignment 1 (brief 002)."""

from dlcourse.suites.registry import describe_suite

describe_suite(
    "leiden-a1", "Leiden Introduction to Deep Learning, Assignment 1: Fashion-MNIST, CIFAR-10, tell-the-time"
)

from dlcourse.suites.leiden_a1 import sweep_task  # noqa: E402, F401  (registers the tasks)
