"""bath-a2 Task 1: a 2-D PCA of the MNIST training set, and which digit pairs a line separates."""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial

import numpy as np
from sklearn.svm import LinearSVC

from dlcourse.analysis import Separability, class_spread, fit_pca, pairwise_separability, project
from dlcourse.data import flatten, scale_symmetric
from dlcourse.plots.embedding import embedding_scatter, scree
from dlcourse.plots.pairs import pair_heatmaps, weight_grid
from dlcourse.settings import setting
from dlcourse.suites.bath_a2.observations import WHY_PCA, variance_sentence
from dlcourse.suites.context import TaskContext
from dlcourse.suites.mixins import DataSize
from dlcourse.suites.registry import task


@dataclass(frozen=True)
class PcaSettings(DataSize):
    components: int = setting(
        50, "principal components fitted and shown in the scree plot; the embedding uses 2", min=2
    )
    svm_c: float = setting(
        0.01, "C of the linear SVM fitted to each digit pair (our choice: small C generalises)", gt=0
    )
    svm_per_class: int | None = setting(
        1000, "training images per class for the 784-D pairwise SVMs (class-balanced); none = all", min=1
    )
    threshold: float = setting(0.99, "test accuracy from which a pair counts as (nearly) linearly separable", gt=0)


@task(
    "bath-a2/1",
    "2-D PCA of MNIST and pairwise linear separability",
    brief=PcaSettings(),
    quick=PcaSettings(svm_per_class=200),
    shows=("embedding", "separability"),
)
def task_1(ctx: TaskContext) -> None:
    s: PcaSettings = ctx.settings
    ds = ctx.load("mnist")
    # The brief's preparation: x / 127.5 - 1, vectorised to 784 features.
    x_train, x_test = flatten(scale_symmetric(ds.x_train)), flatten(scale_symmetric(ds.x_test))
    start = time.perf_counter()
    with ctx.busy(f"fitting a {s.components}-component PCA to {len(x_train):,} images"):
        pca = fit_pca(x_train, s.components)
    ctx.run.metric("pca_seconds", time.perf_counter() - start, f"seconds to fit PCA to {len(x_train):,} images")
    train_2d, test_2d = project(pca, x_train), project(pca, x_test)
    record_embedding(ctx, pca, train_2d, ds)

    svm = partial(LinearSVC, C=s.svm_c)
    with ctx.busy("a linear SVM for each of the 45 digit pairs in 2-D"):
        in_2d = pairwise_separability((train_2d, ds.y_train), (test_2d, ds.y_test), svm)
    capped = ds.balanced_subset(None if s.svm_per_class is None else s.svm_per_class * ds.num_classes, None, ctx.seed)
    x_capped = flatten(scale_symmetric(capped.x_train))
    with ctx.busy("a linear SVM for each of the 45 digit pairs in 784-D"):
        in_784d = pairwise_separability((x_capped, capped.y_train), (x_test, ds.y_test), svm)
    record_separability(ctx, ds, in_2d, in_784d, (len(train_2d), len(x_capped), len(x_test)))


def record_embedding(ctx: TaskContext, pca, train_2d: np.ndarray, ds) -> None:
    """The 2-D embedding's arrays, explained variance, answers and figures (scatter, scree, the two axes)."""
    classes = np.arange(ds.num_classes)
    centroids, covariances = class_spread(train_2d, ds.y_train, classes)
    ratios = pca.explained_variance_ratio_.astype(np.float64)
    ctx.run.array(
        "embedding",
        train=train_2d.astype(np.float32),
        labels=ds.y_train,
        explained_variance_ratio=ratios,
        centroids=centroids,
        covariances=covariances,
        components=pca.components_[:2],
    )
    for k in (1, 2):
        ctx.run.metric(f"variance_pc{k}", round(100 * float(ratios[k - 1]), 2), f"variance explained by PC {k} (%)")
    ctx.run.metric("variance_2d", round(100 * float(ratios[:2].sum()), 2), "variance explained by PCs 1 and 2 (%)")
    ctx.run.metric("variance_all", round(100 * float(ratios.sum()), 2), f"variance explained by {len(ratios)} PCs (%)")
    ctx.answer(WHY_PCA)
    ctx.answer(variance_sentence(ratios))
    ctx.run.figure(
        "embedding",
        embedding_scatter(train_2d, ds.y_train, ds.classes, centroids, covariances),
        caption="MNIST training images in the first two principal components, by class; right: class centroids "
        "with ellipses of 1 and 2 standard deviations",
    )
    ctx.run.figure("scree", scree(ratios), caption=f"Explained variance of the first {len(ratios)} components")
    ctx.run.figure(
        "components",
        weight_grid(pca.components_[:2], ["PC 1", "PC 2"], ncols=2),
        caption="The first two principal axes as 28x28 images (red: positive, blue: negative loadings)",
    )


def record_separability(ctx: TaskContext, ds, in_2d: Separability, in_784d: Separability, sizes) -> None:
    """The pairwise SVM results in both spaces: their table, heat maps, counts and what they answer; `sizes`
    are the numbers of 2-D training, 784-D training and test images."""
    s: PcaSettings = ctx.settings
    n_2d, n_784d, n_test = sizes
    classes = np.arange(ds.num_classes)
    ctx.say(
        f"Separability: a linear SVM (scikit-learn LinearSVC, C={s.svm_c:g}) per digit pair, trained on all "
        f"{n_2d:,} embedded training images in 2-D and on {n_784d:,} class-balanced training images "
        f"({n_784d // ds.num_classes:,} per class, setting svm_per_class) in 784-D, and scored on the "
        f"{n_test:,} test images of each pair."
    )
    ctx.run.array(
        "separability",
        classes=classes,
        test_acc_2d=in_2d.test_acc,
        train_acc_2d=in_2d.train_acc,
        test_acc_784d=in_784d.test_acc,
        train_acc_784d=in_784d.train_acc,
    )
    ctx.run.figure(
        "separability",
        pair_heatmaps({"2-D PCA embedding": in_2d.test_acc, "784-D pixels": in_784d.test_acc}, ds.classes, s.threshold),
        caption=f"Test accuracy (%) of a linear SVM per digit pair; outlined: at least {s.threshold:.0%}",
    )
    ctx.run.table(
        "pairs", _pair_rows(in_2d, in_784d), title="Linear SVM test accuracy per digit pair, hardest in 2-D first"
    )
    for space, result in (("2-D", in_2d), ("784-D", in_784d)):
        ctx.run.metric(
            f"separable_{space.lower().replace('-', '')}",
            len(result.pairs_at_least(s.threshold)),
            f"digit pairs at or above {s.threshold:.0%} test accuracy in {space} (of 45)",
        )
    *details, answer = _observations(in_2d, in_784d, s.threshold)
    for text in details:
        ctx.say(text)
    ctx.answer(answer)


def _pair_rows(in_2d: Separability, in_784d: Separability) -> list[dict]:
    index = {int(c): i for i, c in enumerate(in_2d.classes)}
    rows = []
    for a, b, acc in in_2d.ranked():
        i, j = index[a], index[b]
        rows.append(
            {
                "pair": f"{a}-{b}",
                "2-D test acc (%)": round(100 * acc, 2),
                "784-D test acc (%)": round(100 * in_784d.test_acc[i, j], 2),
                "784-D train acc (%)": round(100 * in_784d.train_acc[i, j], 2),
            }
        )
    return rows


def _listing(pairs: list[tuple[int, int, float]]) -> str:
    return ", ".join(f"{a}-{b} ({acc:.1%})" for a, b, acc in pairs) or "none"


def _observations(in_2d: Separability, in_784d: Separability, threshold: float) -> list[str]:
    good_2d, good_784d = in_2d.pairs_at_least(threshold), in_784d.pairs_at_least(threshold)
    hard_784d = in_784d.ranked()[:5]
    return [
        f"In the 2-D embedding {len(good_2d)} of 45 pairs reach {threshold:.0%} test accuracy: {_listing(good_2d)}. "
        f"The hardest are {_listing(in_2d.ranked()[:4])}: their clouds lie on top of each other, so no line "
        "separates them there.",
        f"In the full 784-D pixel space {len(good_784d)} of 45 pairs reach {threshold:.0%}: {_listing(good_784d)}. "
        f"The hardest are {_listing(hard_784d)}, digits that share strokes; even these are "
        f"{hard_784d[0][2]:.1%} or better, so every pair is close to linearly separable in 784-D.",
        f"Answer to 'which classes can be linearly separated?': in the 2-D PCA view only {_listing(good_2d)}; "
        f"in pixel space {len(good_784d)} pairs to within {1 - threshold:.0%}, and the rest to within "
        f"{1 - hard_784d[0][2]:.1%}. Two components keep too little of the variance to separate most digits.",
    ]
