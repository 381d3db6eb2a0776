"""Telling the time from clock images (leiden-a1 Task 2): the common-sense error and label representations."""

from dlcourse.telltime.error import CONSTANT_BASELINE, DIAL, clock_time, common_sense_error, error_summary
from dlcourse.telltime.representations import Classes, HourAndMinute, Hours, Periodic, Representation

__all__ = [
    "CONSTANT_BASELINE",
    "DIAL",
    "Classes",
    "HourAndMinute",
    "Hours",
    "Periodic",
    "Representation",
    "clock_time",
    "common_sense_error",
    "error_summary",
]
