"""Training speed: the engine as tasks use it, a plain DataLoader loop, and this machine's floor.

Workloads (every one steps Adam; an epoch is the task's training set):

  W1        bath-a2 3.1 MLP [784, 1000, 1000, 10], batch 50, 60,000 images
  W2-b50    bath-a2 4.1 CNN (conv 32-64-128, 4x4, strides 1-2-2), batch 50, 60,000 images
  W2-b128   the same at batch 128
  W3-b10    bath-a2 6.1 network (conv 32-64-128 3x3 + pooling, dense 3136-1024-100-10, 23M parameters), batch 10
  W3-b100   the same at batch 100
  clock     leiden-a1 2d's clock reader at its brief settings (150x150, stem, turn/zoom/light augmentation,
            sin/cos of both hands, squared error), batch 128, 14,400 clocks
  q10       tbmi26 q10's ResNet (widths 16-32-64-128, blocks 1-0-1) on 32x32x3, batch 256, 45,000 images

For each: the engine (`dlcourse.train.fit` with its defaults: precision auto, data on the device), the
textbook loop (`DataLoader(TensorDataset(x, y), batch_size=..., shuffle=True)`, fp32), and the floor:
the FLOPs of one forward and backward pass (torch.utils.flop_counter) divided by this machine's measured
matmul rate in the arithmetic the engine chose (2048 x 2048: bf16, or fp32 in the library that ran its dense
layers, torch's default or oneDNN), plus the optimiser's memory traffic, measured as the time of one fused
Adam step over the model's parameters. The contenders alternate, repeat after repeat, in this one
process; each repeat is `--steps` steps, and the minimum is scaled to a full epoch.

`--compare REV` also times the engine of an earlier git revision: that revision's `src` is exported to a
temporary folder, and for each workload this same script runs once on it (in a subprocess, `--json`) and
once on the working tree, so a change of machine load hits both; the table gains `REV s/epoch` and the
speed-up against it.

Usage: python bench/train_speed.py [--workloads W1,W3-b100] [--steps 200] [--repeats 3] [--device cpu]
       [--compare REV] [--json]
The images are random tensors of the datasets' shapes: speed does not depend on their values.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.flop_counter import FlopCounterMode

from dlcourse.device import describe_device, resolve_device, set_threads, tune_cpu
from dlcourse.models import clocknet, cnn, mlp
from dlcourse.models.resnet import resnet
from dlcourse.telltime import Periodic
from dlcourse.train import ACCURACY, Metrics, TrainConfig, fit

CLOCK = Periodic("both")  # leiden-a1 2d's best representation


def _classes(n: int, generator: torch.Generator) -> torch.Tensor:
    return torch.randint(0, 10, (n,), generator=generator)


def _clock_targets(n: int, generator: torch.Generator) -> torch.Tensor:
    hours, minutes = torch.randint(0, 12, (n,), generator=generator), torch.randint(0, 60, (n,), generator=generator)
    return torch.from_numpy(CLOCK.encode(hours.numpy(), minutes.numpy()))


def _clock_read(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Clocks whose decoded hands match the targets' (the task counts clocks read within 10 minutes)."""
    return (CLOCK.decode(out) == CLOCK.decode(target)).sum()


@dataclass(frozen=True)
class Workload:
    shape: tuple[int, ...]
    build: Callable[[], nn.Module]
    batch_size: int
    epoch: int = 60_000  # images in one epoch of the task
    targets: Callable[[int, torch.Generator], torch.Tensor] = _classes
    loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] = F.cross_entropy
    metrics: Metrics = ACCURACY


def _mlp() -> nn.Module:
    return mlp([784, 1000, 1000, 10])


def _cnn41() -> nn.Module:
    return cnn((32, 64, 128), kernel_size=4, strides=(1, 2, 2))


def _net61() -> nn.Module:
    return cnn((32, 64, 128), kernel_size=3, padding="same", pool_after=(0, 1), dense=(3136, 1024, 100))


def _clock_reader() -> nn.Module:
    return clocknet(heads=CLOCK.heads, turn=20.0, zoom=0.1, light=0.3)


def _resnet_q10() -> nn.Module:
    return resnet((16, 32, 64, 128), (1, 0, 1))


WORKLOADS = {
    "W1": Workload((784,), _mlp, 50),
    "W2-b50": Workload((1, 28, 28), _cnn41, 50),
    "W2-b128": Workload((1, 28, 28), _cnn41, 128),
    "W3-b10": Workload((1, 28, 28), _net61, 10),
    "W3-b100": Workload((1, 28, 28), _net61, 100),
    "clock": Workload((1, 150, 150), _clock_reader, 128, 14_400, _clock_targets, CLOCK.loss, Metrics(_clock_read)),
    "q10": Workload((3, 32, 32), _resnet_q10, 256, 45_000),
}


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def dataloader_seconds(model: nn.Module, x: torch.Tensor, y: torch.Tensor, work: Workload) -> float:
    """One pass of the textbook loop over (x, y), timed."""
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loader = DataLoader(TensorDataset(x, y), batch_size=work.batch_size, shuffle=True)
    _sync(x.device)
    start = time.perf_counter()
    for xb, yb in loader:
        loss = work.loss(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
    _sync(x.device)
    return time.perf_counter() - start


def engine_seconds(model: nn.Module, x: torch.Tensor, y: torch.Tensor, work: Workload) -> tuple[float, str]:
    """One epoch of `fit` on (x, y), and how it computed: bf16 or fp32, +NHWC for channels_last, +oneDNN for
    fp32 dense layers through oneDNN (at bf16: those the model keeps in fp32, such as the clock reader's heads;
    a bf16 model without them has none)."""
    config = TrainConfig(epochs=1, batch_size=work.batch_size)
    history = fit(model, (x, y), config, loss_fn=work.loss, metrics=work.metrics, device=x.device)
    meta = history.meta
    label = meta["precision"] + ("+NHWC" if meta["channels_last"] else "")
    return history.rows[0]["seconds"], label + ("+oneDNN" if meta.get("fp32_linear") == "onednn" else "")


def flops_per_image(work: Workload, device: torch.device) -> float:
    model = work.build().to(device)
    x = torch.rand(work.batch_size, *work.shape, device=device)
    y = work.targets(work.batch_size, torch.Generator().manual_seed(0)).to(device)
    counter = FlopCounterMode(display=False)
    with counter:
        work.loss(model(x), y).backward()
    return counter.get_total_flops() / work.batch_size


def onednn_product(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """a @ b.T in oneDNN, the library of the engine's fp32 dense layers where it takes them (imported from no
    dlcourse revision, so that `--compare` runs on revisions from before it)."""
    return torch.ops.mkldnn._linear_pointwise(a, b, None, "none", [], "")


def matmul_rate(
    dtype: torch.dtype, device: torch.device, n: int = 2048, repeats: int = 5, product: Callable = torch.matmul
) -> float:
    """FLOP/s of an n x n matmul in `dtype` by `product`, the best of `repeats`."""
    a, b = (torch.rand(n, n, device=device, dtype=dtype) for _ in range(2))
    product(a, b)  # warm-up
    best = float("inf")
    for _ in range(repeats):
        _sync(device)
        start = time.perf_counter()
        product(a, b)
        _sync(device)
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best


def matmul_rates(device: torch.device) -> dict[str, float]:
    """This machine's matmul rates: fp32 as torch's default library gives it, fp32 through oneDNN (on a CPU
    whose torch has it), and bf16."""
    rates = {"fp32": matmul_rate(torch.float32, device), "bf16": matmul_rate(torch.bfloat16, device)}
    if device.type == "cpu" and hasattr(torch.ops.mkldnn, "_linear_pointwise"):
        rates["fp32 oneDNN"] = matmul_rate(torch.float32, device, product=onednn_product)
    return rates


def adam_step_seconds(model: nn.Module, repeats: int = 10) -> float:
    """One fused (CPU/CUDA) Adam step over the model's parameters: the optimiser's memory traffic."""
    params = list(model.parameters())
    for p in params:
        p.grad = torch.zeros_like(p)
    opt = torch.optim.Adam(params, lr=1e-3, fused=True)
    opt.step()
    best = float("inf")
    for _ in range(repeats):
        _sync(params[0].device)
        start = time.perf_counter()
        opt.step()
        _sync(params[0].device)
        best = min(best, time.perf_counter() - start)
    return best


def bench(name: str, device: torch.device, steps: int, repeats: int, rates: dict[str, float]) -> dict[str, object]:
    work = WORKLOADS[name]
    n = steps * work.batch_size
    x = torch.rand(n, *work.shape, device=device)
    y = work.targets(n, torch.Generator().manual_seed(0)).to(device)
    torch.manual_seed(0)
    initial = work.build().state_dict()

    def fresh() -> nn.Module:
        model = work.build().to(device)
        model.load_state_dict(initial)
        return model

    dataloader_seconds(fresh(), x[: 5 * work.batch_size], y[: 5 * work.batch_size], work)  # warm-up
    engine_seconds(fresh(), x[: 5 * work.batch_size], y[: 5 * work.batch_size], work)
    loop, engine = [], []
    for _ in range(repeats):  # interleaved, so that a change in machine load hits both
        loop.append(dataloader_seconds(fresh(), x, y, work))
        seconds, precision = engine_seconds(fresh(), x, y, work)
        engine.append(seconds)
    scale = work.epoch / n
    flops = flops_per_image(work, device)
    adam = adam_step_seconds(fresh()) * work.epoch / work.batch_size
    # The floor is that of the arithmetic the engine chose: bf16, or fp32 in the library it ran.
    compute_bf16 = flops * work.epoch / rates["bf16"]
    fp32_rate = rates["fp32 oneDNN"] if "oneDNN" in precision else rates["fp32"]
    compute = compute_bf16 if precision.startswith("bf16") else flops * work.epoch / fp32_rate
    return {
        "workload": name,
        "batch": work.batch_size,
        "images": work.epoch,
        "engine": f"{precision}",
        "ms/step": 1000 * min(engine) / steps,
        "engine s/epoch": min(engine) * scale,
        "DataLoader s/epoch": min(loop) * scale,
        "x faster": min(loop) / min(engine),
        "bf16 compute floor s": compute_bf16,
        "x bf16 floor": min(engine) * scale / compute_bf16,
        "floor s (compute + Adam)": compute + adam,
        "x floor": min(engine) * scale / (compute + adam),
        "MFLOP/image": flops / 1e6,
    }


def print_table(rows: list[dict[str, object]]) -> None:
    columns = list(rows[0])
    cells = [[f"{v:,.2f}" if isinstance(v, float) else str(v) for v in row.values()] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    print("  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True)))
    for r in cells:
        print("  ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)))


REPO = Path(__file__).resolve().parents[1]


def export_revision(revision: str, folder: Path) -> Path:
    """The `src` folder of git revision `revision`, written under `folder`."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", revision, "src"], capture_output=True, check=False
    )
    if archive.returncode != 0:
        raise ValueError(f"git cannot export revision {revision!r}: {archive.stderr.decode().strip()}")
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder / "src"


def revision_row(src: Path, name: str, args: argparse.Namespace) -> dict[str, object]:
    """This script's row for workload `name`, timed in a subprocess that imports dlcourse from `src`."""
    command = [sys.executable, __file__, "--workloads", name, "--steps", str(args.steps)]
    command += ["--repeats", str(args.repeats), "--device", args.device, "--json"]
    command += ["--threads", str(args.threads)] if args.threads else []
    env = os.environ | {"PYTHONPATH": str(src)}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise ValueError(f"the bench failed on {args.compare}: {done.stderr.strip().splitlines()[-1]}")
    result = json.loads(done.stdout)
    if Path(result["dlcourse"]).resolve().is_relative_to(REPO):
        raise ValueError(f"the bench of {args.compare} imported the working tree's dlcourse, not the revision's")
    return result["rows"][0]


def compared(row: dict[str, object], old: dict[str, object], revision: str) -> dict[str, object]:
    return row | {
        f"{revision} s/epoch": old["engine s/epoch"],
        f"x vs {revision}": old["engine s/epoch"] / row["engine s/epoch"],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workloads", default=",".join(WORKLOADS), help="comma-separated names (default: all)")
    parser.add_argument("--steps", type=int, default=200, help="optimiser steps per timed repeat (default 200)")
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats per contender (default 3)")
    parser.add_argument("--device", default="cpu", help="cpu or cuda (default cpu)")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads (default: the available cores)")
    parser.add_argument(
        "--compare", metavar="REV", help="also time the engine of this git revision, workload by workload"
    )
    parser.add_argument("--json", action="store_true", help="print the rows as JSON (what --compare reads)")
    args = parser.parse_args(argv)
    tune_cpu()
    names = [n.strip() for n in args.workloads.split(",") if n.strip()]
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        parser.error(f"unknown workload(s) {', '.join(unknown)}; known: {', '.join(WORKLOADS)}")
    device = resolve_device(args.device)
    threads = set_threads(args.threads) if device.type == "cpu" else None
    rates = matmul_rates(device)
    if args.json:
        rows = [bench(name, device, args.steps, args.repeats, rates) for name in names]
        print(json.dumps({"dlcourse": sys.modules["dlcourse"].__file__, "rows": rows}))
        return
    print(
        f"{describe_device(device)}; threads {threads or '-'}; matmul "
        + ", ".join(f"{kind} {rate / 1e9:.0f} GFLOP/s" for kind, rate in rates.items())
        + f"; {args.steps} steps x {args.repeats} repeats, scaled to an epoch"
    )
    if not args.compare:
        print_table([bench(name, device, args.steps, args.repeats, rates) for name in names])
        return
    with tempfile.TemporaryDirectory() as folder:
        try:
            src = export_revision(args.compare, Path(folder))
            rows = [
                compared(
                    bench(name, device, args.steps, args.repeats, rates), revision_row(src, name, args), args.compare
                )
                for name in names
            ]
        except ValueError as error:
            parser.error(str(error))
    print_table(rows)


if __name__ == "__main__":
    main()
