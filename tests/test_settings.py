import dataclasses

import pytest

from dlcourse.errors import InvalidSetting, UnknownName
from dlcourse.suites import TASKS
from dlcourse.suites.bath_a2.mlp import MlpSettings
from dlcourse.suites.mixins import DataSize, Scheduled, SizedTestSet, Training


def test_override_parses_by_type():
    s = MlpSettings().override({"epochs": "3", "lr": "0.01", "sizes": "784,10", "train_size": "none", "batch-size": 20})
    assert (s.epochs, s.lr, s.sizes, s.train_size, s.batch_size) == (3, 0.01, (784, 10), None, 20)


@pytest.mark.parametrize(
    "key,value,match",
    [
        ("lr", "-1", "greater than 0"),
        ("epochs", "0", "at least 1"),
        ("epochs", "two", "expects int"),
        ("lr", "fast", "expects float"),
    ],
)
def test_bad_values(key, value, match):
    with pytest.raises(InvalidSetting, match=match):
        MlpSettings().override({key: value})


def test_unknown_setting():
    with pytest.raises(UnknownName, match="sizes"):
        MlpSettings().override({"momentum": "0.9"})


def test_settings_are_frozen_and_documented():
    s = MlpSettings()
    with pytest.raises(AttributeError):
        s.epochs = 3
    assert all(help_text for _, _, help_text in MlpSettings.describe())


def test_no_task_restates_a_shared_field():
    """A task redeclares a mixin's field only to change its default, bounds or help; an exact copy is a
    second declaration of the same thing."""
    shared = {f.name: f for mixin in (Scheduled, DataSize) for f in dataclasses.fields(mixin)}
    for task_id in TASKS:
        cls = TASKS.get(task_id).settings_class
        for klass in cls.__mro__:
            for name in vars(klass).get("__annotations__", {}):
                if name in shared and klass not in (Training, Scheduled, SizedTestSet, DataSize):
                    field, mixin = klass.__dataclass_fields__[name], shared[name]
                    same = field.default == mixin.default and dict(field.metadata) == dict(mixin.metadata)
                    assert not same, f"{klass.__name__}.{name} ({task_id}) restates the mixin's field"
