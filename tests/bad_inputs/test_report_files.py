"""`dlcourse report` over damaged run folders: the damaged task is named in one sentence with the file and
the command that rebuilds it, the rest of the report is written, and no run folder is touched."""

import json
import shutil

import pytest

from tests.bad_inputs.conftest import TASK, digest


def cut(path):
    path.write_text(path.read_text()[: len(path.read_text()) // 2])


def first_of(folder, kind):
    return next(e for e in json.loads((folder / "manifest.json").read_text()) if e["kind"] == kind)


DAMAGE = {
    "metrics.json cut short": (lambda f: cut(f / "metrics.json"), "metrics.json is not valid JSON"),
    "metrics.json a list": (lambda f: (f / "metrics.json").write_text("[]"), "metrics.json holds a list"),
    "provenance.json garbage": (
        lambda f: (f / "provenance.json").write_bytes(b"\x00\x9f garbage"),
        "provenance.json cannot be read",
    ),
    "provenance.json a list": (lambda f: (f / "provenance.json").write_text("[1]"), "provenance.json holds a list"),
    "provenance.json without its command": (
        lambda f: (f / "provenance.json").write_text(
            json.dumps({k: v for k, v in json.loads((f / "provenance.json").read_text()).items() if k != "command"})
        ),
        "provenance.json lacks command",
    ),
    "manifest.json an object": (lambda f: (f / "manifest.json").write_text("{}"), "manifest.json holds a dict"),
    "manifest.json of numbers": (lambda f: (f / "manifest.json").write_text("[1, 2]"), "an entry that is not"),
    "a table's csv deleted": (lambda f: (f / f"{first_of(f, 'table')['name']}.csv").unlink(), ".csv is missing"),
    "a table's markdown deleted": (lambda f: (f / f"{first_of(f, 'table')['name']}.md").unlink(), ".md is missing"),
    "a figure deleted": (lambda f: (f / f"{first_of(f, 'figure')['name']}.png").unlink(), ".png is missing"),
}


@pytest.mark.parametrize("case", list(DAMAGE))
def test_a_damaged_run_folder_is_named_and_the_rest_reported(case, refuse, earlier, tmp_path):
    runs = tmp_path / "runs"
    shutil.copytree(earlier.runs, runs)
    shutil.copytree(runs / "bath-a2" / "3.1", runs / "bath-a2" / "4.1")  # a second, intact task
    damage, words = DAMAGE[case]
    damage(runs / "bath-a2" / "3.1")
    before = digest(runs / "bath-a2" / "3.1"), digest(runs / "bath-a2" / "4.1")
    line = refuse(["report", "bath-a2", "--runs-dir", runs], words)
    assert TASK in line and f"dlcourse run {TASK}" in line and "written without them" in line
    md = (runs / "bath-a2" / "report.md").read_text()
    assert "## bath-a2/4.1" in md and "## bath-a2/3.1" not in md and "Left out" in md
    assert "<h2>bath-a2/4.1" in (runs / "bath-a2" / "report.html").read_text()
    assert (digest(runs / "bath-a2" / "3.1"), digest(runs / "bath-a2" / "4.1")) == before
