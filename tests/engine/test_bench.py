"""The speed bench runs end to end on a few steps and prints its table (speed targets live in the bench)."""

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "train_speed.py"
FEW_STEPS = ["--steps", "3", "--repeats", "1", "--threads", "1"]


def bench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(BENCH), *args], capture_output=True, text=True, timeout=300)


def table(out: str) -> tuple[list[str], list[list[str]]]:
    """The printed table's column names (split on two spaces) and its rows' cells."""
    header, *rows = out.strip().splitlines()[1:]
    return [c.strip() for c in header.split("  ") if c.strip()], [row.split() for row in rows]


def test_speed_bench_prints_every_contender():
    result = bench("--workloads", "W1,clock,q10", *FEW_STEPS)
    assert result.returncode == 0, result.stderr
    columns, rows = table(result.stdout)
    assert {"DataLoader s/epoch", "x bf16 floor", "x floor", "images"} <= set(columns)
    assert [row[0] for row in rows] == ["W1", "clock", "q10"]
    assert [int(row[2]) for row in rows] == [60_000, 14_400, 45_000]  # each task's epoch
    for row in rows:
        numbers = [float(v.replace(",", "")) for v in row[4:]]
        assert all(n > 0 for n in numbers)  # seconds, ratios and FLOPs are all measured, none missing


def test_compare_times_the_engine_of_another_revision_beside_this_one():
    result = bench("--workloads", "W1", "--compare", "HEAD", *FEW_STEPS)
    assert result.returncode == 0, result.stderr
    columns, rows = table(result.stdout)
    assert columns[-2:] == ["HEAD s/epoch", "x vs HEAD"]
    assert float(rows[0][-2]) > 0 and float(rows[0][-1]) > 0


def test_unknown_workload_or_revision_is_one_line():
    result = bench("--workloads", "W9")
    assert result.returncode == 2 and "unknown workload(s) W9" in result.stderr
    result = bench("--workloads", "W1", "--compare", "no-such-revision", *FEW_STEPS)
    assert result.returncode == 2 and "git cannot export revision 'no-such-revision'" in result.stderr
    assert "Traceback" not in result.stderr
