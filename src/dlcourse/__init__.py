"""dlcourse: a fast, reproducible deep-learning coursework lab on PyTorch."""

__version__ = "0.1.0"
