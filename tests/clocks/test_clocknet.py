import pytest
import torch
import torch.nn.functional as F

from dlcourse.errors import InvalidSetting
from dlcourse.models import clocknet
from dlcourse.models.clocknet import RandomTurn, WithCoordinates, _turned_grid


def test_heads_sit_side_by_side_and_stay_float32_under_autocast():
    torch.manual_seed(0)
    model = clocknet(filters=(4, 8), heads=(12, 1, 2), hidden=8, in_size=24).eval()
    x = torch.rand(5, 1, 24, 24)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = model(x)
        shared = model.trunk(x)
    assert shared.dtype == torch.bfloat16
    assert out.shape == (5, 15) and out.dtype == torch.float32
    # Each head reads the same shared features: the column blocks are the heads' own outputs.
    torch.testing.assert_close(out[:, 12:13], model.heads[1](shared.float()))


def test_coordinate_channels_are_added_to_the_input():
    model = clocknet(filters=(4,), heads=(1,), hidden=4, in_size=8)
    assert model.trunk[1].in_channels == 3
    assert clocknet(filters=(4,), heads=(1,), hidden=4, in_size=8, coordinates=False).trunk[0].in_channels == 1


def test_too_many_stages_are_refused():
    with pytest.raises(InvalidSetting, match="nothing"):
        clocknet(filters=(4, 4, 4, 4, 4), in_size=16)


def test_random_turn_turns_about_the_centre_in_training_only(monkeypatch):
    image = torch.zeros(1, 1, 21, 21)
    image[0, 0, 10, 13:20] = 1  # a bar from the centre to the right
    turn = RandomTurn(90)
    assert torch.equal(turn.eval()(image), image)
    turn.train()
    monkeypatch.setattr(torch, "rand", lambda n, device=None: torch.ones(n))  # the largest turn: 90 degrees
    turned = turn(image)[0, 0]
    assert turned[10, 13:20].sum() < 0.1  # gone from the right
    column = turned[:, 10]
    assert column[13:20].sum() > 5 or column[1:8].sum() > 5  # and now straight up or down from the centre
    assert torch.equal(RandomTurn(0).train()(image), image)


def test_turning_is_part_of_the_trunk_when_asked():
    assert isinstance(clocknet(filters=(4,), heads=(1,), hidden=4, in_size=8, turn=15).trunk[0], RandomTurn)
    assert not any(isinstance(m, RandomTurn) for m in clocknet(filters=(4,), heads=(1,), in_size=8).modules())


def test_the_strided_stem_reads_150_pixels_in_4x4_patches_down_to_4x4_maps():
    model = clocknet(heads=(720,), in_size=150).eval()
    x = torch.rand(2, 1, 150, 150)
    assert model.trunk(x).shape == (2, 256 * 4 * 4)  # 150 -> 37 (stem) -> 18 -> 9 -> 4
    assert model(x).shape == (2, 720)
    stem = model.trunk[1]
    assert (stem.kernel_size, stem.stride, stem.out_channels) == ((4, 4), (4, 4), 32)
    convs = 3 * 32 * 16 + 32 * 64 * 9 + 64 * 128 * 9 + 128 * 256 * 9  # no biases: batch norm follows
    norms = 2 * (32 + 64 + 128 + 256)
    head = 4096 * 256 + 2 * 256 + 256 * 720 + 720
    assert sum(p.numel() for p in model.parameters()) == convs + norms + head


def test_pooling_runs_before_batch_norm_and_relu_and_no_stem_keeps_full_resolution():
    model = clocknet(filters=(4, 8), heads=(1,), hidden=4, in_size=16, stem=0)
    kinds = [type(m).__name__ for m in model.trunk]
    assert kinds[:5] == ["WithCoordinates", "Conv2d", "MaxPool2d", "BatchNorm2d", "ReLU"]
    assert model.trunk(torch.rand(1, 1, 16, 16)).shape == (1, 8 * 4 * 4)
    with pytest.raises(InvalidSetting, match="stem stride"):
        clocknet(in_size=16, stem_stride=17)


def test_the_turned_grid_is_affine_grids():
    torch.manual_seed(0)
    angle, scale = torch.rand(4) * 6 - 3, 1 + 0.2 * (torch.rand(4) - 0.5)
    cos, sin, dx, dy = angle.cos() * scale, angle.sin() * scale, torch.rand(4) * 0.1, -torch.rand(4) * 0.1
    x = torch.rand(4, 1, 30, 40)
    theta = torch.stack([torch.stack([cos, -sin, dx], 1), torch.stack([sin, cos, dy], 1)], 1)
    expected = F.affine_grid(theta, list(x.shape), align_corners=False)
    torch.testing.assert_close(_turned_grid(cos, sin, dx, dy, x), expected, atol=1e-6, rtol=0)


def test_zoom_and_light_change_training_images_only_and_keep_them_in_range():
    torch.manual_seed(0)
    image = torch.rand(6, 1, 20, 20)
    view = RandomTurn(0, zoom=0.2, light=0.5)
    assert torch.equal(view.eval()(image), image)
    changed = view.train()(image)
    assert changed.shape == image.shape and changed.min() >= 0 and changed.max() <= 1
    assert (changed - image).abs().mean() > 0.02
    with torch.autocast("cpu", dtype=torch.bfloat16):
        assert view(image).dtype == torch.float32  # sampled in float32 under autocast


def test_coordinates_are_written_channels_last():
    x = torch.rand(3, 1, 9, 7)
    out = WithCoordinates()(x)
    xs = torch.linspace(-1, 1, 7).view(1, 1, 1, 7).expand(3, 1, 9, 7)
    ys = torch.linspace(-1, 1, 9).view(1, 1, 9, 1).expand(3, 1, 9, 7)
    assert torch.equal(out, torch.cat([x, xs, ys], 1))
    assert out.is_contiguous(memory_format=torch.channels_last)
