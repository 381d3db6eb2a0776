"""Full-precision (fp32) dense layers on the CPU through oneDNN instead of the BLAS library torch ships (MKL).

On a 2-core AMD EPYC, MKL ran the fp32 matrix products of a training step two to three times slower than
oneDNN, the library torch already uses for convolutions and bf16 products: bath-a2 6.1's 6272 -> 3136
layer at batch 10 took 8.6 ms forward, 9.3 ms for the input gradient and 7.2 ms for the weight gradient,
against 3.2, 1.9 and 2.7 ms (`bench/train_speed.py` gives the whole step). The results agree to fp32
rounding (relative difference about 1e-6), not bit for bit, because the two libraries sum in other orders.

`OneDnnLinear` is a context in which every fp32 `F.linear` on CPU tensors (what `nn.Linear` calls) runs
forward and backward through oneDNN; anything else (autocast's bf16, CUDA, other dtypes) is left as it
was. Which CPUs get it is `device.onednn_linear_default`.

`fp32_region` is the part of a model that computes in fp32 inside a bf16 step (the clock reader's output
heads): autocast off, and its dense layers through oneDNN where the step's precision says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import torch
import torch.nn.functional as F
from torch.overrides import TorchFunctionMode

# Training steps take the mode only for a model with a dense layer of at least this many weights: for smaller
# layers the mode's own cost (it sees every torch call of the forward pass, in Python) ate the gain. Measured
# per step on the AMD EPYC: MLP [784, 300, 100, 10] at batch 32 0.53 -> 0.58 ms, [784, 600, 300, 10] 0.95 ->
# 0.99 ms, [784, 1000, 1000, 10] at batch 50 4.1 -> 2.7 ms.
MIN_DENSE_WEIGHTS = 1_000_000


def largest_dense(model: torch.nn.Module) -> int:
    """The weight count of the model's largest `nn.Linear` (0 for none)."""
    return max((m.weight.numel() for m in model.modules() if isinstance(m, torch.nn.Linear)), default=0)


def onednn_available() -> bool:
    """Whether this torch build has oneDNN's linear kernel (x86 and ARM builds do)."""
    return torch.backends.mkldnn.is_available() and hasattr(torch.ops.mkldnn, "_linear_pointwise")


def _product(a: torch.Tensor, b: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
    """a @ b.T (+ bias) in oneDNN; `a` and `b` may be transposed views."""
    return torch.ops.mkldnn._linear_pointwise(a, b, bias, "none", [], "")


class _Linear(torch.autograd.Function):
    """y = x W^T + b for 2-d x, with its three gradients as oneDNN products (the bias's is a column sum)."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
        ctx.save_for_backward(x, weight)
        ctx.has_bias = bias is not None
        return _product(x, weight, bias)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor | None, ...]:
        x, weight = ctx.saved_tensors
        want_x, want_w, want_b = ctx.needs_input_grad
        # oneDNN's kernel has no derivative of its own: a backward that builds a graph (create_graph=True,
        # for a second derivative) takes torch's differentiable product instead.
        product = (lambda a, b, _: a @ b.t()) if torch.is_grad_enabled() else _product
        grad_x = product(grad, weight.t(), None) if want_x else None  # grad @ W
        grad_w = product(grad.t(), x.t(), None) if want_w else None  # grad^T @ x
        grad_b = grad.sum(0) if ctx.has_bias and want_b else None
        return grad_x, grad_w, grad_b


def linear(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None) -> torch.Tensor:
    """`F.linear` through oneDNN, for inputs of any number of leading dimensions."""
    if x.dim() == 2:
        return _Linear.apply(x, weight, bias)
    flat = x.reshape(-1, x.shape[-1])
    return _Linear.apply(flat, weight, bias).reshape(*x.shape[:-1], weight.shape[0])


def _eligible(x: Any, weight: Any, bias: Any = None) -> bool:
    """fp32 CPU tensors outside autocast (under autocast the default path casts them to bf16 first), with a
    batch dimension and at least one row in it."""
    tensors = (x, weight) if bias is None else (x, weight, bias)
    return (
        all(isinstance(t, torch.Tensor) and t.device.type == "cpu" and t.dtype == torch.float32 for t in tensors)
        and x.dim() >= 2
        and x.numel() > 0
        and weight.dim() == 2
        and not torch.is_autocast_enabled("cpu")
    )


class OneDnnLinear(TorchFunctionMode):
    """Inside this context, eligible `F.linear` calls run through oneDNN (see the module's docstring)."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func is F.linear and _eligible(*args, **kwargs):
            return linear(*args, **kwargs)
        return func(*args, **kwargs)


# Set for the length of a bf16 step whose precision sends fp32 dense layers through oneDNN (see `fp32_region`).
_FP32_REGIONS_ONEDNN: ContextVar[bool] = ContextVar("fp32_regions_onednn", default=False)


@contextmanager
def onednn_in_fp32_regions() -> Iterator[None]:
    """Inside, every `fp32_region` runs its dense layers through oneDNN."""
    token = _FP32_REGIONS_ONEDNN.set(True)
    try:
        yield
    finally:
        _FP32_REGIONS_ONEDNN.reset(token)


@contextmanager
def fp32_region(device_type: str) -> Iterator[None]:
    """A part of a model that computes in fp32 even under bf16 autocast, such as small output heads whose
    bf16 outputs would be too coarse. On the CPU, inside `onednn_in_fp32_regions`, its dense layers go through
    oneDNN: the clock reader's 4096 -> 256 head layers took 9.3 ms of a 122 ms step in MKL, and the step
    became 5% faster through oneDNN. The mode sees only this region's few torch calls, so its own cost, which
    ruled it out around whole bf16 forward passes, does not count here."""
    with torch.autocast(device_type, enabled=False):
        if device_type == "cpu" and _FP32_REGIONS_ONEDNN.get():
            with OneDnnLinear():
                yield
        else:
            yield
