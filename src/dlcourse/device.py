"""Choosing the device, its thread count and its arithmetic precision, and seeding every random source."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import platform
import random
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import numpy as np
import torch

from dlcourse.errors import DeviceUnavailable, InvalidSetting, UnknownName
from dlcourse.onednn_linear import MIN_DENSE_WEIGHTS, OneDnnLinear, onednn_available, onednn_in_fp32_regions


def resolve_device(name: str = "auto") -> torch.device:
    """'auto' picks CUDA when present, else the CPU; asking for CUDA without one is an error."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise DeviceUnavailable("CUDA was requested but no CUDA device is available; use --device cpu")
        return torch.device(name)
    if name == "cpu":
        return torch.device("cpu")
    raise UnknownName(f"unknown device {name!r}; known: auto, cpu, cuda")


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (all devices) so model initialisation is reproducible."""
    random.seed(seed)
    np.random.seed(seed % 2**32)  # NumPy's legacy seed takes 32 bits; a study's seed + k may pass them
    torch.manual_seed(seed)


def describe_device(device: torch.device) -> str:
    if device.type == "cuda":
        return f"{torch.cuda.get_device_name(device)} (CUDA {torch.version.cuda})"
    threads = torch.get_num_threads()
    model = cpu_model()
    return f"CPU ({threads} thread{'s' if threads != 1 else ''}{', ' + model if model else ''})"


def _cpuinfo(field: str) -> str:
    """The first value of `field` in /proc/cpuinfo (Linux), or "" where there is none."""
    try:
        with open("/proc/cpuinfo") as f:
            return next((line.split(":", 1)[1].strip() for line in f if line.startswith(field)), "")
    except OSError:
        return ""


@functools.cache
def cpu_model() -> str:
    """The processor's name as the system gives it ("AMD EPYC", "Intel(R) Xeon(R) ..."), or "" where it is not
    known: timings mean little without it."""
    return _cpuinfo("model name") or platform.processor()


PRECISIONS = ("auto", "fp32", "bf16")
BF16_MIN_BATCH = 50  # below this, bf16 was slower than fp32 on the CPU (see `choose_precision`)


@dataclass(frozen=True)
class Precision:
    """How a training step computes: `dtype` is autocast's (None: full fp32) and `channels_last` lays out
    convolution inputs and weights as NHWC, which oneDNN and cuDNN run fastest in bf16.

    Weights, optimiser state and the loss stay in fp32 either way (mixed precision), so bf16 changes
    only the arithmetic of the matmuls and convolutions.
    """

    dtype: torch.dtype | None = None
    channels_last: bool = False
    # fp32 dense layers on the CPU through oneDNN (see `onednn_linear`): every one at fp32; in a bf16 step,
    # those of the model's fp32 regions (`onednn_linear.fp32_region`)
    onednn_linear: bool = False

    @property
    def name(self) -> str:
        return "bf16" if self.dtype is torch.bfloat16 else "fp32"

    @property
    def fp32_linear(self) -> str:
        """Which library runs fp32 dense layers, as provenance records it."""
        return "onednn" if self.onednn_linear else "default"

    @contextmanager
    def autocast(self, device: torch.device) -> Iterator[None]:
        """The autocast context for this precision on `device` (no weight-cast cache: graph-safe on CUDA);
        at fp32, dense layers run through oneDNN where the precision says so. Under bf16 autocast only those
        of the model's fp32 regions do: the mode around a whole bf16 forward pass sees every torch call of it,
        which cost bf16 steps 5-15%."""
        if self.dtype is not None:
            with torch.autocast(device.type, dtype=self.dtype, cache_enabled=False):
                if self.onednn_linear and device.type == "cpu":
                    with onednn_in_fp32_regions():
                        yield
                else:
                    yield
        elif self.onednn_linear and device.type == "cpu":
            with OneDnnLinear():
                yield
        else:
            yield


FP32 = Precision()
BF16 = Precision(torch.bfloat16)


def autocast_for(device: torch.device):
    """Inference outside training: bf16 autocast on CUDA, fp32 on the CPU, so that scores, attacks and
    timings on a CPU are exact."""
    if device.type == "cuda":
        return BF16.autocast(device)
    return replace(FP32, onednn_linear=onednn_linear_default()).autocast(device)


def cpu_vendor() -> str:
    """The processor's maker as the system gives it ("GenuineIntel", "AuthenticAMD"), or "" where unknown."""
    return _cpuinfo("vendor_id")


FP32_LINEAR_ENV = "DLCOURSE_FP32_LINEAR"


@functools.cache
def onednn_linear_default() -> bool:
    """Whether fp32 dense layers on the CPU run through oneDNN rather than MKL.

    Measured on a 2-core AMD EPYC, oneDNN ran them two to three times as fast as MKL (`onednn_linear`), so
    CPUs other than Intel's take it; on Intel CPUs, MKL's home, the default stays as measured before.
    `DLCOURSE_FP32_LINEAR=onednn` or `=default` chooses either way on any CPU.
    """
    chosen = os.environ.get(FP32_LINEAR_ENV, "").strip().lower()
    if chosen and chosen not in ("onednn", "default"):
        raise InvalidSetting(f"{FP32_LINEAR_ENV} must be 'onednn' or 'default', got {chosen!r}")
    if not onednn_available():
        return False
    if chosen:
        return chosen == "onednn"
    return cpu_vendor() not in ("", "GenuineIntel")


def cpu_supports_bf16() -> bool:
    """True on CPUs with native bf16 arithmetic (AVX-512 BF16 or AMX), where oneDNN runs bf16 faster than fp32
    (a 2048 x 2048 matmul on 2 Xeon cores with AMX: 2,700 against 410 GFLOP/s); elsewhere bf16 is emulated
    and slower than fp32."""
    try:
        return bool(torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def choose_precision(
    requested: str, device: torch.device, *, convolutional: bool, batch_size: int, largest_dense: int = 0
) -> Precision:
    """The precision policy: `auto` takes bf16 where it was measured to be faster, fp32 elsewhere.

    Measured on 2 cores of an Intel Xeon with AVX-512 BF16 and AMX (bench/train_speed.py): bf16 autocast with
    channels_last cut an epoch of bath-a2 6.1's network at batch 100 from 54 to 32 s; at batch 10 the same network was
    1.27x slower in bf16 (228 against 180 s), because the step is then bound by reading the weights and the
    optimiser state, and the casts add to that. So on such CPUs `auto` is bf16 from batch 50 up. On CUDA,
    bf16 is always faster. channels_last goes with bf16 for convolutional networks.

    On the CPU, a model whose largest dense layer (`largest_dense` weights) is large enough for it to pay
    runs its fp32 dense layers through oneDNN, where `onednn_linear_default` says so: at fp32 all of them, in
    bf16 those of its fp32 regions (`onednn_linear.fp32_region`).
    """
    if requested not in PRECISIONS:
        raise UnknownName(f"unknown precision {requested!r}; known: {', '.join(PRECISIONS)}")
    policy = _arithmetic(requested, device, convolutional=convolutional, batch_size=batch_size)
    large = largest_dense >= MIN_DENSE_WEIGHTS
    return replace(policy, onednn_linear=device.type == "cpu" and large and onednn_linear_default())


def _arithmetic(requested: str, device: torch.device, *, convolutional: bool, batch_size: int) -> Precision:
    if requested == "fp32":
        return FP32
    if requested == "auto":
        if device.type == "cpu" and not cpu_supports_bf16():
            return FP32
        if device.type == "cpu" and batch_size < BF16_MIN_BATCH:
            return FP32
        if device.type not in ("cpu", "cuda"):
            return FP32
    return Precision(torch.bfloat16, channels_last=convolutional)


_MALLOC_TUNED = False


def keep_freed_memory() -> None:
    """Have glibc's malloc serve every allocation from its heap and keep freed memory there (Linux only).

    By default glibc maps each allocation above 32 MB fresh from the kernel and unmaps it when freed, so a
    training step that allocates its large gradients and bf16 weight copies anew touches every page anew:
    40,000-50,000 page faults a step for bath-a2 6.1's network (23M parameters, batch 100). Served from the
    heap, the step reuses the same memory: an epoch went from 54 to 32 s on 2 Xeon cores. The cost is that
    the process keeps its peak memory until it exits (the heap is trimmed only above 1 GB free at its top).
    """
    global _MALLOC_TUNED
    if _MALLOC_TUNED or not sys.platform.startswith("linux"):
        return
    _MALLOC_TUNED = True
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl): nothing to tune
        return
    m_trim_threshold, m_top_pad, m_mmap_max = -1, -2, -4
    mallopt(m_mmap_max, 0)
    mallopt(m_trim_threshold, 1 << 30)
    mallopt(m_top_pad, 64 << 20)


def flush_denormals() -> None:
    """Treat floats below 1.2e-38 as zero in CPU arithmetic (x86's flush-to-zero and denormals-are-zero).

    Late in training some values (Adam's second moments, small gradients) fall into the denormal range,
    where each x86 operation takes many times as long: an epoch of bath-a2 6.1's network doubled in time
    after about 600 steps (3.3 s to 7.1 s for 6,000 images). Values that small are 0 for training purposes.
    The mode is per thread and a new thread copies its creator's: call this before the first parallel torch
    operation starts the OpenMP workers (the command line does it first thing), or only the main thread
    has it.
    """
    torch.set_flush_denormal(True)


def tune_cpu() -> None:
    """The process-wide settings that make CPU training run at its measured speed (see the two functions)."""
    keep_freed_memory()
    flush_denormals()


def available_cores() -> int:
    """The cores this process may run on (its affinity mask, not the whole machine)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def set_threads(threads: int | None) -> int:
    """Set torch's intra-op thread count (default: the available cores) and return it."""
    count = available_cores() if threads is None else threads
    if count < 1:
        raise InvalidSetting(f"--threads must be at least 1, got {threads}")
    torch.set_num_threads(count)
    return count


def load_warning(threads: int) -> str | None:
    """A one-line warning when other work already occupies the cores `threads` would use.

    OpenMP threads wait for each other at every parallel region, so one preempted thread stalls them all:
    on a loaded 2-core machine 2 threads ran 5-20x slower than 1. The load is read as the number of other
    runnable tasks right now (the least of a few looks over a quarter of a second), not the load average,
    which still counts a job that ended a minute ago.
    """
    busy = other_runnable_tasks()
    if busy is None or threads == 1 or threads <= available_cores() - busy:
        return None
    free = max(1, available_cores() - busy)
    return (
        f"{busy} other task{'s' if busy != 1 else ''} already running on {available_cores()} cores and training "
        f"would use {threads} threads, which then wait for each other; --threads {free} is likely faster"
    )


def other_runnable_tasks(looks: int = 5, interval: float = 0.05) -> int | None:
    """Runnable tasks besides this one, from /proc/loadavg (Linux); None where it cannot be read."""
    counts = []
    for _ in range(looks):
        try:
            with open("/proc/loadavg") as f:
                counts.append(int(f.read().split()[3].split("/")[0]) - 1)  # the reader itself is runnable
        except (OSError, IndexError, ValueError):
            return None
        time.sleep(interval)
    return max(0, min(counts))
