"""Figures drawn from recorded data (histories, arrays), never from live models; one module per family.

The backend is chosen here, once, before any module of the package imports pyplot: figures are only ever
saved to files, and Agg draws them without a display. So are the text sizes: figures are drawn at the
size they print in the report (at most the page's text width, plots/print_size.py), and no text of theirs
is under 8 pt.
"""

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams.update(
    {
        "font.size": 9,
        "axes.titlesize": 9,
        "axes.labelsize": 9,
        "xtick.labelsize": 8,
        "ytick.labelsize": 8,
        "legend.fontsize": 8,
        "legend.title_fontsize": 8,
        "figure.titlesize": 10,
    }
)
