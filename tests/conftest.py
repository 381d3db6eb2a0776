import pytest


@pytest.fixture(autouse=True)
def _offline_and_isolated(monkeypatch, tmp_path_factory):
    """No network, no user data: downloads are off and the cache is an empty temporary folder."""
    monkeypatch.setenv("DLCOURSE_OFFLINE", "1")
    monkeypatch.delenv("DLCOURSE_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
