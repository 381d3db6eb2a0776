"""The report's summary against the brief: targets met or missed, and settings that depart from the brief."""

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from dlcourse.errors import InvalidName
from dlcourse.report import build_report, render
from dlcourse.report.section import Section
from dlcourse.runs import Run
from dlcourse.settings import Settings, departures, setting
from dlcourse.suites.registry import Task, task


@dataclass(frozen=True)
class BudgetSettings(Settings):
    batch_size: int = setting(100, "images per step; 100 fits the budget", brief=10, min=1)
    widths: tuple[int, ...] = setting((32, 64), "filters per stage", brief=(64, 128))
    epochs: int = setting(5, "passes over the data (the brief's value)")


def a_task(target=None):
    return Task(
        "demo/1",
        "A demo task",
        lambda ctx: None,
        {"brief": BudgetSettings(), "quick": BudgetSettings()},
        (),
        (),
        target,
    )


def section(task, metrics, profile="brief", settings=None):
    settings = settings if settings is not None else BudgetSettings().as_dict()
    recorded = json.loads(json.dumps(settings))  # as provenance.json holds them: tuples come back as lists
    provenance = {
        "command": "dlcourse run demo/1",
        "profile": profile,
        "seed": 0,
        "device": "cpu",
        "settings": recorded,
        "versions": {"torch": "x"},
        "finished": "now",
        "seconds": 1,
    }
    entries = [{"kind": "metric", "name": name, "label": name.replace("_", " ")} for name in metrics]
    return Section(task, Path("."), provenance, metrics, entries)


def summary_row(md, first="1"):
    """The cells of the summary table's row whose first cell is `first` ("task" for the header)."""
    line = next(line for line in md.splitlines() if line.startswith(f"| {first} |"))
    return [cell.strip() for cell in line.strip("|").split("|")]


@pytest.mark.parametrize(
    ("target", "metrics", "words", "met"),
    [
        (("test_acc", ">", 0.45), {"test_acc": 0.4612}, "> 45.00%", "met"),
        (("test_acc", ">=", 0.62), {"test_acc": 0.6199}, ">= 62.00%", "missed"),
        (("best_mean_min", "<", 10), {"best_mean_min": 2.38}, "< 10", "met"),
        (("best_mean_min", "<", 10), {"best_mean_min": 10.0}, "< 10", "missed"),
        (("test_acc", ">", 0.45), {"val_acc": 0.9}, "> 45.00%", "not recorded"),
    ],
)
def test_the_summary_says_whether_the_briefs_target_was_met(target, metrics, words, met):
    md = render.markdown("Demo", [section(a_task(target), metrics)], [])
    assert summary_row(md, "task")[2:5] == ["result the brief asks for", "brief's target", "met"]
    assert summary_row(md)[3:5] == [words, met]


def test_the_headline_is_the_metric_the_brief_sets_a_target_for():
    metrics = {"train_acc": 0.99, "final_test_acc_mean": 0.76}
    md = render.markdown("Demo", [section(a_task(("final_test_acc_mean", ">=", 0.75)), metrics)], [])
    assert summary_row(md)[2] == "final test acc mean: 76.00%"


def test_a_task_without_a_target_leaves_the_cells_empty():
    other = Task("demo/2", "Another", lambda ctx: None, a_task().profiles)
    sections = [section(a_task(("test_acc", ">", 0.45)), {"test_acc": 0.5}), section(other, {"test_acc": 0.5})]
    sections[1].provenance["command"] = "dlcourse run demo/2"
    md = render.markdown("Demo", sections, [])
    assert summary_row(md, "2")[3:5] == ["none set", "no target"]


def test_a_report_whose_brief_sets_no_target_says_so_in_its_target_column():
    md = render.markdown("Demo", [section(a_task(), {"test_acc": 0.5})], [])
    assert summary_row(md, "task") == ["task", "title", "result the brief asks for", "brief's target", "met"]
    assert summary_row(md)[3:5] == ["none set", "no target"]
    page = render.html("Demo", [section(a_task(), {"test_acc": 0.5})], [])
    assert "<th>brief&#x27;s target</th>" in page and "<td>no target</td>" in page


def test_departures_are_the_settings_that_differ_from_the_briefs_values():
    found = departures(BudgetSettings, json.loads(json.dumps(BudgetSettings().as_dict())))
    assert [(d["setting"], d["brief"]) for d in found] == [("batch_size", 10), ("widths", (64, 128))]
    # The brief's own values, given on the command line, are no departure.
    assert departures(BudgetSettings, {"batch_size": 10, "widths": [64, 128], "epochs": 5}) == []


def test_a_brief_profile_report_lists_its_departures_with_the_option_that_restores_each():
    sections = [section(a_task(), {"test_acc": 0.5})]
    top = render.markdown("Demo", sections, []).split("## demo/1", 1)[0]
    departures = top.split("## Data and departures", 1)[1]
    assert "- 1: Departs from the brief: batch_size is 100 where the brief has 10; images per step; 100 fits" in top
    assert "--set batch_size=10 runs the brief's value" in departures and "--set widths=64,128" in departures
    assert "epochs is" not in departures
    body = render.markdown("Demo", sections, [], part=render.APPENDIX).split("## demo/1", 1)[1]
    assert "batch_size is 100 where the brief has 10" in body and "--set widths=64,128" in body


def test_a_departure_several_tasks_share_is_said_once_naming_them():
    other = Task("demo/2", "Another", lambda ctx: None, a_task().profiles)
    sections = [section(a_task(), {"test_acc": 0.5}), section(other, {"test_acc": 0.5})]
    top = render.markdown("Demo", sections, []).split("## demo/1", 1)[0]
    assert top.count("batch_size is 100 where the brief has 10") == 1
    assert "- 1, 2: Departs from the brief: batch_size is 100" in top


def test_a_quick_report_lists_no_departures():
    md = render.markdown("Demo", [section(a_task(), {"test_acc": 0.5}, profile="quick")], [])
    assert "Departs from the brief" not in md and "depart from the brief's examples" not in md


def test_a_target_with_an_unknown_comparison_is_refused():
    with pytest.raises(InvalidName, match="a target is"):
        task("demo/bad", "bad", brief=BudgetSettings(), quick=BudgetSettings(), target=("test_acc", "=>", 0.5))


def test_a_long_table_shows_its_first_rows_and_says_where_the_rest_are(tmp_path):
    run = Run(tmp_path, "demo", "1")
    run.table("trials", [{"trial": i, "acc (%)": 90 - i / 10} for i in range(30)], "every trial", shown=10)
    run.table("short", [{"trial": i} for i in range(3)], "a short table", shown=10)
    run.write_json("provenance.json", section(a_task(), {}).provenance)
    run.commit()
    md_path, _ = build_report("demo", "Demo", [a_task()], tmp_path)
    assert "every trial" not in md_path.read_text()  # the task shows no table in the main report
    md = (tmp_path / "demo" / "report-appendix.md").read_text()
    page = (tmp_path / "demo" / "report-appendix.html").read_text()
    assert "**every trial (the first 10 of 30 rows; all in trials.csv)**" in md
    assert "| 9 | 89.1 |" in md and "| 10 | 89 |" not in md
    assert "**a short table**" in md and "| 2 |" in md  # shorter than `shown`: whole, and titled as it is
    trials_html = page.split("every trial (the first 10 of 30 rows; all in trials.csv)")[1].split("</table>")[0]
    assert trials_html.count("<tr>") == 1 + 10  # the header row and ten rows
    assert len((tmp_path / "demo" / "1" / "trials.csv").read_text().splitlines()) == 1 + 30  # the CSV keeps all


def test_the_headline_is_what_the_task_names_where_the_brief_asks_for_more_than_its_target():
    named = Task("demo/1", "A demo task", lambda ctx: None, a_task().profiles, (), (), None, (), ("item", "group"))
    metrics = {"test_acc": 0.5, "item": 0.25, "group": 0.75}
    row = summary_row(render.markdown("Demo", [section(named, metrics)], []))
    assert row[2] == "item: 0.25; group: 0.75"
