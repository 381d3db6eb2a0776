"""Mixup: convex combinations of image pairs with the same weights on their one-hot labels."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from dlcourse.errors import InvalidSetting
from dlcourse.train.mixup import Mixup, mix


def test_batches_are_convex_combinations_with_matching_label_weights():
    torch.manual_seed(0)
    x, y = torch.rand(16, 3, 4, 4), torch.randint(0, 5, (16,))
    mixup = Mixup(alpha=0.4, num_classes=5, seed=3)
    generator = torch.Generator().manual_seed(7)
    mixed_x, mixed_y = mixup(x, y, generator)
    # The same draws, made again: λ from the seeded NumPy generator, the partners from the torch one.
    lam = float(np.random.default_rng(3).beta(0.4, 0.4))
    partner = torch.randperm(16, generator=torch.Generator().manual_seed(7))
    torch.testing.assert_close(mixed_x, lam * x + (1 - lam) * x[partner])
    onehot = F.one_hot(y, 5).float()
    torch.testing.assert_close(mixed_y, lam * onehot + (1 - lam) * onehot[partner])
    torch.testing.assert_close(mixed_y.sum(1), torch.ones(16))
    assert 0 < lam < 1
    assert mixed_x.min() >= x.min() and mixed_x.max() <= x.max()  # convex: stays inside the pixel range


def test_soft_target_loss_is_the_weighted_pair_of_losses():
    torch.manual_seed(1)
    logits, y = torch.randn(6, 4), torch.randint(0, 4, (6,))
    partner = torch.tensor([3, 2, 1, 0, 5, 4])
    _, targets = mix(torch.zeros(6, 1), y, 0.3, partner, 4)
    expected = 0.3 * F.cross_entropy(logits, y) + 0.7 * F.cross_entropy(logits, y[partner])
    torch.testing.assert_close(F.cross_entropy(logits, targets), expected)


def test_alpha_must_be_positive():
    with pytest.raises(InvalidSetting):
        Mixup(alpha=0.0, num_classes=10)
