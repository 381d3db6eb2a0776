import pytest
import torch
import torch.nn.functional as F

from dlcourse.errors import InvalidSetting
from dlcourse.train.losses import label_smoothing_loss


@pytest.mark.parametrize("alpha", [0.0, 0.1, 0.15, 0.2, 0.5, 1.0])
@pytest.mark.parametrize("classes", [3, 10, 26])
def test_equals_pytorch_label_smoothing(alpha, classes):
    g = torch.Generator().manual_seed(classes)
    logits = 4 * torch.randn(128, classes, generator=g)
    targets = torch.randint(0, classes, (128,), generator=g)
    ours = label_smoothing_loss(alpha)(logits, targets)
    reference = F.cross_entropy(logits, targets, label_smoothing=alpha)
    assert abs(ours.item() - reference.item()) < 1e-6


def test_gradients_equal_pytorch_label_smoothing():
    logits = torch.randn(32, 26, dtype=torch.float64, requires_grad=True)
    targets = torch.randint(0, 26, (32,))
    (ours,) = torch.autograd.grad(label_smoothing_loss(0.15)(logits, targets), logits)
    (reference,) = torch.autograd.grad(F.cross_entropy(logits, targets, label_smoothing=0.15), logits)
    torch.testing.assert_close(ours, reference, rtol=1e-12, atol=1e-12)


def test_alpha_outside_zero_one_is_rejected():
    with pytest.raises(InvalidSetting, match="between 0 and 1"):
        label_smoothing_loss(-0.1)
