"""Jupyter notebooks of a suite, named and split as the briefs ask, whose code cells are the tasks' own code,
with .py and .html exports."""

import warnings

# tqdm (imported by a dependency) warns at import in a kernel without ipywidgets; dlcourse draws no widgets.
warnings.filterwarnings("ignore", message="IProgress not found")
