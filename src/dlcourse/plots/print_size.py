"""How large a figure's text prints. The printed report sets every figure at the text width of an A4 page,
or smaller where the figure is tall (report/print_css.py), so a figure drawn wider than the page prints
its text smaller than it was drawn: a 15-inch figure's 8 pt labels print at 3.7 pt.

Figures are therefore drawn at print size: `FIGURE_WIDTH_IN` wide and `FIGURE_HEIGHT_IN` tall, with
no text under `MIN_PRINTED_PT`. `Run.figure` records each figure's smallest printed text, and the tests
hold every figure of every task to the minimum.
"""

from __future__ import annotations

import math

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


def smallest_printed_text(fig: Figure, dpi: float, pad_in: float = 0.1) -> float:
    """The size in points of the smallest text the figure draws, as printed; `math.inf` when it draws none.

    The figure is drawn once with a renderer that notes the size of every string it is asked to draw, so
    only text that is really drawn counts (not that of hidden axes), and its size is measured as saved with
    `bbox_inches="tight"` and `pad_in`.
    """
    renderer = fig.canvas.get_renderer()
    sizes: list[float] = []
    draw_text = renderer.draw_text

    def noting(gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if s.strip():
            sizes.append(prop.get_size_in_points())
        return draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)

    renderer.draw_text = noting
    try:
        fig.draw(renderer)
    finally:
        del renderer.draw_text  # back to the class's method
    if not sizes:
        return math.inf
    box = fig.get_tightbbox(renderer)
    return min(sizes) * printed_scale(box.width + 2 * pad_in, box.height + 2 * pad_in, dpi)
