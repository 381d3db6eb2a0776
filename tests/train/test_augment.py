import pytest
import torch
import torch.nn.functional as F

from dlcourse.train.augment import flip_and_crop, random_crop, random_flip


def distinct_images(n=64, c=3, h=8, w=8):
    """Images whose every pixel value is unique, so each output can be traced back to one input."""
    return torch.arange(n * c * h * w, dtype=torch.float32).reshape(n, c, h, w)


def views(image, padding):
    """Every image a flip + crop of `image` can produce."""
    h, w = image.shape[1:]
    found = []
    for flipped in (image, image.flip(2)):
        padded = F.pad(flipped[None], (padding,) * 4, mode="reflect")[0]
        found += [padded[:, dy : dy + h, dx : dx + w] for dy in range(2 * padding + 1) for dx in range(2 * padding + 1)]
    return found


def test_flip_mirrors_about_half_and_keeps_the_rest():
    x = distinct_images(200)
    out = random_flip(x, torch.Generator().manual_seed(0))
    assert out.shape == x.shape and out.dtype == x.dtype and out.device == x.device
    flipped = torch.tensor([torch.equal(o, i.flip(2)) for o, i in zip(out, x, strict=True)])
    kept = torch.tensor([torch.equal(o, i) for o, i in zip(out, x, strict=True)])
    assert bool((flipped ^ kept).all())  # each image is itself or its own mirror image, never another's
    assert 70 < int(flipped.sum()) < 130


def test_crop_shifts_each_image_by_at_most_the_padding():
    x = distinct_images(300)
    padding = 2
    out = random_crop(x, torch.Generator().manual_seed(1), padding)
    assert out.shape == x.shape
    padded = F.pad(x, (padding,) * 4, mode="reflect")
    shifts = set()
    for i in range(len(x)):
        match = [
            (dy, dx)
            for dy in range(2 * padding + 1)
            for dx in range(2 * padding + 1)
            if torch.equal(out[i], padded[i, :, dy : dy + 8, dx : dx + 8])
        ]
        assert len(match) == 1
        shifts.add(match[0])
    assert len(shifts) == (2 * padding + 1) ** 2  # every shift is drawn
    assert torch.equal(random_crop(x, torch.Generator(), 0), x)


def test_flip_and_crop_keeps_labels_aligned():
    """Output i is a view of input i (and of no other input), so y[i] still labels it."""
    x = distinct_images(40)
    out = flip_and_crop(2)(x, torch.Generator().manual_seed(2))
    for i in range(len(x)):
        assert any(torch.equal(out[i], v) for v in views(x[i], 2))
        other = (i + 1) % len(x)
        assert not any(torch.equal(out[i], v) for v in views(x[other], 2))


def test_the_generator_alone_decides_the_draw():
    x = distinct_images(32)
    augment = flip_and_crop(2)
    first = augment(x, torch.Generator().manual_seed(5))
    again = augment(x, torch.Generator().manual_seed(5))
    other = augment(x, torch.Generator().manual_seed(6))
    assert torch.equal(first, again) and not torch.equal(first, other)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_stays_on_the_device():
    x = distinct_images(16).cuda()
    out = flip_and_crop(2)(x, torch.Generator(device="cuda").manual_seed(0))
    assert out.device == x.device and out.shape == x.shape


def test_constant_mode_crops_a_window_of_the_zero_padded_image():
    x = distinct_images(64, c=2, h=6, w=5)
    out = random_crop(x, torch.Generator().manual_seed(0), padding=2, mode="constant")
    padded = F.pad(x, (2, 2, 2, 2))
    for i in range(len(x)):
        assert any(torch.equal(out[i], padded[i, :, t : t + 6, c : c + 5]) for t in range(5) for c in range(5)), (
            f"image {i} is not a window of its zero-padded input"
        )
    assert (out == 0).any()  # black borders come in
