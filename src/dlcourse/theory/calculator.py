"""Forward pass, losses, backward pass and one SGD step of a small network, by hand in NumPy (float64).

fit3181-a1 Questions 1.2 and 1.3. Labels are numbered from 1, as in the brief; arrays index from 0.
The backward pass is that of the plain cross-entropy l = -log p_y (the loss Question 1.3 asks about);
the label-smoothed loss (Question 1.2 g) is reported alongside.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from dlcourse.errors import InvalidNetwork, InvalidSetting
from dlcourse.theory.activations import ACTIVATION_FUNCTIONS
from dlcourse.theory.network import Network


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())  # shifting by the maximum changes nothing but keeps exp from overflowing
    return e / e.sum()


def smoothed_targets(y: int, classes: int, alpha: float) -> np.ndarray:
    """q = (1 - α) onehot(y) + α / K, y numbered from 1 (Müller, Kornblith and Hinton, 2019)."""
    q = np.full(classes, alpha / classes)
    q[y - 1] += 1 - alpha
    return q


def cross_entropy(logits: np.ndarray, targets: np.ndarray) -> float:
    """-Σ qₖ log pₖ with log p = z - logsumexp(z); a one-hot q gives the plain cross-entropy -log p_y."""
    log_p = logits - (logits.max() + np.log(np.exp(logits - logits.max()).sum()))
    return float(-(targets * log_p).sum())


@dataclass(frozen=True)
class Calculation:
    """Every intermediate value of one forward/backward pass; index k-1 of each tuple is layer k."""

    network: Network
    x: np.ndarray
    y: int  # the true class, numbered from 1
    alpha: float  # label smoothing
    eta: float  # SGD learning rate
    pre: tuple[np.ndarray, ...]  # h̄ᵏ; the last is the logits
    post: tuple[np.ndarray, ...]  # hᵏ = σ(h̄ᵏ) for hidden layers; the last is the logits again
    probs: np.ndarray
    loss: float  # cross-entropy
    smoothed_loss: float  # cross-entropy against the smoothed targets
    grad_h: tuple[np.ndarray, ...]  # ∂l/∂hᵏ
    grad_pre: tuple[np.ndarray, ...]  # ∂l/∂h̄ᵏ (equal to ∂l/∂hᴸ for the last layer)
    grad_w: tuple[np.ndarray, ...]  # ∂l/∂Wᵏ
    grad_b: tuple[np.ndarray, ...]  # ∂l/∂bᵏ
    updated: Network  # after W ← W - η ∂l/∂W, b ← b - η ∂l/∂b

    @property
    def logits(self) -> np.ndarray:
        return self.post[-1]

    @property
    def predicted(self) -> int:
        """The predicted class, numbered from 1."""
        return int(np.argmax(self.probs)) + 1

    @property
    def correct(self) -> bool:
        return self.predicted == self.y

    def arrays(self) -> dict[str, Any]:
        """Every value under a flat name (h1, hbar1, dl_dW1, W1_new, ...), for saving next to the run."""
        out: dict[str, Any] = {"x": self.x, "probs": self.probs, "loss": self.loss, "smoothed_loss": self.smoothed_loss}
        for k in range(1, len(self.pre) + 1):
            out |= {f"hbar{k}": self.pre[k - 1], f"h{k}": self.post[k - 1], f"dl_dh{k}": self.grad_h[k - 1]}
            out |= {
                f"dl_dhbar{k}": self.grad_pre[k - 1],
                f"dl_dW{k}": self.grad_w[k - 1],
                f"dl_db{k}": self.grad_b[k - 1],
            }
            out |= {f"W{k}_new": self.updated.weights[k - 1], f"b{k}_new": self.updated.biases[k - 1]}
        return out


def calculate(network: Network, x: Any, y: int, alpha: float = 0.1, eta: float = 0.01) -> Calculation:
    """Run the forward pass, both losses, the backward pass and one SGD step for one example (x, y)."""
    x = np.asarray(x, dtype=float).reshape(-1)
    sizes = network.sizes
    if not np.isfinite(x).all():
        raise InvalidSetting(f"x must hold finite numbers, got {x.tolist()}")
    if x.shape[0] != sizes[0]:
        raise InvalidNetwork(f"x has {x.shape[0]} values but the network takes {sizes[0]} inputs")
    if not 1 <= y <= sizes[-1]:
        raise InvalidSetting(f"y must be a class from 1 to {sizes[-1]} (numbered from 1), got {y}")
    if not 0 <= alpha <= 1:
        raise InvalidSetting(f"alpha must be between 0 and 1, got {alpha}")
    if not 0 <= eta < float("inf"):
        raise InvalidSetting(f"eta must be a finite number of at least 0, got {eta}")
    act = ACTIVATION_FUNCTIONS.get(network.activation)
    last = len(network.weights) - 1

    pre, post, h = [], [], x
    with np.errstate(over="ignore", invalid="ignore"):
        for k, (w, b) in enumerate(zip(network.weights, network.biases, strict=True)):
            hbar = h @ w + b
            h = hbar if k == last else act(hbar)
            pre.append(hbar)
            post.append(h)
    for k, hbar in enumerate(pre, 1):
        if not np.isfinite(hbar).all():
            raise InvalidNetwork(
                f"the forward pass overflows float64 at layer {k} (its pre-activations reach {hbar.tolist()}); "
                "scale the weights or the input down"
            )
    probs = softmax(h)
    onehot = smoothed_targets(y, sizes[-1], 0.0)
    loss = cross_entropy(h, onehot)
    smoothed = cross_entropy(h, smoothed_targets(y, sizes[-1], alpha))

    # Backward: ∂l/∂hᴸ = p - onehot(y); then per layer ∂l/∂Wᵏ = (hᵏ⁻¹)ᵀ ∂l/∂h̄ᵏ, ∂l/∂bᵏ = ∂l/∂h̄ᵏ,
    # ∂l/∂hᵏ⁻¹ = ∂l/∂h̄ᵏ (Wᵏ)ᵀ and ∂l/∂h̄ᵏ⁻¹ = ∂l/∂hᵏ⁻¹ ⊙ σ'(h̄ᵏ⁻¹).
    grad_h: list[np.ndarray] = [np.empty(0)] * len(pre)
    grad_pre: list[np.ndarray] = [np.empty(0)] * len(pre)
    grad_w: list[np.ndarray] = [np.empty(0)] * len(pre)
    grad_b: list[np.ndarray] = [np.empty(0)] * len(pre)
    grad_h[last] = grad_pre[last] = probs - onehot
    for k in range(last, -1, -1):
        below = post[k - 1] if k > 0 else x
        grad_w[k] = np.outer(below, grad_pre[k])
        grad_b[k] = grad_pre[k].copy()
        if k > 0:
            grad_h[k - 1] = grad_pre[k] @ network.weights[k].T
            grad_pre[k - 1] = grad_h[k - 1] * act.grad(pre[k - 1])
    if not all(np.isfinite(g).all() for g in grad_w):
        raise InvalidNetwork("the backward pass overflows float64; scale the weights or the input down")
    updated = Network(
        tuple(w - eta * g for w, g in zip(network.weights, grad_w, strict=True)),
        tuple(b - eta * g for b, g in zip(network.biases, grad_b, strict=True)),
        network.activation,
    )
    return Calculation(
        network, x, y, alpha, eta, tuple(pre), tuple(post), probs, loss, smoothed,
        tuple(grad_h), tuple(grad_pre), tuple(grad_w), tuple(grad_b), updated,
    )  # fmt: skip
