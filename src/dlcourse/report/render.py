"""Markdown and HTML renderings of report sections (HTML with its images embedded as base64)."""

from __future__ import annotations

import base64
import html as html_lib
from collections.abc import Sequence
from typing import Any

from dlcourse.report.print_css import print_css
from dlcourse.report.section import Section
from dlcourse.report.targets import departures_of, target_cells, target_metric
from dlcourse.runs import format_cell, format_header, format_text_cell
from dlcourse.settings import departure_line


def format_metric(name: str, value: Any) -> str:
    if isinstance(value, float) and ("_acc" in name or name.endswith("accuracy")):  # test_acc, item_test_acc_lambda_1
        return f"{value:.2%}"
    if isinstance(value, float) and "seconds" in name:
        return f"{value:.2f} s"
    return format_cell(value)


def _metric_rows(section: Section) -> list[tuple[str, str]]:
    return [
        (e["label"], format_metric(e["name"], section.metrics.get(e["name"])))
        for e in section.entries
        if e["kind"] == "metric"
    ]


def _run_line(section: Section) -> str:
    p = section.provenance
    return (
        f"{p['profile']} profile, seed {p['seed']}, {p['device']}, {p.get('seconds', '?')} s in all; "
        f"torch {p['versions']['torch']}, git {p.get('git_revision') or 'unknown'}; finished {p['finished']}"
    )


QUICK_WARNING = (
    "These results come from the quick profile, with small samples of the data and few epochs, made to check that "
    "everything runs in minutes. They are not an answer to the brief; run the tasks with the brief profile on "
    "the full data for that."
)


def shared_notes(sections: list[Section]) -> list[str]:
    """Notes that two or more tasks made word for word (which data stood in, a setting they share): said once,
    at the top, and left out of the sections."""
    seen: dict[str, int] = {}
    for s in sections:
        for text in dict.fromkeys(e["text"] for e in s.entries if e["kind"] == "note"):
            seen[text] = seen.get(text, 0) + 1
    return [text for text, count in seen.items() if count > 1]


def _notes(section: Section, shared: Sequence[str]) -> list[str]:
    """The section's own notes, after a sentence for each setting that departs from the brief."""
    notes = [departure_line(d) for d in departures_of(section)]
    return notes + [e["text"] for e in section.entries if e["kind"] == "note" and e["text"] not in shared]


def _preamble(sections: list[Section], missing: list[str], damaged: Sequence[str], shared: Sequence[str]) -> list[str]:
    """Sentences for the top of a report: the quick-profile warning, what is not run, what is damaged, and
    the notes every task would otherwise repeat."""
    out = []
    quick = [s.task.id for s in sections if s.provenance.get("profile") == "quick"]
    if quick:
        out.append(QUICK_WARNING if len(quick) == len(sections) else f"{QUICK_WARNING} (Quick: {', '.join(quick)}.)")
    if missing:
        out.append(f"Not run yet: {', '.join(missing)}.")
    if damaged:
        out.append(f"Left out, their run folders damaged: {'; '.join(damaged)}.")
    if shared:
        out.append("Said by several tasks: " + " ".join(t if t.endswith(".") else f"{t}." for t in shared))
    departed = [
        f"{s.task.id} {d['setting']} {d['value']} (brief: {d['brief']})" for s in sections for d in departures_of(s)
    ]
    if departed:
        out.append(
            "Settings that depart from the brief's examples, to fit the compute budget (each task's section says "
            "why, and how to run the brief's value): " + "; ".join(departed) + "."
        )
    return out


def _summary(sections: list[Section]) -> tuple[list[str], list[list[str]]]:
    """The summary table's header and one row per task: its headline result, the brief's target for it and
    whether it was met (columns left out where the brief sets no target for any task), the profile."""
    targets = any(target_metric(s) for s in sections)
    header = ["task", "title", "headline result", *(["brief's target", "met"] if targets else []), "profile"]
    rows = []
    for s in sections:
        headline = "(figures and tables)"
        if metric := _headline(s):
            headline = f"{metric['label']}: {format_metric(metric['name'], s.metrics.get(metric['name']))}"
        met = list(target_cells(s, format_metric)) if targets else []
        rows.append([s.task.id, s.task.title, headline, *met, s.provenance.get("profile", "?")])
    return header, rows


def _headline(section: Section) -> dict | None:
    """The metric a reader looks for first: the one the brief sets a target for, else a test accuracy or a
    best result where the task records one, else its first result that is not a timing."""
    metrics = [e for e in section.entries if e["kind"] == "metric" and "second" not in e["name"]]
    target = target_metric(section)
    if found := next((e for e in metrics if e["name"] == target), None):
        return found
    for wanted in ("test_acc", "best"):
        found = next((e for e in metrics if wanted in e["name"]), None)
        if found:
            return found
    return metrics[0] if metrics else None


def _shown_rows(table: dict) -> list[dict]:
    """The rows of a table entry that a report shows: the first `shown`, or all."""
    return table["rows"][: table.get("shown", len(table["rows"]))]


def _table_title(table: dict) -> str:
    """A table's title, saying where the rest of it is when the report shows only its first rows."""
    shown, total = len(_shown_rows(table)), len(table["rows"])
    if shown == total:
        return table["title"]
    return f"{table['title']} (the first {shown} of {total} rows; all in {table['name']}.csv)"


def markdown(title: str, sections: list[Section], missing: list[str], damaged: Sequence[str] = ()) -> str:
    out = [f"# {title}\n"]
    shared = shared_notes(sections)
    out += [f"{line}\n" for line in _preamble(sections, missing, damaged, shared)]
    if sections:
        header, rows = _summary(sections)
        out.append(
            "| "
            + " | ".join(header)
            + " |\n|"
            + " --- |" * len(header)
            + "\n"
            + "".join("| " + " | ".join(row) + " |\n" for row in rows)
        )
    for s in sections:
        out.append(f"## {s.task.id}: {s.task.title}\n")
        out.append(f"`{s.provenance['command']}`  \n{_run_line(s)}\n")
        metrics = _metric_rows(s)
        if metrics:
            out.append("| result | value |\n| --- | --- |\n" + "".join(f"| {k} | {v} |\n" for k, v in metrics))
        notes = _notes(s, shared)
        if notes:
            out.append("".join(f"- {n}\n" for n in notes))
        for e in s.entries:
            if e["kind"] == "table":
                lines = e["markdown"].splitlines()[: 2 + len(_shown_rows(e))]  # the header, its rule, the rows
                out.append(f"**{_table_title(e)}**\n\n" + "\n".join(lines) + "\n")
            elif e["kind"] == "figure":
                out.append(f"![{e['caption']}]({s.task.name}/{e['name']}.png)\n\n*{e['caption']}*\n")
    return "\n".join(out)


_CSS = """body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222;
line-height:1.45}
table{border-collapse:collapse;margin:.8em 0;font-size:.92em}
td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}img{max-width:100%}
.run{color:#666;font-size:.85em}code{background:#f3f3f3;padding:.1em .3em}figure{margin:1em 0}
figcaption{color:#555;font-size:.9em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}"""


def _html_table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html_lib.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html_lib.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def html(title: str, sections: list[Section], missing: list[str], damaged: Sequence[str] = ()) -> str:
    esc = html_lib.escape
    suite = sections[0].task.suite if sections else ""
    out = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>{esc(title)}</title>"
        f"<style>{_CSS}\n{print_css(suite)}</style></head><body><h1>{esc(title)}</h1>"
    ]
    shared = shared_notes(sections)
    out += [f"<p class='preamble'>{esc(line)}</p>" for line in _preamble(sections, missing, damaged, shared)]
    if sections:
        out.append(_html_table(*_summary(sections)))
    for s in sections:
        out.append(f"<h2>{esc(s.task.id)}: {esc(s.task.title)}</h2>")
        out.append(f"<p class='run'><code>{esc(s.provenance['command'])}</code><br>{esc(_run_line(s))}</p>")
        metrics = _metric_rows(s)
        if metrics:
            out.append(_html_table(["result", "value"], [list(m) for m in metrics]))
        notes = _notes(s, shared)
        if notes:
            out.append("<ul>" + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul>")
        for e in s.entries:
            if e["kind"] == "table":
                header = list(e["rows"][0]) if e["rows"] else []
                out.append(
                    f"<p><b>{esc(_table_title(e))}</b></p>"
                    + _html_table(
                        [format_header(h) for h in header],
                        [[format_text_cell(c) for c in r.values()] for r in _shown_rows(e)],
                    )
                )
            elif e["kind"] == "figure":
                data = base64.b64encode((s.folder / f"{e['name']}.png").read_bytes()).decode("ascii")
                out.append(
                    f"<figure><img alt='{esc(e['caption'])}' src='data:image/png;base64,{data}'>"
                    f"<figcaption>{esc(e['caption'])}</figcaption></figure>"
                )
    out.append("</body></html>\n")
    return "\n".join(out)
