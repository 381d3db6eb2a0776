import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from dlcourse.data import flatten, load_sample, scale_unit
from dlcourse.device import seed_everything
from dlcourse.errors import InvalidInput, TrainingDiverged, UnknownName
from dlcourse.models import cnn, mlp
from dlcourse.train import History, TrainConfig, evaluate, fit


@pytest.fixture(scope="module")
def mnist_small():
    ds = load_sample("mnist").balanced_subset(2000, 500, seed=0)
    return (flatten(scale_unit(ds.x_train)), ds.y_train), (flatten(scale_unit(ds.x_test)), ds.y_test)


def train_small(data, seed, epochs=2, **kwargs):
    seed_everything(seed)
    model = mlp([784, 64, 10])
    train, test = data
    history = fit(model, train, TrainConfig(epochs=epochs, batch_size=50, seed=seed, **kwargs), evals={"test": test})
    return model, history


def test_same_seed_same_history(mnist_small):
    _, first = train_small(mnist_small, seed=3)
    _, second = train_small(mnist_small, seed=3)
    _, other = train_small(mnist_small, seed=4)
    assert first.metrics() == second.metrics()
    assert first.metrics() != other.metrics()


def test_history_columns_and_accuracy(mnist_small):
    model, history = train_small(mnist_small, seed=0, epochs=3)
    assert history.column("epoch") == [1, 2, 3]
    assert all(row["seconds"] > 0 and row["samples_per_s"] > 0 for row in history.rows)
    assert history.column("train_loss")[-1] < history.column("train_loss")[0]
    # The recorded test numbers are those of `evaluate` on the same data.
    loss, acc = evaluate(model, mnist_small[1])
    assert acc == pytest.approx(history.last["test_acc"])
    assert loss == pytest.approx(history.last["test_loss"], rel=1e-5)
    assert acc > 0.85
    restored = History.from_dict(history.to_dict())
    assert restored.rows == history.rows and restored.meta == history.meta


def test_epoch_sums_equal_per_batch_means():
    """The device-side sums give the exact running means an explicit per-batch loop gives."""
    torch.manual_seed(0)
    x = torch.randn(130, 5)
    y = (x[:, 0] > 0).long()
    seed_everything(1)
    model = mlp([5, 8, 2])
    reference = mlp([5, 8, 2])
    reference.load_state_dict(model.state_dict())
    history = fit(model, (x, y), TrainConfig(epochs=1, batch_size=50, seed=7, precision="fp32"))
    opt = torch.optim.Adam(reference.parameters(), lr=1e-3)
    perm = torch.randperm(130, generator=torch.Generator().manual_seed(7))
    loss_sum = correct = 0.0
    for i in range(0, 130, 50):
        idx = perm[i : i + 50]
        out = reference(x[idx])
        loss = F.cross_entropy(out, y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss_sum += loss.item() * len(idx)
        correct += (out.argmax(1) == y[idx]).sum().item()
    assert history.last["train_loss"] == pytest.approx(loss_sum / 130, rel=1e-6)
    assert history.last["train_acc"] == pytest.approx(correct / 130)
    for a, b in zip(model.parameters(), reference.parameters(), strict=True):
        torch.testing.assert_close(a, b)


def test_divergence_is_reported():
    x = torch.randn(64, 4) * 1e6
    y = torch.randint(0, 2, (64,))
    with pytest.raises(TrainingDiverged, match="learning rate"):
        fit(mlp([4, 8, 2]), (x, y), TrainConfig(epochs=3, batch_size=16, lr=1e12, optimizer="sgd"))


def test_a_finite_but_exploding_loss_is_divergence(mnist_small):
    """Adam at lr 1e6 keeps the loss finite (about 1e13 at chance accuracy): that is divergence too."""
    train, _ = mnist_small
    with pytest.raises(TrainingDiverged, match=r"times the untrained model's .*: training diverged"):
        fit(mlp([784, 64, 10]), train, TrainConfig(epochs=2, batch_size=50, lr=1e6))


def test_a_model_that_cannot_take_the_data_is_one_sentence(mnist_small):
    with pytest.raises(InvalidInput, match=r"cannot take training data of shape \(784,\)"):
        fit(mlp([100, 10]), mnist_small[0], TrainConfig(epochs=1, batch_size=50))


def test_evaluate_restores_training_mode(mnist_small):
    model = mlp([784, 16, 10], dropout=0.5)
    model.train()
    evaluate(model, mnist_small[1])
    assert model.training
    model.eval()
    evaluate(model, mnist_small[1])
    assert not model.training


def test_cnn_trains_on_images():
    ds = load_sample("mnist").balanced_subset(1000, 200, seed=0)
    x = scale_unit(ds.x_train)[:, None]
    seed_everything(0)
    model = cnn([8, 16], kernel_size=3, strides=[1, 2])
    test = (scale_unit(ds.x_test)[:, None], ds.y_test)
    history = fit(model, (x, ds.y_train), TrainConfig(epochs=2, batch_size=32), evals={"test": test})
    assert history.last["test_acc"] > 0.7


@pytest.mark.skipif(not torch.cuda.is_available(), reason="the CUDA-graph fast path needs a CUDA device")
def test_cuda_graph_path_matches_eager(mnist_small):
    """Same seed, same CUDA device: the graphed step and the eager step give the same training."""
    results = {}
    for fast in (False, True):
        seed_everything(0)
        model = mlp([784, 256, 256, 10])
        config = TrainConfig(epochs=2, batch_size=50, seed=0, cuda_graph=fast)
        history = fit(model, mnist_small[0], config, evals={"test": mnist_small[1]}, device="cuda")
        results[fast] = (history, [p.detach().float().cpu() for p in model.parameters()])
    assert results[True][0].meta["cuda_graph"] and not results[False][0].meta["cuda_graph"]
    eager, graphed = results[False][0].metrics(), results[True][0].metrics()
    for a, b in zip(eager, graphed, strict=True):
        assert a["test_acc"] == pytest.approx(b["test_acc"], abs=2e-3)
        assert a["train_loss"] == pytest.approx(b["train_loss"], rel=1e-3)
    for a, b in zip(results[False][1], results[True][1], strict=True):
        torch.testing.assert_close(a, b, rtol=1e-3, atol=1e-3)
    assert np.isfinite(results[True][0].last["train_loss"])


def test_cosine_schedule_values_and_effect(mnist_small):
    from dlcourse.train.schedule import lr_at

    assert lr_at("cosine", 1e-3, 0, 100) == pytest.approx(1e-3)
    assert lr_at("cosine", 1e-3, 50, 100) == pytest.approx(5e-4)
    rates = [lr_at("cosine", 1e-3, i, 100) for i in range(100)]
    assert all(a > b for a, b in itertools.pairwise(rates)) and rates[-1] < 1e-6
    _, constant = train_small(mnist_small, seed=0)
    _, cosine = train_small(mnist_small, seed=0, lr_schedule="cosine")
    assert constant.metrics() != cosine.metrics()
    assert cosine.meta["lr_schedule"] == "cosine"
    with pytest.raises(UnknownName, match="unknown lr schedule"):
        train_small(mnist_small, seed=0, lr_schedule="linear")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="the CUDA-graph fast path needs a CUDA device")
@pytest.mark.parametrize("optimizer", ["sgd", "rmsprop", "adam"])
def test_cuda_graph_follows_the_schedule_for_every_optimizer(mnist_small, optimizer):
    """A graph replays the step it captured: a rate held as a Python float would stay at its first value."""
    weights = {}
    for fast in (False, True):
        seed_everything(0)
        model = mlp([784, 64, 10])
        config = TrainConfig(epochs=2, batch_size=50, lr=1e-2 if optimizer == "sgd" else 1e-3, lr_schedule="cosine",
                             optimizer=optimizer, seed=0, cuda_graph=fast)  # fmt: skip
        fit(model, mnist_small[0], config, evals={"test": mnist_small[1]}, device="cuda")
        weights[fast] = [p.detach().float().cpu() for p in model.parameters()]
    for a, b in zip(weights[False], weights[True], strict=True):
        torch.testing.assert_close(a, b, rtol=1e-3, atol=1e-3)
