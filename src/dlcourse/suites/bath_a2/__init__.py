"""Bath CM500335 Group Assignment 2 (brief 001, FAQ 000)."""

from dlcourse.suites.registry import describe_suite

describe_suite("bath-a2", "Bath CM500335 Group Assignment 2: Deep learning (MNIST, Fashion-MNIST)")

from dlcourse.suites.bath_a2 import cnn, depth, mlp, visualise  # noqa: E402, F401  (registers the tasks)
