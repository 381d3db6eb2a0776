"""Jupyter notebooks of a suite's recorded runs, named and split as the briefs ask, with .py and .html exports."""

from dlcourse.suites.notebook.show import show

__all__ = ["show"]
