"""The size a figure's text prints at in the report, and the record of it that Run.figure keeps."""

import json
import math

import matplotlib.pyplot as plt
import pytest

from dlcourse.plots.print_size import FIGURE_HEIGHT_IN, FIGURE_WIDTH_IN, save_png
from dlcourse.runs import Run


def smallest_printed_text(fig, dpi):
    return save_png(fig, dpi)[1]


def titled(size, fontsize=8.0):
    fig, ax = plt.subplots(figsize=size)
    ax.set_title("a title", fontsize=fontsize)
    ax.set_xticks([])
    ax.set_yticks([])
    return fig


def test_a_figure_drawn_at_the_page_width_prints_its_text_at_the_size_drawn():
    # A tight save crops the figure's margins, so it prints a little larger than drawn, never smaller.
    assert 8.0 <= smallest_printed_text(titled((FIGURE_WIDTH_IN, 3)), 200) < 8.0 * 1.4


def test_a_figure_wider_than_the_page_prints_its_text_smaller():
    # 15 inches wide (about 12 once a tight save crops its margins), set in 7: its 8 pt title prints under 5 pt.
    assert smallest_printed_text(titled((15, 3)), 200) < 5.0
    # Too tall for the page, it is scaled down by its height.
    assert smallest_printed_text(titled((4, 2 * FIGURE_HEIGHT_IN)), 200) < 6.5


def test_a_small_figure_is_shown_at_its_natural_size_not_stretched_to_the_page():
    # A 2-inch figure saved at 200 dpi is 400 pixels: a browser shows it 400/96 = 4.2 inches wide.
    small = smallest_printed_text(titled((2, 1.5)), 200)
    assert small == pytest.approx(8.0 * 200 / 96, rel=0.01)


def test_only_text_that_is_drawn_counts():
    fig = titled((FIGURE_WIDTH_IN, 3), fontsize=10)
    hidden = fig.add_axes((0.1, 0.1, 0.2, 0.2))
    hidden.set_title("tiny", fontsize=4)
    hidden.set_visible(False)
    assert smallest_printed_text(fig, 200) >= 10.0
    blank, ax = plt.subplots(figsize=(3, 3))
    ax.axis("off")
    assert smallest_printed_text(blank, 200) == math.inf


def test_run_figure_records_the_printed_size_of_its_smallest_text(tmp_path):
    run = Run(tmp_path, "demo", "1")
    run.figure("wide", titled((15, 3)), "too wide")
    run.figure("fits", titled((FIGURE_WIDTH_IN, 3)), "drawn at print size")
    entries = {e["name"]: e for e in json.loads((run.dir / "manifest.json").read_text())}
    assert entries["wide"]["printed_pt"] < 5.0 and entries["fits"]["printed_pt"] >= 8.0
