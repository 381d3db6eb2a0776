import importlib.util
import os

import pytest
import torch

# Under pytest-xdist (`make test` runs two workers), the tests of a file go to one worker as one unit, so that
# a trained fixture a module shares is trained once and not torn down by another module's tests in between.
# The files below hold long tests that share nothing but session fixtures: each of their tests is a unit of
# its own, so the two workers split them.
SPLIT_BY_TEST = (
    "tests/test_dry_run.py",
    "tests/engine/test_resume_cli.py",
    "tests/printed/test_notebook.py",
    "tests/bad_inputs/test_interruptions.py",
    "tests/sweep/test_ray.py",
)
# The longest units are handed out first, so that none is left to run alone at the end; the rest follow in
# collection order.
LONGEST_FIRST = ("tests/test_bath_a2.py", "tests/test_dry_run.py", "tests/suites/", *SPLIT_BY_TEST[1:], "tests/clocks/")


def _file(nodeid: str) -> str:
    return nodeid.split("::")[0]


def _rank(nodeid: str) -> int:
    path = _file(nodeid)
    return next((i for i, prefix in enumerate(LONGEST_FIRST) if path.startswith(prefix)), len(LONGEST_FIRST))


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: _rank(item.nodeid))  # stable: a file's tests keep their order


if importlib.util.find_spec("xdist"):
    from xdist.scheduler import LoadScopeScheduling

    class FileOrTestScheduling(LoadScopeScheduling):
        """A unit of work is a file, or a single test in the files of SPLIT_BY_TEST; units go out in the
        collection's order."""

        def __init__(self, config, log=None):
            super().__init__(config, log)
            config.option.loadscopereorder = False

        def _split_scope(self, nodeid: str) -> str:
            return nodeid if _file(nodeid) in SPLIT_BY_TEST else _file(nodeid)

    def pytest_xdist_make_scheduler(config, log):
        return FileOrTestScheduling(config, log)


def pytest_configure(config):
    """Under pytest-xdist, each worker keeps to a core of its own and trains on one thread: OpenMP threads of
    two workers sharing the cores wait on each other at every parallel region and run several times slower.
    Subprocesses a test starts (the CLI, notebook kernels, the browser) inherit the core."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1", ... in a worker; unset otherwise
    if not worker or not hasattr(os, "sched_setaffinity"):
        return
    cores = sorted(os.sched_getaffinity(0))
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if count > 1 and len(cores) >= count:
        os.sched_setaffinity(0, {cores[int(worker.removeprefix("gw")) % len(cores)]})
        torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def _offline_and_isolated(monkeypatch, tmp_path_factory):
    """No network, no user data: downloads are off and the cache is an empty temporary folder."""
    monkeypatch.setenv("DLCOURSE_OFFLINE", "1")
    monkeypatch.delenv("DLCOURSE_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
