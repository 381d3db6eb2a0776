"""The CIFAR-10 networks: parameter counts, train/eval behaviour of batch norm and dropout, airbench's
whitening, test-time augmentation."""

import pytest
import torch
from torch import nn

from dlcourse.errors import InvalidSetting
from dlcourse.models import cnn, parameter_counts
from dlcourse.models.airbench import airbench
from dlcourse.models.resnet import resnet
from dlcourse.models.tta import ViewAverage


def cifar_cnn(**kwargs):
    return cnn([8, 16], kernel_size=3, padding=1, pool_after=[0, 1], dense=[32], in_shape=(3, 32, 32), **kwargs)


def test_cifar_cnn_shapes_and_parameter_counts():
    plain = cifar_cnn()
    # 32 -> 16 -> 8 after two poolings: the dense layer sees 16 * 8 * 8 features.
    convs = (3 * 9 * 8 + 8) + (8 * 9 * 16 + 16)
    assert parameter_counts(plain)["total"] == convs + (1024 * 32 + 32) + (32 * 10 + 10)
    assert plain(torch.randn(2, 3, 32, 32)).shape == (2, 10)
    assert parameter_counts(cifar_cnn(dropout=0.3))["total"] == parameter_counts(plain)["total"]
    assert parameter_counts(cifar_cnn(batch_norm=True))["total"] == parameter_counts(plain)["total"] + 2 * (8 + 16)
    assert sum(isinstance(m, nn.Dropout) for m in cifar_cnn(dropout=0.3)) == 3  # after each pool + the dense layer


def test_dropout_is_random_in_training_and_off_in_eval():
    torch.manual_seed(0)
    model = cifar_cnn(dropout=0.5)
    x = torch.randn(4, 3, 32, 32)
    model.train()
    assert not torch.equal(model(x), model(x))
    model.eval()
    assert torch.equal(model(x), model(x))
    assert torch.equal(model(x), cifar_cnn_without_dropout_like(model)(x))


def cifar_cnn_without_dropout_like(model):
    """The same weights with the dropout layers removed: what eval mode must compute."""
    return nn.Sequential(*(m for m in model if not isinstance(m, nn.Dropout))).eval()


def test_batch_norm_uses_the_batch_in_training_and_running_averages_in_eval():
    torch.manual_seed(0)
    model = cifar_cnn(batch_norm=True)
    x = torch.randn(8, 3, 32, 32)
    model.train()
    with torch.no_grad():
        alone, together = model(x[:2]), model(x)[:2]
    assert not torch.allclose(alone, together, atol=1e-5)  # an image's output depends on its batch
    model.eval()
    with torch.no_grad():
        alone, together = model(x[:2]), model(x)[:2]
    torch.testing.assert_close(alone, together)
    norm = next(m for m in model.modules() if isinstance(m, nn.BatchNorm2d))
    assert norm.num_batches_tracked == 2  # the two training-mode passes updated the running averages


def test_resnet_parameter_count_by_hand():
    model = resnet([4, 8, 8, 16], [1, 0, 1])
    conv_bn = lambda a, b: a * b * 9 + 2 * b  # noqa: E731  (bias-free conv + batch norm scale and shift)
    expected = (
        conv_bn(3, 4)
        + conv_bn(4, 8) + 2 * conv_bn(8, 8)
        + conv_bn(8, 8)
        + conv_bn(8, 16) + 2 * conv_bn(16, 16)
        + (16 * 10 + 10)
    )  # fmt: skip
    assert parameter_counts(model)["total"] == expected
    assert model(torch.randn(2, 3, 32, 32)).shape == (2, 10)
    with pytest.raises(InvalidSetting, match="block counts"):
        resnet([4, 8, 16], [1, 1, 1])


def test_residual_block_with_zero_branch_passes_a_nonnegative_input_through():
    model = resnet([4, 8, 8, 16], [1, 0, 1])
    block = next(m for m in model.modules() if type(m).__name__ == "ResidualBlock")
    nn.init.zeros_(block.norm.weight)  # F(x) = 0
    block.eval()
    x = torch.rand(2, 8, 16, 16)
    torch.testing.assert_close(block(x), x)


def test_airbench_whitening_decorrelates_patches_and_only_shifts_are_learned_by_batch_norm():
    torch.manual_seed(0)
    model = airbench([8, 16, 16])
    images = torch.randn(64, 3, 32, 32) @ torch.randn(32, 32) * 0.3 + 1  # correlated pixels
    model.whiten.fit(images)
    half = model.whiten.weight[:12]
    out = nn.functional.conv2d(images, half).permute(0, 2, 3, 1).reshape(-1, 12)
    covariance = out.T @ out / len(out)
    torch.testing.assert_close(covariance, torch.eye(12), atol=2e-2, rtol=0)
    names = [n for n, _ in model.named_parameters()]
    assert not any(n.endswith("norm1.weight") for n in names) and any(n.endswith("norm1.bias") for n in names)
    assert "whiten.weight" not in names
    assert model(images[:2]).shape == (2, 10)


def test_test_time_augmentation_averages_the_views():
    torch.manual_seed(0)
    model = cifar_cnn().eval()
    x = torch.randn(3, 3, 32, 32)
    with torch.no_grad():
        mirrored = 0.5 * (model(x) + model(x.flip(3)))
        torch.testing.assert_close(ViewAverage(model, translate=False)(x), mirrored)
        padded = nn.functional.pad(x, (1, 1, 1, 1), mode="reflect")
        up_left, down_right = padded[:, :, :32, :32], padded[:, :, 2:, 2:]
        shifted = [0.5 * (model(v) + model(v.flip(3))) for v in (up_left, down_right)]
        torch.testing.assert_close(ViewAverage(model)(x), 0.5 * mirrored + 0.25 * (shifted[0] + shifted[1]))
