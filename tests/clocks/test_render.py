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
        # The hour hand is thicker at its base; a tapered one, being shorter, narrows faster towards its tip.
        base = inner & (r < 0.3 * smallest)
        assert dark[base & near[h]].sum() > 1.3 * dark[base & near[m]].sum()
        reach = {hand: r[ray & (dark > 40)].max() for hand, ray in near.items()}
        assert reach[m] > reach[h] + 3  # and shorter
    assert checked >= 10


def _polar(ink: np.ndarray) -> np.ndarray:
    """The dial's ink on rings from radius 0.3 to 0.98 (rows) at every whole degree from 12 (columns)."""
    n = ink.shape[0]
    r, a = np.linspace(0.3, 0.98, 40)[:, None], np.radians(np.arange(360))[None]
    x = ((np.sin(a) * r + 1) * n / 2).astype(int).clip(0, n - 1)
    y = ((-np.cos(a) * r + 1) * n / 2).astype(int).clip(0, n - 1)
    return ink[y, x]


def _mark_ink_per_hour(style, ink: np.ndarray) -> list[float]:
    """Ink in the band of the hour marks within 8° of each hour."""
    n = ink.shape[0]
    yy, xx = np.mgrid[0:n, 0:n]
    u, v = (xx + 0.5) / (n / 2) - 1, (yy + 0.5) / (n / 2) - 1
    r, angle = np.hypot(u, v), np.degrees(np.arctan2(u, -v)) % 360
    edge = 1 - style.rim - (0.04 if style.double_rim else 0)
    ring = (r > edge - 0.2) & (r < edge - 0.005)
    return [float(ink[ring & (np.abs((angle - 30 * h + 180) % 360 - 180) < 8)].sum()) for h in range(12)]


def test_every_dial_tells_twelve_apart():
    """A dial turned by a whole number of hours never looks like itself; where 12 has a mark of its own it
    carries clearly more ink than any other hour's mark, and otherwise only the numerals tell 12 apart."""
    rng = np.random.default_rng(0)
    kinds = set()
    for _ in range(60):
        style = random_style(rng)
        kinds.add(style.twelve_mark)
        ink = draw_dial(style, 160)
        ring = _polar(ink)
        turned = min(np.abs(ring - np.roll(ring, 30 * k, axis=1)).mean() for k in range(1, 12))
        assert turned > 0.05 * ring.mean(), style
        if style.twelve_mark == "numeral":
            assert style.numerals != "none", style
            continue
        per_hour = _mark_ink_per_hour(style, ink)
        assert per_hour[0] > 1.3 * max(per_hour[1:]), style
    assert kinds == set(TWELVE_MARKS)


def test_numeral_only_twelve_draws_an_ordinary_hour_mark_there():
    """With the numeral alone telling 12 apart, the 12's mark carries the same ink as the other hours'."""
    style = replace(random_style(np.random.default_rng(1)), numerals="none", hour_marks="bar", logo="")
    marked = _mark_ink_per_hour(style, draw_dial(replace(style, twelve_mark="triangle"), 160))
    plain = _mark_ink_per_hour(style, draw_dial(replace(style, twelve_mark="numeral"), 160))
    assert marked[0] > 1.3 * max(marked[1:])
    assert abs(plain[0] - np.mean(plain[1:])) < 0.1 * np.mean(plain[1:])


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
