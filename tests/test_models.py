import pytest
import torch

from dlcourse.models import MODELS, build, cnn, mlp, parameter_counts

# One small spec per registered builder; a builder added without a spec here fails the sweep.
SPECS = {
    "mlp": dict(sizes=[784, 32, 16, 10]),
    "cnn": dict(filters=[4, 8], kernel_size=3, strides=[1, 2], pool_after=[0], dense=[16]),
    "multitask": dict(filters=[4, 8, 8], shared_dense=32, heads=[[16, 10], [8, 3]]),
    "clocknet": dict(filters=[4, 8], heads=[12, 2], hidden=8, in_size=20),
}
INPUTS = {"mlp": (3, 1, 28, 28), "cnn": (3, 1, 28, 28), "multitask": (3, 1, 28, 28), "clocknet": (3, 1, 20, 20)}
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
    with pytest.raises(ValueError, match="kernel_size"):
        cnn([8, 8], kernel_size=[3])
    with pytest.raises(ValueError, match="nothing"):
        cnn([8, 8, 8], kernel_size=8, strides=4)
    with pytest.raises(ValueError):
        mlp([784])
