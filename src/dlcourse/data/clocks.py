"""Procedural analog clocks for the tell-the-time task (leiden-a1 Task 2): `render(hours, minutes, size, rng)`.

The brief's 18,000 images are not public, so we draw our own with the variety it describes: dial styles
(see `clock_dials`) on round, rounded-square or octagonal dials, hands of random length, width, taper and
shape (bars, lozenges, arrows; the hour hand always clearly shorter and thicker than the minute hand), a
thin seconds hand on half of the clocks, the whole clock turned in its plane and tilted in perspective,
gradient, blotchy or striped backgrounds, a light reflection on the glass, hand shadows, uneven lighting,
blur, noise and JPEG compression. Half of the clocks hang nearly upright (within ±15°), the others are turned
by up to the `rotation` setting. Versions 3 and 4 added the dial and hand shapes, the seconds hand, the
textures, JPEG, a fourth 12 mark and the upright half: a reader trained on version 2 read clocks drawn by
another renderer (`dlcourse.heldout`) 8 times worse than its own. Version 5 added dials whose 12 only its
numeral tells apart (such clocks hang upright, as a clock without a 12 mark would be unreadable turned far),
bolder numerals and IIII or IV, which brought the held-out error nearer the reader's own (see the README).

How: every clock is a plane seen through a pinhole camera, i.e. a homography from dial coordinates to
pixels. Each output pixel is mapped back into dial coordinates (u, v) (radius 1, v down, 12 at the top),
where the dial texture is looked up and the hands are anti-aliased distance fields. All of it is batched
tensor arithmetic over the clocks of a chunk, so 18,000 clocks of 150x150 take well under a minute on a
laptop CPU. The random draws all come from the NumPy generator given, in a fixed order, and every pixel
operation is elementwise (the blur is an explicit sum of shifted copies), so the same seed gives the same
bytes on any thread count.
"""

from __future__ import annotations

import io
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from dlcourse.data.clock_dials import atlas_rows, dial_atlas, random_style, texture_size
from dlcourse.errors import InvalidInput

RENDERER_VERSION = 5  # part of the cache key: bump when the pictures or their times change
CHUNK = 12  # clocks per batch of tensor work: small enough to stay in the CPU caches


@dataclass(frozen=True)
class Variety:
    """How much the clocks vary; `Variety()` is what the datasets use, `Variety.plain()` turns it all off."""

    rotation: float = 60.0  # in-plane turn of the whole clock, uniform in ±rotation degrees (180: any angle)
    upright: float = 0.5  # share of clocks turned by at most ±UPRIGHT degrees instead, as clocks mostly hang
    tilt: float = 40.0  # perspective tilt of the clock plane, uniform in 0..tilt degrees, about a random axis
    shift: float = 0.06  # centre offset, up to this fraction of the image edge in each direction
    reflection: float = 0.55  # strength of the light reflection on the glass, up to this (0-1)
    shadow: float = 0.35  # darkness of the hands' shadow on the dial, up to this (0-1)
    blur: float = 0.8  # blur sigma, up to this many pixels at 150x150 (scaled with the size)
    noise: float = 0.035  # pixel noise sigma, up to this (intensity scale 0-1)
    dark_faces: float = 0.2  # share of dark dials with light ink
    seconds: float = 0.5  # share of clocks with a thin seconds hand at a random angle (a distractor)
    hand_shapes: bool = True  # bars, lozenges and arrow-headed hands (False: tapered bars only)
    dial_shapes: float = 0.35  # share of dials that are rounded squares or octagons rather than round
    textures: float = 0.5  # share of backgrounds with blotches or stripes rather than a plain gradient
    jpeg: float = 0.4  # share of clocks saved as JPEG at a random quality (25-85) and read back

    @classmethod
    def plain(cls) -> Variety:
        """Upright, untilted, centred, clean clocks (tests and explanations)."""
        return cls(
            rotation=0,
            upright=0,
            tilt=0,
            shift=0,
            reflection=0,
            shadow=0,
            blur=0,
            noise=0,
            dark_faces=0,
            seconds=0,
            hand_shapes=False,
            dial_shapes=0,
            textures=0,
            jpeg=0,
        )


DEFAULT_VARIETY = Variety()
HAND_SHAPES = ("bar", "lozenge", "arrow")
UPRIGHT = 15.0  # degrees: how far an upright clock (see Variety.upright) may be turned
DIAL_SHAPES = ("round", "rounded square", "octagon")


def hand_angles(hours: np.ndarray, minutes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hour- and minute-hand angles in degrees, clockwise from 12: the hour hand moves on with the minutes."""
    hours, minutes = np.asarray(hours, dtype=np.float64), np.asarray(minutes, dtype=np.float64)
    return 30.0 * ((hours % 12) + minutes / 60.0), 6.0 * minutes


def render(
    hours: np.ndarray,
    minutes: np.ndarray,
    size: int,
    rng: np.random.Generator,
    variety: Variety = DEFAULT_VARIETY,
    styles: int = 48,
) -> np.ndarray:
    """Grayscale clocks showing hours:minutes, as uint8 N x size x size (ink dark on light dials mostly).

    `styles` random dials are drawn per call and each clock picks one. The same generator state gives
    the same bytes.
    """
    hours, minutes = np.asarray(hours), np.asarray(minutes)
    if hours.shape != minutes.shape or hours.ndim != 1:
        raise InvalidInput(f"hours and minutes must be 1-D and alike, got shapes {hours.shape} and {minutes.shape}")
    if len(hours) and (hours.min() < 0 or hours.max() > 11 or minutes.min() < 0 or minutes.max() > 59):
        raise InvalidInput("hours run 0-11 and minutes 0-59")
    if size < 16:
        raise InvalidInput(f"a clock needs at least 16x16 pixels, got {size}")
    tex = texture_size(size)
    dials = [random_style(rng) for _ in range(styles)]
    atlas = torch.from_numpy(dial_atlas(dials, tex))[None, None]
    params = _sample(len(hours), size, np.array([d.twelve_mark == "numeral" for d in dials]), variety, rng)
    params["hour_angle"], params["minute_angle"] = (np.radians(a) for a in hand_angles(hours, minutes))
    starts = range(0, len(hours), CHUNK)
    noise_seeds = rng.integers(0, 2**63, len(starts))
    out = np.empty((len(hours), size, size), dtype=np.uint8)

    def draw_chunk(start: int, seed: int) -> None:
        chunk = {k: torch.from_numpy(v[start : start + CHUNK].astype(np.float32)) for k, v in params.items()}
        shape = (len(chunk["face"]), size, size)
        noise = torch.from_numpy(np.random.default_rng(seed).standard_normal(shape, dtype=np.float32))
        image = _draw(chunk, size, atlas, styles, tex).add_(noise.mul_(chunk["noise"][:, None, None]))
        out[start : start + CHUNK] = image.mul_(255).round_().clamp_(0, 255).to(torch.uint8).numpy()
        for i, quality in enumerate(params["jpeg"][start : start + CHUNK]):
            if quality:
                out[start + i] = _jpeg(out[start + i], int(quality))

    # Chunks run side by side in threads, each op single-threaded: at this tensor size that beats intra-op
    # parallelism, whose spinning workers lose badly on a busy machine.
    workers = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(draw_chunk, starts, noise_seeds.tolist()))
    finally:
        torch.set_num_threads(workers)
    return out


def _jpeg(image: np.ndarray, quality: int) -> np.ndarray:
    """The image saved as a JPEG at `quality` and read back: the blocks and ringing of a compressed photo."""
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, format="JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())), dtype=np.uint8)


def _sample(
    n: int, size: int, upright_dials: np.ndarray, var: Variety, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Every per-clock random choice, as arrays of length n (angles in radians, lengths in dial radii).

    `upright_dials` says for each dial whether clocks with it always hang upright: those whose 12 only its
    numeral tells apart, which small and blurred would be too hard to find on a clock turned far."""
    u = lambda lo, hi: rng.uniform(lo, hi, n)  # noqa: E731
    p: dict[str, np.ndarray] = {"style": rng.integers(0, len(upright_dials), n).astype(np.float64)}
    dark = rng.random(n) < var.dark_faces
    p["face"] = np.where(dark, u(0.08, 0.3), u(0.68, 0.97))
    p["ink"] = np.where(dark, u(0.82, 1.0), u(0.0, 0.2))
    p["hand"] = np.clip(p["ink"] + u(-0.08, 0.08), 0, 1)
    p["background"], p["bg_dx"], p["bg_dy"] = u(0.05, 0.95), u(-0.25, 0.25), u(-0.25, 0.25)
    p["light_du"], p["light_dv"] = u(-0.12, 0.12), u(-0.12, 0.12)
    # The hour hand: clearly shorter and thicker than the minute hand, whatever else is drawn.
    p["minute_len"], p["hour_len"] = u(0.76, 0.9), u(0.45, 0.58)
    p["minute_w"] = u(0.018, 0.03)
    p["hour_w"] = p["minute_w"] * u(1.5, 2.2)
    p["taper"] = np.where(rng.random(n) < 0.5, u(0.25, 0.6), 1.0)  # tip width / base width
    p["tail"] = u(0.0, 0.18)
    p["cap"] = u(0.035, 0.07)
    p["shadow"] = u(0, var.shadow)
    p["shadow_dx"], p["shadow_dy"] = np.round(u(-0.015, 0.015) * size), np.round(u(0.0, 0.02) * size)
    p["reflection"], p["refl_angle"], p["refl_offset"], p["refl_width"] = (
        u(0, var.reflection),
        u(0, 2 * math.pi),
        u(-0.7, 0.7),
        u(0.12, 0.4),
    )
    p["blur"] = u(0, var.blur * size / 150)
    p["noise"] = u(0, var.noise)
    p["inverse"], p["pixel"] = _camera(n, size, var, u, upright_dials[p["style"].astype(int)])
    p.update(_extras(n, var, p, u, rng))
    return p


def _extras(n: int, var: Variety, p: dict[str, np.ndarray], u, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The choices of renderer version 3: a seconds hand, hand and dial shapes, textured backgrounds, JPEG."""
    e: dict[str, np.ndarray] = {"seconds": (rng.random(n) < var.seconds).astype(np.float64)}
    e["seconds_angle"], e["seconds_len"], e["seconds_w"] = u(0, 2 * math.pi), u(0.8, 0.95), u(0.006, 0.012)
    e["seconds_tail"] = u(0.1, 0.3)
    e["seconds_ink"] = p["face"] + (p["ink"] - p["face"]) * u(0.35, 0.85)  # lighter than the other hands
    e["shape"] = rng.integers(0, len(HAND_SHAPES), n).astype(np.float64) if var.hand_shapes else np.zeros(n)
    shaped = rng.random(n) < var.dial_shapes
    e["dial"] = np.where(shaped, rng.integers(1, len(DIAL_SHAPES), n), 0).astype(np.float64)
    e["squareness"] = u(3.5, 6.0)  # exponent of the rounded square |u|^k + |v|^k = 1
    textured = rng.random(n) < var.textures
    e["texture"] = np.where(textured, rng.integers(1, 3, n), 0).astype(np.float64)  # 1 blotches, 2 stripes
    e["texture_amp"], e["stripe_freq"], e["stripe_angle"] = u(0.05, 0.2), u(4, 16), u(0, math.pi)
    e["blotches"] = rng.standard_normal((n, 25))
    e["jpeg"] = np.where(rng.random(n) < var.jpeg, rng.integers(25, 86, n), 0).astype(np.float64)
    return e


def _camera(n: int, size: int, var: Variety, u, upright: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per clock, the 3x3 map from pixel (x, y, 1) to dial (u, v, 1) (up to scale), flattened to 9 values,
    and the size of a pixel in dial units (for anti-aliasing). Clocks marked `upright` hang upright."""
    degrees = np.where(
        (u(0, 1) < var.upright) | upright, u(-1, 1) * min(UPRIGHT, var.rotation), u(-var.rotation, var.rotation)
    )
    turn, tilt, axis = np.radians(degrees), np.radians(u(0, var.tilt)), u(0, 2 * math.pi)
    distance = u(3.0, 7.0)  # camera distance in dial radii: nearer means stronger perspective
    radius = u(0.36, 0.44) * size  # dial radius in pixels
    focal = radius * distance
    cx, cy = (size / 2 + u(-var.shift, var.shift) * size for _ in range(2))
    # Dial axes in camera space (x right, y down, z forward): turned in plane, then tilted about `axis`.
    cos_t, sin_t = np.cos(turn), np.sin(turn)
    e1 = np.stack([cos_t, sin_t, np.zeros(n)], 1)
    e2 = np.stack([-sin_t, cos_t, np.zeros(n)], 1)
    tilt_m = _axis_rotation(np.stack([np.cos(axis), np.sin(axis), np.zeros(n)], 1), tilt)
    e1, e2 = np.einsum("nij,nj->ni", tilt_m, e1), np.einsum("nij,nj->ni", tilt_m, e2)
    centre = np.stack([np.zeros(n), np.zeros(n), distance], 1)
    k = np.zeros((n, 3, 3))
    k[:, 0, 0], k[:, 1, 1], k[:, 0, 2], k[:, 1, 2], k[:, 2, 2] = focal, focal, cx, cy, 1
    forward = k @ np.stack([e1, e2, centre], 2)  # dial (u, v, 1) -> pixel (x, y, 1), up to scale
    pixel = 1.0 / (radius * np.sqrt(np.cos(tilt)))
    return np.linalg.inv(forward).reshape(n, 9), pixel


def _axis_rotation(axis: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """Rodrigues' rotation matrices about unit axes (n x 3) by angles (n)."""
    x, y, z = axis.T
    c, s, t = np.cos(angle), np.sin(angle), 1 - np.cos(angle)
    return np.stack(
        [
            np.stack([t * x * x + c, t * x * y - s * z, t * x * z + s * y], 1),
            np.stack([t * x * y + s * z, t * y * y + c, t * y * z - s * x], 1),
            np.stack([t * x * z - s * y, t * y * z + s * x, t * z * z + c], 1),
        ],
        1,
    )


def _draw(p: dict[str, torch.Tensor], size: int, atlas: torch.Tensor, styles: int, tex: int) -> torch.Tensor:
    """Float images in [0, 1] (before noise) for one chunk of clocks.

    Written for speed: per-clock constants are folded first, so that most steps are one pass over the pixels.
    """
    col = lambda name: p[name][:, None, None]  # noqa: E731  (per-clock value, broadcast over pixels)
    coords = (torch.arange(size, dtype=torch.float32) + 0.5)[None]
    x, y = coords[:, None, :], coords[:, :, None]
    h = p["inverse"][:, :, None, None]
    w = (h[:, 6] * x + h[:, 8]) + h[:, 7] * y
    w.reciprocal_()
    u = ((h[:, 0] * x + h[:, 2]) + h[:, 1] * y).mul_(w)
    v = ((h[:, 3] * x + h[:, 5]) + h[:, 4] * y).mul_(w)
    r = torch.hypot(u, v)
    sharp = 1 / col("pixel")  # anti-aliasing: coverage ramps from 0 to 1 over one pixel
    inside = (1 - _dial_radius(p, u, v, r)).mul_(sharp).add_(0.5).clamp_(0, 1)

    grid = torch.stack([u.clamp(-1, 1), atlas_rows(v.clamp(-1, 1), col("style"), styles, tex)], -1)
    ink = F.grid_sample(atlas, grid.reshape(1, -1, size, 2), align_corners=False).reshape(-1, size, size)
    face = (u * col("light_du")).add_(v * col("light_dv")).add_(1).mul_(col("face"))
    dial = face.lerp_(col("ink").expand_as(face), ink)

    hands = _hands(p, u, v, r, sharp)
    dial.mul_(1 - col("shadow") * _shifted(hands, p["shadow_dx"], p["shadow_dy"]))
    dial.lerp_(col("hand").expand_as(dial), hands)
    seconds = _hand(p, "seconds", u, v, sharp).mul_(col("seconds"))
    dial.lerp_(col("seconds_ink").expand_as(dial), seconds)

    a = col("refl_angle")
    band = (u * (torch.cos(a) / col("refl_width"))).add_(v * (torch.sin(a) / col("refl_width")))
    band.sub_(col("refl_offset") / col("refl_width"))
    glare = band.square_().neg_().exp_().mul_((1 - 0.5 * r).mul_(col("reflection")))
    dial.lerp_(torch.ones(()).expand_as(dial), glare)

    background = (col("background") + col("bg_dx") * (x / size - 0.5)) + col("bg_dy") * (y / size - 0.5)
    background = background + _texture(p, x / size, y / size)
    image = background.lerp_(dial, inside)
    return _blur(image, p["blur"])


def _hands(p: dict[str, torch.Tensor], u: torch.Tensor, v: torch.Tensor, r: torch.Tensor, sharp) -> torch.Tensor:
    """Coverage (0-1) of the hour hand, the minute hand and the centre cap."""
    hour = _hand(p, "hour", u, v, sharp)
    minute = _hand(p, "minute", u, v, sharp)
    cap = (p["cap"][:, None, None] - r).mul_(sharp).add_(0.5).clamp_(0, 1)
    return hour.maximum(minute).maximum(cap)


def _hand(p: dict[str, torch.Tensor], which: str, u: torch.Tensor, v: torch.Tensor, sharp) -> torch.Tensor:
    """A bar from `tail` (a share of its length) behind the centre to its length along its angle (clockwise
    from 12), half-width `width` at the centre narrowing to `taper * width` at the tip, with round ends."""
    angle, length = p[f"{which}_angle"][:, None, None], p[f"{which}_len"][:, None, None]
    seconds = which == "seconds"  # a plain thin bar with its own tail, whatever the other hands' shape
    width = p[f"{which}_w"][:, None, None]
    tail = p["seconds_tail" if seconds else "tail"][:, None, None]
    du, dv = torch.sin(angle), -torch.cos(angle)
    along = (u * du).add_(v * dv).clamp_(min=-tail * length, max=length)
    dist = torch.hypot(torch.addcmul(u, along, du, value=-1), torch.addcmul(v, along, dv, value=-1))
    ahead = along.clamp_(min=0).div_(length)  # 0 at the centre, 1 at the tip
    if seconds:
        half = width.expand_as(ahead)
    else:
        half = _hand_profile(ahead, width, p["taper"][:, None, None], p["shape"][:, None, None])
    return half.sub(dist).mul_(sharp).add_(0.5).clamp_(0, 1)


def _hand_profile(ahead: torch.Tensor, width: torch.Tensor, taper: torch.Tensor, shape: torch.Tensor) -> torch.Tensor:
    """A hand's half-width along it (`ahead`: 0 at the centre, 1 at the tip), for each HAND_SHAPES."""
    bar = (taper - 1) * ahead + 1
    lozenge = torch.minimum(ahead / 0.3, (1 - ahead) / 0.7).mul_(1.4).clamp_(min=0.35)
    arrow = torch.where(ahead < 0.78, 0.45, (1 - ahead) * (1.3 / 0.22))
    return torch.where(shape == 0, bar, torch.where(shape == 1, lozenge, arrow)).mul_(width)


def _dial_radius(p: dict[str, torch.Tensor], u: torch.Tensor, v: torch.Tensor, r: torch.Tensor) -> torch.Tensor:
    """The dial's own norm (1 on its outline) for each DIAL_SHAPES: a circle, a rounded square, an octagon."""
    au, av = u.abs(), v.abs()
    k = p["squareness"][:, None, None]
    square = (au.pow(k) + av.pow(k)).pow(1 / k)
    octagon = torch.maximum(torch.maximum(au, av), (au + av) / math.sqrt(2))
    dial = p["dial"][:, None, None]
    return torch.where(dial == 0, r, torch.where(dial == 1, square, octagon))


def _texture(p: dict[str, torch.Tensor], x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Background texture added to the gradient: none, smooth blotches (a 5x5 random grid, upsampled) or stripes."""
    n, size = len(p["texture"]), x.shape[-1]
    blotches = F.interpolate(p["blotches"].view(n, 1, 5, 5), size=(size, size), mode="bicubic", align_corners=True)[
        :, 0
    ]
    a = p["stripe_angle"][:, None, None]
    stripes = torch.sin((x * torch.cos(a) + y * torch.sin(a)) * (2 * math.pi) * p["stripe_freq"][:, None, None])
    kind = p["texture"][:, None, None]
    texture = torch.where(kind == 1, blotches * 0.5, torch.where(kind == 2, stripes, torch.zeros(())))
    return texture * p["texture_amp"][:, None, None]


def _shifted(image: torch.Tensor, dx: torch.Tensor, dy: torch.Tensor) -> torch.Tensor:
    """Each image moved by its own whole number of pixels (dx right, dy down), filled with 0 at the edges."""
    out = torch.zeros_like(image)
    size = image.shape[-1]
    for i, (sx, sy) in enumerate(zip(dx.int().tolist(), dy.int().tolist(), strict=True)):
        out[i, max(sy, 0) : size + min(sy, 0), max(sx, 0) : size + min(sx, 0)] = image[
            i, max(-sy, 0) : size + min(-sy, 0), max(-sx, 0) : size + min(-sx, 0)
        ]
    return out


def _blur(image: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
    """A blur of standard deviation `sigma` pixels per image (0 leaves it unchanged): rounds of the separable
    3-tap kernel [b, 1 - 2b, b] (b <= 1/3), whose variances 2b add up to sigma²."""
    passes = max(1, math.ceil(1.5 * float(sigma.max()) ** 2))
    b = (sigma.square() / (2 * passes))[:, None, None]
    centre = 1 - 2 * b
    for _ in range(passes):
        for dim in (1, 2):
            padded = F.pad(image[:, None], (1, 1, 1, 1), mode="replicate")[:, 0]
            side = padded.narrow(dim, 0, image.shape[dim]) + padded.narrow(dim, 2, image.shape[dim])
            side = side.narrow(3 - dim, 1, image.shape[3 - dim])
            image = torch.addcmul(side * b, image, centre)
    return image
