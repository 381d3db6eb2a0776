"""The print stylesheet of report.html: A4 pages, nothing split that should stay whole, the brief's font.

A browser printing report.html (or `dlcourse report --pdf`) reads these rules. Chromium honours
`break-inside: avoid` on table rows and figures, repeats a `thead` on every page a table spans, and keeps a
heading, a run line or a table's title with the block after it when that element asks `break-after: avoid`.
Every page's bottom margin carries the provenance footer, as a CSS page-margin box (Chromium 131 and later),
so it never covers the text; the page's own footer line is for the screen.
"""

from __future__ import annotations

from dlcourse.plots.print_size import FIGURE_HEIGHT_MM, PAGE_MARGIN_MM

# The font each brief asks of its PDF; bath-a2: "font: Arial, size: 11". Liberation Sans has Arial's metrics,
# so a page holds the same words with either, and it installs where Arial does not (fonts-liberation).
BRIEF_FONTS: dict[str, str] = {"bath-a2": "Arial, 'Liberation Sans', Helvetica, sans-serif"}

# Figures are drawn for this page (plots/print_size.py): its text width, and their tallest printed height.
_PAGE = f"""@page{{size:A4;margin:18mm {PAGE_MARGIN_MM}mm}}
@media print{{body{{max-width:none;margin:0;padding:0}}
h1,h2,h3,.run,p:has(+table){{break-after:avoid}}tr,figure,img,pre,li{{break-inside:avoid}}
thead{{display:table-header-group}}table{{break-inside:auto}}
figure img{{max-height:{FIGURE_HEIGHT_MM}mm;object-fit:contain}}h2{{margin-top:1.2em}}
footer.provenance{{display:none}}}}"""


# Every report prints at 11 pt, the size bath-a2's brief asks (the screen's 16 px would print at 12 pt), under a
# title sized for a page rather than a screen; the results table of the first page is set a step smaller.
_TYPE = "\n@media print{{body{{{family}font-size:11pt}}h1{{font-size:18pt}}table.summary{{font-size:9pt}}}}"


def print_css(suite: str, footer: str = "") -> str:
    """The print rules for a suite's report: 11 pt, in its brief's font where the brief names one, and `footer`
    at the foot of every page."""
    font = BRIEF_FONTS.get(suite)
    css = _PAGE + _TYPE.format(family=f"font-family:{font};" if font else "")
    if footer:
        text = footer.replace("\\", "\\\\").replace('"', '\\"')
        box = f'content:"{text}";font-size:8pt;color:#666;font-family:{font or "sans-serif"}'
        css += f"\n@page{{@bottom-center{{{box}}}}}"
    return css
