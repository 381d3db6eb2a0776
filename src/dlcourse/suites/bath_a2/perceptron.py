"""bath-a2 Task 2: the from-scratch perceptron on digit pairs: 0 vs 1, the brief's five pairs, all 45."""

from __future__ import annotations

import time
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from dlcourse.data import flatten, scale_symmetric
from dlcourse.data.dataset import Dataset
from dlcourse.perceptron import optimize, predict
from dlcourse.plots.pairs import error_curves, pair_heatmaps, weight_grid, weight_image
from dlcourse.runs import load_json
from dlcourse.settings import setting
from dlcourse.suites.context import TaskContext
from dlcourse.suites.mixins import DataSize
from dlcourse.suites.registry import task
from dlcourse.suites.spread import mean_std

FIVE_PAIRS = ((0, 1), (2, 3), (4, 5), (6, 7), (8, 9))  # the FAQ's pairs for the brief's table


@dataclass(frozen=True)
class PerceptronSettings(DataSize):
    learn_rate: float = setting(0.1, "perceptron learning rate (brief: 0.1)", gt=0)
    max_iter: int = setting(1000, "the loop runs while iter <= max_iter (brief: 1000)", min=0)
    tol: float = setting(1e-3, "training error at which the loop stops (brief: 1e-3)", min=0)
    batch_size: int = setting(128, "training points per iteration (our choice; see dlcourse.perceptron)", min=1)
    all_pairs: bool = setting(True, "also train all 45 digit pairs (FAQ), not only the brief's five")
    seeds: int = setting(3, "seeds behind the five-pair table's mean and standard deviation", min=1)


@dataclass(frozen=True)
class PairResult:
    pair: tuple[int, int]  # (a, b): a is labelled -1, b is labelled 1
    w: np.ndarray
    b: float
    errors: list[float]
    train_acc: float
    test_acc: float
    seconds: float


@task(
    "bath-a2/2",
    "Perceptron from scratch on digit pairs",
    brief=PerceptronSettings(),
    quick=PerceptronSettings(max_iter=200, seeds=2),
    shows=("error_0_1", "weights_five", "five_pairs"),
)
def task_2(ctx: TaskContext) -> None:
    s: PerceptronSettings = ctx.settings
    ds = ctx.load("mnist")
    ctx.say(
        f"Update rule: the classic perceptron rule on one mini-batch of {s.batch_size} training points per "
        f"iteration, learning rate {s.learn_rate:g}, looping while iter <= {s.max_iter} and error > {s.tol:g}; "
        "the error is the fraction of training points misclassified when last checked "
        "(see dlcourse.perceptron.optimize for why). In a pair a-b, digit a is labelled -1 and b is labelled 1."
    )
    pairs = list(combinations(range(10), 2)) if s.all_pairs else list(FIVE_PAIRS)
    start = time.perf_counter()
    results = {pair: train_pair(ds, pair, s, ctx.seed) for pair in pairs}
    seconds = time.perf_counter() - start
    ctx.run.metric("seconds_all_pairs", seconds, f"seconds to train and test all {len(pairs)} pairs")
    record_pairs(ctx, results)
    report_zero_one(ctx, results[0, 1], s)
    report_five(ctx, results, ds, s)
    if s.all_pairs:
        report_all(ctx, results, ds)


def train_pair(ds: Dataset, pair: tuple[int, int], s: PerceptronSettings, seed: int) -> PairResult:
    """Train on the pair's training images (first digit -1, second 1) and score train and test sets."""
    start = time.perf_counter()
    x, y = _binary(ds.x_train, ds.y_train, pair)
    w, b, errors = optimize(
        x, y, rng=seed, learn_rate=s.learn_rate, max_iter=s.max_iter, tol=s.tol, batch_size=s.batch_size
    )
    x_test, y_test = _binary(ds.x_test, ds.y_test, pair)
    train_acc = float((predict(x, w, b) == y).mean())
    test_acc = float((predict(x_test, w, b) == y_test).mean())
    return PairResult(pair, w, b, errors, train_acc, test_acc, time.perf_counter() - start)


def _binary(images: np.ndarray, labels: np.ndarray, pair: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """The brief's preparation for one pair: x / 127.5 - 1, flattened; labels -1 and 1."""
    keep = np.isin(labels, pair)
    return flatten(scale_symmetric(images[keep])), np.where(labels[keep] == pair[0], -1.0, 1.0)


def _name(pair: tuple[int, int]) -> str:
    return f"{pair[0]}-{pair[1]}"


def record_pairs(ctx: TaskContext, results: dict[tuple[int, int], PairResult]) -> None:
    """Everything the figures are drawn from, so they can be redrawn without retraining."""
    rows = list(results.values())
    width = max(len(r.errors) for r in rows)
    curves = np.full((len(rows), width), np.nan)
    for i, r in enumerate(rows):
        curves[i, : len(r.errors)] = r.errors
    ctx.run.array(
        "pairs",
        pairs=np.array([r.pair for r in rows]),
        weights=np.stack([r.w for r in rows]),
        biases=np.array([r.b for r in rows]),
        error_curves=curves,
        train_acc=np.array([r.train_acc for r in rows]),
        test_acc=np.array([r.test_acc for r in rows]),
        seconds=np.array([r.seconds for r in rows]),
    )


def report_zero_one(ctx: TaskContext, r: PairResult, s: PerceptronSettings) -> None:
    ctx.run.metric("pair_0_1_test_acc", r.test_acc, "0 vs 1: test accuracy")
    ctx.run.metric("pair_0_1_train_acc", r.train_acc, "0 vs 1: training accuracy")
    ctx.run.metric("pair_0_1_iterations", len(r.errors), "0 vs 1: iterations run")
    outcome = (
        f"the loop stops after {len(r.errors)} iterations, having reached the {s.tol:g} target (the final "
        f"weights classify {r.train_acc:.2%} of the training images correctly)"
        if len(r.errors) <= s.max_iter
        else f"it does not reach the {s.tol:g} target within {len(r.errors)} iterations"
    )
    ctx.answer(
        f"0 vs 1: the training error falls from {r.errors[0]:.2%} after the first iteration to {r.errors[-1]:.3%}; "
        f"{outcome}. Test accuracy {r.test_acc:.2%}."
    )
    ctx.run.figure(
        "error_0_1",
        error_curves(np.array([r.errors]), ["0 vs 1"], highlight=[0]),
        caption="0 vs 1: training error against iteration",
    )
    ctx.run.figure(
        "weights_0_1",
        weight_image(r.w, "w for 0 (-1) vs 1 (+1)"),
        caption="0 vs 1: the learned w as a 28x28 image; red pixels push towards 1, blue towards 0",
    )


def report_five(
    ctx: TaskContext, results: dict[tuple[int, int], PairResult], ds: Dataset, s: PerceptronSettings
) -> None:
    repeats = {pair: [results[pair].test_acc] for pair in FIVE_PAIRS}
    for k in range(1, s.seeds):
        for pair in FIVE_PAIRS:
            repeats[pair].append(train_pair(ds, pair, s, ctx.seed + k).test_acc)
    rows = []
    for pair in FIVE_PAIRS:
        r, accs = results[pair], [100 * acc for acc in repeats[pair]]
        rows.append(
            {
                "pair": _name(pair),
                "train acc (%)": round(100 * r.train_acc, 2),
                "test acc (%)": round(100 * r.test_acc, 2),
                f"test acc over {s.seeds} seeds (%)": mean_std(accs),
                "iterations": len(r.errors),
                "final error (%)": round(100 * r.errors[-1], 3),
                "seconds": round(r.seconds, 2),
            }
        )
    ctx.run.table("five_pairs", rows, title=f"The brief's five pairs (seed {ctx.seed}; spread over seeds {ctx.seed}..)")
    ctx.run.figure(
        "weights_five",
        weight_grid(np.stack([results[p].w for p in FIVE_PAIRS]), [f"{a} (-) vs {b} (+)" for a, b in FIVE_PAIRS]),
        caption="Learned w of the five pairs (red: evidence for the second digit, blue: for the first; "
        "each image scaled to its own largest |w|)",
    )


def report_all(ctx: TaskContext, results: dict[tuple[int, int], PairResult], ds: Dataset) -> None:
    rows = sorted(results.values(), key=lambda r: r.test_acc)
    table = np.full((10, 10), np.nan)
    for r in rows:
        a, b = r.pair
        table[a, b] = table[b, a] = r.test_acc
    ctx.run.metric("worst_pair_test_acc", rows[0].test_acc, f"hardest pair, {_name(rows[0].pair)}: test accuracy")
    ctx.run.metric("mean_pair_test_acc", float(np.mean([r.test_acc for r in rows])), "mean test accuracy, 45 pairs")
    ctx.run.figure(
        "accuracy_all",
        pair_heatmaps({"perceptron test accuracy": table}, ds.classes),
        caption="Perceptron test accuracy (%) for every digit pair",
    )
    ordered = list(results.values())
    ctx.run.figure(
        "weights_all",
        weight_grid(np.stack([r.w for r in ordered]), [f"{a} vs {b}" for a, b in results], ncols=9),
        caption="Learned w of all 45 pairs (a vs b: red is evidence for b, blue for a)",
    )
    index = {r.pair: i for i, r in enumerate(ordered)}
    highlight = [index[r.pair] for r in rows[:3] + rows[-2:]]
    curves = np.full((len(ordered), max(len(r.errors) for r in ordered)), np.nan)
    for i, r in enumerate(ordered):
        curves[i, : len(r.errors)] = r.errors
    ctx.run.figure(
        "errors_all",
        error_curves(curves, [_name(r.pair) for r in ordered], highlight=highlight),
        caption="Training error of all 45 pairs; coloured: the three hardest and the two easiest by test accuracy",
    )
    notes = _observations(ctx, rows, table, ds)
    for text in notes[:2]:  # why some pairs are easier, and what w has learned
        ctx.answer(text)
    for text in notes[2:]:
        ctx.say(text)


def _observations(ctx: TaskContext, rows: list[PairResult], table: np.ndarray, ds: Dataset) -> list[str]:
    hard = ", ".join(f"{_name(r.pair)} ({r.test_acc:.2%})" for r in rows[:4])
    easy = ", ".join(f"{_name(r.pair)} ({r.test_acc:.2%})" for r in rows[::-1][:4])
    early = [_name(r.pair) for r in rows if len(r.errors) <= ctx.settings.max_iter]
    means = np.stack([flatten(scale_symmetric(ds.x_train[ds.y_train == c])).mean(axis=0) for c in range(10)])
    upper = np.triu_indices(10, 1)
    ours = table[upper]
    distance = np.linalg.norm(means[upper[0]] - means[upper[1]], axis=1)
    w_01 = next(r.w for r in rows if r.pair == (0, 1))
    template = float(np.corrcoef(w_01, means[1] - means[0])[0, 1])
    notes = [
        f"Hardest pairs: {hard}; easiest: {easy}. Accuracy follows how far apart the two digits' mean images are "
        f"(Spearman {_spearman(ours, distance):.2f} between pair accuracy and the distance of the class means): "
        "digits that put ink in the same places leave a single weighted sum of pixels little to tell them apart by.",
        f"The 0-vs-1 weights correlate {template:.2f} with the difference of the class-mean images (mean 1 - mean 0): "
        "w has learned where the ink of a 1 is and the ink of a 0 is not.",
        f"{len(early)} of 45 pairs reached the {ctx.settings.tol:g} training-error target before the iteration cap"
        + (f" ({', '.join(early)})" if early else "")
        + "; the others ran to the cap with their error fluctuating at a floor above the target: within this "
        "budget the perceptron finds no hyperplane that separates their training images.",
    ]
    separability = ctx.run.final.parent / "1" / "separability.npz"
    if not separability.is_file():
        notes.append(f"Task 1's separability table is absent ({separability} not found): run bath-a2/1 to compare.")
        return notes
    with np.load(separability) as saved:
        svm_784d, svm_2d = saved["test_acc_784d"][upper], saved["test_acc_2d"][upper]
    per_class = (load_json(separability.parent / "provenance.json", {}).get("settings") or {}).get("svm_per_class")
    hardest = [(r.pair, 100 * svm_784d[_upper_index(r.pair)], 100 * svm_2d[_upper_index(r.pair)]) for r in rows[:3]]
    notes.append(
        f"Against task 1's separability (from {separability.parent}): the perceptron's pair accuracies rank like "
        f"the 784-D linear SVM's (Spearman {_spearman(ours, svm_784d):.2f}) and like the 2-D PCA separability "
        f"(Spearman {_spearman(ours, svm_2d):.2f}). On average the SVM scores "
        f"{100 * float(np.mean(svm_784d - ours)):+.2f} points against the perceptron (the SVM trained on "
        f"{per_class or 'all'} images per class, the perceptron on all). The perceptron's three hardest pairs: "
        + "; ".join(f"{_name(p)} scores {a:.1f}% with the 784-D SVM and {b:.1f}% in 2-D" for p, a, b in hardest)
        + "."
    )
    return notes


def _upper_index(pair: tuple[int, int]) -> int:
    """Position of the pair (a < b) among the upper-triangle entries of a 10 x 10 table."""
    return list(combinations(range(10), 2)).index(pair)


def _spearman(u: np.ndarray, v: np.ndarray) -> float:
    """Spearman's rank correlation, tied values sharing their mean rank."""
    return float(np.corrcoef(_ranks(u), _ranks(v))[0, 1])


def _ranks(v: np.ndarray) -> np.ndarray:
    ranks = np.empty(len(v))
    ranks[np.argsort(v, kind="stable")] = np.arange(len(v))
    for value in np.unique(v):
        ranks[v == value] = ranks[v == value].mean()
    return ranks
