import pytest
import torch

from dlcourse.errors import InvalidSetting
from dlcourse.models import INITS, MODELS, build, cnn, geron_cnn, geron_mlp, initialize, mlp, parameter_counts

# One small spec per registered builder; a builder added without a spec here fails the sweep.
SPECS = {
    "mlp": dict(sizes=[784, 32, 16, 10]),
    "cnn": dict(filters=[4, 8], kernel_size=3, strides=[1, 2], pool_after=[0], dense=[16]),
    "multitask": dict(filters=[4, 8, 8], shared_dense=32, heads=[[16, 10], [8, 3]]),
    "resnet": dict(widths=[4, 8, 8, 16], blocks=[1, 0, 1]),
    "airbench": dict(widths=[8, 16, 16]),
    "geron_mlp": dict(hidden=[16, 8], dropout=0.1, in_shape=(3, 32, 32)),
    "geron_cnn": dict(filters=[4, 8, 8], dense=[16, 8], dropout=0.0, in_shape=(3, 32, 32)),
    "image_classifier": dict(num_blocks=2, width=4, use_skip=True, dropout=0.1),
    "clocknet": dict(filters=[4, 8], heads=[12, 2], hidden=8, in_size=20),
}
INPUTS = {
    "mlp": (3, 1, 28, 28),
    "cnn": (3, 1, 28, 28),
    "multitask": (3, 1, 28, 28),
    "resnet": (3, 3, 32, 32),
    "airbench": (3, 3, 32, 32),
    "geron_mlp": (3, 3, 32, 32),
    "geron_cnn": (3, 3, 32, 32),
    "image_classifier": (3, 3, 16, 16),
    "clocknet": (3, 1, 20, 20),
}
OUTPUTS = {"multitask": [(3, 10), (3, 3)], "clocknet": [(3, 14)]}


@pytest.mark.parametrize("name", MODELS.names())
def test_registry_sweep(name):
    assert name in SPECS, f"add a spec for the new model {name!r} to the sweep"
    torch.manual_seed(0)
    model = build(name, **SPECS[name])
    outs = model(torch.randn(*INPUTS[name]))
    outs = outs if isinstance(outs, tuple) else (outs,)
    assert [tuple(o.shape) for o in outs] == OUTPUTS.get(name, [(3, 10)])
    assert all(torch.isfinite(o).all() for o in outs)
    sum(o.square().sum() for o in outs).backward()
    for pname, p in model.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, f"{pname} gets no gradient"


def test_parameter_counts_by_hand():
    assert parameter_counts(mlp([784, 1000, 1000, 10])) == {
        "weights": 784 * 1000 + 1000 * 1000 + 1000 * 10,
        "biases": 1000 + 1000 + 10,
        "total": 784 * 1000 + 1000 + 1000 * 1000 + 1000 + 1000 * 10 + 10,
    }
    # bath-a2 4.1: 28 -> 25 -> 11 -> 4 with 'valid' 4x4 kernels, so the dense layer sees 128 * 4 * 4 inputs.
    conv = (1 * 32 * 16 + 32) + (32 * 64 * 16 + 64) + (64 * 128 * 16 + 128)
    assert parameter_counts(cnn([32, 64, 128], kernel_size=4, strides=[1, 2, 2]))["total"] == conv + 2048 * 10 + 10
    same = cnn([32, 64, 128], kernel_size=3, padding="same", pool_after=[0, 1], dense=[3136, 1024, 100])
    assert same[-1].out_features == 10 and same[-7].in_features == 128 * 7 * 7


def test_bad_specs_are_rejected():
    with pytest.raises(InvalidSetting, match="kernel_size"):
        cnn([8, 8], kernel_size=[3])
    with pytest.raises(InvalidSetting, match="nothing"):
        cnn([8, 8, 8], kernel_size=8, strides=4)
    with pytest.raises(InvalidSetting):
        mlp([784])


def test_geron_networks_as_in_the_book():
    # Ch. 10: 784 -> 300 -> 100 -> 10.
    assert parameter_counts(geron_mlp())["total"] == 784 * 300 + 300 + 300 * 100 + 100 + 100 * 10 + 10
    # Ch. 14 p. 447: 7x7x64, then 3x3 convs 128, 128, 256, 256 ('same'), pools take 28 to 3, dense 128, 64, 10.
    conv = (49 * 64 + 64) + (9 * 64 * 128 + 128) + (9 * 128 * 128 + 128) + (9 * 128 * 256 + 256) + (9 * 256 * 256 + 256)
    dense = (256 * 3 * 3 * 128 + 128) + (128 * 64 + 64) + (64 * 10 + 10)
    model = geron_cnn()
    assert parameter_counts(model)["total"] == conv + dense
    assert sum(isinstance(m, torch.nn.Dropout) and m.p == 0.5 for m in model) == 2
    assert parameter_counts(geron_cnn(in_shape=(3, 32, 32)))["total"] == conv + 49 * 64 * 2 + dense + 256 * 7 * 128


def test_geron_cnn_batch_norm_sits_between_each_bias_free_convolution_and_its_activation():
    plain, normed = geron_cnn(filters=[8, 16]), geron_cnn(filters=[8, 16], batch_norm=True)
    convs = [m for m in normed if isinstance(m, torch.nn.Conv2d)]
    assert all(m.bias is None for m in convs) and len(convs) == 3
    layers = list(normed)
    for i, layer in enumerate(layers):
        if isinstance(layer, torch.nn.Conv2d):
            assert isinstance(layers[i + 1], torch.nn.BatchNorm2d) and layers[i + 1].num_features == layer.out_channels
            assert isinstance(layers[i + 2], torch.nn.ReLU)
    # Each convolution drops its bias (out_channels) and its batch norm adds a scale and a shift per channel.
    added = sum(m.out_channels for m in convs)
    assert parameter_counts(normed)["total"] == parameter_counts(plain)["total"] + added


@pytest.mark.parametrize("scheme", [s for s in INITS if s != "default"])
def test_initialisers_set_weights_and_zero_biases(scheme):
    torch.manual_seed(0)
    model = initialize(mlp([400, 300, 10]), scheme)
    first = model[1]
    assert torch.all(first.bias == 0)
    std = first.weight.std().item()
    expected = {"glorot_uniform": (2 / 700) ** 0.5, "glorot_normal": (2 / 700) ** 0.5, "he_uniform": (2 / 400) ** 0.5,
                "he_normal": (2 / 400) ** 0.5, "lecun_normal": (1 / 400) ** 0.5, "normal": 0.05}[scheme]  # fmt: skip
    assert std == pytest.approx(expected, rel=0.05)
