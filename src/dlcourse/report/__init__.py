"""Assembles a suite's latest run folders into report.md and a self-contained report.html."""

from dlcourse.report.build import build_report

__all__ = ["build_report"]
