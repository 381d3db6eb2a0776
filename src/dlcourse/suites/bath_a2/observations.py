"""What the bath-a2 tasks say about their numbers: each function turns recorded results into the sentence that
answers a question of the brief, claiming a winner, a trend or a cause only where the numbers show it.

Kept apart from the task bodies, so that a task reads as the brief's steps and each sentence can be tested
for every outcome on numbers made up for the purpose.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from dlcourse.suites.spread import difference_noise


def steady(
    values: Iterable[float], rising: str, falling: str, neither: str = "does not change steadily with depth"
) -> str:
    """The words for a series in order: `rising` only when every step goes up, `falling` only when every step
    goes down, else `neither` (a single value has no trend)."""
    steps = np.diff(list(values))
    if len(steps) and (steps > 0).all():
        return rising
    if len(steps) and (steps < 0).all():
        return falling
    return neither


# Fixed text: why PCA suits a first look at the data is a property of the method, not of this run's numbers.
WHY_PCA = (
    "Why PCA: among all linear maps to 2-D it keeps the most variance (it minimises the squared "
    "reconstruction error), so it distorts the data least of the linear views; it has no tuning and no "
    "randomness, and its two axes are themselves images that can be read (see the components figure). "
    "Being linear, it cannot unfold curved class boundaries the way t-SNE or UMAP can."
)


def variance_sentence(ratios: np.ndarray) -> str:
    """How much of the pixel variance the 2-D view keeps (`ratios`: each component's explained share), and
    what that says about the picture: most of it from half the variance up, a small part below."""
    kept = float(ratios[:2].sum())
    reading = "most of" if kept >= 0.5 else "only a small part of"
    return (
        f"PC 1 and PC 2 explain {ratios[0]:.1%} and {ratios[1]:.1%} of the pixel variance ({kept:.1%} together); "
        f"{len(ratios)} components explain {ratios.sum():.1%}. The 2-D picture therefore shows {reading} what "
        "distinguishes the digits' pixels."
    )


SMOOTHER = 0.9  # a trained layer counts as smoother when its roughness is below this share of a random one's


def smoothness(trained: float, untrained: float) -> str:
    """Whether training made the layer-1 kernels smoother than random ones, from their roughness."""
    measured = (
        f"neighbouring weights of a trained kernel differ by {trained:.2f} of its mean magnitude, of a random "
        f"one by {untrained:.2f}"
    )
    if trained < SMOOTHER * untrained:
        return f"What tells them apart is smoothness: {measured}."
    return f"Smoothness does not tell them apart either: {measured}."


def contrast_sentence(a: int, b: int, similarity: dict[int, float]) -> str:
    """How alike two digits' activations are per layer (cosine similarity of each map's mean activation, so
    1 means the same maps fire as strongly), and whether they part with depth, as the numbers show."""
    values = ", ".join(f"conv{k} {v:.2f}" for k, v in similarity.items())
    shape = steady(
        similarity.values(),
        rising="rises with every layer: deeper maps respond to what the two digits share more than to how they differ",
        falling="falls with every layer: early layers respond to strokes both digits have, deeper ones to parts "
        f"that only one of them has, which is what lets the network tell {a} from {b}",
    )
    return (
        f"Digit {a} against digit {b}: the similarity of which maps fire, and how strongly (cosine of the per-map "
        f"mean activations), {shape} ({values})."
    )


def sparsity_sentence(zero_share: dict[int, float]) -> str:
    """The share of switched-off activations per layer, and what it does with depth, as the numbers show."""
    values = ", ".join(f"conv{k} {v:.0%}" for k, v in zero_share.items())
    shape = steady(
        zero_share.values(),
        rising="rises with every layer: activations sparsify with depth",
        falling="falls with every layer: deeper maps are denser",
    )
    return (
        f"The share of activations that ReLU switches off {shape} ({values}, mean over the digits shown). Early "
        "maps still look like the digit; later ones are coarser and keep only where specific features fire."
    )


def depth_observations(rows: list[dict], family: str) -> list[str]:
    best = max(rows, key=lambda r: r["test_acc"])
    smallest = min(rows, key=lambda r: r["parameters"])
    accs = [r["test_acc"] for r in rows]
    spread = 100 * (max(accs) - min(accs))
    rho = rank_correlation([r["parameters"] for r in rows], accs)
    ratio = max(r["parameters"] for r in rows) / smallest["parameters"]
    trend = "rises" if rho > 0.3 else "falls" if rho < -0.3 else "shows no steady trend"
    return [
        f"Best {family}: {best['model']} at {best['test_acc']:.2%} with {best['parameters']:,} parameters; the "
        f"smallest, {smallest['model']} ({smallest['parameters']:,}), reaches {smallest['test_acc']:.2%}.",
        f"Across the {len(rows)} {family}s, whose parameter counts differ by {ratio:.1f}x, test accuracy spans "
        f"{spread:.2f} points and {trend} with parameter count (rank correlation {rho:+.2f}).",
    ]


def depth_trend(series: list[dict], width: str, n_test: int) -> str:
    """Test accuracy against depth for models of one width, in words that follow the numbers: a steady rise
    or fall only when every step goes that way, and said to be noise when the whole spread is within the
    noise of `n_test` test images."""
    series = sorted(series, key=lambda r: r["hidden_layers"])
    accs = [r["test_acc"] for r in series]
    if len(series) < 2:
        return f"Only one depth at {width}: no trend with depth to read."
    top = series[int(np.argmax(accs))]["hidden_layers"]
    shape = steady(
        accs,
        rising="rises with every added layer",
        falling="falls with every added layer",
        neither=f"does not change steadily with depth: it is highest at {top} hidden layers",
    )
    values = ", ".join(f"{r['hidden_layers']} layers {r['test_acc']:.2%}" for r in series)
    mean = float(np.mean(accs))
    spread, noise = 100 * (max(accs) - min(accs)), difference_noise(mean, mean, n_test)
    within = (
        f": within the test set's noise (±{noise:.2f} points), so depth has no measurable effect here"
        if spread <= noise
        else ""
    )
    return (
        f"At fixed width ({width}) test accuracy {shape} ({values}; {spread:.2f} points "
        f"from lowest to highest, one seed per model){within}."
    )


FITS = 0.99  # a model that reaches this training accuracy fits its training images; below it, it underfits


def fitting_sentence(series: list[dict], width: str, n_test: int) -> str:
    """The FAQ's question, whether deeper models over- or under-fit, answered from each depth's training and test
    accuracy: the gap between them is the over-fitting, a low training accuracy the under-fitting. Gaps that
    differ by less than the noise of `n_test` test images (two standard errors of a difference of two
    accuracies) show no effect of depth."""
    series = sorted(series, key=lambda r: r["hidden_layers"])
    gaps = [100 * (r["train_acc"] - r["test_acc"]) for r in series]
    acc = float(np.mean([r["test_acc"] for r in series]))
    noise = difference_noise(acc, acc, n_test)
    trend = steady(
        gaps,
        rising="widens with every added layer, so the deeper networks over-fit more",
        falling="narrows with every added layer, so depth does not make these networks over-fit",
    )
    if max(gaps) - min(gaps) <= noise:
        trend = f"moves by no more than the test set's noise (±{noise:.2f} points): depth does not measurably change it"
    under = [f"{r['hidden_layers']} layers ({r['train_acc']:.2%})" for r in series if r["train_acc"] < FITS]
    under_text = (
        f"under {FITS:.0%} of their own training images are fitted at {', '.join(under)}: those depths under-fit"
        if under
        else f"every depth fits at least {FITS:.0%} of its training images, so none under-fits"
    )
    values = ", ".join(f"{r['hidden_layers']} layers {r['train_acc']:.2%} / {r['test_acc']:.2%}" for r in series)
    return (
        f"Over- and under-fitting with depth ({width}; train / test accuracy: {values}): the gap between the two "
        f"{trend} ({gaps[0]:.2f} points at the shallowest, {gaps[-1]:.2f} at the deepest); {under_text}."
    )


def rank_correlation(a: list[float], b: list[float]) -> float:
    """Spearman's rank correlation (ties are not expected in these small tables)."""
    ra, rb = np.argsort(np.argsort(a)).astype(float), np.argsort(np.argsort(b)).astype(float)
    if ra.std() == 0 or rb.std() == 0:
        return 0.0
    return float(np.corrcoef(ra, rb)[0, 1])


def cnn_against_mlp(cnn: dict[str, Any], mlp: dict[str, Any]) -> str:
    """Which family's best model wins on test accuracy, and with how many parameters, from their records."""
    said = (
        f"The best CNN ({cnn['model']}, {cnn['test_acc']:.2%}, {cnn['parameters']:,} parameters) and the best MLP "
        f"({mlp['model']}, {mlp['test_acc']:.2%}, {mlp['parameters']:,} parameters)"
    )
    ratio = mlp["parameters"] / cnn["parameters"]
    size = f"{ratio:.1f}x fewer parameters" if ratio >= 1 else f"{1 / ratio:.1f}x more parameters"
    if cnn["test_acc"] > mlp["test_acc"]:
        why = (
            ": convolutions share weights across positions and see neighbouring pixels together." if ratio >= 1 else "."
        )
        return f"{said}: the CNN is more accurate with {size}{why}"
    if cnn["test_acc"] < mlp["test_acc"]:
        return f"{said}: the MLP is more accurate, though the CNN has {size}."
    return f"{said}: equally accurate; the CNN has {size}."


def pros_and_cons(size: float, time: float | None, lambda_spread: float, noise: float) -> str:
    """6.2's "pros and cons of MTL", from this run: the multi-task network's size and training time as shares of
    the two single-task networks', and how far the item accuracy moves over 0 < λ < 1 (in points) against the
    test set's noise; `time` is None where the runs were not timed."""
    pros, cons = [], []
    (pros if size < 1 else cons).append(f"{size:.0%} of the two networks' parameters")
    if time is not None:
        (pros if time < 1 else cons).append(f"{time:.0%} of their training time")
    if lambda_spread > noise:
        cons.append(f"λ is one more setting to tune (item accuracy moves {lambda_spread:.2f} points over 0 < λ < 1)")
    else:
        pros.append(f"any λ in 0 < λ < 1 will do (item accuracy moves {lambda_spread:.2f} points, within the noise)")
    # The last sentence is fixed text: what any use of multi-task learning must weigh, not a measurement.
    return (
        f"Pros and cons, as measured here: for multi-task learning, {'; '.join(pros) or 'nothing'}; against it, "
        f"{'; '.join(cons) or 'nothing'}. In general it pays only when the tasks share features (here each "
        "group is a set of items, so they do); the losses must be weighed against each other, and a task that "
        "needs other features can pull the shared layers away from the other (negative transfer), which only a "
        "comparison with single-task networks, as above, shows."
    )


def sharing_note(d_item: float, d_group: float, noise_item: float, noise_group: float) -> str:
    """What the λ = 0.5 differences say about sharing, in points against the single-task networks; a
    difference within its noise (two standard errors) is said to show nothing."""
    if abs(d_item) <= noise_item and abs(d_group) <= noise_group:
        return (
            "Both differences are within the test set's sampling noise, so this run does not show that sharing "
            "helps or hurts either task; only more seeds or more test images could. One network does the work "
            "of two at no measurable cost in accuracy."
        )
    parts = []
    if d_group > noise_group:
        parts.append(
            "The group head gains from sharing, beyond the noise: the item loss asks the shared layers to tell "
            "apart items such as shirts and T-shirts, whose groups differ but whose pictures look alike."
        )
    if d_item < -noise_item:
        parts.append("The item head pays for sharing its layers with the coarser task, beyond the noise.")
    if min(d_item, d_group) > -1:
        parts.append("One network does the work of two at no real cost in accuracy.")
    else:
        parts.append(f"One network does the work of two at a cost of up to {-min(d_item, d_group):.1f} points.")
    return " ".join(parts)
