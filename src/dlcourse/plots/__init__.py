"""Figures drawn from recorded data (histories, arrays), never from live models; one module per family.

The backend is chosen here, once, before any module of the package imports pyplot: figures are only ever
saved to files, and Agg draws them without a display.
"""

import matplotlib

matplotlib.use("Agg")
