"""`fit` and `evaluate`: the training loop over device-resident tensors.

The whole dataset is moved to the device once; a batch is an index slice of a seeded permutation; loss
and correct counts are summed on the device and read once per epoch (and when a callback asks for the
running numbers, as the progress bar does ~20 times an epoch). An `augment` function (see `augment.py`)
re-draws the whole training set on the device at the start of each epoch, into the same tensor, so the
steps (graphed or not) keep reading from one place.

How a model is trained is one `TrainConfig`; what is scored after every epoch is a mapping of named
evaluation sets (`evals={"test": ..., "val": ...}`); what counts as correct is a `Metrics`. The precision
policy (`device.choose_precision`) decides bf16 autocast and channels_last; the step (eager, SAM's two
passes, or a CUDA graph of the eager step) is chosen in `steps.make_step`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from dlcourse.device import Precision, autocast_for, choose_precision, tune_cpu
from dlcourse.errors import InvalidInput, TrainingDiverged
from dlcourse.onednn_linear import largest_dense
from dlcourse.train.augment import Augment
from dlcourse.train.checkpoint import load_training_state, restore_training_state, save_training_state
from dlcourse.train.config import TrainConfig
from dlcourse.train.history import History
from dlcourse.train.metrics import ACCURACY, Metrics
from dlcourse.train.optim import make_optimizer
from dlcourse.train.sam import SAM
from dlcourse.train.schedule import lr_at, set_lr
from dlcourse.train.steps import LossFn, Step, as_float, make_step
from dlcourse.train.transforms import BatchTransform

ArrayLike = np.ndarray | torch.Tensor
Split = tuple[ArrayLike, ArrayLike]


class Callback(Protocol):
    def on_epoch_end(self, history: History, model: nn.Module) -> bool | None:
        """Called after each epoch's row is recorded; return True to stop training.

        Optional hooks: `on_train_begin(meta)`, `on_epoch_begin(epoch, epochs, steps)`, `on_steps(done, loss,
        acc)` (the running numbers, a few times an epoch), `on_train_end(history, model)` after the last
        epoch, `close()` however training ends, and `state_dict()` / `load_state_dict(state)` for what a
        resumed run must carry over (see `checkpoint.py`).
        """


def to_device(split: Split, device: torch.device, channels_last: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    x, y = (torch.as_tensor(a) for a in split)
    x = x.to(device, dtype=torch.float32 if not x.is_floating_point() else x.dtype)
    if channels_last and x.ndim == 4:
        x = x.contiguous(memory_format=torch.channels_last)
    y = y.to(device, dtype=torch.long if not y.is_floating_point() else y.dtype)
    return x, y


def _has_conv(model: nn.Module) -> bool:
    return any(isinstance(m, nn.Conv2d) for m in model.modules())


def fit(
    model: nn.Module,
    train: Split,
    config: TrainConfig,
    *,
    evals: Mapping[str, Split | None] | None = None,
    loss_fn: LossFn = F.cross_entropy,
    metrics: Metrics = ACCURACY,
    optimizer: torch.optim.Optimizer | None = None,
    augment: Augment | None = None,
    transform: BatchTransform | None = None,
    callbacks: Sequence[Callback] = (),
    checkpoint: str | Path | None = None,
    device: str | torch.device = "cpu",
) -> History:
    """Train `model` in place as `config` says and return its per-epoch History.

    `train` is (x, y), arrays or tensors; labels are class indices (or one-hot rows). Every set in `evals`
    is scored after every epoch, as `<name>_loss` and `<name>_acc` (a None set is left out). `optimizer`, when
    given, is a ready optimiser over the model's parameters whose groups keep their own rates (the schedule
    scales each group's rate); otherwise `config.optimizer` is built. `augment(x, generator)` redraws the
    training images once per epoch (`augment.py`); `transform(x, y, generator)` changes each batch
    (`transforms.py`: mixup, an adversary). `checkpoint` is a file that receives the training state after
    every epoch; if it holds an interrupted run of this configuration, training continues from there (a
    finished one returns at once), to the same result as an uninterrupted run (`checkpoint.py`).
    The same seed on the same device gives the same history.
    """
    device, checkpoint = torch.device(device), Path(checkpoint) if checkpoint else None
    if device.type == "cpu":
        tune_cpu()
        if config.threads:
            torch.set_num_threads(config.threads)
    policy = choose_precision(
        config.precision,
        device,
        convolutional=_has_conv(model),
        batch_size=config.batch_size,
        largest_dense=largest_dense(model),
    )
    model.to(device, memory_format=torch.channels_last if policy.channels_last else torch.preserve_format)
    x, y = to_device(train, device, policy.channels_last)
    scored = {name: to_device(s, device, policy.channels_last) for name, s in (evals or {}).items() if s is not None}
    opt = _optimizer(model, optimizer, config, device)
    opt = SAM(opt, config.sam_rho) if config.sam_rho else opt
    steps = math.ceil(len(x) / config.batch_size)
    schedule = _scheduler(opt, config.lr_schedule, config.epochs * steps)
    generator = torch.Generator(device=device).manual_seed(config.seed)
    history = History(meta=describe(config, device, policy, opt, optimizer, len(x), scored, metrics))
    history.meta |= {"augmented": augment is not None, "transform": transform is not None}
    fingerprint = _fingerprint(history.meta, model)
    save = partial(_save, checkpoint, fingerprint, model, opt, generator, history, callbacks, transform)
    try:
        reference = _initial_loss(model, x, y, loss_fn, policy)  # untrained; fails early on data it cannot take
        first = _resume(checkpoint, fingerprint, model, opt, generator, callbacks, transform, history, config.epochs)
        if first > config.epochs:  # a finished training, loaded: nothing to train
            return _finish(model, history)
        source = x  # may share memory with the caller's array: never written to
        x = torch.empty_like(source) if augment is not None else x  # each epoch's augmented draw
        step = make_step(model, opt, loss_fn, metrics, x, y, policy, transform, generator, config, schedule)
        history.meta["cuda_graph"] = step.graphed
        _each(callbacks, "on_train_begin", history.meta)
        for epoch in range(first, config.epochs + 1):
            _each(callbacks, "on_epoch_begin", epoch, config.epochs, steps)
            seconds = _augment_epoch(augment, source, x, generator) if augment is not None else 0.0
            seconds += train_epoch(step, model, config, epoch, generator, callbacks, schedule)
            row = _epoch_row(epoch, step, len(x), seconds, metrics, reference)
            for name, split in scored.items():
                row |= metrics.row(name, *evaluate_heads(model, split, _eval_batch(config, device), loss_fn, metrics))
            history.append(**row)
            stop = any([cb.on_epoch_end(history, model) for cb in callbacks])  # a list: every callback sees it
            if stop or epoch == config.epochs:
                break
            save(epoch, finished=False)
        _each(callbacks, "on_train_end", history, model)
    finally:
        _each(callbacks, "close")
    save(len(history), finished=True)
    return _finish(model, history)


def _optimizer(
    model: nn.Module, ready: torch.optim.Optimizer | None, config: TrainConfig, device: torch.device
) -> torch.optim.Optimizer:
    if ready is not None:
        return ready
    return make_optimizer(config.optimizer, model.parameters(), config.lr, device, config.weight_decay, config.momentum)


def describe(
    config: TrainConfig,
    device: torch.device,
    policy: Precision,
    opt: Any,
    ready: torch.optim.Optimizer | None,
    train_size: int,
    scored: Mapping[str, tuple[torch.Tensor, torch.Tensor]],
    metrics: Metrics,
) -> dict[str, Any]:
    """The History's metadata: the configuration and what actually ran (a ready optimiser's own rates,
    momentum and weight decay, the precision chosen, the threads used)."""
    groups = opt.param_groups
    meta: dict[str, Any] = {"device": str(device), **vars(config)}
    meta |= {"threads": torch.get_num_threads() if device.type == "cpu" else None}
    meta |= {"precision": policy.name, "channels_last": policy.channels_last, "fp32_linear": policy.fp32_linear}
    meta |= {"optimizer": config.optimizer if ready is None else type(ready).__name__}
    meta |= {"rates": sorted({float(g["lr"]) for g in groups})}
    meta |= {"weight_decay": sorted({float(g.get("weight_decay", 0.0)) for g in groups})}
    meta |= {"momentum": sorted({float(g["momentum"]) for g in groups if "momentum" in g}) or None}
    meta |= {"train_size": train_size, **{f"{name}_size": len(s[0]) for name, s in scored.items()}}
    return meta | {"heads": list(metrics.heads)}


def _resume(checkpoint, fingerprint, model, opt, generator, callbacks, transform, history: History, epochs: int) -> int:
    """Load a saved training state into the live objects; returns the first epoch still to train (past
    `epochs` when the saved training had finished)."""
    saved = load_training_state(checkpoint, fingerprint)
    if saved is None:
        return 1
    history.rows = restore_training_state(saved, model, opt, generator, callbacks, transform)
    history.meta["resumed_from_epoch"] = saved["epoch"]
    if saved["finished"]:
        history.meta |= {"cuda_graph": False, "resumed_finished": True}
        return epochs + 1
    return saved["epoch"] + 1


def _save(checkpoint, fingerprint, model, opt, generator, history, callbacks, transform, epoch: int, finished: bool):
    if checkpoint is not None:
        save_training_state(
            checkpoint, fingerprint=fingerprint, epoch=epoch, finished=finished, model=model, optimizer=opt,
            generator=generator, history=history, callbacks=callbacks, transform=transform,
        )  # fmt: skip


def _fingerprint(meta: dict, model: nn.Module) -> dict:
    """What must match for a saved training state to be continued: the configuration and the model's shape."""
    shapes = [list(p.shape) for p in model.parameters()]
    return {k: v for k, v in meta.items() if k not in ("threads", "cuda_graph")} | {"shapes": shapes}


def _finish(model: nn.Module, history: History) -> History:
    """Hand the model back in the ordinary memory layout: code after training may `view` its weights."""
    model.to(memory_format=torch.contiguous_format)
    return history


def _each(callbacks: Sequence[Any], hook: str, *args: Any) -> None:
    for cb in callbacks:
        if (method := getattr(cb, hook, None)) is not None:
            method(*args)


def _eval_batch(config: TrainConfig, device: torch.device) -> int:
    return config.eval_batch_size or (8192 if device.type == "cuda" else 2000)


DIVERGED = 100.0  # an epoch's mean loss this many times the untrained model's (or 1) means training diverged


def _initial_loss(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor, loss_fn: LossFn, policy: Precision
) -> float | None:
    """The loss of the untrained model on a few training examples: the yardstick for divergence (None when
    the loss takes targets only a batch transform makes, such as mixup's).

    Computed in eval mode without gradients, so nothing (batch-norm statistics, random draws) changes. A
    model that cannot take the data (a wrong input size) fails here, in one sentence."""
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad(), policy.autocast(x.device):
            out = as_float(model(x[:8]))
    except (RuntimeError, IndexError, ValueError, TypeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InvalidInput(f"the model cannot take training data of shape {tuple(x.shape[1:])}: {first}") from None
    finally:
        model.train(was_training)
    try:
        with torch.no_grad():
            loss = float(loss_fn(out, y[:8]))
    except Exception:  # a loss for targets that only a batch transform makes: no yardstick, no check
        return None
    return loss if math.isfinite(loss) and loss > 0 else None


def _epoch_row(
    epoch: int, step: Step, n: int, seconds: float, metrics: Metrics, reference: float | None
) -> dict[str, float]:
    loss, accuracies = _means(step.sums, n)
    if not math.isfinite(loss):
        raise TrainingDiverged(f"the training loss became {loss} in epoch {epoch}; lower the learning rate")
    if reference is not None and loss > DIVERGED * max(reference, 1.0):
        raise TrainingDiverged(
            f"the training loss reached {loss:.3g} in epoch {epoch}, {loss / reference:.3g} times the untrained "
            f"model's {reference:.3g}: training diverged; lower the learning rate"
        )
    return {"epoch": epoch, **metrics.row("train", loss, accuracies), "seconds": seconds, "samples_per_s": n / seconds}


def _scheduler(opt: Any, schedule: str, total_steps: int):
    """A per-step rate setter, or None for a constant rate (which needs no per-step work).

    Each parameter group's rate follows the schedule from its own starting rate, so groups that start
    at different rates keep their ratio."""
    if schedule == "constant":
        return None
    base = [float(group["lr"]) for group in opt.param_groups]

    def set_rates(global_step: int) -> None:
        factor = lr_at(schedule, 1.0, global_step, total_steps)
        for group, rate in zip(opt.param_groups, base, strict=True):
            set_lr(group, rate * factor)

    return set_rates


def _augment_epoch(augment: Augment, source: torch.Tensor, x: torch.Tensor, generator: torch.Generator) -> float:
    """Draw this epoch's augmented training set into `x` in place; returns the seconds it took."""
    _sync(x.device)
    start = time.perf_counter()
    with torch.no_grad():
        x.copy_(augment(source, generator))
    _sync(x.device)
    return time.perf_counter() - start


def _means(sums: torch.Tensor, n: int) -> tuple[float, list[float]]:
    """Summed loss and correct counts -> mean loss and accuracies (one per head)."""
    loss, *accuracies = (sums / n).tolist()
    return loss, accuracies


UPDATES_PER_EPOCH = 20  # how often a callback with `on_steps` sees the running numbers (each read syncs)


def train_epoch(
    step: Step,
    model: nn.Module,
    config: TrainConfig,
    epoch: int,
    generator: torch.Generator,
    callbacks: Sequence[Any] = (),
    schedule=None,
) -> float:
    """One pass over a fresh permutation; returns its wall time in seconds (device work included)."""
    n, batch_size, sums = len(step.x), config.batch_size, step.sums
    watchers = [cb for cb in callbacks if hasattr(cb, "on_steps")]
    model.train()
    sums.zero_()
    _sync(sums.device)
    start = time.perf_counter()
    perm = torch.randperm(n, device=sums.device, generator=generator)
    steps = math.ceil(n / batch_size)
    refresh = max(1, steps // UPDATES_PER_EPOCH)
    for i in range(steps):
        if schedule is not None:
            schedule((epoch - 1) * steps + i)
        step(perm[i * batch_size : (i + 1) * batch_size])
        if watchers and (i + 1) % refresh == 0:
            loss, accuracies = _means(sums, min((i + 1) * batch_size, n))
            _each(watchers, "on_steps", i + 1, loss, sum(accuracies) / len(accuracies))
    _sync(sums.device)
    return time.perf_counter() - start


def evaluate(
    model: nn.Module,
    data: Split,
    batch_size: int = 2000,
    loss_fn: LossFn = F.cross_entropy,
    metrics: Metrics = ACCURACY,
    device: str | torch.device | None = None,
) -> tuple[float, float]:
    """Mean loss and accuracy over `data`, in eval mode (the model's mode is restored afterwards).

    For a multi-head model (a `metrics` counting per head) the accuracy is the mean over the heads.
    """
    loss, accuracies = evaluate_heads(model, data, batch_size, loss_fn, metrics, device)
    return loss, sum(accuracies) / len(accuracies)


def evaluate_heads(
    model: nn.Module,
    data: Split,
    batch_size: int = 2000,
    loss_fn: LossFn = F.cross_entropy,
    metrics: Metrics = ACCURACY,
    device: str | torch.device | None = None,
) -> tuple[float, list[float]]:
    """Mean loss and the accuracy of each head (a one-element list for an ordinary classifier)."""
    device = torch.device(device) if device is not None else next(model.parameters()).device
    x, y = to_device(data, device, channels_last=device.type == "cuda" and _has_conv(model))
    was_training = model.training
    model.eval()
    sums = torch.zeros((), dtype=torch.float64, device=device)
    with torch.inference_mode(), autocast_for(device):
        for start in range(0, len(x), batch_size):
            xb, yb = x[start : start + batch_size], y[start : start + batch_size]
            out = model(xb)
            correct = metrics.count(out, yb).double().reshape(-1)
            sums = sums + torch.cat([(loss_fn(out, yb).double() * len(yb)).reshape(1), correct])
    model.train(was_training)
    return _means(sums, len(x))


def predict(model: nn.Module, x: ArrayLike, batch_size: int = 2000) -> torch.Tensor | tuple[torch.Tensor, ...]:
    """Logits for every row of `x` (eval mode, no gradients), on the CPU; a tuple of them for a multi-head
    model."""
    device = next(model.parameters()).device
    xt = torch.as_tensor(x).to(device, dtype=torch.float32)
    was_training = model.training
    model.eval()
    with torch.inference_mode(), autocast_for(device):
        batches = [model(xt[i : i + batch_size]) for i in range(0, len(xt), batch_size)]
    model.train(was_training)
    if isinstance(batches[0], tuple):
        return tuple(torch.cat([b[h].float().cpu() for b in batches]) for h in range(len(batches[0])))
    return torch.cat([b.float().cpu() for b in batches])


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
