import numpy as np
import pytest
import torch

from dlcourse.errors import InvalidSetting
from dlcourse.telltime import Classes, HourAndMinute, Hours, Periodic, common_sense_error

ALL = [
    Classes(24),
    Classes(72),
    Classes(144),
    Classes(720),
    Hours("mse"),
    Hours("circular"),
    HourAndMinute("linear"),
    HourAndMinute("sincos"),
    Periodic("hour"),
    Periodic("both"),
]
HOURS, MINUTES = np.divmod(np.arange(720), 60)
TIMES = np.arange(720, dtype=np.float64)


def ideal_output(rep, target: np.ndarray) -> torch.Tensor:
    """The output the loss is smallest for: one-hot logits for classes, the targets themselves otherwise."""
    t = torch.as_tensor(target)
    if isinstance(rep, Classes):
        return 50 * torch.nn.functional.one_hot(t[:, 0].long(), rep.count).float()
    if isinstance(rep, HourAndMinute):
        return torch.cat([50 * torch.nn.functional.one_hot(t[:, 0].long(), 12).float(), t[:, 1:]], 1)
    return t


@pytest.mark.parametrize("rep", ALL, ids=lambda r: r.name)
def test_encode_decode_round_trip(rep):
    target = rep.encode(HOURS, MINUTES)
    assert target.dtype == np.float32 and target.shape == (720, target.shape[1])
    out = ideal_output(rep, target)
    assert out.shape == (720, rep.outputs)
    decoded = rep.decode(out).numpy()
    errors = common_sense_error(decoded, TIMES)
    if isinstance(rep, Classes):
        # A right class decodes to the middle of its whole minutes: at most half the interval off.
        assert errors.max() <= (rep.width - 1) / 2 + 1e-4
        assert np.abs(errors.mean() - np.abs(np.arange(rep.width) - (rep.width - 1) / 2).mean()) < 1e-4
    else:
        assert errors.max() < 1e-3
    assert rep.loss(out, torch.as_tensor(target)).item() < 1e-3


def test_class_boundaries():
    rep = Classes(24)
    target = rep.encode(np.array([3, 3, 3, 11]), np.array([0, 29, 30, 59]))[:, 0]
    assert target.tolist() == [6, 6, 7, 23]
    assert rep.decode(torch.nn.functional.one_hot(torch.tensor([6]), 24).float()).item() == 3 * 60 + 14.5


def test_circular_hours_loss_wraps_but_plain_does_not():
    target = torch.tensor([[11.95]])  # 11:57
    out = torch.tensor([[0.05]])  # 0:03, six minutes later
    assert Hours("circular").loss(out, target).item() == pytest.approx(0.1**2, rel=1e-4)
    assert Hours("mse").loss(out, target).item() == pytest.approx(11.9**2, rel=1e-4)


def test_periodic_both_takes_the_hour_from_the_hour_hand_and_the_minute():
    rep = Periodic("both")
    # 2:59 with the hour hand read 10 degrees (20 minutes) early: the hour must still be 2, not 3 or 1.
    target = torch.as_tensor(rep.encode(np.array([2]), np.array([59])))
    hour_angle = 2 * np.pi * (179 - 20) / 720
    out = torch.cat([torch.tensor([[np.sin(hour_angle), np.cos(hour_angle)]], dtype=torch.float32), target[:, 2:]], 1)
    assert rep.decode(out).item() == pytest.approx(179, abs=1e-3)
    # Hour-only decoding of the same output is 20 minutes off.
    assert Periodic("hour").decode(out[:, :2]).item() == pytest.approx(159, abs=1e-3)


def test_decoding_ignores_the_length_of_sin_cos_pairs():
    rep = Periodic("both")
    out = torch.as_tensor(rep.encode(HOURS, MINUTES))
    np.testing.assert_allclose(rep.decode(out * 3.7).numpy(), rep.decode(out).numpy(), atol=1e-3)


def test_bad_representations_are_rejected():
    for make in (lambda: Classes(25), lambda: Hours("l1"), lambda: HourAndMinute("angle"), lambda: Periodic("x")):
        with pytest.raises(InvalidSetting):
            make()
