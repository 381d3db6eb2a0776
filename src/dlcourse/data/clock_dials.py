"""Clock dials (rim, ticks, numerals, logo) drawn once per style with Pillow, as ink-coverage textures.

A dial is drawn in its own frame: the square [-1, 1]² with the dial's edge at radius 1 and 12 o'clock at
the top. `dial_atlas` stacks a few dozen random dials into one texture that the renderer samples through
each clock's perspective mapping, so the detail is drawn once and every clock pays one bilinear lookup.

Every dial tells 12 o'clock apart from the other hours: by a mark unlike the other hour marks (a triangle,
a double bar, a large dot or two dots) or, on some dials with numerals, by its numeral alone (as many real
clocks do). Without that a clock turned in its plane would be unreadable: a symmetric dial looks the same at
every rotation, so nothing would tell the hour hand at 3 from the hour hand at 12. A logo under the 12, when
a dial has one, is a further cue.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

NUMERALS = ("none", "arabic", "quarters", "roman")
TWELVE_MARKS = ("triangle", "double bar", "large dot", "two dots", "numeral")  # numeral: only the "12" itself
NUMERAL_ONLY = 0.45  # share of dials with numerals whose 12 has no mark of its own
HOUR_MARKS = ("bar", "dot", "none")
_ROMAN = ("XII", "I", "II", "III", "IIII", "V", "VI", "VII", "VIII", "IX", "X", "XI")  # IIII: the clockmakers' four
_SUPERSAMPLE = 4  # drawn at 4x and box-filtered down: anti-aliased edges
_PAD = 2  # blank rows between dials in the atlas, so bilinear lookups never bleed into a neighbour


@dataclass(frozen=True)
class DialStyle:
    """One dial's look; lengths are fractions of the dial radius."""

    rim: float  # rim ring width (0: no rim)
    double_rim: bool  # a second, thin ring inside the rim
    minute_ticks: bool
    hour_marks: str  # HOUR_MARKS
    hour_mark_length: float
    hour_mark_width: float
    twelve_mark: str  # TWELVE_MARKS
    numerals: str  # NUMERALS
    numeral_size: float
    numeral_radius: float
    numeral_weight: float  # extra stroke around the numerals' glyphs (bolder type), in dial units
    roman_four: str  # "IIII" (as most clock dials) or "IV"
    logo: str  # "" for none; otherwise a short word under the 12


def random_style(rng: np.random.Generator) -> DialStyle:
    numerals = str(rng.choice(NUMERALS, p=(0.3, 0.35, 0.15, 0.2)))
    hour_marks = str(
        rng.choice(HOUR_MARKS, p=(0.55, 0.3, 0.15) if numerals in ("arabic", "roman") else (0.65, 0.35, 0))
    )
    logo = "".join(rng.choice(list("ABCDEFGHKLMNORSTUVWZ"), size=int(rng.integers(3, 7)))) if rng.random() < 0.4 else ""
    return DialStyle(
        rim=float(rng.choice((0.0, rng.uniform(0.015, 0.035), rng.uniform(0.04, 0.09)))),
        double_rim=bool(rng.random() < 0.25),
        minute_ticks=bool(rng.random() < 0.6),
        hour_marks=hour_marks,
        hour_mark_length=float(rng.uniform(0.07, 0.15)),
        hour_mark_width=float(rng.uniform(0.02, 0.045)),
        twelve_mark=_twelve_mark(numerals, rng),
        numerals=numerals,
        numeral_size=float(rng.uniform(0.14, 0.2)),
        numeral_radius=float(rng.uniform(0.66, 0.74)),
        numeral_weight=float(rng.choice((0.0, rng.uniform(0.004, 0.012)))),
        roman_four=str(rng.choice(("IIII", "IV"))),
        logo=logo,
    )


def _twelve_mark(numerals: str, rng: np.random.Generator) -> str:
    if numerals != "none" and rng.random() < NUMERAL_ONLY:
        return "numeral"
    return str(rng.choice(TWELVE_MARKS[:-1]))


def texture_size(image_size: int) -> int:
    """Dial texture edge in pixels: a little finer than the largest dial appears in an image of that size."""
    return max(64, math.ceil(1.1 * image_size))


def draw_dial(style: DialStyle, size: int) -> np.ndarray:
    """The dial's ink coverage (size x size, float32 in [0, 1]; 1 = ink)."""
    canvas = size * _SUPERSAMPLE
    image = Image.new("L", (canvas, canvas), 0)
    pen = _Pen(ImageDraw.Draw(image), canvas)
    edge = 1.0 - style.rim
    if style.rim:
        pen.ring(1.0, style.rim)
    if style.double_rim:
        pen.ring(edge - 0.03, 0.008)
        edge -= 0.04
    if style.minute_ticks:
        for k in range(60):
            if k % 5:
                pen.radial_bar(6 * k, edge - 0.055, edge - 0.01, 0.012)
    for hour in range(0 if style.twelve_mark == "numeral" else 1, 12):
        pen.hour_mark(style, 30 * hour, edge)
    pen.twelve_mark(style.twelve_mark, edge)
    if style.numerals != "none":
        hours = range(12) if style.numerals in ("arabic", "roman") else (0, 3, 6, 9)
        font = _font(round(style.numeral_size * canvas / 2))
        for hour in hours:
            text = str(hour or 12)
            if style.numerals == "roman":
                text = style.roman_four if hour == 4 else _ROMAN[hour]
            r = style.numeral_radius - (0.06 if hour == 0 and style.twelve_mark != "numeral" else 0)
            pen.text(text, 30 * hour, r, font, style.numeral_weight)
    if style.logo:
        pen.text(style.logo, 0, 0.42, _font(round(0.075 * canvas / 2)))
    small = image.resize((size, size), Image.Resampling.BOX)
    return np.asarray(small, dtype=np.float32) / 255.0


def dial_atlas(styles: list[DialStyle], size: int) -> np.ndarray:
    """The dials stacked top to bottom, each with `_PAD` blank rows above and below."""
    bands = [np.pad(draw_dial(style, size), ((_PAD, _PAD), (0, 0))) for style in styles]
    return np.concatenate(bands)


def atlas_rows(v: np.ndarray | float, style: np.ndarray | int, count: int, size: int):
    """grid_sample's normalised y in the atlas for dial coordinate `v` (in [-1, 1], down) of dial `style`."""
    band = size + 2 * _PAD
    row = style * band + _PAD + (v + 1) * (size / 2)
    return row * (2 / (count * band)) - 1


@cache
def _font(pixels: int) -> ImageFont.FreeTypeFont:
    # Pillow's built-in scalable font, so drawing needs no font files on the machine.
    return ImageFont.load_default(size=max(pixels, 4))


class _Pen:
    """Draws on the supersampled canvas in dial units (radius 1, y down, angles clockwise from 12)."""

    def __init__(self, draw: ImageDraw.ImageDraw, canvas: int) -> None:
        self.draw, self.half = draw, canvas / 2

    def _xy(self, u: float, v: float) -> tuple[float, float]:
        return (u + 1) * self.half, (v + 1) * self.half

    def _polar(self, degrees: float, r: float) -> tuple[float, float]:
        a = math.radians(degrees)
        return r * math.sin(a), -r * math.cos(a)

    def ring(self, outer: float, width: float) -> None:
        box = [*self._xy(-outer, -outer), *self._xy(outer, outer)]
        self.draw.ellipse(box, outline=255, width=max(1, round(width * self.half)))

    def disc(self, u: float, v: float, radius: float) -> None:
        self.draw.ellipse([*self._xy(u - radius, v - radius), *self._xy(u + radius, v + radius)], fill=255)

    def radial_bar(self, degrees: float, r_in: float, r_out: float, width: float, sideways: float = 0.0) -> None:
        """A bar along the radius at `degrees`, shifted `sideways` (dial units, clockwise positive)."""
        a = math.radians(degrees)
        along, across = (math.sin(a), -math.cos(a)), (math.cos(a), math.sin(a))
        corners = []
        for r, side in ((r_in, -1), (r_out, -1), (r_out, 1), (r_in, 1)):
            offset = sideways + side * width / 2
            corners.append(self._xy(r * along[0] + offset * across[0], r * along[1] + offset * across[1]))
        self.draw.polygon(corners, fill=255)

    def hour_mark(self, style: DialStyle, degrees: float, edge: float) -> None:
        if style.hour_marks == "bar":
            self.radial_bar(degrees, edge - style.hour_mark_length, edge - 0.01, style.hour_mark_width)
        elif style.hour_marks == "dot":
            self.disc(*self._polar(degrees, edge - 0.05), style.hour_mark_width * 0.8)

    def twelve_mark(self, kind: str, edge: float) -> None:
        if kind == "triangle":
            tip, base = self._polar(0, edge - 0.2), edge - 0.01
            self.draw.polygon([self._xy(*tip), self._xy(-0.09, -base), self._xy(0.09, -base)], fill=255)
        elif kind == "double bar":
            for side in (-1, 1):
                self.radial_bar(0, edge - 0.17, edge - 0.01, 0.04, sideways=side * 0.045)
        elif kind == "two dots":
            for side in (-1, 1):
                self.disc(*self._polar(side * 6, edge - 0.08), 0.05)
        elif kind == "large dot":
            self.disc(*self._polar(0, edge - 0.09), 0.075)

    def text(self, text: str, degrees: float, r: float, font: ImageFont.FreeTypeFont, weight: float = 0.0) -> None:
        stroke = round(weight * self.half)
        self.draw.text(
            self._xy(*self._polar(degrees, r)),
            text,
            fill=255,
            font=font,
            anchor="mm",
            stroke_width=stroke,
            stroke_fill=255,
        )
