"""The single-layer perceptron of bath-a2 Task 2, from scratch in NumPy: `predict` and `optimize`.

Labels are -1 and 1. `optimize` keeps the brief's contract: w and b start as `rng.random(m)` and
`rng.random()` from a seeded NumPy Generator, the learning rate is 0.1, and the loop runs while
`iter <= 1000` and `error > 1e-3`, returning `w, b, error_list`.
"""

from __future__ import annotations

import numpy as np

from dlcourse.errors import InvalidInput


def predict(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """Class predictions in {-1, 1} for the n x m samples `x`: the sign of x @ w + b, with 0 counted as 1."""
    x = np.asarray(x)
    w = np.asarray(w)
    if x.ndim != 2 or w.shape != (x.shape[1],):
        raise InvalidInput(f"predict needs x of shape (n, m) and w of shape (m,), got {x.shape} and {w.shape}")
    return np.where(x @ w + b >= 0, 1.0, -1.0)


def optimize(
    x: np.ndarray,
    y: np.ndarray,
    *,
    rng: np.random.Generator | int = 0,
    learn_rate: float = 0.1,
    max_iter: int = 1000,
    tol: float = 1e-3,
    batch_size: int = 128,
) -> tuple[np.ndarray, float, list[float]]:
    """Train a perceptron on samples `x` (n x m) with labels `y` in {-1, 1}; return `w, b, error_list`.

    Update rule: Rosenblatt's perceptron rule, w <- w + learn_rate * y_i * x_i and b <- b + learn_rate * y_i
    for every misclassified point, applied to one mini-batch per iteration (the batch's corrections are
    summed, so it is a step on the perceptron criterion of that batch). Batches of `batch_size` points are
    slices of a fresh seeded shuffle of the training set each epoch.

    Why mini-batches: the brief caps training at about 1000 iterations. A full-batch rule would spend a
    whole pass over the data on each of its 1000 updates; one batch per iteration gives the same number of
    updates for about 1000 * batch_size / n passes (11 for a 12,000-image digit pair), and on MNIST pairs it
    reaches the same or lower error.

    Error: the fraction of training points misclassified when last checked. All points are checked once
    with the initial weights; each iteration re-checks its batch with the updated weights. So every entry
    of `error_list` is a whole-training-set error (no point's verdict is more than an epoch old) at the cost
    of one batch, and the loop stops once at most `tol` of the points are misclassified.
    """
    x, y = _checked(x, y)
    if batch_size < 1:
        raise InvalidInput(f"batch_size must be at least 1, got {batch_size}")
    rng = np.random.default_rng(rng)
    iteration = 0
    error = np.inf
    n, m = x.shape
    w = rng.random(m).astype(x.dtype)
    b = float(rng.random())
    error_list: list[float] = []
    wrong = predict(x, w, b) != y  # each point's latest verdict
    order, start = np.empty(0, dtype=np.intp), 0
    while iteration <= max_iter and error > tol:
        if start >= len(order):
            order, start = rng.permutation(n), 0
        batch = order[start : start + batch_size]
        start += batch_size
        xb, yb = x[batch], y[batch]
        missed = predict(xb, w, b) != yb
        if missed.any():
            w += learn_rate * (yb[missed] @ xb[missed])
            b += learn_rate * float(yb[missed].sum())
            missed = predict(xb, w, b) != yb
        wrong[batch] = missed
        error = float(wrong.mean())
        error_list.append(error)
        iteration += 1
    return w, b, error_list


def _checked(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float32)
    y = np.asarray(y, dtype=x.dtype)
    if x.ndim != 2 or y.shape != (len(x),) or len(x) == 0:
        raise InvalidInput(f"optimize needs x of shape (n, m) and y of shape (n,), n > 0; got {x.shape} and {y.shape}")
    if not np.isin(y, (-1.0, 1.0)).all():
        raise InvalidInput(f"perceptron labels must be -1 or 1, got {np.unique(y)[:5].tolist()}")
    return x, y
