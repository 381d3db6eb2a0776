"""Plain gradient descent on a 2-D function, keeping the whole path (fit3181-a1 Question 1.4).

The pseudo-code the brief asks for is `descend` itself:

    θ ← θ₀
    repeat `steps` times:
        g ← ∇f(θ)          # the direction in which f rises fastest at θ
        θ ← θ - η g        # a step of length η‖g‖ the other way, downhill
    return θ
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from dlcourse.errors import InvalidSetting


@dataclass(frozen=True)
class Quadratic:
    """f(θ) = ½ θᵀ diag(curvatures) θ: an elongated bowl, the simplest place where the learning rate matters.

    Along axis i one step multiplies θᵢ by (1 - η cᵢ), so descent converges only when η < 2 / max(c),
    and crawls along the flat axis when η is much smaller than 2 / max(c).
    """

    curvatures: tuple[float, float] = (1.0, 10.0)

    def __call__(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return 0.5 * (self.curvatures[0] * x * x + self.curvatures[1] * y * y)

    def value(self, theta: np.ndarray) -> float:
        return float(self(theta[0], theta[1]))

    def grad(self, theta: np.ndarray) -> np.ndarray:
        return np.asarray(self.curvatures) * theta

    @property
    def stable_below(self) -> float:
        """The largest learning rate for which descent still converges (exclusive)."""
        return 2 / max(self.curvatures)


def descend(grad: Callable[[np.ndarray], np.ndarray], start: np.ndarray, lr: float, steps: int) -> np.ndarray:
    """Gradient descent from `start`; returns the path, `steps + 1` points including the start."""
    if not lr > 0:
        raise InvalidSetting(f"the learning rate must be greater than 0, got {lr}")
    theta = np.asarray(start, dtype=float).copy()
    path = [theta.copy()]
    for _ in range(steps):
        theta = theta - lr * grad(theta)
        path.append(theta.copy())
    return np.array(path)
