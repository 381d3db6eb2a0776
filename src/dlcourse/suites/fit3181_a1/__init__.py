"""FIT3181 Deep Learning, Assignment 1, Parts 1 and 2 (brief 003)."""

from dlcourse.suites.registry import describe_suite

describe_suite(
    "fit3181-a1", "FIT3181 Assignment 1: theory (activations, backprop, gradient descent) and EMNIST letters"
)

from dlcourse.suites.fit3181_a1 import activations, calculator, descent, letters, letters_ffn  # noqa: E402, F401  (registers the tasks)
