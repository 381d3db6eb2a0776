"""The `dlcourse` command: list | run | report | notebook | read-clock | data | sweep | theory.

Thin: calls the library, prints.

Every expected failure prints `error: <one sentence>` and exits with code 2.
"""

from __future__ import annotations

import contextlib
import shlex
import signal
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from dlcourse.errors import DataNotFound, DlcourseError, InvalidSetting

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Run the tasks of the deep-learning coursework briefs.",
)
out = Console()

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="Folder with the full datasets (searched first).")]
RunsDir = Annotated[Path, typer.Option("--runs-dir", help="Where run folders and reports go.")]


@app.command("list")
def list_tasks(
    settings: Annotated[bool, typer.Option("--settings", help="Also show every task's settings.")] = False,
    pattern: Annotated[str, typer.Argument(help="Shell pattern on task ids, e.g. 'bath-a2/*'.")] = "*",
):
    """List the suites' tasks: profiles, the module that holds each, and the tasks whose results it reads."""
    import fnmatch

    from dlcourse.suites.catalog import MEASURED_TIMES, catalog

    entries = [e for e in catalog() if fnmatch.fnmatchcase(e.id, pattern)]
    table = Table("task", "title", "profiles", "reads (! = must run first)", "module", box=None)
    for e in entries:
        reads = ", ".join([f"{n}!" for n in e.needs] + list(e.reads))
        table.add_row(e.id, e.title, ", ".join(e.profiles), reads, e.module.removeprefix("dlcourse.suites."))
    out.print(table)
    times = Table("suite", "quick profile", "brief profile, full data", title="Measured on a 2-core CPU", box=None)
    for suite in dict.fromkeys(e.suite for e in entries):
        times.add_row(suite, *MEASURED_TIMES.get(suite, ("not measured", "not measured")))
    out.print(times)
    if settings:
        from dlcourse.suites import TASKS

        for e in entries:
            task = TASKS.get(e.id)
            rows = Table("setting (--set name=value)", "type", "brief", "quick", "meaning", title=task.id, box=None)
            for name, kind, help_text in task.settings_class.describe():
                rows.add_row(name, kind, *(str(getattr(task.profiles[p], name)) for p in ("brief", "quick")), help_text)
            out.print(rows)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        out.print(f"dlcourse {version('dlcourse')}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
):
    """Run the tasks of the deep-learning coursework briefs."""


@app.command()
def run(
    ctx: typer.Context,
    target: Annotated[
        str, typer.Argument(help="A suite ('bath-a2'), one task ('bath-a2/3.1') or a pattern ('fit3181-a1/3.*').")
    ],
    profile: Annotated[
        str,
        typer.Option(
            help="brief: the brief's hyper-parameters; quick: small data, minutes on "
            "a CPU; best: our tuned setting where one exists."
        ),
    ] = "brief",
    device: Annotated[str, typer.Option(help="auto, cpu or cuda.")] = "auto",
    seed: Annotated[int, typer.Option(help="Seeds data order, initialisation and augmentation.")] = 0,
    data_dir: DataDir = None,
    runs_dir: RunsDir = Path("runs"),
    epochs: Annotated[int | None, typer.Option(help="Override the tasks' epochs.")] = None,
    batch_size: Annotated[int | None, typer.Option(help="Override the tasks' batch size.")] = None,
    lr: Annotated[float | None, typer.Option(help="Override the tasks' learning rate.")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="Override any setting: --set name=value.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")] = False,
    precision: Annotated[
        str, typer.Option(help="auto (bf16 where this machine runs it faster), fp32 or bf16 (mixed precision).")
    ] = "auto",
    threads: Annotated[
        int | None, typer.Option(help="CPU threads [default: the available cores]; 1 when sharing the machine.")
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue the interrupted run of each task from its last epoch.")
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Train every model one batch, into a temporary folder that is then removed: a check that the "
            "tasks run (with --profile quick, on the bundled samples).",
        ),
    ] = False,
):
    """Run one task or every task of a suite; results go to RUNS_DIR/<suite>/<task>/."""
    from dlcourse.data.fetch import search_dirs
    from dlcourse.suites import select
    from dlcourse.suites.options import RunOptions
    from dlcourse.suites.runner import check_needs, check_overrides, run_task, settings_for

    if not 0 <= seed < 2**32:
        raise InvalidSetting(f"--seed must be between 0 and {2**32 - 1}, got {seed}")
    if threads is not None and threads < 1:
        raise InvalidSetting(f"--threads must be at least 1, got {threads}")
    tasks = select(target)
    overrides = {k: v for k, v in (("epochs", epochs), ("batch_size", batch_size), ("lr", lr)) if v is not None}
    overrides |= _parse_sets(set_ or [])
    for key, skipped in check_overrides(tasks, overrides).items():
        if not quiet:
            out.print(f"note: {key!r} is not a setting of {', '.join(skipped)}, which run without it")
    for task in tasks:  # validate every task's settings before any of them runs
        settings_for(task, profile, overrides)
    if data_dir is not None:
        search_dirs(data_dir)
    selected = {t.name for t in tasks}
    for task in tasks:  # a needed task that is not in the selection must have run already
        if not dry_run and not set(task.needs) <= selected:
            check_needs(task, runs_dir, task.settings(profile)[1])
    options = RunOptions(
        profile=profile, device=device, seed=seed, data_dir=data_dir, overrides=overrides, quiet=quiet,
        command=shlex.join(["dlcourse", *ctx.obj["argv"]]), precision=precision, threads=threads, resume=resume,
        dry_run=dry_run,
    )  # fmt: skip
    with (
        tempfile.TemporaryDirectory(prefix="dlcourse-dry-run-") if dry_run else contextlib.nullcontext(runs_dir) as root
    ):
        for task in tasks:
            folder = run_task(task, options, runs_root=root)
            out.print(f"{task.id}: " + ("ran" if dry_run else f"results in {folder}"))
    if dry_run:
        out.print(f"dry run: every model of {target} trained on one batch; nothing was kept")


def _parse_sets(items: list[str]) -> dict[str, str]:
    parsed = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InvalidSetting(f"--set takes name=value, got {item!r}")
        parsed[key.strip()] = value.strip()
    return parsed


@app.command()
def report(
    suite: Annotated[str, typer.Argument(help="The suite, e.g. bath-a2.")],
    runs_dir: RunsDir = Path("runs"),
    pdf: Annotated[bool, typer.Option("--pdf", help="Also print report.pdf (A4) with headless Chromium.")] = False,
):
    """Write report.md and a self-contained report.html (and report.pdf) from a suite's latest runs."""
    from dlcourse.report import build_report
    from dlcourse.report.render import APPENDIX_NAME
    from dlcourse.suites import select
    from dlcourse.suites.registry import suite_title

    tasks = select(suite)
    if "/" in suite:
        raise DataNotFound(f"'dlcourse report' takes a suite name such as {tasks[0].suite!r}, not a task")
    md, html = build_report(suite, suite_title(suite), tasks, runs_dir)
    appendix = html.with_name(f"{APPENDIX_NAME}.html")
    out.print(f"wrote {md}\nwrote {html} (the main report)\nwrote {appendix} (the full record)")
    if pdf:
        from dlcourse.report.pdf import write_appendix_pdf, write_pdf

        for path, length in (write_pdf(html, suite), write_appendix_pdf(appendix)):
            out.print(f"wrote {path}: {length}")


@app.command()
def notebook(
    suite: Annotated[str, typer.Argument(help="The suite, e.g. bath-a2.")],
    runs_dir: RunsDir = Path("runs"),
    group: Annotated[str, typer.Option(help="Group number in bath-a2's Assignment2_Group_<group>.ipynb.")] = "N",
    profile: Annotated[
        str | None, typer.Option(help="quick or brief [default: that of the recorded runs, else quick].")
    ] = None,
    data_dir: DataDir = None,
    train_missing: Annotated[
        bool, typer.Option("--train-missing", help="Train the tasks that have no finished run of these settings.")
    ] = False,
):
    """Write the suite's notebooks (as its brief names them), executed, with .py and .html exports, and the
    code folder the brief asks for (bath-a2). Each task's cells are its own code; executing them reuses the
    recorded run of the same settings, and trains a task that has none only with --train-missing."""
    from dlcourse.suites.notebook.build import build_notebooks

    built = build_notebooks(
        suite, runs_dir, group=group, profile=profile, data_dir=data_dir, train_missing=train_missing
    )
    for path in built:
        out.print(f"wrote {path}" + (" (and its .py and .html)" if path.suffix == ".ipynb" else ", the code folder"))


@app.command("read-clock")
def read_clock(
    images: Annotated[
        list[Path], typer.Argument(help="PNG or JPEG files, folders of them, or .npz files with 'images'.")
    ],
    model: Annotated[
        Path | None, typer.Option(help="A saved reader (model_<i>.pt of leiden-a1 2a-2d) [default: the best recorded].")
    ] = None,
    runs_dir: RunsDir = Path("runs"),
    out_csv: Annotated[
        Path | None, typer.Option("--out", help="Also write image,time,hour,minute rows to this CSV.")
    ] = None,
):
    """Read the time on clock images with a trained tell-the-time reader (leiden-a1 Task 2)."""
    from dlcourse.telltime.read_command import read_clocks

    read_clocks(images, model, runs_dir, out_csv, out)


@app.command()
def data(data_dir: DataDir = None):
    """Show which datasets are found where, and the bundled samples."""
    from dlcourse.data import DATASETS, load
    from dlcourse.data.fetch import search_dirs

    out.print("searched, in order: " + ", ".join(map(str, search_dirs(data_dir))))
    table = Table("dataset", "full data", "bundled sample", box=None)
    for name in DATASETS:
        try:
            found = load(name, data_dir=data_dir, download=False, quiet=True).describe()
        except DataNotFound:
            found = "not found (downloads on first use when online)"
        table.add_row(name, found, "yes" if DATASETS.get(name).sample else "no")
    out.print(table)


@app.command()
def sweep(
    space: Annotated[str, typer.Argument(help="A YAML/TOML search-space file, or a built-in space (leiden-a1/mlp).")],
    results: Annotated[
        Path | None, typer.Option(help="JSONL results file [default: runs/sweeps/<space>.jsonl].")
    ] = None,
    backend: Annotated[str, typer.Option(help="local: worker processes here; ray: Ray tasks.")] = "local",
    address: Annotated[str | None, typer.Option(help="Ray cluster address; none starts a local Ray.")] = None,
    workers: Annotated[int | None, typer.Option(help="Trials at a time [default: one per 4 cores].")] = None,
    threads: Annotated[int | None, typer.Option(help="Torch threads per trial [default: cores / workers].")] = None,
    gpus_per_trial: Annotated[float, typer.Option(help="GPUs Ray reserves per trial (ray backend).")] = 0.0,
    max_trials: Annotated[int | None, typer.Option(help="Run at most this many new trials, then stop.")] = None,
    pruner: Annotated[
        str, typer.Option(help="Stops hopeless trials early: median, halving (ASHA), hyperband or none.")
    ] = "median",
    prune_after: Annotated[int, typer.Option(help="Epochs every trial trains before the pruner may stop it.")] = 2,
    device: Annotated[str, typer.Option(help="auto, cpu or cuda.")] = "auto",
    data_dir: DataDir = None,
    show: Annotated[int, typer.Option(help="Best trials to list at the end.")] = 10,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No per-trial lines.")] = False,
):
    """Run a hyper-parameter sweep; ended trials are kept, so a rerun resumes where it stopped."""
    from dlcourse.cli_sweep import sweep_command
    from dlcourse.sweep.study import Pruning

    sweep_command(
        space,
        results=results,
        backend=backend,
        address=address,
        workers=workers,
        threads=threads,
        gpus_per_trial=gpus_per_trial,
        max_trials=max_trials,
        pruner=Pruning(pruner, prune_after),
        device=device,
        data_dir=data_dir,
        show=show,
        quiet=quiet,
        out=out,
    )


theory_app = typer.Typer(no_args_is_help=True, help="Calculators for the theory questions (fit3181-a1 Part 1).")
app.add_typer(theory_app, name="theory")


@theory_app.command("forward")
def theory_forward(
    network: Annotated[Path, typer.Argument(help="YAML or JSON: {activation: relu, layers: [{W: rows, b: values}]}.")],
    x: Annotated[str, typer.Option("--x", help="The input, comma-separated, e.g. 1,-1,0.")],
    y: Annotated[int, typer.Option("--y", help="The true class, numbered from 1 as in the brief.")],
    alpha: Annotated[float, typer.Option(help="Label smoothing for the smoothed loss.")] = 0.1,
    eta: Annotated[float, typer.Option(help="SGD learning rate for the update.")] = 0.01,
):
    """Print the forward pass, both losses, the backward pass and one SGD step, formula by formula."""
    from dlcourse.theory import calculate, explain, load_network

    calc = calculate(load_network(network), _parse_vector("--x", x), y, alpha=alpha, eta=eta)
    typer.echo(explain(calc))


def _parse_vector(name: str, text: str) -> list[float]:
    try:
        return [float(part) for part in text.replace(" ", "").strip("[]()").split(",")]
    except ValueError:
        raise InvalidSetting(f"{name} takes comma-separated numbers such as 1,-1,0, got {text!r}") from None


LIGHT_COMMANDS = ("list", "--version", "--help")  # answer at once: no torch, no CPU tuning


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the app and turns expected failures into one line and exit code 2."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] not in LIGHT_COMMANDS:
        from dlcourse.device import tune_cpu  # imports torch

        tune_cpu()  # before any torch work starts the OpenMP threads, which copy the main thread's float mode
    signal.signal(signal.SIGTERM, _interrupt)  # a polite kill stops like Ctrl-C: staging kept for --resume
    command = typer.main.get_command(app)
    try:
        code = command.main(args=argv, prog_name="dlcourse", standalone_mode=False, obj={"argv": argv})
    except DlcourseError as exc:
        _fail(str(exc))
    except OSError as exc:  # a folder that is a file, a read-only or full disk: say which path, keep the rest
        where = f"{exc.filename}: " if exc.filename else ""
        _fail(f"{where}{exc.strerror or exc}; results already written are kept")
    except (KeyboardInterrupt, typer.Abort):
        print(
            "interrupted; finished runs are kept, and the unfinished one continues with the same command and --resume",
            file=sys.stderr,
        )
        sys.exit(130)
    except Exception as exc:
        # Usage errors (unknown option, bad value type) come from the click layer under typer, whose
        # exception classes differ between typer versions; they all carry format_message().
        if hasattr(exc, "format_message"):
            _fail(exc.format_message())
        raise
    sys.exit(code if isinstance(code, int) else 0)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _fail(message: str) -> None:
    message = " ".join(message.split())
    if len(message) > 1 and message[0].isupper() and message[1].islower():  # not "CUDA ..." or "W1 ..."
        message = message[0].lower() + message[1:]
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)
