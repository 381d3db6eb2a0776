import pytest

from dlcourse.suites import select
from dlcourse.suites.runner import run_task
from tests.fixtures import offline_runs

TINY = dict(count="200", size="24", filters="4,8", hidden="8", epochs="1", batch_size="32", classes="24,720")
TASK_2 = [task for task in select("leiden-a1") if task.name.startswith("2")]
SETTINGS = {t.id: {k: v for k, v in TINY.items() if k in t.settings_class.__dataclass_fields__} for t in TASK_2}


@pytest.fixture(scope="package")
def runs(tmp_path_factory):
    """Every tell-the-time task (2, 2a-2e) run once in the quick profile with tiny networks, shared by the tests
    of this folder; returns the suite's run folder."""
    root = tmp_path_factory.mktemp("runs")
    with offline_runs(tmp_path_factory):
        for task in TASK_2:
            run_task(task, profile="quick", runs_root=root, quiet=True, overrides=SETTINGS[task.id])
    return root / "leiden-a1"
