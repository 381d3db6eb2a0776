"""One package per brief; importing this module registers every task."""

from dlcourse.suites import bath_a2, fit3181_a1, leiden_a1  # noqa: F401  (registers the tasks)
from dlcourse.suites.registry import TASKS, Task, select, suites, task

__all__ = ["TASKS", "Task", "select", "suites", "task"]
