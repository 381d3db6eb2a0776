import pytest
import torch

from dlcourse.errors import UnknownName
from dlcourse.train.optim import OPTIMIZERS, make_optimizer
from dlcourse.train.schedule import SCHEDULES, lr_at


@pytest.mark.parametrize("name", OPTIMIZERS.names())
def test_every_optimizer_builds_and_steps(name):
    weight = torch.nn.Parameter(torch.ones(3))
    optimizer = make_optimizer(name, [weight], 0.1, torch.device("cpu"))
    weight.sum().backward()
    optimizer.step()
    assert optimizer.param_groups[0]["lr"] == 0.1 and (weight < 1).all()


@pytest.mark.parametrize("name", SCHEDULES.names())
def test_every_schedule_starts_at_the_base_rate(name):
    start = lr_at(name, 0.5, 0, 100)
    assert start == pytest.approx(0.5 if name != "triangle" else 0.1)
    assert 0 <= lr_at(name, 0.5, 99, 100) <= 0.5


def test_unknown_names_list_the_known_ones():
    with pytest.raises(UnknownName, match="known: adam, adamw, rmsprop, sgd"):
        make_optimizer("adagrad", [torch.nn.Parameter(torch.ones(1))], 0.1, torch.device("cpu"))
    with pytest.raises(UnknownName, match="known: constant, cosine, triangle"):
        lr_at("linear", 0.1, 0, 10)
