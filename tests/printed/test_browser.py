"""report.html as a browser shows it: headless Chromium loads the page, then a script reads the DOM."""

import json
import re
import subprocess

from PIL import Image

from dlcourse.report import build_report
from dlcourse.report.pdf import headless
from dlcourse.suites import TASKS, select
from dlcourse.suites.registry import suite_title
from tests.printed.conftest import TASK_IDS
from tests.printed.tools import needs_chromium

# Appended to a copy of the page: after load, it writes what the browser made of the page into the DOM.
PROBE = """<script>window.addEventListener('load', () => {
  const images = [...document.images].map(i => ({alt: i.alt, ok: i.complete && i.naturalWidth > 0}));
  const headings = [...document.querySelectorAll('h2')].map(h => h.textContent);
  document.body.setAttribute('data-probe', JSON.stringify({images, headings}));
});</script>"""


def browse(page, tmp_path, *args):
    command = headless(tmp_path / "profile", "--virtual-time-budget=10000", *args, page.as_uri())
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout


@needs_chromium
def test_every_image_loads_and_every_task_has_its_heading(recorded, tmp_path):
    _, html = build_report("bath-a2", suite_title("bath-a2"), select("bath-a2"), recorded)
    html = html.with_name("report-appendix.html")  # every figure; the main report shows those a task names
    probed = tmp_path / "probed.html"
    probed.write_text(html.read_text().replace("</body>", PROBE + "</body>"))
    dom = browse(probed, tmp_path, "--dump-dom")
    found = json.loads(re.search(r"data-probe=\"([^\"]*)\"", dom).group(1).replace("&quot;", '"'))
    assert len(found["images"]) == len(TASK_IDS)
    assert all(image["ok"] for image in found["images"]), found["images"]
    assert found["headings"] == [f"{t}: {TASKS.get(t).title}" for t in TASK_IDS]


@needs_chromium
def test_screenshot_shows_the_page(recorded, tmp_path):
    _, html = build_report("bath-a2", suite_title("bath-a2"), select("bath-a2"), recorded)
    shot = tmp_path / "report.png"
    browse(html, tmp_path, "--window-size=1200,2400", f"--screenshot={shot}")
    with Image.open(shot) as image:
        assert image.size == (1200, 2400)
        darkest, lightest = image.convert("L").getextrema()
    assert lightest - darkest > 100  # text and figures on the page, not a blank or an error screen
