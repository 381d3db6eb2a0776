"""`fit` and `evaluate`: the training loop over device-resident tensors.

The whole dataset is moved to the device once; a batch is an index slice of a seeded permutation; loss
and accuracy are summed on the device and read once per epoch (and at the progress bar's refreshes).
An `augment` function (see `augment.py`) re-draws the whole training set on the device at the start of
each epoch, into the same tensor, so the steps (graphed or not) keep reading from one place.
The precision policy (`device.choose_precision`) decides bf16 autocast and channels_last: on CUDA always,
on CPUs with native bf16 where it was measured faster. On CUDA the step is a CUDA graph (see
`steps.GraphedStep`) unless `fast=False` or the step has a batch transform (augmentation,
mixup, an adversary) or is SAM's two-pass step, which run eagerly.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from dlcourse.device import autocast_for, choose_precision, tune_cpu
from dlcourse.errors import TrainingDiverged
from dlcourse.train.augment import Augment
from dlcourse.train.checkpoint import load_training_state, restore_training_state, save_training_state
from dlcourse.train.history import History
from dlcourse.train.optim import make_optimizer
from dlcourse.train.progress import EpochProgress
from dlcourse.train.sam import SAM
from dlcourse.train.schedule import lr_at, set_lr
from dlcourse.train.steps import CorrectFn, EagerStep, GraphedStep, LossFn, SamStep, count_correct
from dlcourse.train.transforms import BatchTransform

ArrayLike = np.ndarray | torch.Tensor
Split = tuple[ArrayLike, ArrayLike]


class Callback(Protocol):
    def on_epoch_end(self, history: History, model: nn.Module) -> bool | None:
        """Called after each epoch's row is recorded; return True to stop training.

        A callback may also define `on_train_end(history, model)`, called once after the last epoch.
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
    test: Split | None = None,
    *,
    val: Split | None = None,
    epochs: int,
    batch_size: int,
    lr: float = 1e-3,
    lr_schedule: str = "constant",
    optimizer: str | torch.optim.Optimizer = "adam",
    weight_decay: float = 0.0,
    momentum: float = 0.9,
    loss_fn: LossFn = F.cross_entropy,
    correct_fn: CorrectFn = count_correct,
    device: str | torch.device = "cpu",
    seed: int = 0,
    fast: bool = True,
    precision: str = "auto",
    checkpoint: Path | None = None,
    eval_batch_size: int | None = None,
    callbacks: Sequence[Callback] = (),
    progress: bool = True,
    label: str = "epoch",
    augment: Augment | None = None,
    heads: Sequence[str] = (),
    transform: BatchTransform | None = None,
    sam_rho: float = 0.0,
) -> History:
    """Train `model` in place and return its per-epoch History.

    `train` and `test` are (x, y) arrays or tensors; labels are class indices (or one-hot rows).
    The same seed on the same device gives the same history. `fast` enables the CUDA-graph step on GPU.
    `precision` is `auto`, `fp32` or `bf16` (see `device.choose_precision`).
    `checkpoint`, when given, is a file that receives the whole training state after every epoch; if it
    already holds the state of an interrupted run with this configuration, training continues from there
    (and a finished one returns at once), with the same result as an uninterrupted run (`checkpoint.py`).
    `lr_schedule` is one of `schedule.SCHEDULES`, applied per step. `optimizer` is a name (built with `lr`,
    `weight_decay` and `momentum`, SGD's and RMSprop's) or a ready optimizer over the model's parameters, whose
    groups keep their own rates: the schedule scales each group's starting rate.
    `val`, when given, is scored after every epoch like `test` (`val_loss`, `val_acc`: what early stopping
    watches). `augment(x, generator)` transforms the training images once per epoch (see `augment.py`);
    `transform(x, y, generator)` changes each training batch (see `transforms.py`: mixup, an adversary);
    `sam_rho` > 0 wraps the optimiser in SAM with that radius (`sam.py`).
    For a multi-head model, `heads` names the heads and `correct_fn` returns one count per head (e.g.
    `count_correct_per_head`): each epoch row then has `train_acc_<head>` and `test_acc_<head>`, and
    `train_acc` / `test_acc` are the mean over the heads.
    """
    device = torch.device(device)
    if device.type == "cpu":
        tune_cpu()
    policy = choose_precision(precision, device, convolutional=_has_conv(model), batch_size=batch_size)
    model.to(device)
    if policy.channels_last:
        model.to(memory_format=torch.channels_last)
    x, y = to_device(train, device, policy.channels_last)
    source = x  # may share memory with the caller's array: never written to
    if augment is not None:
        x = torch.empty_like(source)  # each epoch's augmented draw of the training set
    test_xy = to_device(test, device, policy.channels_last) if test is not None else None
    val_xy = to_device(val, device, policy.channels_last) if val is not None else None
    if isinstance(optimizer, torch.optim.Optimizer):
        opt = optimizer
    else:
        opt = make_optimizer(optimizer, model.parameters(), lr, device, weight_decay, momentum)
    if sam_rho:
        opt = SAM(opt, sam_rho)
    steps_per_epoch = math.ceil(len(x) / batch_size)
    schedule = _scheduler(opt, lr_schedule, epochs * steps_per_epoch)
    generator = torch.Generator(device=device).manual_seed(seed)
    meta = dict(
        device=str(device),
        threads=torch.get_num_threads() if device.type == "cpu" else None,
        precision=policy.name,
        channels_last=policy.channels_last,
        batch_size=batch_size,
        lr=lr,
        lr_schedule=lr_schedule,
        optimizer=optimizer if isinstance(optimizer, str) else type(optimizer).__name__,
        rates=sorted({float(g["lr"]) for g in opt.param_groups}),
        weight_decay=sorted({float(g.get("weight_decay", 0.0)) for g in opt.param_groups}),
        momentum=momentum if optimizer in ("sgd", "momentum", "rmsprop") else None,
        epochs=epochs,
        seed=seed,
        transform=transform is not None,
        sam_rho=sam_rho,
        train_size=len(x),
        test_size=len(test_xy[0]) if test_xy else 0,
        val_size=len(val_xy[0]) if val_xy else 0,
        augmented=augment is not None,
        heads=list(heads),
    )
    history = History(meta=meta)
    fingerprint = _fingerprint(meta, model)
    saved = load_training_state(checkpoint, fingerprint)
    first_epoch = 1
    if saved is not None:
        history.rows = restore_training_state(saved, model, opt, generator, callbacks)
        first_epoch = saved["epoch"] + 1
        if saved["finished"]:
            meta["cuda_graph"] = False
            meta["resumed_from_epoch"] = saved["epoch"]
            return _finish(model, history)
        meta["resumed_from_epoch"] = saved["epoch"]
    sums = torch.zeros(1 + max(1, len(heads)), dtype=torch.float64, device=device)
    model.train()
    step_class = SamStep if sam_rho else EagerStep
    step: Callable[[torch.Tensor], None] = step_class(
        model, opt, loss_fn, correct_fn, x, y, sums, policy, transform, generator
    )
    # A graph replays the rate it was captured with unless the rate is a device tensor (fused Adam's is).
    rates_in_graph = schedule is None or all(torch.is_tensor(g["lr"]) for g in opt.param_groups)
    graphed = (
        fast and device.type == "cuda" and len(x) >= batch_size and rates_in_graph and transform is None and not sam_rho
    )
    if graphed:
        step = GraphedStep(step, batch_size)
    meta["cuda_graph"] = graphed
    eval_bs = eval_batch_size or (8192 if device.type == "cuda" else 2000)
    stopped = False
    with EpochProgress(label, enabled=progress) as bar:
        for epoch in range(first_epoch, epochs + 1):
            bar.start_epoch(epoch, epochs, steps_per_epoch)
            offset = (epoch - 1) * steps_per_epoch
            before_step = (lambda i, offset=offset: schedule(offset + i)) if schedule else None
            seconds = _augment_epoch(augment, source, x, generator) if augment is not None else 0.0
            seconds += train_epoch(step, model, len(x), batch_size, generator, sums, bar, before_step)
            loss, accuracies = _means(sums, len(x))
            if not math.isfinite(loss):
                raise TrainingDiverged(f"the training loss became {loss} in epoch {epoch}; lower the learning rate")
            row = {"epoch": epoch, **_loss_and_accuracies("train", loss, accuracies, heads)}
            row |= {"seconds": seconds, "samples_per_s": len(x) / seconds}
            if test_xy is not None:
                loss, accuracies = evaluate_heads(model, test_xy, eval_bs, loss_fn, correct_fn)
                row |= _loss_and_accuracies("test", loss, accuracies, heads)
            if val_xy is not None:
                loss, accuracies = evaluate_heads(model, val_xy, eval_bs, loss_fn, correct_fn)
                row |= _loss_and_accuracies("val", loss, accuracies, heads)
            history.append(**row)
            bar.end_epoch(row)
            # Every callback sees every epoch (a list, not a short-circuiting any()).
            stopped = any([cb.on_epoch_end(history, model) for cb in callbacks])
            if checkpoint is not None and not stopped and epoch < epochs:
                state = _state(fingerprint, epoch, False, model, opt, generator, history, callbacks)
                save_training_state(checkpoint, **state)
            if stopped:
                break
    for cb in callbacks:
        if (end := getattr(cb, "on_train_end", None)) is not None:
            end(history, model)
    if checkpoint is not None:
        state = _state(fingerprint, len(history), True, model, opt, generator, history, callbacks)
        save_training_state(checkpoint, **state)
    return _finish(model, history)


def _state(fingerprint, epoch, finished, model, optimizer, generator, history, callbacks) -> dict:
    return dict(
        fingerprint=fingerprint,
        epoch=epoch,
        finished=finished,
        model=model,
        optimizer=optimizer,
        generator=generator,
        history=history,
        callbacks=callbacks,
    )


def _fingerprint(meta: dict, model: nn.Module) -> dict:
    """What must match for a saved training state to be continued: the configuration and the model's shape."""
    shapes = [list(p.shape) for p in model.parameters()]
    return {k: v for k, v in meta.items() if k not in ("threads", "cuda_graph")} | {"shapes": shapes}


def _finish(model: nn.Module, history: History) -> History:
    """Hand the model back in the ordinary memory layout: code after training may `view` its weights."""
    model.to(memory_format=torch.contiguous_format)
    return history


def _scheduler(opt: torch.optim.Optimizer, schedule: str, total_steps: int):
    """A per-step rate setter, or None for a constant rate (which needs no per-step work).

    Each parameter group's rate follows the schedule from its own starting rate, so groups that start
    at different rates keep their ratio."""
    lr_at(schedule, 1.0, 0, total_steps)  # an unknown schedule fails here, before any training
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


def _loss_and_accuracies(split: str, loss: float, accuracies: list[float], heads: Sequence[str]) -> dict[str, float]:
    row = {f"{split}_loss": loss, f"{split}_acc": sum(accuracies) / len(accuracies)}
    if not heads:
        return row
    return row | {f"{split}_acc_{name}": acc for name, acc in zip(heads, accuracies, strict=True)}


def train_epoch(
    step: Callable[[torch.Tensor], None],
    model: nn.Module,
    n: int,
    batch_size: int,
    generator: torch.Generator,
    sums: torch.Tensor,
    bar: EpochProgress,
    before_step: Callable[[int], None] | None = None,
) -> float:
    """One pass over a fresh permutation; returns its wall time in seconds (device work included).

    `before_step(i)` runs before the epoch's i-th step (the learning-rate schedule uses it).
    """
    device = sums.device
    model.train()
    sums.zero_()
    _sync(device)
    start = time.perf_counter()
    perm = torch.randperm(n, device=device, generator=generator)
    steps = math.ceil(n / batch_size)
    refresh = bar.refresh_every(steps)
    for i in range(steps):
        if before_step is not None:
            before_step(i)
        step(perm[i * batch_size : (i + 1) * batch_size])
        if bar.enabled and (i + 1) % refresh == 0:
            loss, accuracies = _means(sums, min((i + 1) * batch_size, n))
            bar.update(i + 1, loss, sum(accuracies) / len(accuracies))
    _sync(device)
    return time.perf_counter() - start


def evaluate(
    model: nn.Module,
    data: Split,
    batch_size: int = 2000,
    loss_fn: LossFn = F.cross_entropy,
    correct_fn: CorrectFn = count_correct,
    device: str | torch.device | None = None,
) -> tuple[float, float]:
    """Mean loss and accuracy over `data`, in eval mode (the model's mode is restored afterwards).

    For a multi-head model (a `correct_fn` counting per head) the accuracy is the mean over the heads.
    """
    loss, accuracies = evaluate_heads(model, data, batch_size, loss_fn, correct_fn, device)
    return loss, sum(accuracies) / len(accuracies)


def evaluate_heads(
    model: nn.Module,
    data: Split,
    batch_size: int = 2000,
    loss_fn: LossFn = F.cross_entropy,
    correct_fn: CorrectFn = count_correct,
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
            correct = correct_fn(out, yb).double().reshape(-1)
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
