"""Observation sentences follow the numbers beside them: a trend is claimed only when every step shows it."""

import numpy as np
import pytest
import torch

from dlcourse.suites.bath_a2.cnn import CnnSettings
from dlcourse.suites.bath_a2.depth import CnnDepthSettings, MlpDepthSettings
from dlcourse.suites.bath_a2.mlp import MlpSettings
from dlcourse.suites.bath_a2.observations import (
    cnn_against_mlp,
    contrast_sentence,
    depth_trend,
    fitting_sentence,
    smoothness,
    sparsity_sentence,
    steady,
    variance_sentence,
)
from dlcourse.suites.bath_a2.visualise import cosine, roughness, two_signed_filters
from dlcourse.suites.fit3181_a1.letters_ffn import cross_entropy_trend
from dlcourse.suites.leiden_a1.clocks_compare import classes_answer, periodic_answer
from dlcourse.suites.leiden_a1.clocks_multihead import hour_head_sentence
from dlcourse.suites.tbmi26.observations import cnn_against_dense, computation_sentence, why_convolutions


def test_sparsity_is_said_to_rise_only_when_it_rises_at_every_layer():
    mixed = sparsity_sentence({1: 0.49, 2: 0.37, 3: 0.61})
    assert "does not change steadily with depth" in mixed and "sparsify" not in mixed
    assert "conv1 49%, conv2 37%, conv3 61%" in mixed
    assert "sparsify with depth" in sparsity_sentence({1: 0.3, 2: 0.4, 3: 0.6})
    assert "denser" in sparsity_sentence({1: 0.6, 2: 0.4})


def test_depth_trend_reads_the_accuracies_in_order_of_depth():
    rows = [{"hidden_layers": n, "test_acc": a} for n, a in ((3, 0.981), (1, 0.975), (2, 0.979))]
    rising = depth_trend(rows, "w", 10_000)
    assert "rises with every added layer" in rising and "noise" not in rising  # 0.60 points against ±0.41
    bumpy = [{"hidden_layers": n, "test_acc": a} for n, a in ((1, 0.975), (2, 0.982), (3, 0.979))]
    sentence = depth_trend(bumpy, "w", 10_000)
    assert "highest at 2 hidden layers" in sentence and "0.70 points" in sentence


def test_a_depth_trend_within_the_test_sets_noise_is_said_to_be_noise():
    # 3.2 on the full data: a fall of 0.30 points at about 98.4% on 10,000 test images (noise ±0.36).
    rows = [{"hidden_layers": n, "test_acc": a} for n, a in ((3, 0.9850), (4, 0.9847), (5, 0.9837), (7, 0.9820))]
    sentence = depth_trend(rows, "w", 10_000)
    assert "falls with every added layer" in sentence
    assert "within the test set's noise (±0.36 points), so depth has no measurable effect here" in sentence
    assert "noise" not in depth_trend(rows, "w", 100_000)  # the same fall measured on ten times the images


def test_two_signed_filters_counts_filters_with_both_strong_signs():
    weight = torch.zeros(3, 1, 2, 2)
    weight[0, 0] = torch.tensor([[1.0, -1.0], [0.0, 0.0]])  # an edge: both signs strong
    weight[1, 0] = torch.tensor([[1.0, 0.5], [0.2, 0.1]])  # one sign
    weight[2, 0] = torch.tensor([[1.0, -0.1], [0.0, 0.0]])  # the negative part is weak
    assert two_signed_filters(weight) == 1


def test_roughness_tells_smooth_kernels_from_random_ones():
    torch.manual_seed(0)
    random = torch.nn.Conv2d(1, 64, 5).weight
    assert abs(roughness(random) - 4 / 3) < 0.1  # E|x - y| / E|x| for independent uniform weights
    ramp = torch.linspace(-1, 1, 5)
    smooth = (ramp[:, None] + ramp[None, :]).expand(8, 1, 5, 5)
    assert roughness(smooth) < 0.5 * roughness(random)


def rows(*pairs, **extra):
    return [
        {"representation": f"{k} classes", "outputs": k, "mean_min": m, "median_min": m / 3, "within_1": w, **extra}
        for k, m, w in pairs
    ]


def test_720_classes_answer_names_which_classes_read_best():
    worse = classes_answer({"2a": (rows((24, 9.0, 0.05), (720, 14.0, 0.4)), None)})
    assert worse.startswith("720 classes: mean 14.0 min against 9.0 min with 24 classes")
    better = classes_answer({"2a": (rows((24, 9.0, 0.05), (720, 4.0, 0.4)), None)})
    assert "the finest classes read best here (mean 4.0 min" in better
    assert classes_answer({"2a": (rows((24, 9.0, 0.05)), None)}) is None


def test_periodic_answer_says_win_only_when_the_periodic_labels_are_best():
    periodic = [{"representation": "sin/cos", "mean_min": 3.0, "median_min": 1.0}]
    other = [{"representation": "720 classes", "mean_min": 5.0, "median_min": 1.5}]
    assert periodic_answer({"2d": (periodic, None), "2a": (other, None)}).startswith("Periodic labels win")
    other[0]["mean_min"] = 2.0
    assert periodic_answer({"2d": (periodic, None), "2a": (other, None)}).startswith("Periodic labels do not win")
    assert periodic_answer({"2d": (periodic, None)}) is None
    assert np.isfinite(periodic[0]["mean_min"])


def test_periodic_answer_calls_a_gap_within_the_paired_noise_a_tie(tmp_path):
    rng = np.random.default_rng(0)
    errors = rng.exponential(2.0, 1800)
    folders = {}
    for name, shift in (("2d", 0.0), ("2c", 0.05)):
        folders[name] = tmp_path / name
        folders[name].mkdir()
        np.savez(folders[name] / "predictions.npz", test_index=np.arange(1800), errors_0=errors + shift)
    periodic = [{"representation": "sin/cos", "mean_min": errors.mean(), "median_min": 0.6}]
    other = [{"representation": "hour classes", "mean_min": errors.mean() + 0.05, "median_min": 0.57}]
    # A constant shift has no spread: the paired noise is 0 and 0.05 min is a real difference.
    assert "win by 0.05 min" in periodic_answer({"2d": (periodic, folders["2d"]), "2c": (other, folders["2c"])})
    np.savez(folders["2c"] / "predictions.npz", test_index=np.arange(1800), errors_0=rng.permutation(errors) + 0.05)
    tie = periodic_answer({"2d": (periodic, folders["2d"]), "2c": (other, folders["2c"])})
    assert "tie with the best other representation" in tie and "within the noise" in tie


def _model(name: str, acc: float, parameters: int) -> dict:
    return {"model": name, "test_acc": acc, "parameters": parameters}


def test_cnn_against_mlp_names_the_more_accurate_family_and_the_parameter_ratio_either_way():
    wins_small = cnn_against_mlp(_model("cnn", 0.992, 185_066), _model("mlp", 0.986, 1_796_010))
    assert "the CNN is more accurate with 9.7x fewer parameters" in wins_small and "share weights" in wins_small
    wins_big = cnn_against_mlp(_model("cnn", 0.992, 2_000_000), _model("mlp", 0.986, 1_000_000))
    assert "the CNN is more accurate with 2.0x more parameters." in wins_big and "share weights" not in wins_big
    loses = cnn_against_mlp(_model("cnn", 0.980, 185_066), _model("mlp", 0.986, 1_796_010))
    assert "the MLP is more accurate, though the CNN has 9.7x fewer parameters" in loses
    assert "equally accurate" in cnn_against_mlp(_model("cnn", 0.98, 10), _model("mlp", 0.98, 20))


def test_cross_entropy_is_said_to_rise_with_alpha_only_when_it_rises_at_every_step():
    rising = cross_entropy_trend({0.0: 0.3638, 0.1: 0.4146, 0.15: 0.4584, 0.2: 0.5074})
    assert rising.startswith("The test cross-entropy rises with every step of α") and "0.4146 at α = 0.1" in rising
    bumpy = cross_entropy_trend({0.0: 0.3638, 0.1: 0.35, 0.2: 0.5074})
    assert bumpy.startswith("The test cross-entropy does not rise with every step of α")


def test_smoothness_tells_them_apart_only_when_the_trained_layer_is_clearly_smoother():
    assert smoothness(0.8, 1.34).startswith("What tells them apart is smoothness")
    same = smoothness(1.34, 1.34)
    assert same.startswith("Smoothness does not tell them apart either") and "1.34" in same


def test_bath_a2_cosine_rate_is_listed_as_a_departure_and_the_constant_rate_is_not():
    for settings in (MlpSettings(), CnnSettings(), MlpDepthSettings(), CnnDepthSettings()):
        assert [d["setting"] for d in settings.departures()] == ["lr_schedule"], type(settings).__name__
        assert settings.override({"lr_schedule": "constant"}).departures() == []


def test_two_digits_activations_compared_as_measured():
    parting = contrast_sentence(2, 9, {1: 0.98, 2: 0.9, 3: 0.7})
    assert "falls with every layer" in parting and "conv3 0.70" in parting and "tell 2 from 9" in parting
    assert "rises with every layer" in contrast_sentence(2, 9, {1: 0.7, 2: 0.8, 3: 0.95})
    mixed = contrast_sentence(2, 9, {1: 0.9, 2: 0.7, 3: 0.8})
    assert "does not change steadily" in mixed and "tell" not in mixed
    assert cosine(np.array([1.0, 0.0]), np.array([0.0, 2.0])) == 0.0
    assert cosine(np.array([1.0, 2.0]), np.array([2.0, 4.0])) == pytest.approx(1.0)
    assert cosine(np.zeros(3), np.zeros(3)) == 1.0


def test_fitting_with_depth_reads_the_train_test_gap():
    def row(layers, train, test):
        return {"hidden_layers": layers, "train_acc": train, "test_acc": test}

    widening = fitting_sentence([row(3, 0.999, 0.97), row(1, 0.995, 0.98), row(2, 0.998, 0.975)], "w", 10_000)
    assert "widens with every added layer" in widening and "none under-fits" in widening
    assert widening.index("1 layers 99.50% / 98.00%") < widening.index("3 layers")  # read in order of depth
    narrowing = fitting_sentence([row(1, 0.999, 0.95), row(2, 0.97, 0.96)], "w", 10_000)
    assert "narrows with every added layer" in narrowing and "at 2 layers (97.00%): those depths under-fit" in narrowing
    mixed = fitting_sentence([row(1, 0.999, 0.98), row(2, 0.999, 0.97), row(3, 0.999, 0.975)], "w", 10_000)
    assert "does not change steadily" in mixed and "over-fit more" not in mixed
    # 4.2 on the full data: gaps of 0.62 to 0.78 points are within the noise of 10,000 test images (±0.28).
    close = fitting_sentence([row(2, 0.9975, 0.9913), row(3, 0.9985, 0.9917), row(4, 0.9995, 0.9918)], "w", 10_000)
    assert "no more than the test set's noise (±0.26 points)" in close and "over-fit more" not in close


def test_a_trend_is_steady_only_when_every_step_goes_that_way():
    assert steady([1, 2, 3], "up", "down") == "up" and steady([3, 2, 1], "up", "down") == "down"
    assert steady([1, 3, 2], "up", "down", "mixed") == "mixed" and steady([1, 1], "up", "down", "flat") == "flat"
    assert steady([5], "up", "down", "one") == "one"  # one value has no trend


def test_the_2d_view_is_said_to_show_most_only_when_it_keeps_half_the_variance():
    small = variance_sentence(np.array([0.097, 0.071, 0.05]))
    assert "(16.8% together)" in small and "shows only a small part of" in small
    assert "3 components explain 21.8%" in small
    assert "shows most of" in variance_sentence(np.array([0.4, 0.2, 0.1]))


def test_tbmi26_q5_says_what_its_numbers_show():
    def summary(parameters, acc, seconds):
        return {"parameters": parameters, "test_acc": acc, "seconds_per_epoch": seconds, "device": "CPU",
                "spec": {"filters": (32,)}}  # fmt: skip

    dense, conv = summary(1_000_000, 0.5, 2.0), summary(100_000, 0.65, 5.0)
    assert cnn_against_dense(conv, dense, (650.0, 50.0)).startswith("The CNN has 10.0x fewer parameters")
    assert "15.0 points higher" in cnn_against_dense(conv, dense, (650.0, 50.0))
    assert why_convolutions(conv, dense).startswith("Why: a convolution")
    assert "Fewer parameters is not less computation" in computation_sentence(conv, dense)
    worse = summary(2_000_000, 0.45, 1.0)
    assert "2.0x more parameters" in cnn_against_dense(worse, dense, (22.5, 50.0))
    assert "5.0 points lower" in cnn_against_dense(worse, dense, (22.5, 50.0))
    assert "no advantage to explain" in why_convolutions(worse, dense) and "Why:" not in why_convolutions(worse, dense)
    assert computation_sentence(worse, dense).startswith("The CNN trained faster")
    bigger_and_slower = summary(2_000_000, 0.45, 5.0)
    slower = computation_sentence(bigger_and_slower, dense)
    assert slower.startswith("The CNN trained more slowly") and "Fewer parameters" not in slower


def test_the_hour_head_is_explained_only_where_it_errs():
    assert hour_head_sentence(0.05).startswith("Why the hour head errs")
    rare = hour_head_sentence(0.004)
    assert rare.startswith("At most 0.4% of test clocks") and "Why" not in rare
