"""fit3181-a1 Question 1.4: gradient descent, its pseudo-code, and learning rates that diverge, crawl or work."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dlcourse.errors import InvalidSetting
from dlcourse.plots.theory import descent_paths
from dlcourse.settings import Settings, setting
from dlcourse.suites.context import TaskContext
from dlcourse.suites.registry import task
from dlcourse.theory import Quadratic, descend

PSEUDO_CODE = (
    ("θ ← θ₀", "start from an initial guess of the parameters (random weights in a network)"),
    ("for t = 1, …, T:", "take a fixed number of steps (or stop when the loss stops falling)"),
    ("    g ← ∇f(θ)", "the gradient: the direction in which the loss rises fastest at θ, and how steeply"),
    ("    θ ← θ - η g", "move a small step, scaled by the learning rate η, against the gradient"),
    ("return θ", "the parameters reached"),
)

WHY_DOWNHILL = (
    "Why against the gradient (1.4 b): near θ, f(θ + d) ≈ f(θ) + ∇f(θ)·d. Among steps d of a given small length, "
    "∇f(θ)·d is most negative when d points opposite to ∇f(θ), so -∇f is the direction of steepest descent: the "
    "step θ - η∇f(θ) changes f by about -η‖∇f(θ)‖², which is negative whenever the gradient is not zero and η is "
    "small enough for the linear approximation to hold. Following +∇f would increase the loss instead."
)


@dataclass(frozen=True)
class DescentSettings(Settings):
    curvatures: tuple[float, ...] = setting((1.0, 10.0), "f(θ) = ½(c₁θ₁² + c₂θ₂²): the bowl's curvatures")
    start: tuple[float, ...] = setting((-4.0, 1.5), "starting point θ₀")
    rates: tuple[float, ...] = setting((0.21, 0.005, 0.15), "learning rates: diverging, crawling, working")
    steps: int = setting(40, "gradient steps per path", min=1)


@task(
    "fit3181-a1/1.4",
    "Gradient descent: pseudo-code and learning rates",
    brief=DescentSettings(),
    quick=DescentSettings(),
    shows=("pseudo_code",),
)
def task_1_4(ctx: TaskContext) -> None:
    s: DescentSettings = ctx.settings
    if len(s.curvatures) != 2 or len(s.start) != 2:
        raise InvalidSetting("curvatures and start each take two values: the function is of two variables")
    bowl = Quadratic((s.curvatures[0], s.curvatures[1]))
    ctx.run.table("pseudo_code", [{"pseudo-code": c, "what it does": w} for c, w in PSEUDO_CODE],
                  title="Gradient descent (1.4 a)")  # fmt: skip
    ctx.answer(WHY_DOWNHILL)
    paths, rows = {}, []
    start = np.asarray(s.start, dtype=float)
    for lr in s.rates:
        path = descend(bowl.grad, start, lr, s.steps)
        final = bowl.value(path[-1])
        verdict = behaviour_of(bowl, lr, final, bowl.value(start))
        paths[f"η = {lr:g} ({verdict})"] = path
        rows.append({"learning rate η": lr, "f(θ₀)": bowl.value(start), f"f(θ_{s.steps})": final, "behaviour": verdict})
    ctx.run.array("paths", **{f"lr_{lr:g}": p for lr, p in zip(s.rates, paths.values(), strict=True)})
    ctx.run.table("rates", rows, title=f"{s.steps} steps from θ₀ = {tuple(s.start)}")
    ctx.say(
        f"On this bowl each step multiplies θᵢ by (1 - η cᵢ): descent converges only for η < 2 / max c = "
        f"{bowl.stable_below:g}; just above it the steep coordinate overshoots further each step and diverges, "
        "while a very small η is stable but leaves the flat coordinate far from the minimum."
    )
    reach = 1.2 * max(np.abs(start).max(), 1.0)
    gx, gy = np.meshgrid(np.linspace(-reach, reach, 241), np.linspace(-reach * 0.6, reach * 0.6, 161))
    ctx.run.figure(
        "paths",
        descent_paths(gx, gy, bowl(gx, gy), paths, title=f"f(θ) = ½({s.curvatures[0]:g}θ₁² + {s.curvatures[1]:g}θ₂²)"),
        caption="Gradient-descent paths over the contours of f for three learning rates (the minimum is the star)",
    )


def behaviour_of(bowl: Quadratic, lr: float, final: float, initial: float) -> str:
    if lr >= bowl.stable_below or final > initial:
        return "diverges"
    return "crawls" if final > 1e-2 * initial else "converges"
