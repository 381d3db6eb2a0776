"""`fit`'s hooks: a batch transform sees every training batch, and a validation set is scored every epoch."""

import torch
from torch import nn

from dlcourse.device import seed_everything
from dlcourse.train import TrainConfig, evaluate, fit
from dlcourse.train.augment import flip_and_crop
from dlcourse.train.transforms import chain, on_images


def test_transform_changes_every_training_batch_and_nothing_else():
    x, y = torch.randn(50, 4), torch.randint(0, 3, (50,))
    seen = []

    def record(xb, yb, generator):
        seen.append(len(xb))
        return xb * 0, yb  # the model sees only zeros

    seed_everything(0)
    model = nn.Linear(4, 3)
    weight, bias = model.weight.detach().clone(), model.bias.detach().clone()
    history = fit(model, (x, y), TrainConfig(epochs=2, batch_size=20), evals={"val": (x, y)}, transform=record)
    assert seen == [20, 20, 10, 20, 20, 10]
    assert history.meta["transform"] and not history.meta["cuda_graph"]
    # Trained on zeros: the weights get no gradient and stay as they were; only the bias learns.
    assert torch.equal(model.weight.detach(), weight) and not torch.equal(model.bias.detach(), bias)
    loss, acc = evaluate(model, (x, y))
    assert history.last["val_acc"] == acc and abs(history.last["val_loss"] - loss) < 1e-6


def test_chain_applies_in_order_and_on_images_passes_targets_through():
    generator = torch.Generator().manual_seed(0)
    x, y = torch.rand(8, 3, 8, 8), torch.arange(8)
    double = lambda xb, yb, g: (xb * 2, yb + 1)  # noqa: E731
    out_x, out_y = chain(None, double, on_images(lambda xb, g: xb + 1))(x, y, generator)
    torch.testing.assert_close(out_x, x * 2 + 1)
    assert torch.equal(out_y, y + 1)
    assert chain(None) is None
    augmented, same = on_images(flip_and_crop(4, "constant"))(x, y, generator)
    assert augmented.shape == x.shape and same is y
