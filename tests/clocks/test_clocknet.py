import pytest
import torch

from dlcourse.models import clocknet


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
    with pytest.raises(ValueError, match="nothing"):
        clocknet(filters=(4, 4, 4, 4, 4), in_size=16)
