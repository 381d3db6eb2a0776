"""The report in two parts: a main report a marker reads (answers, chosen figures, a first page that says each
fact once) and an appendix that keeps the full record."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from dlcourse.cli import main
from dlcourse.errors import InvalidInput
from dlcourse.report import build_report
from dlcourse.report.print_css import print_css
from dlcourse.runs import Run
from dlcourse.suites.registry import Task
from tests.report.test_summary import BudgetSettings

PROFILES = {"brief": BudgetSettings(), "quick": BudgetSettings()}
SHARED = "The full mnist was not found, so its bundled real sample stood in (5,000 train / 1,000 test images)."


def a_task(name: str, shows=(), details=()) -> Task:
    return Task(f"demo/{name}", f"Task {name}", lambda ctx: None, PROFILES, (), (), None, tuple(shows), (), details)


def record(root: Path, name: str, profile: str = "brief", roles: bool = True, tables: dict | None = None) -> None:
    run = Run(root, "demo", name)
    for table, rows in (tables or {}).items():
        run.table(table, rows, f"the {table} table")
    run.metric("test_acc", 0.875, "test accuracy")
    run.metric("epochs_trained", 15, "epochs trained in all")
    if roles:
        run.note(f"Task {name}: the wider network wins by 2 points.", "answer")
        run.note(SHARED, "disclosure")
        run.note("mnist: 60,000 train / 10,000 test images of 28x28, from mnist.npz", "data")
        run.note(f"Task {name} trained 3 networks of 5 epochs each.")
    else:
        run._add({"kind": "note", "text": f"Task {name}: a note recorded before notes had roles."})  # as then
    for figure in ("curve", "weights"):
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.plot([0, 1], [0, 1])
        run.figure(figure, fig, f"the {figure} of task {name}")
    provenance = {
        "command": f"dlcourse run demo/{name}",
        "profile": profile,
        "seed": 0,
        "device": "cpu",
        "seconds": 90.0,
        "versions": {"torch": "test"},
        "git_revision": "0123456789abcdef",
        "finished": "2026-01-01T00:00:00",
    }
    run.write_json("provenance.json", provenance)
    run.commit()


@pytest.fixture
def runs(tmp_path) -> Path:
    for name in ("1", "2"):
        record(tmp_path, name)
    return tmp_path


def parts(root: Path) -> tuple[str, str]:
    folder = root / "demo"
    return (folder / "report.md").read_text(), (folder / "report-appendix.md").read_text()


def test_the_main_report_shows_answers_and_chosen_figures_the_appendix_everything(runs):
    build_report("demo", "Demo", [a_task("1", shows=("curve",)), a_task("2")], runs)
    main_md, appendix_md = parts(runs)
    body = main_md.split("## demo/1", 1)[1]
    assert "Task 1: the wider network wins by 2 points." in body
    assert "trained 3 networks" not in main_md  # a detail: the appendix's
    assert "the curve of task 1" in body and "the weights of task 1" not in body
    assert "the curve of task 2" not in main_md  # task 2 names no figure for the main report
    for text in ("trained 3 networks of 5 epochs", "the weights of task 1", "the curve of task 2", "wins by 2"):
        assert text in appendix_md
    page = (runs / "demo" / "report-appendix.html").read_text()
    assert page.count("<figure><img") == 4  # every figure the runs recorded, embedded


def test_metrics_of_how_a_task_ran_are_left_to_the_appendix(runs):
    build_report("demo", "Demo", [a_task("1", details=("epochs_trained",)), a_task("2")], runs)
    main_md, appendix_md = parts(runs)
    first, second = main_md.split("## demo/1", 1)[1].split("## demo/2")
    assert "| test accuracy | 87.50% |" in first and "epochs trained in all" not in first
    assert "| epochs trained in all | 15 |" in second  # task 2 keeps it: it names no details
    assert appendix_md.count("| epochs trained in all | 15 |") == 2


def test_the_first_page_says_each_disclosure_once_and_the_data_used(runs):
    build_report("demo", "Demo", [a_task("1"), a_task("2")], runs)
    main_md, _ = parts(runs)
    front, body = main_md.split("## demo/1", 1)
    assert front.count(SHARED) == 1 and SHARED not in body
    assert "| data | mnist: 60,000 train / 10,000 test images of 28x28, from mnist.npz |" in front
    assert "| wall time | 3 min 00 s in all for the 2 tasks |" in front
    assert "| revision | dlcourse " in front and "git 0123456789ab |" in front


def test_notes_recorded_before_roles_stay_in_the_main_report(tmp_path):
    record(tmp_path, "1", roles=False)
    build_report("demo", "Demo", [a_task("1")], tmp_path)
    assert "a note recorded before notes had roles" in parts(tmp_path)[0]


def test_every_page_names_dlcourse_the_suite_and_the_revision(runs):
    build_report("demo", "Demo", [a_task("1"), a_task("2")], runs)
    for name in ("report", "report-appendix"):
        md = (runs / "demo" / f"{name}.md").read_text()
        page = (runs / "demo" / f"{name}.html").read_text()
        footer = "dlcourse 0.1.0 · demo · git 0123456789ab · a generated reference solution, not a submission"
        assert md.rstrip().endswith(f"*{footer}*")
        assert f'@bottom-center{{content:"{footer}"' in page  # the print stylesheet puts it on every page


def test_the_footer_text_cannot_break_out_of_its_css_string():
    css = print_css("demo", 'a "quoted" \\ footer')
    assert 'content:"a \\"quoted\\" \\\\ footer"' in css


def test_runs_of_two_profiles_are_refused_in_one_sentence_and_nothing_is_written(tmp_path, capsys):
    record(tmp_path, "1", profile="quick")
    record(tmp_path, "2", profile="brief")
    with pytest.raises(InvalidInput, match=r"mix profiles \(quick: 1; brief: 2\)"):
        build_report("demo", "Demo", [a_task("1"), a_task("2")], tmp_path)
    assert not list((tmp_path / "demo").glob("report*"))


def test_the_cli_refuses_mixed_profiles_with_exit_2(tmp_path, capsys):
    from dlcourse.suites import select

    first, second = select("bath-a2")[:2]
    for task, profile in ((first, "quick"), (second, "brief")):
        run = Run(tmp_path, task.suite, task.name)
        run.metric("test_acc", 0.5, "test accuracy")
        provenance = {"command": "x", "profile": profile, "seed": 0, "device": "cpu", "versions": {"torch": "t"}}
        run.write_json("provenance.json", provenance | {"finished": "now"})
        run.commit()
    with pytest.raises(SystemExit) as stopped:
        main(["report", "bath-a2", "--runs-dir", str(tmp_path)])
    assert stopped.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: the runs of bath-a2 mix profiles") and len(err.splitlines()) == 1
    assert not list((tmp_path / "bath-a2").glob("report*"))


def test_a_table_of_many_columns_is_set_smaller_to_fit_the_printed_page(tmp_path):
    record(tmp_path, "1", tables={"wide": [{f"column {i}": i for i in range(12)}], "narrow": [{"a": 1, "b": 2}]})
    build_report("demo", "Demo", [a_task("1", shows=("wide", "narrow"))], tmp_path)
    html = (tmp_path / "demo" / "report.html").read_text()
    assert html.count("<table class='wide'>") == 1
    assert "the wide table</b></p><table class='wide'>" in html and "the narrow table</b></p><table>" in html
