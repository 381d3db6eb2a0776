"""Seconds per epoch of the bath-a2 3.1 MLP (batch 50, Adam): our engine against a plain DataLoader loop.

Both train the same model from the same initial weights on the same tensors, in this process, on the
same device; the DataLoader loop is the usual notebook code:

    for x, y in DataLoader(TensorDataset(x_train, y_train), batch_size=50, shuffle=True): ...

Usage: python bench/train_speed.py [--data-dir ../shared/data] [--device auto|cpu|cuda] [--epochs 2]
Without full MNIST on disk it falls back to the bundled 5,000-image sample and says so.
"""

from __future__ import annotations

import argparse
import time

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

from dlcourse.data import flatten, load, load_sample, scale_unit
from dlcourse.device import describe_device, resolve_device
from dlcourse.errors import DataNotFound
from dlcourse.models import mlp
from dlcourse.train import fit


def dataloader_epoch(model, x, y, device, batch_size=50) -> float:
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
    parser.add_argument("--data-dir", default=None, help="folder with mnist.npz (default: search, then sample)")
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda (default: auto)")
    parser.add_argument("--epochs", type=int, default=2, help="timed epochs per method; the best is kept (default 2)")
    args = parser.parse_args()
    device = resolve_device(args.device)
    try:
        ds = load("mnist", data_dir=args.data_dir, download=False)
    except DataNotFound:
        ds = load_sample("mnist")
        print("full MNIST not found: timing on the bundled 5,000-image sample")
    x = torch.as_tensor(flatten(scale_unit(ds.x_train))).to(device)
    y = torch.as_tensor(ds.y_train).to(device)
    torch.manual_seed(0)
    initial = mlp([784, 1000, 1000, 10]).state_dict()

    def fresh():
        model = mlp([784, 1000, 1000, 10]).to(device)
        model.load_state_dict(initial)
        return model

    baseline = min(dataloader_epoch(fresh(), x, y, device) for _ in range(args.epochs))
    history = fit(fresh(), (x, y), epochs=args.epochs, batch_size=50, device=device, progress=False)
    engine = min(history.column("seconds"))
    graph = " (CUDA graph)" if history.meta["cuda_graph"] else ""
    print(f"device: {describe_device(device)}; {len(x):,} images, batch 50, Adam; best of {args.epochs} epochs")
    print(f"{'DataLoader loop':<24}{baseline:8.2f} s/epoch")
    print(f"{'dlcourse engine' + graph:<24}{engine:8.2f} s/epoch")
    print(f"{'speed-up':<24}{baseline / engine:8.2f} x")


if __name__ == "__main__":
    main()
