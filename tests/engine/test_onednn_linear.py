"""fp32 dense layers through oneDNN: the same values and gradients as torch's default path, left alone under
autocast, differentiable twice, chosen by CPU maker or by the environment, and recorded with the run."""

from dataclasses import replace

import pytest
import torch
import torch.nn.functional as F

from dlcourse import device, onednn_linear
from dlcourse.data import flatten, load_sample, scale_unit
from dlcourse.device import BF16, FP32_LINEAR_ENV, choose_precision, onednn_linear_default
from dlcourse.errors import InvalidSetting
from dlcourse.models import clocknet, mlp
from dlcourse.onednn_linear import MIN_DENSE_WEIGHTS, OneDnnLinear, largest_dense, onednn_available
from dlcourse.train import TrainConfig, fit

pytestmark = pytest.mark.skipif(not onednn_available(), reason="this torch build has no oneDNN")

CPU = torch.device("cpu")


def _grads(layer: torch.nn.Linear, x: torch.Tensor, mode: bool) -> list[torch.Tensor]:
    x = x.detach().clone().requires_grad_(True)
    layer.zero_grad(set_to_none=True)
    with OneDnnLinear() if mode else torch.enable_grad():
        out = layer(x)
    out.tanh().sum().backward()
    return [out.detach(), x.grad, layer.weight.grad, layer.bias.grad]


@pytest.mark.parametrize("shape", [(32, 300), (4, 7, 300)])
def test_values_and_all_three_gradients_match_the_default_path(shape):
    torch.manual_seed(0)
    layer = torch.nn.Linear(300, 70)
    x = torch.randn(*shape)
    for ours, reference in zip(_grads(layer, x, True), _grads(layer, x, False), strict=True):
        assert ours.shape == reference.shape
        torch.testing.assert_close(ours, reference, rtol=1e-5, atol=1e-5)


def test_the_mode_runs_the_onednn_function_and_skips_what_it_must_not_take():
    torch.manual_seed(0)
    layer = torch.nn.Linear(16, 4)
    with OneDnnLinear():
        assert type(layer(torch.randn(8, 16)).grad_fn).__name__ == "_LinearBackward"
        assert layer(torch.randn(16)).grad_fn.name() != "_LinearBackward"  # no batch dimension
        assert layer(torch.randn(0, 16)).shape == (0, 4)  # an empty batch: torch's own path
        with torch.autocast("cpu", dtype=torch.bfloat16):
            out = layer(torch.randn(8, 16))
    # Under autocast the default path keeps its bf16 arithmetic, value for value.
    x = torch.randn(8, 16)
    with OneDnnLinear(), torch.autocast("cpu", dtype=torch.bfloat16):
        ours = layer(x)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        reference = layer(x)
    assert out.dtype == torch.bfloat16 and torch.equal(ours, reference)


def test_a_bf16_step_sends_only_its_fp32_regions_dense_layers_through_onednn(monkeypatch):
    calls = []
    product = onednn_linear._product
    monkeypatch.setattr(onednn_linear, "_product", lambda *args: calls.append(1) or product(*args))
    torch.manual_seed(0)
    model = clocknet(filters=(4, 8), heads=(2, 2), hidden=16, in_size=32, stem=4)  # heads: 2 x (64 -> 16 -> w)
    x = torch.rand(6, 1, 32, 32)

    def step(onednn: bool) -> list[torch.Tensor]:
        model.zero_grad(set_to_none=True)
        calls.clear()
        with replace(BF16, onednn_linear=onednn).autocast(CPU):
            out = model(x)
        out.square().sum().backward()
        return [out.detach()] + [p.grad for p in model.parameters()]

    reference = step(False)
    assert calls == [] and reference[0].dtype == torch.float32
    ours = step(True)
    # Two heads of two dense layers: each runs forward, input gradient and weight gradient through oneDNN
    # (the first layer's input gradient too: the trunk below it trains); the bf16 trunk stays as it was.
    assert len(calls) == 2 * 2 * 3
    for a, b in zip(ours, reference, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)
    with onednn_linear.onednn_in_fp32_regions():  # outside a model's fp32 region, bf16 autocast keeps its way
        calls.clear()
        with torch.autocast("cpu", dtype=torch.bfloat16):
            assert torch.nn.Linear(8, 3)(torch.randn(4, 8)).dtype == torch.bfloat16
        assert calls == []


def test_a_second_derivative_through_the_mode_equals_the_default_one():
    torch.manual_seed(0)
    layer = torch.nn.Linear(12, 5)
    x0 = torch.randn(6, 12)

    def input_gradient_penalty(mode: bool) -> torch.Tensor:
        x = x0.clone().requires_grad_(True)
        layer.zero_grad(set_to_none=True)
        with OneDnnLinear() if mode else torch.enable_grad():
            (grad,) = torch.autograd.grad(F.softplus(layer(x)).sum(), x, create_graph=True)
        grad.square().sum().backward()
        return layer.weight.grad.clone()

    torch.testing.assert_close(input_gradient_penalty(True), input_gradient_penalty(False), rtol=1e-5, atol=1e-6)


def test_the_choice_follows_the_cpu_maker_and_the_environment(monkeypatch):
    monkeypatch.delenv(FP32_LINEAR_ENV, raising=False)
    large = {"convolutional": False, "batch_size": 10, "largest_dense": MIN_DENSE_WEIGHTS}
    for vendor, expected in (("AuthenticAMD", True), ("GenuineIntel", False), ("", False)):
        monkeypatch.setattr(device, "cpu_vendor", lambda v=vendor: v)
        onednn_linear_default.cache_clear()
        assert onednn_linear_default() is expected
        assert choose_precision("auto", CPU, **large).onednn_linear is expected
        assert choose_precision("bf16", CPU, **large).onednn_linear is expected  # for its fp32 regions
    # Only on the CPU, for a model with a large enough dense layer.
    assert choose_precision("auto", torch.device("cuda"), **large).onednn_linear is False
    small = large | {"largest_dense": MIN_DENSE_WEIGHTS - 1}
    assert choose_precision("auto", CPU, **small).onednn_linear is False
    assert largest_dense(mlp([784, 1400, 10])) == 784 * 1400 and largest_dense(torch.nn.Conv2d(3, 8, 3)) == 0
    monkeypatch.setenv(FP32_LINEAR_ENV, "onednn")
    onednn_linear_default.cache_clear()
    assert onednn_linear_default() is True  # on an Intel CPU too, when asked
    monkeypatch.setenv(FP32_LINEAR_ENV, "mkl")
    onednn_linear_default.cache_clear()
    with pytest.raises(InvalidSetting, match=f"{FP32_LINEAR_ENV} must be 'onednn' or 'default', got 'mkl'"):
        onednn_linear_default()
    monkeypatch.undo()
    onednn_linear_default.cache_clear()


@pytest.mark.parametrize("choice", ["onednn", "default"])
def test_a_run_records_its_choice_and_trains_either_way(monkeypatch, choice):
    monkeypatch.setenv(FP32_LINEAR_ENV, choice)
    onednn_linear_default.cache_clear()
    ds = load_sample("mnist").balanced_subset(1000, 500, seed=0)
    train, test = (flatten(scale_unit(ds.x_train)), ds.y_train), (flatten(scale_unit(ds.x_test)), ds.y_test)
    torch.manual_seed(0)
    model = mlp([784, 1400, 10])  # 1.1M weights in its first layer: large enough for the fast path
    history = fit(model, train, TrainConfig(epochs=2, batch_size=20, lr=1e-3), evals={"test": test})
    monkeypatch.undo()
    onednn_linear_default.cache_clear()
    assert history.meta["precision"] == "fp32" and history.meta["fp32_linear"] == choice
    assert history.last["test_acc"] > 0.8  # ten classes: chance is 0.1
