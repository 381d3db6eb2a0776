import math

import numpy as np
import pytest
import torch

from dlcourse.analysis.activations import conv_activations, sparsity
from dlcourse.analysis.deepdream import class_logit, deep_dream, layer_activation
from dlcourse.analysis.filters import conv_layers, kernel_mosaic, mean_kernels
from dlcourse.analysis.timing import inference_seconds
from dlcourse.data import load_sample, scale_unit
from dlcourse.device import seed_everything
from dlcourse.models import cnn
from dlcourse.plots.images import image_grid
from dlcourse.train import TrainConfig, fit


@pytest.fixture(scope="module")
def trained_cnn():
    ds = load_sample("mnist").balanced_subset(2000, 200, seed=0)
    seed_everything(0)
    model = cnn([8, 16, 16], kernel_size=4, strides=[1, 2, 2])
    fit(model, (scale_unit(ds.x_train)[:, None], ds.y_train), TrainConfig(epochs=2, batch_size=64))
    return model.eval(), ds


def test_kernel_mosaic_places_every_kernel():
    w = torch.arange(3 * 2 * 4 * 4, dtype=torch.float32).reshape(3, 2, 4, 4)
    m = kernel_mosaic(w, gap=1)
    assert m.shape == (3 * 5 - 1, 2 * 5 - 1)
    np.testing.assert_array_equal(m[5:9, 5:9], w[1, 1].numpy())  # output filter 1, input channel 1
    assert np.isnan(m[4]).all() and np.isnan(m[:, 4]).all()  # the gaps
    assert np.isfinite(m).sum() == w.numel()
    np.testing.assert_allclose(mean_kernels(w), w.mean(1).numpy())


def test_activation_maps_per_layer():
    torch.manual_seed(0)
    model = cnn([32, 64, 128], kernel_size=4, strides=[1, 2, 2])
    maps = conv_activations(model, torch.rand(1, 28, 28))
    assert [m.shape for m in maps] == [(32, 25, 25), (64, 11, 11), (128, 4, 4)]
    assert all((m >= 0).all() for m in maps)  # captured after ReLU
    assert 0 <= sparsity(maps[0]) <= 1
    assert len(conv_layers(model)) == 3


def test_image_grid_has_one_panel_per_image():
    fig = image_grid([np.zeros((4, 4))] * 10, ncols=4)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 10 and len(fig.axes) == 12 + 1  # 3 x 4 panels and the colour bar


def test_deep_dream_raises_the_target_logit(trained_cnn):
    model, _ = trained_cnn
    start = torch.full((1, 28, 28), 0.5)
    with torch.no_grad():
        before = model(start[None])[0, 9].item()
    dream = deep_dream(model, start, class_logit(9), steps_per_octave=10, octaves=(1.0,), seed=0)
    with torch.no_grad():
        after = model(torch.as_tensor(dream.image)[None, None])[0, 9].item()
    assert after > before + 1.0
    assert np.mean(dream.objective[-3:]) > np.mean(dream.objective[:3])
    assert dream.image.min() >= 0 and dream.image.max() <= 1 and dream.image.shape == (28, 28)
    assert len(dream.snapshots) == len(dream.snapshot_steps) == 6
    assert all(p.requires_grad for p in model.parameters())  # weights are left trainable afterwards


def test_layer_dream_raises_mean_activation(trained_cnn):
    model, ds = trained_cnn
    image = torch.as_tensor(scale_unit(ds.x_test[0]))[None]
    dream = deep_dream(model, image, layer_activation(conv_layers(model)[1]), steps_per_octave=8, seed=1)
    assert dream.objective[-1] > dream.objective[0]
    assert len(dream.objective) == 8 * 3


def test_inference_seconds_is_positive(trained_cnn):
    model, ds = trained_cnn
    seconds = inference_seconds(model, torch.as_tensor(scale_unit(ds.x_test)[:, None]), batch_size=100, repeats=1)
    assert 0 < seconds < 60 and math.isfinite(seconds)
