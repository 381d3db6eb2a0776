"""The speed bench runs end to end on a few steps and prints its table (speed targets live in the bench)."""

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "train_speed.py"


def test_speed_bench_prints_every_contender():
    args = [sys.executable, str(BENCH), "--workloads", "W1,W3-b10", "--steps", "3", "--repeats", "1", "--threads", "1"]
    out = subprocess.run(args, capture_output=True, text=True, timeout=300, check=True).stdout
    header, *rows = out.strip().splitlines()[1:]
    assert "DataLoader s/epoch" in header and "x bf16 floor" in header
    assert [row.split()[0] for row in rows] == ["W1", "W3-b10"]
    for row in rows:
        numbers = [float(v.replace(",", "")) for v in row.split()[3:]]
        assert all(n > 0 for n in numbers)  # seconds, ratios and FLOPs are all measured, none missing


def test_unknown_workload_is_one_line():
    result = subprocess.run([sys.executable, str(BENCH), "--workloads", "W9"], capture_output=True, text=True)
    assert result.returncode == 2 and "unknown workload(s) W9" in result.stderr
