"""SAM against its closed form on a quadratic, and its batch-norm handling inside `fit`."""

import copy

import pytest
import torch
from torch import nn

from dlcourse.errors import InvalidSetting
from dlcourse.train import TrainConfig, fit
from dlcourse.train.sam import SAM


def test_step_on_a_quadratic_equals_the_closed_form():
    """L(w) = ½ wᵀAw, so g = Aw, ε̂ = ρ g/||g||, and SGD's step from w + ε̂ gives w - η A (w + ρ Aw/||Aw||)."""
    torch.manual_seed(0)
    m = torch.randn(4, 4, dtype=torch.float64)
    a = m @ m.T + torch.eye(4, dtype=torch.float64)
    w0 = torch.randn(4, dtype=torch.float64)
    w = nn.Parameter(w0.clone())
    eta, rho = 0.1, 0.05
    sam = SAM(torch.optim.SGD([w], lr=eta), rho=rho)
    for _ in range(2):  # two full steps, each from where the last one ended
        start = w.detach().clone()
        (0.5 * w @ a @ w).backward()
        sam.first_step(zero_grad=True)
        torch.testing.assert_close(w.detach(), start + rho * (a @ start) / torch.linalg.norm(a @ start))
        (0.5 * w @ a @ w).backward()
        sam.second_step(zero_grad=True)
        g = a @ start
        expected = start - eta * a @ (start + rho * g / torch.linalg.norm(g))
        torch.testing.assert_close(w.detach(), expected)
        assert w.grad is None


def test_perturbation_norm_is_rho_across_all_parameters():
    torch.manual_seed(1)
    params = [nn.Parameter(torch.randn(3, 2)), nn.Parameter(torch.randn(5))]
    before = [p.detach().clone() for p in params]
    sam = SAM(torch.optim.SGD(params, lr=0.1), rho=0.2)
    sum(p.square().sum() for p in params).backward()
    sam.first_step()
    moved = torch.cat([(p.detach() - b).flatten() for p, b in zip(params, before, strict=True)])
    assert torch.linalg.norm(moved).item() == pytest.approx(0.2, rel=1e-5)
    with pytest.raises(InvalidSetting):
        SAM(torch.optim.SGD(params, lr=0.1), rho=0.0)


def test_batchnorm_statistics_come_from_the_first_pass_only():
    torch.manual_seed(2)
    model = nn.Sequential(nn.Linear(5, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))
    x, y = torch.randn(32, 5), torch.randint(0, 3, (32,))
    reference = copy.deepcopy(model).train()
    with torch.no_grad():
        reference(x)  # one forward at the starting weights: what the first pass sees
    history = fit(model, (x, y), TrainConfig(epochs=1, batch_size=32, optimizer="sgd", lr=0.1, sam_rho=0.5))
    bn, ref_bn = model[1], reference[1]
    torch.testing.assert_close(bn.running_mean, ref_bn.running_mean)
    torch.testing.assert_close(bn.running_var, ref_bn.running_var)
    assert bn.num_batches_tracked.item() == 1
    assert bn.momentum == ref_bn.momentum
    assert history.meta["sam_rho"] == 0.5 and not history.meta["cuda_graph"]


def test_sam_in_fit_matches_a_hand_written_sam_loop():
    torch.manual_seed(3)
    model = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 2))
    twin = copy.deepcopy(model)
    x, y = torch.randn(40, 4), torch.randint(0, 2, (40,))
    fit(model, (x, y), TrainConfig(epochs=1, batch_size=20, optimizer="sgd", lr=0.05, sam_rho=0.1, seed=5))
    sam = SAM(torch.optim.SGD(twin.parameters(), lr=0.05, momentum=0.9), rho=0.1)
    perm = torch.randperm(40, generator=torch.Generator().manual_seed(5))
    loss_fn = nn.functional.cross_entropy
    for i in range(0, 40, 20):
        idx = perm[i : i + 20]
        loss_fn(twin(x[idx]), y[idx]).backward()
        sam.first_step(zero_grad=True)
        loss_fn(twin(x[idx]), y[idx]).backward()
        sam.second_step(zero_grad=True)
    for a, b in zip(model.parameters(), twin.parameters(), strict=True):
        torch.testing.assert_close(a, b)
