"""Markdown and HTML renderings of a suite's report, in two parts (HTML with its images embedded as base64).

The main report is what a marker reads: a first page (front.py), then per task its results, the sentences
that answer the brief and the figures and tables the task names in `shows`. The appendix is the full record:
every note, table and figure of every run, with the command and machine each ran on.
"""

from __future__ import annotations

import base64
import html as html_lib
import re
from collections.abc import Sequence
from typing import Any

from dlcourse.report import front
from dlcourse.report.print_css import print_css
from dlcourse.report.section import Section
from dlcourse.report.targets import departures_of
from dlcourse.runs import format_cell, format_header, format_text_cell
from dlcourse.settings import departure_line

MAIN, APPENDIX = "main", "appendix"
APPENDIX_NAME = "report-appendix"  # beside report.html: report-appendix.html, .md and .pdf


def format_metric(name: str, value: Any) -> str:
    if isinstance(value, float) and ("_acc" in name or name.endswith("accuracy")):  # test_acc, item_test_acc_lambda_1
        return f"{value:.2%}"
    if isinstance(value, float) and "seconds" in name:
        return f"{value:.2f} s"
    return format_cell(value)


def _metric_rows(section: Section, part: str) -> list[list[str]]:
    """The task's results, less in the main report the metrics of how it ran (its `details`)."""
    hidden = set(getattr(section.task, "details", ())) if part == MAIN else set()
    return [
        [e["label"], format_metric(e["name"], section.metrics.get(e["name"]))]
        for e in section.entries
        if e["kind"] == "metric" and e["name"] not in hidden
    ]


def _run_line(section: Section) -> str:
    p = section.provenance
    return (
        f"{p['profile']} profile, seed {p['seed']}, {p['device']}, {p.get('seconds', '?')} s in all; "
        f"torch {p['versions']['torch']}, git {p.get('git_revision') or 'unknown'}; finished {p['finished']}"
    )


def _notes(section: Section, part: str, shared: Sequence[str]) -> list[str]:
    """The notes a part shows under a task: in the main report its answers (all its notes when it was
    recorded before notes had roles, less those said on the first page); in the appendix every note, after a
    sentence for each setting that departs from the brief."""
    if part == MAIN:
        return front.notes_of(section, "answer") + [t for t in front.notes_of(section, None) if t not in shared]
    departures = [departure_line(d) for d in departures_of(section)]
    return departures + [e["text"] for e in section.entries if e["kind"] == "note"]


def _blocks(section: Section, part: str) -> list[dict]:
    """The tables and figures a part shows: in the main report those the task names in `shows`."""
    shows = getattr(section.task, "shows", ())
    return [e for e in section.entries if e["kind"] in ("table", "figure") and (part == APPENDIX or e["name"] in shows)]


def _shown_rows(table: dict) -> list[dict]:
    """The rows of a table entry that a report shows: the first `shown`, or all."""
    return table["rows"][: table.get("shown", len(table["rows"]))]


def _table_title(table: dict) -> str:
    """A table's title, saying where the rest of it is when the report shows only its first rows."""
    shown, total = len(_shown_rows(table)), len(table["rows"])
    if shown == total:
        return table["title"]
    return f"{table['title']} (the first {shown} of {total} rows; all in {table['name']}.csv)"


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows]) + "\n"


def _warnings(sections: list[Section], missing: list[str], damaged: Sequence[str]) -> list[str]:
    """What the appendix says before its tasks: what is not run, what is damaged."""
    out = [f"Not run yet: {', '.join(missing)}."] if missing else []
    return out + ([f"Left out, their run folders damaged: {'; '.join(damaged)}."] if damaged else [])


def _pointer(part: str) -> str:
    if part == MAIN:
        return (
            f"Every table, figure and note of these runs, with the command and machine of each, is in the appendix, "
            f"{APPENDIX_NAME}.html (and .pdf)."
        )
    return "The full record of the runs behind report.html: every note, table and figure of every task."


def markdown(
    title: str, sections: list[Section], missing: list[str], damaged: Sequence[str] = (), part: str = MAIN
) -> str:
    out = [f"# {title}{': appendix' if part == APPENDIX else ''}\n"]
    out += [f"**{front.QUICK_WARNING}**\n"] if front.quick(sections) else []
    out.append(_pointer(part) + "\n")
    shared = front.shared_notes(sections)
    if part == APPENDIX:
        out += [f"{line}\n" for line in _warnings(sections, missing, damaged)]
    elif sections:
        out.append("## What was run\n\n" + _md_table(["", ""], front.run_facts(sections, missing)))
        summary = front.summary(sections, format_metric)
        out.append("## Results against the brief\n\n" + _md_table(front.SUMMARY_HEADER, summary))
        if lines := front.data_and_departures(sections, damaged):
            out.append("## Data and departures\n\n" + "".join(f"- {line}\n" for line in lines))
    for s in sections:
        out.append(f"## {s.task.id}: {s.task.title}\n")
        if part == APPENDIX:
            out.append(f"`{s.provenance['command']}`  \n{_run_line(s)}\n")
        if metrics := _metric_rows(s, part):
            out.append(_md_table(["result", "value"], metrics))
        out += [f"{n}\n" for n in _notes(s, part, shared)]
        for e in _blocks(s, part):
            if e["kind"] == "table":
                lines = e["markdown"].splitlines()[: 2 + len(_shown_rows(e))]  # the header, its rule, the rows
                out.append(f"**{_table_title(e)}**\n\n" + "\n".join(lines) + "\n")
            else:
                out.append(f"![{e['caption']}]({s.task.name}/{e['name']}.png)\n\n*{e['caption']}*\n")
    suite = sections[0].task.suite if sections else ""
    out.append(f"---\n*{front.footer(suite, sections)}*\n")
    return "\n".join(out)


_CSS = """body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222;
line-height:1.45}
table{border-collapse:collapse;margin:.8em 0;font-size:.92em}
td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}td.n{text-align:right}
th{background:#f3f3f3}img{max-width:100%}
.run{color:#666;font-size:.85em}code{background:#f3f3f3;padding:.1em .3em}figure{margin:1em 0}
figcaption{color:#555;font-size:.9em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
table.facts td,table.summary td,table.summary th{text-align:left}table.summary td:last-child{white-space:nowrap}
footer.provenance{color:#666;font-size:.8em;margin-top:2em}
table.wide{font-size:.72em}table.wide td,table.wide th{padding:.15em .3em}"""


# A cell that is a number (with a sign, thousands commas, a decimal part, an exponent or a percent sign) is set
# flush right so that its digits line up down the column; text reads from the left.
NUMBER = re.compile(r"^[-+−]?\d[\d,]*(\.\d+)?(e[-+]?\d+)?%?$")
WIDE_TABLE = 9  # columns beyond which a table is set smaller, so that it fits the printed page's width


def _html_table(header: list[str] | None, rows: Sequence[Sequence[str]], cls: str = "") -> str:
    esc = html_lib.escape
    head = f"<thead><tr>{''.join(f'<th>{esc(h)}</th>' for h in header)}</tr></thead>" if header else ""
    body = "".join(
        "<tr>"
        + "".join(f"<td class='n'>{esc(c)}</td>" if NUMBER.match(c) else f"<td>{esc(c)}</td>" for c in row)
        + "</tr>"
        for row in rows
    )
    return f"<table{f' class={cls!r}' if cls else ''}>{head}<tbody>{body}</tbody></table>"


def _html_block(section: Section, e: dict) -> str:
    esc = html_lib.escape
    if e["kind"] == "table":
        header = list(e["rows"][0]) if e["rows"] else []
        rows = [[format_text_cell(c) for c in r.values()] for r in _shown_rows(e)]
        wide = "wide" if len(header) > WIDE_TABLE else ""
        return f"<p><b>{esc(_table_title(e))}</b></p>" + _html_table([format_header(h) for h in header], rows, wide)
    data = base64.b64encode((section.folder / f"{e['name']}.png").read_bytes()).decode("ascii")
    return (
        f"<figure><img alt='{esc(e['caption'])}' src='data:image/png;base64,{data}'>"
        f"<figcaption>{esc(e['caption'])}</figcaption></figure>"
    )


def _html_front(sections: list[Section], missing: list[str], damaged: Sequence[str]) -> list[str]:
    esc = html_lib.escape
    out = ["<h2>What was run</h2>", _html_table(None, front.run_facts(sections, missing), "facts")]
    summary = front.summary(sections, format_metric)
    out += ["<h2>Results against the brief</h2>", _html_table(front.SUMMARY_HEADER, summary, "summary")]
    if lines := front.data_and_departures(sections, damaged):
        out += ["<h2>Data and departures</h2>", "<ul>" + "".join(f"<li>{esc(t)}</li>" for t in lines) + "</ul>"]
    return out


def html(title: str, sections: list[Section], missing: list[str], damaged: Sequence[str] = (), part: str = MAIN) -> str:
    esc = html_lib.escape
    suite = sections[0].task.suite if sections else ""
    heading = f"{title}{': appendix' if part == APPENDIX else ''}"
    out = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>{esc(heading)}</title>"
        f"<style>{_CSS}\n{print_css(suite, front.footer(suite, sections))}</style></head><body>",
        f"<footer class='provenance'>{esc(front.footer(suite, sections))}</footer>",
        f"<h1>{esc(heading)}</h1>",
    ]
    out += [f"<p class='warning'><b>{esc(front.QUICK_WARNING)}</b></p>"] if front.quick(sections) else []
    out.append(f"<p class='pointer'>{esc(_pointer(part))}</p>")
    shared = front.shared_notes(sections)
    if part == APPENDIX:
        out += [f"<p class='preamble'>{esc(line)}</p>" for line in _warnings(sections, missing, damaged)]
    elif sections:
        out += _html_front(sections, missing, damaged)
    for s in sections:
        out.append(f"<h2>{esc(s.task.id)}: {esc(s.task.title)}</h2>")
        if part == APPENDIX:
            out.append(f"<p class='run'><code>{esc(s.provenance['command'])}</code><br>{esc(_run_line(s))}</p>")
        if metrics := _metric_rows(s, part):
            out.append(_html_table(["result", "value"], metrics))
        out += [f"<p>{esc(n)}</p>" for n in _notes(s, part, shared)]
        out += [_html_block(s, e) for e in _blocks(s, part)]
    out.append("</body></html>\n")
    return "\n".join(out)
