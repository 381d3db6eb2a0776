"""Batched crop and flip: every output image is a window of the padded input, or its mirror image."""

import torch

from dlcourse.train.augment import crop, crop_and_flip, flip


def images(n=64):
    return torch.arange(n * 2 * 6 * 5, dtype=torch.float32).reshape(n, 2, 6, 5)


def test_crop_takes_a_window_of_the_zero_padded_image():
    x = images()
    out = crop(x, torch.Generator().manual_seed(0), padding=2)
    padded = torch.nn.functional.pad(x, (2, 2, 2, 2))
    shifts = set()
    for i in range(len(x)):
        windows = [
            (t, c) for t in range(5) for c in range(5) if torch.equal(out[i], padded[i, :, t : t + 6, c : c + 5])
        ]
        assert windows, f"image {i} is not a window of its padded input"
        shifts.add(windows[0])
    assert len(shifts) > 10  # the shifts vary from image to image
    assert torch.equal(crop(x, torch.Generator(), padding=0), x)


def test_flip_mirrors_about_half_and_keeps_the_rest():
    x = images(400)
    out = flip(x, torch.Generator().manual_seed(0))
    mirrored = torch.tensor([torch.equal(o, i.flip(2)) for o, i in zip(out, x, strict=True)])
    kept = torch.tensor([torch.equal(o, i) for o, i in zip(out, x, strict=True)])
    assert (mirrored | kept).all()
    assert 150 < mirrored.sum() < 250


def test_same_generator_seed_same_augmentation():
    x = images()
    a = crop_and_flip(x, torch.Generator().manual_seed(5))
    b = crop_and_flip(x, torch.Generator().manual_seed(5))
    c = crop_and_flip(x, torch.Generator().manual_seed(6))
    assert torch.equal(a, b) and not torch.equal(a, c)
