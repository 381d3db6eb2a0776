"""What kind of mistake a clock reading is: a whole hour off, the hands swapped, the 12 misplaced, or other.

Each reading more than `LARGE` minutes off is put in the first kind it fits:
- "hands swapped": the reading is what the clock would show with the hour and minute hands exchanged;
- "12 misplaced": the reading is what the clock would show turned by some angle (at least `MIN_TURN`
  degrees): both hands read as if the top of the dial were elsewhere. A turn of 20° moves the minute by
  3.3 minutes and the hour hand by 40 minutes, which is often enough to tip the hour over;
- "hour off": the minute hand was read right (within `TOLERANCE` minutes) and the hour wrong, the slip of
  an hour hand that sits almost on an hour mark;
- "other": anything else.
"""

from __future__ import annotations

import numpy as np

from dlcourse.telltime.error import common_sense_error

LARGE = 10.0  # minutes: readings further off than this are sorted into kinds
TOLERANCE = 5.0  # minutes of slack when matching a reading to a kind of mistake
MIN_TURN = 9.0  # degrees: a smaller turn of the whole dial is not told apart from a misread hour hand
KINDS = ("hour off", "hands swapped", "12 misplaced", "other")


def _reading(hour_hand: np.ndarray, minute: np.ndarray) -> np.ndarray:
    """Minutes since 12:00 from an hour hand's position (in hours, fractional) and a minute: the hour is the whole
    number nearest to the hour hand's position less the minute's share of an hour."""
    hour = np.remainder(np.round(hour_hand - minute / 60), 12)
    return hour * 60 + minute


def swapped_reading(true: np.ndarray) -> np.ndarray:
    """What a clock showing `true` reads with its two hands exchanged."""
    true = np.asarray(true, dtype=np.float64)
    return _reading(np.remainder(true, 60) / 5, np.remainder(true / 12, 60))


def turned_reading(true: np.ndarray, degrees: np.ndarray) -> np.ndarray:
    """What a clock showing `true` reads when both hands are read turned by `degrees` (clockwise)."""
    true = np.asarray(true, dtype=np.float64)
    return _reading(np.remainder(true / 60 + degrees / 30, 12), np.remainder(true + degrees / 6, 60))


def mistake_kinds(predicted: np.ndarray, true: np.ndarray) -> np.ndarray:
    """The kind of each reading (one of KINDS), or "" for readings within LARGE minutes."""
    predicted, true = np.asarray(predicted, dtype=np.float64), np.asarray(true, dtype=np.float64)
    large = common_sense_error(predicted, true) > LARGE
    minute_gap = np.remainder(predicted - true + 30, 60) - 30  # how far the minute was read off, -30 to 30
    swapped = large & (common_sense_error(predicted, swapped_reading(true)) <= TOLERANCE)
    turned = (
        large
        & ~swapped
        & (np.abs(6 * minute_gap) >= MIN_TURN)
        & (common_sense_error(predicted, turned_reading(true, 6 * minute_gap)) <= TOLERANCE)
    )
    hour_off = large & ~swapped & ~turned & (np.abs(minute_gap) <= TOLERANCE)
    kinds = np.full(len(true), "", dtype=object)
    kinds[large] = "other"
    kinds[turned], kinds[swapped], kinds[hour_off] = "12 misplaced", "hands swapped", "hour off"
    return kinds.astype(str)


def breakdown(predicted: np.ndarray, true: np.ndarray) -> dict[str, float]:
    """The share of all clocks in each kind of mistake, and the share read within LARGE minutes."""
    kinds = mistake_kinds(predicted, true)
    n = max(len(kinds), 1)
    return {"within": float((kinds == "").sum() / n), **{k: float((kinds == k).sum() / n) for k in KINDS}}


def describe(shares: dict[str, float]) -> str:
    """The breakdown in words, largest kind first."""
    parts = sorted(((shares[k], k) for k in KINDS if shares[k] > 0), reverse=True)
    if not parts:
        return f"every clock read within {LARGE:g} min"
    listed = ", ".join(f"{k} {share:.1%}" for share, k in parts)
    return f"{1 - shares['within']:.1%} of clocks read more than {LARGE:g} min off: {listed}"
