import numpy as np
import pytest
import torch
from torch import nn

from dlcourse.analysis.batchnorm import batch_statistic_error, channel_moments
from dlcourse.analysis.confusion import confusion, most_confused
from dlcourse.analysis.difficulty import between_within_ratio, nearest_mean_accuracy
from dlcourse.errors import InvalidSetting


class Fixed(nn.Module):
    """Predicts class int(x[:, 0]) for one-feature inputs."""

    def __init__(self):
        super().__init__()
        self.dummy = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return nn.functional.one_hot(x[:, 0].long(), 4).float() + 0 * self.dummy


def test_confusion_matrix_counts_every_sample_once_even_for_an_absent_class():
    y = np.array([0, 0, 1, 1, 1, 2])  # class 3 never occurs
    predicted = np.array([0, 1, 1, 1, 2, 2])
    matrix = confusion(Fixed(), predicted[:, None].astype(np.float32), y, 4)
    assert matrix.shape == (4, 4) and matrix.sum() == len(y)
    assert matrix[0].tolist() == [1, 1, 0, 0] and matrix[1].tolist() == [0, 2, 1, 0] and matrix[3].sum() == 0
    assert np.trace(matrix) == 4
    assert most_confused(matrix, ["a", "b", "c", "d"], top=2) == [("a", "b", 1), ("b", "c", 1)]


def test_batch_statistic_error_against_a_direct_computation():
    torch.manual_seed(0)
    features = torch.randn(64, 3, 5, 5) * torch.tensor([1.0, 2.0, 0.5]).view(1, 3, 1, 1) + 3
    moments = channel_moments(features)
    # One batch of everything: the statistics are exact.
    assert batch_statistic_error(moments, 64, torch.Generator().manual_seed(0)) == pytest.approx((0.0, 0.0), abs=1e-9)
    # Batches of 16, checked against batch norm's own computation on the same random split.
    errors = batch_statistic_error(moments, 16, torch.Generator().manual_seed(1))
    order = torch.randperm(64, generator=torch.Generator().manual_seed(1))
    x = features.double()
    mean, var = x.mean(dim=(0, 2, 3)), x.var(dim=(0, 2, 3), unbiased=False)
    batches = x[order].reshape(4, 16, 3, 5, 5)
    bm, bv = batches.mean(dim=(1, 3, 4)), batches.var(dim=(1, 3, 4), unbiased=False)
    expected_mean = (((bm - mean) ** 2).mean(0).sqrt() / var.sqrt()).mean()
    expected_var = ((((bv - var) / var) ** 2).mean(0).sqrt()).mean()
    assert errors == pytest.approx((float(expected_mean), float(expected_var)))


def test_batch_statistics_get_noisier_as_batches_shrink():
    torch.manual_seed(0)
    moments = channel_moments(torch.randn(4096, 4, 3, 3))
    errors = [batch_statistic_error(moments, b, torch.Generator().manual_seed(0))[0] for b in (4, 16, 64, 256)]
    assert errors == sorted(errors, reverse=True)
    assert errors[0] / errors[2] == pytest.approx(4, rel=0.3)  # ~ 1 / sqrt(batch size)
    with pytest.raises(InvalidSetting, match="no batch"):
        batch_statistic_error(moments[:10], 16, torch.Generator())


def test_class_separation_in_pixel_space():
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(3), 50)
    centres = np.eye(3)[y] * 10
    apart = centres + rng.normal(size=(150, 3))
    mixed = centres * 0.05 + rng.normal(size=(150, 3))
    assert between_within_ratio(apart, y) > 10 > 0.5 > between_within_ratio(mixed, y)
    assert nearest_mean_accuracy(apart[::2], y[::2], apart[1::2], y[1::2]) == 1.0
    assert nearest_mean_accuracy(mixed[::2], y[::2], mixed[1::2], y[1::2]) < 0.7
