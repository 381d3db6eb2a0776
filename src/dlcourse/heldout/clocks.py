"""A second analog-clock renderer, for scoring clock readers on clocks their training renderer never drew.

It shares no code with `dlcourse.data.clocks` and makes other drawing choices: every clock is drawn
one at a time with Pillow on a 3x supersampled canvas (vector shapes, TrueType fonts), then warped,
lit, blurred, noised and JPEG-compressed as a photograph would be. Its styles:

- dial: round, rounded square or octagon; light or dark face; plain, thin or thick bezel;
- marks: Arabic numerals, Roman numerals, bars, dots, or bars with the four quarter numerals;
  12 is always told apart (its numeral, a double bar, or a pair of dots), and the 12 is within ±15° of the top;
- hands: bar, arrow, lozenge or pointed baton, with or without a tail, the hour hand shorter and wider;
  a thin seconds hand (a distractor) on most clocks;
- background: flat, gradient, blotchy texture or stripes; light falloff, a glare band, blur, noise and
  JPEG artefacts; a mild perspective tilt.

The same seed gives the same clocks.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import cache

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

SUPER = 3  # supersampling factor of the drawing canvas
DIALS = ("round", "rounded square", "octagon")
MARKS = ("arabic", "roman", "bars", "dots", "quarters")
HANDS = ("bar", "arrow", "lozenge", "baton")
BACKGROUNDS = ("flat", "gradient", "texture", "stripes")
TURN = 15.0  # the 12 stays within this many degrees of the top
_ROMAN = ("XII", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI")


@dataclass(frozen=True)
class HeldoutClocks:
    """Clock images (uint8, N x size x size), their times (int64, N x 2: hour 0-11, minute 0-59) and each
    clock's style choices (name -> array of N strings)."""

    images: np.ndarray
    labels: np.ndarray
    styles: dict[str, np.ndarray]

    @property
    def times(self) -> np.ndarray:
        """Minutes since 12:00."""
        return self.labels[:, 0] * 60 + self.labels[:, 1]


def heldout_clocks(count: int, size: int = 150, seed: int = 2024) -> HeldoutClocks:
    """`count` clocks at uniformly random times, each in a random style. Clock i depends only on (seed, i), so
    the first clocks of a larger set are the clocks of a smaller one."""
    times, images, styles = np.zeros(count, dtype=np.int64), [], []
    for i in range(count):
        rng = np.random.default_rng([seed, i])
        times[i] = rng.integers(0, 720)
        look = _Look.draw(rng)
        images.append(_clock(int(times[i]) // 60, int(times[i]) % 60, size, look, rng))
        styles.append(look)
    columns = {
        "dial": [s.dial for s in styles],
        "marks": [s.marks for s in styles],
        "hands": [s.hands for s in styles],
        "background": [s.background for s in styles],
        "seconds hand": [str(s.seconds) for s in styles],
        "jpeg": [str(s.jpeg_quality > 0) for s in styles],
    }
    labels = np.stack([times // 60, times % 60], 1).astype(np.int64)
    images = np.stack(images) if images else np.zeros((0, size, size), np.uint8)
    return HeldoutClocks(images, labels, {k: np.array(v) for k, v in columns.items()})


@dataclass(frozen=True)
class _Look:
    dial: str
    marks: str
    hands: str
    background: str
    seconds: bool
    tail: bool
    dark: bool
    bezel: float  # fraction of the radius
    jpeg_quality: int  # 0: no JPEG

    @classmethod
    def draw(cls, rng: np.random.Generator) -> _Look:
        return cls(
            dial=str(rng.choice(DIALS, p=(0.6, 0.25, 0.15))),
            marks=str(rng.choice(MARKS)),
            hands=str(rng.choice(HANDS)),
            background=str(rng.choice(BACKGROUNDS)),
            seconds=bool(rng.random() < 0.6),
            tail=bool(rng.random() < 0.5),
            dark=bool(rng.random() < 0.2),
            bezel=float(rng.choice((0.0, 0.03, 0.08))),
            jpeg_quality=int(rng.integers(25, 80)) if rng.random() < 0.5 else 0,
        )


def _clock(hour: int, minute: int, size: int, look: _Look, rng: np.random.Generator) -> np.ndarray:
    """One clock as uint8 size x size."""
    canvas = size * SUPER
    face, ink = (
        (int(rng.uniform(20, 70)), int(rng.uniform(200, 250)))
        if look.dark
        else (
            int(rng.uniform(185, 250)),
            int(rng.uniform(0, 60)),
        )
    )
    radius = canvas * rng.uniform(0.34, 0.43)
    centre = canvas / 2 + rng.uniform(-0.05, 0.05, 2) * canvas
    image = _background(look.background, canvas, rng)
    layer = Image.new("L", (canvas, canvas), 0)  # the clock, drawn upright, turned below
    mask = Image.new("L", (canvas, canvas), 0)
    pen = ImageDraw.Draw(layer)
    _dial(ImageDraw.Draw(mask), look.dial, centre, radius, 255)
    _dial(pen, look.dial, centre, radius, face)
    if look.bezel:
        _dial(pen, look.dial, centre, radius, ink, outline=max(1, round(look.bezel * radius)))
    _marks(pen, look.marks, centre, radius * (1 - look.bezel - 0.04), ink, rng)
    _hands(pen, look, hour, minute, centre, radius, ink, rng)
    turn = rng.uniform(-TURN, TURN)
    layer = layer.rotate(-turn, resample=Image.Resampling.BICUBIC, center=tuple(centre))
    mask = mask.rotate(-turn, resample=Image.Resampling.BICUBIC, center=tuple(centre))
    image.paste(layer, (0, 0), mask)
    image = _tilt(image, canvas, rng)
    image = image.resize((size, size), Image.Resampling.LANCZOS)
    return _photograph(image, look, rng)


def _background(kind: str, canvas: int, rng: np.random.Generator) -> Image.Image:
    base = rng.uniform(40, 215)
    if kind == "flat":
        pixels = np.full((canvas, canvas), base)
    elif kind == "gradient":
        angle, slope = rng.uniform(0, 2 * math.pi), rng.uniform(40, 120)
        ramp = np.linspace(-0.5, 0.5, canvas)
        pixels = base + slope * (np.cos(angle) * ramp[None, :] + np.sin(angle) * ramp[:, None])
    elif kind == "texture":
        coarse = rng.normal(0, 35, (8, 8))
        pixels = base + np.asarray(Image.fromarray(coarse.astype(np.float32)).resize((canvas, canvas), Image.BICUBIC))
    else:
        period, angle = rng.uniform(0.04, 0.15) * canvas, rng.uniform(0, math.pi)
        ys, xs = np.mgrid[0:canvas, 0:canvas]
        pixels = base + 30 * np.sin((xs * math.cos(angle) + ys * math.sin(angle)) * 2 * math.pi / period)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _dial(pen: ImageDraw.ImageDraw, shape: str, centre: np.ndarray, radius: float, fill: int, outline: int = 0):
    """The dial's outline filled with `fill`, or only its edge `outline` pixels wide."""
    cx, cy = centre
    box = (cx - radius, cy - radius, cx + radius, cy + radius)
    colour = dict(outline=fill, width=outline) if outline else dict(fill=fill)
    if shape == "round":
        pen.ellipse(box, **colour)
    elif shape == "rounded square":
        pen.rounded_rectangle(box, radius=radius * 0.3, **colour)
    else:
        corner = radius / math.cos(math.pi / 8)
        points = [
            (cx + corner * math.cos(a), cy + corner * math.sin(a)) for a in np.arange(8) * math.pi / 4 + math.pi / 8
        ]
        pen.polygon(points, **colour) if not outline else pen.line(points + points[:1], fill=fill, width=outline)


def _at(centre: np.ndarray, degrees: float, r: float) -> tuple[float, float]:
    """The point `r` from the centre at `degrees` clockwise from 12 (image y grows downwards)."""
    a = math.radians(degrees)
    return centre[0] + r * math.sin(a), centre[1] - r * math.cos(a)


@cache
def _font(name: str, pixels: int) -> ImageFont.FreeTypeFont:
    from matplotlib import font_manager

    return ImageFont.truetype(font_manager.findfont(name, fallback_to_default=True), pixels)


def _marks(pen: ImageDraw.ImageDraw, kind: str, centre: np.ndarray, edge: float, ink: int, rng) -> None:
    """Hour marks inside radius `edge`; 12 always differs from the other hours."""
    if kind in ("arabic", "roman", "quarters"):
        family = "DejaVu Serif" if kind == "roman" or rng.random() < 0.4 else "DejaVu Sans"
        font = _font(family, max(6, round(edge * rng.uniform(0.2, 0.28))))
        hours = (0, 3, 6, 9) if kind == "quarters" else range(12)
        for h in hours:
            text = _ROMAN[h] if kind == "roman" else str(h or 12)
            pen.text(_at(centre, 30 * h, edge * 0.8), text, fill=ink, font=font, anchor="mm")
        if kind == "quarters":
            for h in set(range(12)) - set(hours):
                _bar(pen, centre, 30 * h, edge * 0.88, edge, edge * 0.035, ink)
    elif kind == "bars":
        for h in range(1, 12):
            _bar(pen, centre, 30 * h, edge * 0.82, edge, edge * 0.045, ink)
        for side in (-4, 4):  # a double bar at 12
            _bar(pen, centre, side, edge * 0.78, edge, edge * 0.045, ink)
    else:
        dot = edge * rng.uniform(0.035, 0.06)
        for h in range(1, 12):
            x, y = _at(centre, 30 * h, edge * 0.9)
            pen.ellipse((x - dot, y - dot, x + dot, y + dot), fill=ink)
        for side in (-5, 5):  # two dots at 12
            x, y = _at(centre, side, edge * 0.9)
            pen.ellipse((x - dot, y - dot, x + dot, y + dot), fill=ink)
    if rng.random() < 0.5:  # minute ticks
        for k in range(60):
            if k % 5:
                _bar(pen, centre, 6 * k, edge * 0.95, edge, edge * 0.012, ink)


def _bar(pen: ImageDraw.ImageDraw, centre, degrees: float, r_in: float, r_out: float, width: float, ink: int):
    pen.line([_at(centre, degrees, r_in), _at(centre, degrees, r_out)], fill=ink, width=max(1, round(width)))


def _hands(pen: ImageDraw.ImageDraw, look: _Look, hour: int, minute: int, centre, radius: float, ink: int, rng):
    hand_ink = int(np.clip(ink + rng.uniform(-25, 25), 0, 255))
    minute_len, hour_len = radius * rng.uniform(0.72, 0.92), radius * rng.uniform(0.42, 0.6)
    minute_w = radius * rng.uniform(0.03, 0.055)
    hour_w = minute_w * rng.uniform(1.4, 2.0)
    tail = rng.uniform(0.1, 0.25) if look.tail else 0.0
    _hand(pen, look.hands, 30 * hour + minute / 2, hour_len, hour_w, tail, centre, hand_ink)
    _hand(pen, look.hands, 6 * minute, minute_len, minute_w, tail, centre, hand_ink)
    if look.seconds:  # a thin distractor at a random second, often lighter than the other hands
        grey = int(np.clip(ink + rng.choice((-1, 1)) * rng.uniform(40, 110), 0, 255))
        degrees = 6 * rng.integers(0, 60)
        start = _at(centre, degrees + 180, radius * 0.2)
        pen.line(
            [start, _at(centre, degrees, radius * rng.uniform(0.8, 0.95))],
            fill=grey,
            width=max(1, round(radius * 0.012)),
        )
    cap = radius * rng.uniform(0.03, 0.07)
    pen.ellipse((centre[0] - cap, centre[1] - cap, centre[0] + cap, centre[1] + cap), fill=hand_ink)


def _hand(pen, shape: str, degrees: float, length: float, width: float, tail: float, centre, ink: int) -> None:
    """One hand as a polygon in (along, across) coordinates, then turned to `degrees`."""
    back = -tail * length
    if shape == "bar":
        outline = [(back, -width / 2), (length, -width / 2), (length, width / 2), (back, width / 2)]
    elif shape == "arrow":
        neck = length * 0.8
        outline = [
            (back, -width / 3),
            (neck, -width / 3),
            (neck, -width),
            (length, 0),
            (neck, width),
            (neck, width / 3),
            (back, width / 3),
        ]
    elif shape == "lozenge":
        outline = [(back, 0), (length * 0.3, -width), (length, 0), (length * 0.3, width)]
    else:
        outline = [
            (back, -width / 2),
            (length * 0.85, -width / 2),
            (length, 0),
            (length * 0.85, width / 2),
            (back, width / 2),
        ]
    a = math.radians(degrees)
    along, across = (math.sin(a), -math.cos(a)), (math.cos(a), math.sin(a))
    points = [(centre[0] + s * along[0] + t * across[0], centre[1] + s * along[1] + t * across[1]) for s, t in outline]
    pen.polygon(points, fill=ink)


def _tilt(image: Image.Image, canvas: int, rng: np.random.Generator) -> Image.Image:
    """A mild perspective: the corners moved inwards by up to 8% of the edge, as a slightly tilted camera."""
    corners = np.array([[0, 0], [canvas, 0], [canvas, canvas], [0, canvas]], dtype=np.float64)
    inwards = np.where(corners == 0, 1.0, -1.0)
    moved = corners + inwards * rng.uniform(0, 0.08, (4, 2)) * canvas
    # Pillow's PERSPECTIVE maps output pixels to input pixels: solve for the 8 coefficients.
    rows, rhs = [], []
    for (x, y), (u, v) in zip(moved, corners, strict=True):
        rows += [[x, y, 1, 0, 0, 0, -u * x, -u * y], [0, 0, 0, x, y, 1, -v * x, -v * y]]
        rhs += [u, v]
    coeffs = np.linalg.solve(np.array(rows), np.array(rhs))
    edge = int(np.median(np.asarray(image)[[0, -1]]))
    return image.transform(
        image.size, Image.Transform.PERSPECTIVE, tuple(coeffs), Image.Resampling.BICUBIC, fillcolor=edge
    )


def _photograph(image: Image.Image, look: _Look, rng: np.random.Generator) -> np.ndarray:
    """Light falloff, a glare band, blur, sensor noise and JPEG compression."""
    size = image.size[0]
    ys, xs = (np.mgrid[0:size, 0:size] + 0.5) / size - 0.5
    pixels = np.asarray(image, dtype=np.float64)
    light = 1 + rng.uniform(-0.25, 0.25) * xs + rng.uniform(-0.25, 0.25) * ys - rng.uniform(0, 0.6) * (xs**2 + ys**2)
    pixels = pixels * light
    angle, offset, width = rng.uniform(0, math.pi), rng.uniform(-0.35, 0.35), rng.uniform(0.04, 0.15)
    band = np.exp(-((((xs * math.cos(angle) + ys * math.sin(angle)) - offset) / width) ** 2))
    pixels += (255 - pixels) * band * rng.uniform(0, 0.5)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0, 1.0) * size / 150))
    pixels = np.asarray(image, dtype=np.float64) + rng.normal(0, rng.uniform(0, 8), (size, size))
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    if look.jpeg_quality:
        buf = io.BytesIO()
        image.save(buf, format="JPEG", quality=look.jpeg_quality)
        image = Image.open(io.BytesIO(buf.getvalue()))
    return np.asarray(image, dtype=np.uint8)
