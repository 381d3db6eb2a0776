"""FIT3181 Deep Learning, Assignment 1 (brief 003): Parts 1, 2 and 3."""

from dlcourse.suites.registry import describe_suite

describe_suite(
    "fit3181-a1",
    "FIT3181 Assignment 1: theory (activations, backprop, gradient descent), EMNIST letters, and CNNs on STL-10 "
    "with adversarial robustness",
)

from dlcourse.suites.fit3181_a1 import (  # noqa: E402, F401  (registers the tasks)
    activations,
    calculator,
    descent,
    letters,
    letters_ffn,
    part3_attacks,
    part3_cnn,
    part3_regularise,
    part3_robust,
)
