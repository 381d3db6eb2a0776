"""report.pdf from report.html, printed by headless Chromium.

Why Chromium: the PDF is then exactly what a reader gets from printing report.html in a browser, the engine
the browser test checks; it applies the print stylesheet's page-break rules (rows, figures, repeated table
headers) faithfully; and on Debian and Ubuntu it is one maintained package (`apt-get install chromium`) that
`.ci/run` installs, with no Python dependencies. `--no-pdf-header-footer` drops the date and file path a
browser otherwise prints in the margins.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from dlcourse.errors import ToolMissing
from dlcourse.report.limits import count_words, verdict

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_browser() -> str:
    """The path of a Chromium-family browser, or ToolMissing naming the package to install."""
    for name in BROWSERS:
        if path := shutil.which(name):
            return path
    raise ToolMissing(
        "'dlcourse report --pdf' prints with headless Chromium, which is not installed; "
        "install it with 'apt-get install chromium' (Debian/Ubuntu) and run the command again"
    )


def headless(profile: str | Path, *args: str) -> list[str]:
    """The command line that runs the browser headless on `args`, with a throwaway profile folder."""
    command = [find_browser(), "--headless", "--disable-gpu", "--no-first-run", f"--user-data-dir={profile}", *args]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.insert(1, "--no-sandbox")  # Chromium refuses to start its sandbox as root (containers, CI)
    return command


def print_pdf(report_html: Path, pdf: Path, timeout: float = 180) -> Path:
    """Print `report_html` to `pdf` (A4 from its print stylesheet, no browser header or footer)."""
    pdf.unlink(missing_ok=True)  # so that a failed print cannot leave an earlier PDF looking new
    with tempfile.TemporaryDirectory(prefix="dlcourse-chromium-") as profile:
        command = headless(
            profile, "--no-pdf-header-footer", f"--print-to-pdf={pdf.resolve()}", report_html.resolve().as_uri()
        )
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0 or not pdf.is_file():
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise ToolMissing(f"Chromium could not print {report_html} (exit {done.returncode}): {last}")
    return pdf


def count_pages(pdf: Path) -> int:
    """Pages of a PDF that Chromium wrote: its page objects are plain `/Type /Page` dictionaries."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes()))


def write_pdf(report_html: Path, suite: str) -> tuple[Path, str]:
    """Print report.pdf beside `report_html`; returns its path and its length against the brief's limit."""
    pdf = print_pdf(report_html, report_html.with_suffix(".pdf"))
    return pdf, verdict(suite, count_words(report_html.read_text()), count_pages(pdf))


def write_appendix_pdf(appendix_html: Path) -> tuple[Path, str]:
    """Print the appendix beside its HTML; returns its path and its length (outside any brief's limit)."""
    pdf = print_pdf(appendix_html, appendix_html.with_suffix(".pdf"))
    words, pages = count_words(appendix_html.read_text()), count_pages(pdf)
    return pdf, f"{pages} pages, {words} words: the appendix, outside the brief's limit"
