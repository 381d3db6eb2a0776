"""Activation functions and their analytic derivatives in NumPy (fit3181-a1 Question 1.1).

Each entry states its output range; the lower bounds of GELU, SiLU and Mish are the values at their
single minimum, found by solving f'(x) = 0 numerically (the tests check them against a fine grid).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from dlcourse.registry import Registry

Array = np.ndarray
_erf = np.vectorize(math.erf, otypes=[float])


@dataclass(frozen=True)
class Activation:
    name: str
    fn: Callable[..., Array]  # fn(x, **params)
    derivative: Callable[..., Array]  # d fn / dx, same signature
    output_range: str  # as written in the report
    lower: float  # infimum of the output (for the default parameters)
    upper: float  # supremum of the output
    params: dict[str, float] = field(default_factory=dict)  # default parameters, e.g. ELU's alpha

    def __call__(self, x: Array, **params: float) -> Array:
        return self.fn(np.asarray(x, dtype=float), **(self.params | params))

    def grad(self, x: Array, **params: float) -> Array:
        return self.derivative(np.asarray(x, dtype=float), **(self.params | params))


ACTIVATION_FUNCTIONS: Registry[Activation] = Registry("activation function")


def sigmoid(x: Array) -> Array:
    # Split by sign so that exp never overflows.
    out = np.empty_like(x, dtype=float)
    pos = x >= 0
    out[pos] = 1 / (1 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    out[~pos] = ex / (1 + ex)
    return out


def softplus(x: Array) -> Array:
    """log(1 + e^x), computed without overflow."""
    return np.logaddexp(0.0, x)


def _gauss_cdf(x: Array) -> Array:
    return 0.5 * (1 + _erf(x / math.sqrt(2)))


def _gauss_pdf(x: Array) -> Array:
    return np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def elu(x: Array, alpha: float = 1.0) -> Array:
    """ELU (Clevert, Unterthiner and Hochreiter, 2015): alpha (e^x - 1) for x < 0, x otherwise."""
    return np.where(x < 0, alpha * np.expm1(np.minimum(x, 0)), x)


def elu_grad(x: Array, alpha: float = 1.0) -> Array:
    # d/dx alpha (e^x - 1) = alpha e^x on x < 0; d/dx x = 1 otherwise.
    return np.where(x < 0, alpha * np.exp(np.minimum(x, 0)), 1.0)


def gelu(x: Array) -> Array:
    """GELU (Hendrycks and Gimpel, 2016): x Phi(x), Phi the standard normal CDF (the exact form, not tanh)."""
    return x * _gauss_cdf(x)


def gelu_grad(x: Array) -> Array:
    # Product rule: Phi(x) + x phi(x).
    return _gauss_cdf(x) + x * _gauss_pdf(x)


def silu(x: Array) -> Array:
    """SiLU / Swish-1 (Elfwing et al., 2017; Ramachandran, Zoph and Le, 2017): x sigmoid(x)."""
    return x * sigmoid(x)


def silu_grad(x: Array) -> Array:
    # sigma + x sigma (1 - sigma) = sigma (1 + x (1 - sigma)).
    s = sigmoid(x)
    return s * (1 + x * (1 - s))


def mish(x: Array) -> Array:
    """Mish (Misra, 2019): x tanh(softplus(x))."""
    return x * np.tanh(softplus(x))


def mish_grad(x: Array) -> Array:
    # tanh(sp) + x sech^2(sp) sp', with sp' = sigmoid(x).
    t = np.tanh(softplus(x))
    return t + x * (1 - t * t) * sigmoid(x)


def relu(x: Array) -> Array:
    return np.maximum(x, 0.0)


def relu_grad(x: Array) -> Array:
    # The derivative at 0 does not exist; 0 is the convention PyTorch and TensorFlow use.
    return (x > 0).astype(float)


def sigmoid_grad(x: Array) -> Array:
    s = sigmoid(x)
    return s * (1 - s)


def tanh(x: Array) -> Array:
    return np.tanh(x)


def tanh_grad(x: Array) -> Array:
    return 1 - np.tanh(x) ** 2


_INF = math.inf
for _act in (
    Activation("elu", elu, elu_grad, "(-α, ∞); (-1, ∞) for α = 1", -1.0, _INF, {"alpha": 1.0}),
    Activation("gelu", gelu, gelu_grad, "[-0.1700, ∞), minimum at x ≈ -0.7518", -0.1699713, _INF),
    Activation("silu", silu, silu_grad, "[-0.2785, ∞), minimum at x ≈ -1.2785", -0.2784646, _INF),
    Activation("mish", mish, mish_grad, "[-0.3088, ∞), minimum at x ≈ -1.1924", -0.3088435, _INF),
    Activation("relu", relu, relu_grad, "[0, ∞)", 0.0, _INF),
    Activation("sigmoid", sigmoid, sigmoid_grad, "(0, 1)", 0.0, 1.0),
    Activation("tanh", tanh, tanh_grad, "(-1, 1)", -1.0, 1.0),
):
    ACTIVATION_FUNCTIONS.add(_act.name, _act)
