"""Each kind of mistake is told apart from the others."""

import numpy as np
import pytest

from dlcourse.telltime.diagnosis import KINDS, breakdown, describe, mistake_kinds, swapped_reading, turned_reading


def at(h, m):
    return h * 60 + m


def test_turned_reading():
    assert turned_reading(np.array([at(1, 50)]), 20.0)[0] == pytest.approx(at(2, 53 + 1 / 3))
    assert turned_reading(np.array([at(6, 0)]), 180.0)[0] == pytest.approx(at(0, 30))  # upside down
    assert turned_reading(np.array([at(4, 20)]), 0.0)[0] == pytest.approx(at(4, 20))


def test_swapped_reading():
    # At 2:30 the hour hand points at the 15-minute mark (2.5 h of 12 is 75° = minute 12.5) and the minute hand at 6.
    assert swapped_reading(np.array([at(2, 30)]))[0] == pytest.approx(at(6, 12.5))
    assert swapped_reading(np.array([at(0, 0)]))[0] == pytest.approx(0)


@pytest.mark.parametrize(
    ("true", "read", "kind"),
    [
        (at(3, 58), at(4, 58), "hour off"),  # the hour hand almost on 4: read as past 4
        (at(7, 2), at(6, 3), "hour off"),
        (at(2, 30), at(6, 12.5), "hands swapped"),
        (at(9, 45), float(swapped_reading(np.array([at(9, 45)]))[0]) + 2, "hands swapped"),
        (at(1, 10), at(1, 10) + 720 / 11, "12 misplaced"),  # both hands turned by 360/11 degrees
        (at(1, 50), at(2, 53.33), "12 misplaced"),  # turned by 20°: the minute 3.3 on, the hour hand past 2:30
        (at(5, 20), at(5, 20) - 2 * 720 / 11, "12 misplaced"),
        (at(4, 0), at(4, 25), "other"),
        (at(4, 0), at(4, 7), ""),
    ],
)
def test_mistake_kinds(true, read, kind):
    assert mistake_kinds(np.array([read]), np.array([true]))[0] == kind


def test_breakdown_shares_add_up_and_describe_orders_them():
    true = np.array([at(3, 58), at(2, 30), at(4, 0), at(4, 0), at(1, 1)])
    read = np.array([at(4, 58), at(6, 12.5), at(4, 25), at(4, 2), at(1, 1)])
    shares = breakdown(read, true)
    assert shares["within"] == pytest.approx(0.4)
    assert [shares[k] for k in KINDS] == pytest.approx([0.2, 0.2, 0.0, 0.2])
    assert describe(shares).startswith("60.0% of clocks read more than 10 min off")
    assert "12 misplaced" not in describe(shares)
    assert describe(breakdown(true, true)) == "every clock read within 10 min"


@pytest.mark.parametrize(("held_out", "verdict"), [(4.0, "generalises"), (9.0, "does not generalise well")])
def test_the_gap_sentence_follows_the_ratio(held_out, verdict):
    from dlcourse.suites.leiden_a1.clocks_compare import _gap_sentence

    best = {
        "representation": "sin/cos",
        "mean error (min)": 3.0,
        "median error (min)": 0.8,
        "held-out mean (min)": held_out,
        "held-out median (min)": 1.1,
        "held-out / test mean": round(held_out / 3.0, 2),
    }
    sentence = _gap_sentence(best)
    assert verdict in sentence and f"{held_out} min" in sentence
    assert ("does not" in sentence) == (held_out > 6.0)


def test_a_reader_that_cannot_read_its_own_clocks_is_not_said_to_generalise():
    from dlcourse.suites.leiden_a1.clocks_compare import _gap_sentence

    best = {
        "representation": "sin/cos",
        "mean error (min)": 84.6,
        "median error (min)": 58.9,
        "held-out mean (min)": 85.1,
        "held-out median (min)": 59.3,
        "held-out / test mean": 1.01,
    }
    sentence = _gap_sentence(best)
    assert "generalises:" not in sentence and "cannot show whether it generalises" in sentence
    assert "85.1 min" in sentence and "1.01x" in sentence
