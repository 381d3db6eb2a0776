"""How large a figure's text prints. The printed report sets every figure at the text width of an A4 page,
or smaller where the figure is tall (report/print_css.py), so a figure drawn wider than the page prints
its text smaller than it was drawn: a 15-inch figure's 8 pt labels print at about 4 pt.

Figures are therefore drawn at print size: `FIGURE_WIDTH_IN` wide, at most `FIGURE_HEIGHT_IN` tall, with
no text under `MIN_PRINTED_PT`. `Run.figure` records each figure's smallest printed text, and the tests
hold every figure of every task to the minimum.
"""

from __future__ import annotations

import contextlib
import io
import math
import struct
from collections.abc import Iterator

from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure

A4_WIDTH_MM, PAGE_MARGIN_MM = 210, 16
TEXT_WIDTH_IN = (A4_WIDTH_MM - 2 * PAGE_MARGIN_MM) / 25.4  # 178 mm
FIGURE_WIDTH_IN = 6.8  # what the plots draw to: with the 0.1-inch pad of a tight save, the text width
FIGURE_HEIGHT_MM = 225  # the tallest a figure prints, leaving room on the page for its caption
FIGURE_HEIGHT_IN = FIGURE_HEIGHT_MM / 25.4
SCREEN_DPI = 96  # a browser sizes an image at 96 of its pixels per inch unless told otherwise
MIN_PRINTED_PT = 8.0  # the smallest text a marker reads comfortably on paper


def printed_scale(width_in: float, height_in: float, dpi: float) -> float:
    """How much the printed report scales a figure saved `width_in` x `height_in` inches at `dpi`."""
    natural = dpi / SCREEN_DPI  # a PNG's own size in a browser, relative to its size in inches
    return min(natural, TEXT_WIDTH_IN / width_in, FIGURE_HEIGHT_IN / height_in)


def save_png(fig: Figure, dpi: float) -> tuple[bytes, float]:
    """The figure as PNG bytes, saved tight (with matplotlib's 0.1-inch pad) as `Run.figure` keeps it, and
    the size in points its smallest drawn text prints at; `math.inf` when it draws no text.

    The sizes are noted while the PNG is drawn, so only text that is really drawn counts (not that of hidden
    axes) and no second drawing is needed; the printed scale comes from the PNG's own pixel size.
    """
    buf = io.BytesIO()
    with _noting_text_sizes() as sizes:
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    png = buf.getvalue()
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk, right after the 8-byte signature
    printed = min(sizes) * printed_scale(width / dpi, height / dpi, dpi) if sizes else math.inf
    return png, printed


@contextlib.contextmanager
def _noting_text_sizes() -> Iterator[list[float]]:
    """While active, every non-blank string the Agg renderer draws adds its size in points to the list.
    The method is replaced on the class, for the one drawing in progress: figures are drawn one at a time."""
    sizes: list[float] = []
    draw_text = RendererAgg.draw_text

    def noting(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if s.strip():
            sizes.append(prop.get_size_in_points())
        return draw_text(self, gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)

    RendererAgg.draw_text = noting
    try:
        yield sizes
    finally:
        RendererAgg.draw_text = draw_text
