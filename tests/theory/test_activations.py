import numpy as np
import pytest
import torch
import torch.nn.functional as F

from dlcourse.theory import ACTIVATION_FUNCTIONS

# The oracle: PyTorch's own definitions, differentiated by autograd.
TORCH = {
    "elu": lambda t, alpha=1.0: F.elu(t, alpha=alpha),
    "gelu": lambda t: F.gelu(t, approximate="none"),
    "silu": F.silu,
    "mish": F.mish,
    "relu": F.relu,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
}
CASES = [(name, {}) for name in TORCH] + [("elu", {"alpha": 0.3}), ("elu", {"alpha": 2.5})]


def test_every_registered_activation_has_an_oracle():
    assert set(ACTIVATION_FUNCTIONS) == set(TORCH)


@pytest.mark.parametrize("name,params", CASES)
def test_function_and_derivative_equal_autograd(name, params):
    rng = np.random.default_rng(len(name))
    x = np.concatenate([rng.normal(0, 3, 500), rng.uniform(-40, 40, 100)])
    x = x[np.abs(x) > 1e-6]  # ReLU and ELU (α ≠ 1) have no derivative at 0
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y = TORCH[name](t, **params)
    (grad,) = torch.autograd.grad(y.sum(), t)
    act = ACTIVATION_FUNCTIONS.get(name)
    np.testing.assert_allclose(act(x, **params), y.detach().numpy(), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(act.grad(x, **params), grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", list(TORCH))
def test_stated_range_holds_and_is_tight(name):
    act = ACTIVATION_FUNCTIONS.get(name)
    x = np.linspace(-30, 30, 600_001)
    y = act(x)
    assert y.min() >= act.lower - 1e-6 and y.max() <= act.upper
    assert y.min() == pytest.approx(act.lower, abs=1e-5)  # the infimum is reached or approached
    if np.isfinite(act.upper):
        assert y.max() == pytest.approx(act.upper, abs=1e-5)
    assert act.output_range  # every function states its range in words


def test_extreme_inputs_stay_finite():
    x = np.array([-1e4, -800.0, 800.0, 1e4])
    for name in ACTIVATION_FUNCTIONS:
        act = ACTIVATION_FUNCTIONS.get(name)
        with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is harmless
            assert np.isfinite(act(x)).all() and np.isfinite(act.grad(x)).all(), name
