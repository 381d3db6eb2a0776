"""What `dlcourse read-clock` does: load a reader, read every image given, print a table and write a CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from rich.console import Console
from rich.table import Table

from dlcourse import atomic
from dlcourse.telltime.error import clock_time
from dlcourse.telltime.images import at_size, read_clock_images
from dlcourse.telltime.reader import best_reader, load_reader


def read_clocks(sources: list[Path], model: Path | None, runs_dir: Path, out_csv: Path | None, out: Console) -> None:
    names, images = read_clock_images(sources)
    reader = load_reader(model) if model else best_reader(runs_dir)
    minutes = reader.read(at_size(images, reader.size))
    hours, mins = clock_time(minutes)
    rows = [(name, f"{h}:{m:02d}", int(h), int(m)) for name, h, m in zip(names, hours, mins, strict=True)]
    error = (
        f", {reader.test_mean_min:.2f} min mean error on its test clocks" if reader.test_mean_min is not None else ""
    )
    out.print(f"reader: {reader.source} ({reader.rep.name}{error}); images resized to {reader.size}x{reader.size}")
    table = Table("image", "time", box=None)
    for name, time, _, _ in rows:
        table.add_row(name, time)
    out.print(table)
    if out_csv:
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(["image", "time", "hour", "minute"])
        writer.writerows(rows)
        atomic.write_bytes(out_csv, buf.getvalue().encode())
        out.print(f"wrote {out_csv}")
