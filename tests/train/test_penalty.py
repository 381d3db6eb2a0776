import pytest
import torch
import torch.nn.functional as F
from torch import nn

from dlcourse.errors import InvalidSetting
from dlcourse.train.penalty import penalized, weight_penalty


def small_net():
    """Conv 2x2 (1 -> 1), Linear 1 -> 2, Linear 2 -> 2, with weights to add up by hand."""
    net = nn.Sequential(nn.Conv2d(1, 1, 2), nn.Flatten(), nn.Linear(1, 2), nn.Linear(2, 2))
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor([[[[1.0, -2.0], [0.5, 0.0]]]]))
        net[2].weight.copy_(torch.tensor([[1.0], [-1.0]]))
        net[3].weight.copy_(torch.tensor([[3.0, -1.0], [0.0, 2.0]]))
        for i in (0, 2, 3):  # biases are not penalised: a bias counted by mistake would change every number
            net[i].bias.fill_(10.0)
    return net


def test_penalties_by_hand():
    net = small_net()
    # sum |w| = (1 + 2 + 0.5) + (1 + 1) + (3 + 1 + 2) = 11.5; sum w^2 = (1 + 4 + 0.25) + (1 + 1) + (9 + 1 + 4) = 21.25
    assert weight_penalty(net, l1=0.01).item() == pytest.approx(0.115)
    assert weight_penalty(net, l2=0.001).item() == pytest.approx(0.02125)
    assert weight_penalty(net, l1=0.01, l2=0.001).item() == pytest.approx(0.115 + 0.02125)


def test_penalized_loss_adds_the_penalty_and_its_gradient():
    net = small_net()
    x, y = torch.randn(4, 1, 2, 2), torch.tensor([0, 1, 1, 0])
    l1, l2 = 0.01, 0.001
    plain = F.cross_entropy(net(x), y)
    plain.backward()
    plain_grads = [p.grad.clone() for p in net.parameters()]
    net.zero_grad()
    total = penalized(F.cross_entropy, net, l1, l2)(net(x), y)
    total.backward()
    assert total.item() == pytest.approx(plain.item() + weight_penalty(net, l1, l2).item())
    for (name, p), g in zip(net.named_parameters(), plain_grads, strict=True):
        # d/dw (l1 |w| + l2 w^2) = l1 sign(w) + 2 l2 w on weights; nothing on biases
        extra = l1 * torch.sign(p) + 2 * l2 * p if name.endswith("weight") else torch.zeros_like(p)
        torch.testing.assert_close(p.grad, g + extra.detach())


def test_no_penalty_is_the_plain_loss_and_negative_strengths_are_rejected():
    net = small_net()
    assert penalized(F.cross_entropy, net) is F.cross_entropy
    with pytest.raises(InvalidSetting, match="at least 0"):
        penalized(F.cross_entropy, net, l2=-1e-4)
