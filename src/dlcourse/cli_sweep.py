"""What `dlcourse sweep` does: resolve the space and the objective, check every config, run, show the best,
and write the ranked trials as CSV next to the JSONL records.

This is command-line presentation, so it lives beside the CLI: it imports the suites to find the spaces
they register by name, which the sweep library itself never does.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from rich.console import Console
from rich.table import Table

from dlcourse import atomic
from dlcourse.device import resolve_device
from dlcourse.errors import InvalidSetting
from dlcourse.sweep.objectives import OBJECTIVES
from dlcourse.sweep.results import read_results
from dlcourse.sweep.runner import check_options, run_sweep
from dlcourse.sweep.space import SPACES, SearchSpace, load_space
from dlcourse.sweep.study import Pruning, make_pruner
from dlcourse.sweep.summary import main_metric, saved_line, table_rows


def resolve_space(name_or_path: str) -> tuple[SearchSpace, str]:
    """A space file, or a space a suite registers by name; returns it with a name for its results file."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml", ".toml"):
        if not path.is_file():
            raise InvalidSetting(f"no search-space file {path}")
        return load_space(path), path.stem
    from dlcourse.suites import load

    load()  # the suites register their spaces

    return SPACES.get(name_or_path)(), re.sub(r"[^\w.-]", "-", name_or_path)


def sweep_command(
    space_arg: str,
    *,
    results: Path | None,
    backend: str,
    address: str | None,
    workers: int | None,
    threads: int | None,
    gpus_per_trial: float,
    max_trials: int | None,
    pruner: Pruning,
    device: str,
    data_dir: Path | None,
    show: int,
    quiet: bool,
    out: Console,
) -> Path:
    check_options(backend, address, workers, threads)
    make_pruner(pruner)
    space, name = resolve_space(space_arg)
    objective = OBJECTIVES.get(space.objective)
    results = results or Path("runs") / "sweeps" / f"{name}.jsonl"
    read_results(results)  # a folder, or a file that is not a sweep's, is refused before any training
    trials = space.trials()
    context = {"data_dir": str(data_dir) if data_dir else None, "device": str(resolve_device(device))}
    for notes in objective.check([t.config for t in trials], context["data_dir"]).values():
        out.print("[dim]data:[/] " + "; ".join(notes))
    if not quiet:
        where = f"{backend} backend" + (f" at {address}" if address else "")
        out.print(f"{len(trials)} trials on the {where} ({context['device']}); results: {results}")

    def progress(record: dict, done: int, total: int) -> None:
        if not quiet:
            scores = {k: v for k, v in (record["metrics"] or {}).items() if k.endswith("_acc") and isinstance(v, float)}
            shown = ", ".join(f"{k} {v:.2%}" for k, v in scores.items()) or _stopped(record)
            params = ", ".join(f"{k} {v}" for k, v in record["params"].items())
            out.print(f"[dim]{done}/{total}[/] {params}: {shown} ({record['timing']['seconds']:.1f} s)")

    records = run_sweep(
        trials,
        objective.fn,
        results,
        backend=backend,
        workers=workers,
        threads=threads,
        address=address,
        gpus_per_trial=gpus_per_trial,
        context=context,
        limit=max_trials,
        on_record=progress,
        pruner=pruner,
    )
    if records:
        rows = table_rows(records, main_metric(records))
        table = Table(*rows[0], box=None, title=f"best {min(show, len(rows))} of {len(records)} finished trials")
        for row in rows[:show]:
            table.add_row(*map(str, row.values()))
        out.print(table)
        atomic.write_text(table_path(results), _csv(rows))
    saved = saved_line(records)
    if saved:
        out.print(saved)
    out.print(f"{len(records)} of {len(trials)} trials finished; results in {results} and {table_path(results)}")
    return results


def table_path(results: Path) -> Path:
    """The CSV beside the JSONL records: `mlp.jsonl` -> `mlp.trials.csv`."""
    return results.with_name(f"{results.stem}.trials.csv")


def _stopped(record: dict) -> str:
    if record.get("pruned"):
        return f"pruned after epoch {record['epochs']}"
    return f"failed: {record['error']}"


def _csv(rows: list[dict]) -> str:
    """The ranked trials as CSV; trials given as configs may differ in their params, so the columns are
    the union of the rows' keys."""
    columns = list(dict.fromkeys(k for row in rows for k in row))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()
