from dataclasses import replace

import numpy as np
import pytest

from dlcourse.data.clock_dials import TWELVE_MARKS, draw_dial, random_style
from dlcourse.data.clocks import Variety, hand_angles, render
from dlcourse.errors import InvalidInput

SIZE = 96


def test_same_seed_same_bytes_and_other_seeds_differ():
    hours, minutes = np.array([0, 3, 7, 11, 5]), np.array([0, 15, 42, 59, 30])
    first = render(hours, minutes, 48, np.random.default_rng(7))
    again = render(hours, minutes, 48, np.random.default_rng(7))
    other = render(hours, minutes, 48, np.random.default_rng(8))
    assert first.dtype == np.uint8 and first.shape == (5, 48, 48)
    assert first.tobytes() == again.tobytes()
    assert first.tobytes() != other.tobytes()
    assert first.std() > 20  # drawn, not blank


def test_any_size():
    for size in (16, 75, 33):
        assert render(np.array([1]), np.array([2]), size, np.random.default_rng(0)).shape == (1, size, size)


def test_bad_input_is_rejected():
    rng = np.random.default_rng(0)
    with pytest.raises(InvalidInput):
        render(np.array([12]), np.array([0]), 48, rng)
    with pytest.raises(InvalidInput):
        render(np.array([1]), np.array([60]), 48, rng)
    with pytest.raises(InvalidInput):
        render(np.array([1, 2]), np.array([3]), 48, rng)
    with pytest.raises(InvalidInput):
        render(np.array([1]), np.array([3]), 8, rng)


def test_hand_angles():
    hour, minute = hand_angles(np.array([3, 0, 11, 6]), np.array([0, 30, 59, 15]))
    np.testing.assert_allclose(hour, [90, 15, 359.5, 187.5])
    np.testing.assert_allclose(minute, [0, 180, 354, 90])


def _gap(a, b):
    """Angle between directions, in degrees (0-180)."""
    return np.abs((np.asarray(a) - b + 180) % 360 - 180)


def _far_time(hour_deg: float, minute_deg: float) -> int:
    """A time whose hands, and their tails behind the centre, point at least 40 degrees away from the given hands."""
    for t in range(0, 720, 7):
        hands = [float(a[0]) + turn for a in hand_angles(np.array([t // 60]), np.array([t % 60])) for turn in (0, 180)]
        if all(_gap(a, b) >= 40 for a in hands for b in (hour_deg, minute_deg)):
            return t
    raise AssertionError("no far time")


def test_hands_point_where_the_label_says():
    """On upright, untilted, clean clocks the hands lie along the label's angles and nowhere else, and the
    hour hand is the shorter and thicker one.

    A clock's look does not depend on its time, so the same seed draws the same clocks at another time; the
    difference isolates the hands (the other time's hands point well away).
    """
    times = np.random.default_rng(3).permutation(720)[:16]
    hours, minutes = times // 60, times % 60
    hour_deg, minute_deg = hand_angles(hours, minutes)
    far = np.array([_far_time(h, m) for h, m in zip(hour_deg, minute_deg, strict=True)])
    shown = render(hours, minutes, SIZE, np.random.default_rng(1), Variety.plain()).astype(float)
    other = render(far // 60, far % 60, SIZE, np.random.default_rng(1), Variety.plain())
    hands_only = np.clip(other - shown, 0, None)  # dark where this time's hands are: ink is dark on plain dials
    yy, xx = np.mgrid[0:SIZE, 0:SIZE] + 0.5
    r = np.hypot(xx - SIZE / 2, yy - SIZE / 2)
    angle = np.degrees(np.arctan2(xx - SIZE / 2, SIZE / 2 - yy)) % 360  # clockwise from 12
    smallest, largest = 0.36 * SIZE, 0.44 * SIZE  # the range of dial radii drawn
    inner = (r > 0.2 * largest) & (r < 0.42 * smallest)  # both hands at full width; no cap, no tails
    checked = 0
    for dark, h, m in zip(hands_only, hour_deg, minute_deg, strict=True):
        if _gap(h, m) < 30:  # hands on top of each other: nothing to tell apart
            continue
        checked += 1
        # Pixels ahead of the centre within 4.5 px of each hand's ray (wider than the thickest hand here).
        near = {hand: (_gap(angle, hand) < 90) & (r * np.sin(np.radians(_gap(angle, hand))) < 4.5) for hand in (h, m)}
        for hand, ray in near.items():
            part = inner & ray
            offset = ((angle[part] - hand + 180) % 360 - 180) @ dark[part] / dark[part].sum()
            assert abs(offset) < 1, (hand, offset)
        assert dark[inner & (near[h] | near[m])].sum() > 0.99 * dark[inner].sum()  # nothing drawn elsewhere
        assert dark[inner & near[h]].sum() > 1.3 * dark[inner & near[m]].sum()  # the hour hand is thicker
        reach = {hand: r[ray & (dark > 40)].max() for hand, ray in near.items()}
        assert reach[m] > reach[h] + 3  # and shorter
    assert checked >= 10


def test_every_dial_marks_twelve():
    """The 12 o'clock mark carries clearly more ink than any other hour's mark, on every kind of dial."""
    rng = np.random.default_rng(0)
    kinds = set()
    for _ in range(60):
        style = random_style(rng)
        kinds.add(style.twelve_mark)
        ink = draw_dial(style, 160)
        yy, xx = np.mgrid[0:160, 0:160]
        u, v = (xx + 0.5) / 80 - 1, (yy + 0.5) / 80 - 1
        r, angle = np.hypot(u, v), np.degrees(np.arctan2(u, -v)) % 360
        edge = 1 - style.rim - (0.04 if style.double_rim else 0)
        ring = (r > edge - 0.2) & (r < edge - 0.005)
        per_hour = [ink[ring & (np.abs((angle - 30 * h + 180) % 360 - 180) < 8)].sum() for h in range(12)]
        assert per_hour[0] > 1.3 * max(per_hour[1:]), style
    assert kinds == set(TWELVE_MARKS)


@pytest.mark.parametrize(
    "change",
    [dict(seconds=1.0), dict(hand_shapes=True), dict(dial_shapes=1.0), dict(textures=1.0), dict(jpeg=1.0)],
)
def test_each_style_of_version_3_changes_the_picture(change):
    """Turned on alone over plain clocks, each of renderer version 3's choices draws something (the random
    draws are the same either way, so any difference is that choice's)."""
    hours, minutes = np.arange(24) % 12, (np.arange(24) * 7) % 60
    plain = render(hours, minutes, 120, np.random.default_rng(2), Variety.plain()).astype(int)
    varied = render(hours, minutes, 120, np.random.default_rng(2), replace(Variety.plain(), **change)).astype(int)
    changed = np.abs(varied - plain).max(axis=(1, 2)) > 10  # gray levels of 255
    assert changed.mean() >= 0.4, changed  # hand shapes: a third of the clocks keep the plain bar
