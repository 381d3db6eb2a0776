"""report.pdf as printed: its pages rendered (pdftoppm) and read back (pdftotext)."""

import re
import subprocess

import pytest

from dlcourse.cli import main
from dlcourse.report import build_report
from dlcourse.report.pdf import count_pages, write_appendix_pdf, write_pdf
from dlcourse.suites import TASKS, select
from dlcourse.suites.registry import suite_title
from tests.printed.conftest import TASK_IDS
from tests.printed.tools import needs_chromium, needs_poppler


def poppler(*args):
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=True).stdout


def page_lines(pdf, page):
    text = poppler("pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-")
    return [line.strip() for line in text.splitlines() if line.strip()]


def page_count(pdf):
    info = poppler("pdfinfo", str(pdf))
    assert "(A4)" in info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert count_pages(pdf) == pages
    return pages


@needs_chromium
@needs_poppler
def test_main_pdf_counts_its_words_and_every_page_carries_the_footer(recorded, tmp_path):
    _, html = build_report("bath-a2", suite_title("bath-a2"), select("bath-a2"), recorded)
    pdf, length = write_pdf(html, "bath-a2")
    appendix, appendix_length = write_appendix_pdf(html.with_name("report-appendix.html"))
    assert re.fullmatch(r"\d+ words: within the brief's limit of 3000 .*", length)
    assert re.fullmatch(r"\d+ pages, \d+ words: the appendix, outside the brief's limit", appendix_length)
    footer = "dlcourse 0.1.0 · bath-a2 · git unknown · a generated reference solution, not a submission"
    for printed in (pdf, appendix):
        pages = page_count(printed)
        for page in range(1, pages + 1):
            assert page_lines(printed, page)[-1] == footer, (printed.name, page)
    first = " ".join(page_lines(pdf, 1))
    assert "Results against the brief" in first and "none set" in first and "no target" in first
    assert "They are not an answer to the brief" in first  # the quick profile says so on page 1
    assert re.search(r"Arial|LiberationSans", poppler("pdffonts", str(pdf)))  # the brief's font, or its metric twin
    poppler("pdftoppm", "-r", "20", "-png", str(pdf), str(tmp_path / "page"))
    assert len(list(tmp_path.glob("page-*.png"))) == page_count(pdf)


@needs_chromium
@needs_poppler
def test_appendix_pages_keep_rows_whole_and_repeat_table_headers(recorded):
    _, html = build_report("bath-a2", suite_title("bath-a2"), select("bath-a2"), recorded)
    pdf, _ = write_appendix_pdf(html.with_name("report-appendix.html"))
    pages = page_count(pdf)
    text = poppler("pdftotext", str(pdf), "-")
    for task_id in TASK_IDS:
        assert f"{task_id}: {TASKS.get(task_id).title}" in text
    assert "file:" not in text  # no browser footer with the file's path

    continued = 0  # pages on which a table goes on from the page before
    for page in range(2, pages + 1):
        first = page_lines(pdf, page)[0]
        assert not re.match(r"r\d\d\b", first), f"page {page} starts with a table row: {first!r}"
        continued += first.startswith("pair ")
        last = page_lines(pdf, page - 1)[-2]  # the line above the footer
        assert not last.startswith(("pair ", "every pair of")), f"a table's header or title ends page {page - 1}"
    assert continued >= len(TASK_IDS)  # each 70-row table ran over a page and its header came with it


def test_pdf_without_a_browser_is_one_error_line(recorded, monkeypatch, capsys):
    monkeypatch.setenv("PATH", "")
    with pytest.raises(SystemExit) as stopped:
        main(["report", "bath-a2", "--runs-dir", str(recorded), "--pdf"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: 'dlcourse report --pdf' prints with headless Chromium, which is not installed")
    assert len(err.splitlines()) == 1
