"""fit3181-a1 Questions 1.2 and 1.3: a small ReLU network's forward pass, losses, backward pass and SGD step.

The brief draws both networks in figures whose numbers are not part of its text. What the text does state is
used as given: x = [1, -1, 0], y = 3 (classes numbered from 1), three classes, label smoothing α = 0.1,
SGD with η = 0.01, and (Question 1.3) parameters "generated randomly". Both networks here are drawn from a
seeded standard normal, rounded to one decimal so that every step can be followed by hand; the network is
saved as network.json next to the results, so `dlcourse theory forward` reproduces the calculation.
"""

from __future__ import annotations

from dataclasses import dataclass

from dlcourse.settings import Settings, setting
from dlcourse.suites.context import TaskContext
from dlcourse.suites.registry import task
from dlcourse.theory import Calculation, calculate, random_network, steps
from dlcourse.theory.explain import fmt


@dataclass(frozen=True)
class CalculatorSettings(Settings):
    sizes: tuple[int, ...] = setting((3, 4, 4, 3), "layer widths, input to classes (the brief's figure)")
    x: tuple[float, ...] = setting((1.0, -1.0, 0.0), "the input (brief 1.3: x = [1, -1, 0])")
    y: int = setting(3, "the true class, numbered from 1 (brief: y = 3)", min=1)
    alpha: float = setting(0.1, "label smoothing (brief 1.2 g: α = 0.1)", min=0, max=1)
    eta: float = setting(0.01, "SGD learning rate (brief 1.3 d: η = 0.01)", min=0)
    network_seed: int = setting(3181, "seed of the random weights and biases (see Q12 / Q13 below)", min=0)


# The seeds are picked for readable examples: no pre-activation is exactly 0 (ReLU's kink), the prediction
# is wrong (so the gradients are large), and some ReLUs are inactive (so their derivative visibly zeroes a path).
Q12 = CalculatorSettings(network_seed=3196)
Q13 = CalculatorSettings(sizes=(3, 4, 3), network_seed=3181)


def _calculate(ctx: TaskContext) -> Calculation:
    s: CalculatorSettings = ctx.settings
    network = random_network(s.sizes, seed=s.network_seed)
    calc = calculate(network, s.x, s.y, alpha=s.alpha, eta=s.eta)
    ctx.run.write_json("network.json", network.to_dict())
    ctx.run.array("calculation", **calc.arrays())
    arrays = [f"W{k} = {fmt(w, None)}, b{k} = {fmt(b, None)}" for k, (w, b) in
              enumerate(zip(network.weights, network.biases, strict=True), start=1)]  # fmt: skip
    ctx.say(
        f"Network {list(s.sizes)} with ReLU hidden layers, drawn with seed {s.network_seed} (the brief's figure "
        f"is not in its text): " + "; ".join(arrays) + "."
    )
    x = ",".join(f"{v:g}" for v in s.x)
    ctx.say(
        f"Reproduce: dlcourse theory forward network.json --x {x} --y {s.y} --alpha {s.alpha:g} --eta {s.eta:g} "
        "(network.json is in this run's folder)."
    )
    return calc


def record_calculation(ctx: TaskContext, calc: Calculation, section: str, name: str, title: str) -> None:
    rows = [
        {"quantity": st.quantity, "formula": f"{st.quantity} {st.op} {st.formula}", "value": fmt(st.value, None),
         "remark": st.remark}
        for st in steps(calc)
        if st.section == section
    ]  # fmt: skip
    ctx.run.table(name, rows, title=title)


@task(
    "fit3181-a1/1.2",
    "Forward pass, prediction, cross-entropy and label smoothing by hand",
    brief=Q12,
    quick=Q12,
    shows=("forward",),
)
def task_1_2(ctx: TaskContext) -> None:
    calc = _calculate(ctx)
    record_calculation(ctx, calc, "forward", "forward", "Forward pass (a-f) and the label-smoothed loss (g)")
    ctx.run.metric("loss", calc.loss, "cross-entropy loss l")
    ctx.run.metric("smoothed_loss", calc.smoothed_loss, f"label-smoothed loss (α = {calc.alpha:g})")
    ctx.run.metric("predicted", calc.predicted, "predicted class (numbered from 1)")
    verdict = "correct" if calc.correct else "incorrect"
    ctx.answer(f"The predicted class is {calc.predicted} and the true class is {calc.y}: the prediction is {verdict}.")
    ctx.answer(
        "Label smoothing replaces the one-hot target by q = (1 - α) onehot(y) + α/K (Müller, Kornblith and Hinton, "
        f"2019), so the loss also charges the log-probabilities of the other classes: l_α = {calc.smoothed_loss:.4f} "
        f"against l = {calc.loss:.4f}."
    )


@task(
    "fit3181-a1/1.3",
    "Backpropagation and one SGD step by hand",
    brief=Q13,
    quick=Q13,
    shows=("backward", "sgd"),
)
def task_1_3(ctx: TaskContext) -> None:
    calc = _calculate(ctx)
    ctx.run.metric("loss", calc.loss, "cross-entropy loss l (a)")
    record_calculation(ctx, calc, "forward", "forward", "Forward pass up to the loss")
    record_calculation(ctx, calc, "backward", "backward", "Backward pass (b, c): every gradient of l")
    record_calculation(ctx, calc, "sgd", "sgd", f"Parameters after one SGD step with η = {calc.eta:g} (d)")
    ctx.answer(
        "Backpropagation reuses each layer's upstream gradient: with g = ∂l/∂h̄ᵏ, ∂l/∂Wᵏ = (hᵏ⁻¹)ᵀ g is an outer "
        "product, ∂l/∂bᵏ = g, and g (Wᵏ)ᵀ passes the gradient one layer down, where ReLU's derivative zeroes the "
        "units that were inactive in the forward pass."
    )
