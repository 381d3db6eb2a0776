"""Theory in NumPy: activation functions and derivatives, a forward/backward calculator, gradient descent."""

from dlcourse.theory.activations import ACTIVATION_FUNCTIONS, Activation
from dlcourse.theory.calculator import Calculation, calculate, cross_entropy, smoothed_targets, softmax
from dlcourse.theory.descent import Quadratic, descend
from dlcourse.theory.explain import explain, steps
from dlcourse.theory.network import Network, load_network, network_from_dict, random_network

__all__ = [
    "ACTIVATION_FUNCTIONS",
    "Activation",
    "Calculation",
    "Network",
    "Quadratic",
    "calculate",
    "cross_entropy",
    "descend",
    "explain",
    "load_network",
    "network_from_dict",
    "random_network",
    "smoothed_targets",
    "softmax",
    "steps",
]
