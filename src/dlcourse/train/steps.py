"""One training step on a batch given by indices into device-resident data, in three forms.

`EagerStep` runs it as ordinary PyTorch. `GraphedStep` records the same step once as a CUDA graph and
replays it, which removes the per-kernel launch cost that dominates small models (an MLP step at batch
50 is ~30 kernel launches and almost no arithmetic). Both add the batch's summed loss and its correct
count (one per head for a multi-head model) to `sums` on the device, so nothing synchronises with the host
inside an epoch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

import torch
from torch import nn

from dlcourse.device import FP32, Precision
from dlcourse.train.metrics import CountFn, Metrics
from dlcourse.train.sam import SAM, frozen_batchnorm_stats
from dlcourse.train.transforms import BatchTransform

if TYPE_CHECKING:
    from dlcourse.train.config import TrainConfig

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


class Step(Protocol):
    x: torch.Tensor  # the training images the step indexes into
    sums: torch.Tensor  # summed loss, then the correct count of each head, since the epoch began
    graphed: bool  # whether the step replays a CUDA graph

    def __call__(self, idx: torch.Tensor) -> None: ...


def make_step(
    model: nn.Module,
    optimizer: Any,
    loss_fn: LossFn,
    metrics: Metrics,
    x: torch.Tensor,
    y: torch.Tensor,
    precision: Precision,
    transform: BatchTransform | None,
    generator: torch.Generator,
    config: TrainConfig,
    schedule: Callable[[int], None] | None,
) -> Step:
    """The one place the step is chosen: SAM's two passes when `config.sam_rho` > 0, otherwise the eager step,
    replayed as a CUDA graph where that is exact: on CUDA, without a per-batch transform (its random draws
    would be frozen into the graph), and with rates the graph can see change (a constant rate, or every
    rate a device tensor, as `optim.make_optimizer` keeps them on CUDA)."""
    sums = torch.zeros(1 + metrics.width, dtype=torch.float64, device=x.device)
    kind = SamStep if config.sam_rho else EagerStep
    step = kind(model, optimizer, loss_fn, metrics.count, x, y, sums, precision, transform, generator)
    rates_in_graph = schedule is None or all(torch.is_tensor(g["lr"]) for g in optimizer.param_groups)
    if (
        config.cuda_graph
        and x.device.type == "cuda"
        and len(x) >= config.batch_size
        and rates_in_graph
        and transform is None
        and not config.sam_rho
    ):
        return GraphedStep(step, config.batch_size)
    return step


def as_float(out: torch.Tensor | tuple[torch.Tensor, ...]) -> torch.Tensor | tuple[torch.Tensor, ...]:
    """A model's output (or each head's) in fp32: losses and softmax are computed at full precision."""
    return tuple(o.float() for o in out) if isinstance(out, tuple) else out.float()


class EagerStep:
    graphed = False

    def __init__(
        self,
        model: nn.Module,
        optimizer: torch.optim.Optimizer,
        loss_fn: LossFn,
        correct_fn: CountFn,
        x: torch.Tensor,
        y: torch.Tensor,
        sums: torch.Tensor,
        precision: Precision = FP32,
        transform: BatchTransform | None = None,
        generator: torch.Generator | None = None,
    ) -> None:
        self.model, self.optimizer, self.loss_fn, self.correct_fn = model, optimizer, loss_fn, correct_fn
        self.x, self.y, self.sums, self.precision = x, y, sums, precision
        self.transform, self.generator = transform, generator
        # Once a graph owns the gradient tensors they must keep their addresses: zero them, never free them.
        self.set_to_none = True

    def batch(self, idx: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        xb, yb = self.x.index_select(0, idx), self.y.index_select(0, idx)
        if self.transform is not None:
            xb, yb = self.transform(xb, yb, self.generator)
        if self.precision.channels_last:
            xb = xb.contiguous(memory_format=torch.channels_last)
        return xb, yb

    def __call__(self, idx: torch.Tensor) -> None:
        self.optimizer.zero_grad(set_to_none=self.set_to_none)
        self.forward_backward(idx)

    def forward_backward(self, idx: torch.Tensor) -> None:
        xb, yb = self.batch(idx)
        out, loss = self.forward(xb, yb)
        loss.backward()
        self.optimizer.step()
        self.record(out, loss, yb)

    def forward(self, xb: torch.Tensor, yb: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The model under the precision's autocast; the loss in fp32 on fp32 outputs."""
        with self.precision.autocast(xb.device):
            out = self.model(xb)
        out = as_float(out)
        return out, self.loss_fn(out, yb)

    @torch.no_grad()
    def record(self, out: torch.Tensor, loss: torch.Tensor, yb: torch.Tensor) -> None:
        correct = self.correct_fn(out, yb).double().reshape(-1)  # one count, or one per head
        self.sums.add_(torch.cat([(loss.detach().double() * len(yb)).reshape(1), correct]))


class SamStep(EagerStep):
    """The two-pass SAM step (see `train.sam`): the loss and accuracy recorded are those of the first
    pass, at the unperturbed weights; batch-norm running statistics are updated by that pass only."""

    optimizer: SAM

    def forward_backward(self, idx: torch.Tensor) -> None:
        xb, yb = self.batch(idx)
        out, loss = self.forward(xb, yb)
        loss.backward()
        self.optimizer.first_step(zero_grad=True)
        with frozen_batchnorm_stats(self.model):
            self.forward(xb, yb)[1].backward()
        self.optimizer.second_step()
        self.record(out, loss, yb)


class GraphedStep:
    """The whole step (gather, forward, loss, backward, optimiser update, metric sums) as one CUDA graph.

    Capture needs a few warm-up steps on a side stream; those would change the weights, so the model,
    its buffers and the optimiser state are restored afterwards. The first replay therefore starts
    from exactly the state the eager path would start from.
    """

    WARMUP_STEPS = 3
    graphed = True

    def __init__(self, eager: EagerStep, batch_size: int) -> None:
        self.eager = eager
        self.x, self.sums = eager.x, eager.sums
        device = eager.x.device
        self.idx = torch.arange(batch_size, device=device) % len(eager.x)
        saved = _snapshot(eager.model, eager.optimizer)
        side = torch.cuda.Stream(device)
        side.wait_stream(torch.cuda.current_stream(device))
        with torch.cuda.stream(side):
            for _ in range(self.WARMUP_STEPS):
                eager.optimizer.zero_grad(set_to_none=True)
                eager.forward_backward(self.idx)
        torch.cuda.current_stream(device).wait_stream(side)
        _restore(eager.model, eager.optimizer, saved)
        eager.sums.zero_()
        # Gradients allocated inside the capture are rewritten, not accumulated, by every replay.
        eager.optimizer.zero_grad(set_to_none=True)
        self.graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(self.graph):
            eager.forward_backward(self.idx)
        eager.set_to_none = False

    def __call__(self, idx: torch.Tensor) -> None:
        if len(idx) != len(self.idx):  # the epoch's last, short batch
            self.eager(idx)
            return
        self.idx.copy_(idx)
        self.graph.replay()


def _snapshot(model: nn.Module, optimizer: torch.optim.Optimizer) -> tuple[list[torch.Tensor], dict]:
    """Weights, buffers and whatever optimiser state exists (a resumed run's, or none for a fresh one)."""
    tensors = [t.detach().clone() for t in (*model.parameters(), *model.buffers())]
    state = {p: {k: v.clone() for k, v in s.items() if torch.is_tensor(v)} for p, s in optimizer.state.items()}
    return tensors, state


def _restore(model: nn.Module, optimizer: torch.optim.Optimizer, saved: tuple[list[torch.Tensor], dict]) -> None:
    """Put weights, buffers and the optimiser's state back in place, in the tensors the graph will capture.

    A parameter without saved state (a fresh run) gets its moments and step count at zero, which gives
    the same first update as a never-stepped optimiser; a resumed run gets back the state it loaded.
    """
    tensors, state = saved
    with torch.no_grad():
        for tensor, value in zip((*model.parameters(), *model.buffers()), tensors, strict=True):
            tensor.copy_(value)
        for param, current in optimizer.state.items():
            for key, value in current.items():
                if not torch.is_tensor(value):
                    continue
                if param in state:
                    value.copy_(state[param][key])
                else:
                    value.zero_()
