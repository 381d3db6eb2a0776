"""Skip markers for the outside programs the printed-output tests drive; `.ci/run` installs both, so CI runs them."""

import shutil

import pytest

from dlcourse.errors import ToolMissing
from dlcourse.report.pdf import find_browser


def _has_browser() -> bool:
    try:
        return bool(find_browser())
    except ToolMissing:
        return False


needs_chromium = pytest.mark.skipif(not _has_browser(), reason="Chromium is not installed (.ci/run installs it)")
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="poppler-utils is not installed (.ci/run installs it)",
)
