"""`dlcourse list` reads the tasks from the suites' source: the same tasks as the registry, without torch."""

import subprocess
import sys

import pytest

from dlcourse.cli import main
from dlcourse.suites import TASKS, select
from dlcourse.suites.catalog import catalog
from dlcourse.suites.runner import check_overrides


def test_the_catalog_lists_what_the_registry_holds():
    listed = {e.id: e for e in catalog()}
    assert sorted(listed) == sorted(TASKS)
    for task_id, entry in listed.items():
        task = TASKS.get(task_id)
        assert (entry.title, entry.profiles) == (task.title, tuple(task.profiles)), task_id
        assert (entry.needs, entry.reads) == (task.needs, task.reads), task_id
        assert entry.module == task.fn.__module__, task_id


def test_listing_imports_neither_torch_nor_the_suites():
    code = (
        "import sys\nfrom dlcourse.cli import main\ntry:\n    main(['list'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('torch', 'dlcourse.suites.bath_a2') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "bath-a2/3.1" in out and "bath_a2.mlp" in out and "4.1!" in out
    assert "Measured on a 2-core CPU" in out
    assert out.strip().splitlines()[-1] == "[]"


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and capsys.readouterr().out.startswith("dlcourse 0.")


def test_an_override_a_task_takes_under_other_names_is_refused(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        main(["run", "leiden-a1", "--epochs", "1"])
    err = capsys.readouterr().err
    assert info.value.code == 2 and "leiden-a1/1 has no setting 'epochs' but mlp_epochs, cnn_epochs" in err
    assert not (tmp_path / "runs").exists()


def test_tasks_that_do_not_train_are_named_for_an_override_they_do_not_use():
    unused = check_overrides(select("bath-a2"), {"epochs": 1})
    without = {t.id for t in select("bath-a2") if "epochs" not in t.settings_class.__dataclass_fields__}
    assert set(unused["epochs"]) == without and without
