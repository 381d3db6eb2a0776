import pytest

from dlcourse.errors import DlcourseError, InvalidName, UnknownName
from dlcourse.registry import Registry
from dlcourse.settings import Settings
from dlcourse.suites.registry import task


def test_a_miss_lists_the_known_names_and_a_name_registers_once():
    shapes = Registry("shape")
    shapes.add("square", 4)
    shapes.register("triangle")(3)
    with pytest.raises(UnknownName, match="unknown shape 'circle'; known: square, triangle"):
        shapes.get("circle")
    with pytest.raises(InvalidName, match="'square' is registered twice"):
        shapes.add("square", 5)
    assert shapes.names("t*") == ["triangle"] and len(shapes) == 2


def test_a_task_id_names_its_suite():
    with pytest.raises(InvalidName, match="'<suite>/<task>'"):
        task("no-suite", "title", brief=Settings(), quick=Settings())
    assert issubclass(InvalidName, DlcourseError)
