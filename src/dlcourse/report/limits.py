"""The length limits the briefs set on the submitted PDF, and a check of a report against them."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    unit: str  # "words" or "pages"
    most: int  # the largest count the brief allows
    source: str  # the brief's words


LIMITS: dict[str, Limit] = {
    "bath-a2": Limit("words", 3000, "the main part of your report should not exceed 3000 words"),
    "leiden-a1": Limit("pages", 10, "a report in pdf format (at most 10 pages)"),
}


# What the bath-a2 FAQ leaves out of the word count ("tables, captions, titles and references do not count"),
# as the elements that hold them, with the page's style, scripts and the footer printed on every page.
UNCOUNTED = ("style", "script", "title", "h1", "h2", "h3", "h4", "table", "figcaption", "footer")


def count_words(report_html: str) -> int:
    """Words of the report's text as the FAQ counts them: paragraphs and lists, not the titles, tables,
    captions or embedded images."""
    body = re.sub(rf"<({'|'.join(UNCOUNTED)})\b.*?</\1>", " ", report_html, flags=re.S | re.I)
    text = html.unescape(re.sub(r"<[^>]+>", " ", body))
    return len(re.findall(r"\S+", text))


def verdict(suite: str, words: int, pages: int) -> str:
    """One sentence: the count the suite's brief limits, against that limit (or both counts when it has none)."""
    limit = LIMITS.get(suite)
    if limit is None:
        return f"{pages} pages, {words} words; the brief sets no length limit"
    count = words if limit.unit == "words" else pages
    where = "within" if count <= limit.most else "over"
    return f"{count} {limit.unit}: {where} the brief's limit of {limit.most} ({limit.source})"
