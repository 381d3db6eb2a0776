"""Training speed of the engine against a plain DataLoader loop, on two workloads of bath-a2:

  mlp    Task 3.1's MLP [784, 1000, 1000, 10] on MNIST, batch 50, Adam
  task6  Task 6.1's item CNN (conv 32-64-128, dense 3136-1024-100-10, 23M parameters) on Fashion-MNIST,
         batch 10, Adam: 6,000 steps per epoch, so the cost per step is what counts

Both loops train the same model from the same initial weights on the same tensors, in this process, on the
same device; the DataLoader loop is the usual notebook code:

    for x, y in DataLoader(TensorDataset(x_train, y_train), batch_size=..., shuffle=True): ...

Usage: python bench/train_speed.py [--workload mlp|task6] [--data-dir ../shared/data] [--device auto|cpu|cuda]
                                   [--epochs 2] [--train-size N]
`--train-size` times on the first N images and scales the time to a full epoch (for slow CPUs).
Without the full dataset on disk it falls back to the bundled 5,000-image sample and says so.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from dlcourse.data import channels_first, flatten, load, load_sample, scale_unit
from dlcourse.device import describe_device, resolve_device
from dlcourse.errors import DataNotFound
from dlcourse.models import cnn, mlp
from dlcourse.train import fit


@dataclass(frozen=True)
class Workload:
    dataset: str
    prepare: Callable[[np.ndarray], np.ndarray]
    build: Callable[[], nn.Module]
    batch_size: int


WORKLOADS = {
    "mlp": Workload("mnist", lambda x: flatten(scale_unit(x)), lambda: mlp([784, 1000, 1000, 10]), 50),
    "task6": Workload(
        "fashion-mnist",
        lambda x: channels_first(scale_unit(x)),
        lambda: cnn((32, 64, 128), kernel_size=3, padding="same", pool_after=(0, 1), dense=(3136, 1024, 100)),
        10,
    ),
}


def dataloader_epoch(model: nn.Module, x: torch.Tensor, y: torch.Tensor, device, batch_size: int) -> float:
    """One epoch of the textbook loop, timed; data stays on the device like in the engine."""
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loader = DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=True)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    sync()
    start = time.perf_counter()
    for xb, yb in loader:
        loss = F.cross_entropy(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
    sync()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workload", default="mlp", choices=sorted(WORKLOADS), help="what to train (default mlp)")
    parser.add_argument("--data-dir", default=None, help="folder with the .npz files (default: search, then sample)")
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda (default: auto)")
    parser.add_argument("--epochs", type=int, default=2, help="timed epochs per method; the best is kept (default 2)")
    parser.add_argument("--train-size", type=int, default=None, help="time on this many images, scaled to an epoch")
    args = parser.parse_args()
    work = WORKLOADS[args.workload]
    device = resolve_device(args.device)
    try:
        ds = load(work.dataset, data_dir=args.data_dir, download=False)
    except DataNotFound:
        ds = load_sample(work.dataset)
        print(f"full {work.dataset} not found: timing on the bundled 5,000-image sample")
    epoch_size = len(ds.y_train)
    n = min(args.train_size or epoch_size, epoch_size)
    x = torch.as_tensor(work.prepare(ds.x_train[:n])).to(device)
    y = torch.as_tensor(ds.y_train[:n]).to(device)
    torch.manual_seed(0)
    initial = work.build().state_dict()

    def fresh() -> nn.Module:
        model = work.build().to(device)
        model.load_state_dict(initial)
        return model

    scale = epoch_size / n
    baseline = scale * min(dataloader_epoch(fresh(), x, y, device, work.batch_size) for _ in range(args.epochs))
    history = fit(fresh(), (x, y), epochs=args.epochs, batch_size=work.batch_size, device=device, progress=False)
    engine = scale * min(history.column("seconds"))
    graph = " (CUDA graph)" if history.meta["cuda_graph"] else ""
    timed = f"timed on {n:,} images, scaled to {epoch_size:,}" if n < epoch_size else f"{n:,} images"
    print(f"{args.workload}: {describe_device(device)}; {timed}, batch {work.batch_size}, Adam; best of {args.epochs}")
    print(f"{'DataLoader loop':<24}{baseline:8.2f} s/epoch")
    print(f"{'dlcourse engine' + graph:<24}{engine:8.2f} s/epoch")
    print(f"{'speed-up':<24}{baseline / engine:8.2f} x")


if __name__ == "__main__":
    main()
