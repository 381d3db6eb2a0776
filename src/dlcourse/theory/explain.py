"""A `Calculation` written out step by step: each formula in the brief's notation, then its numbers.

`steps` gives the steps as data (for report tables); `explain` renders them as text (for the terminal).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dlcourse.theory.calculator import Calculation, smoothed_targets

_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
SECTIONS = ("forward", "backward", "sgd")


def sup(k: int) -> str:
    return str(k).translate(_SUP)


@dataclass(frozen=True)
class Step:
    section: str  # forward, backward or sgd
    quantity: str  # h̄¹, ∂l/∂W², ...
    formula: str
    value: np.ndarray | float | str
    remark: str = ""
    op: str = "="  # "←" for an update


def fmt(value: np.ndarray | float | str, indent: int | None = 0) -> str:
    """Numbers to 4 decimals; a matrix continues on lines indented by `indent`, or on one line when None."""
    if isinstance(value, str):
        return value
    if np.ndim(value) == 0:
        return f"{float(value):.4f}"
    shown = np.round(np.asarray(value, dtype=float), 4) + 0.0  # + 0.0 turns -0.0 into 0.0
    text = np.array2string(shown, precision=4, suppress_small=True, floatmode="fixed", separator=", ")
    return " ".join(text.split()) if indent is None else text.replace("\n", "\n" + " " * indent)


def header(calc: Calculation) -> list[str]:
    net, act, layers = calc.network, calc.network.activation, len(calc.network.weights)
    arch = " → ".join([str(net.sizes[0]), *(f"{n} ({act})" for n in net.sizes[1:-1]), f"{net.sizes[-1]} (softmax)"])
    return [
        f"Network {arch}. Row vectors: h̄ᵏ = hᵏ⁻¹ Wᵏ + bᵏ, hᵏ = {act}(h̄ᵏ) for hidden layers, h⁰ = x;",
        f"the last layer h{sup(layers)} = h{sup(layers - 1)} W{sup(layers)} + b{sup(layers)} gives the logits. "
        "Classes are numbered from 1, as in the brief.",
        f"x = {fmt(calc.x, None)}, y = {calc.y}",
    ]


def steps(calc: Calculation) -> list[Step]:
    net, act = calc.network, calc.network.activation
    layers = len(net.weights)
    L = sup(layers)
    out = []
    for k in range(1, layers + 1):
        below = "x" if k == 1 else f"h{sup(k - 1)}"
        if k < layers:
            out.append(Step("forward", f"h̄{sup(k)}", f"{below} W{sup(k)} + b{sup(k)}", calc.pre[k - 1]))
            out.append(Step("forward", f"h{sup(k)}", f"{act}(h̄{sup(k)})", calc.post[k - 1]))
        else:
            out.append(Step("forward", f"h{L}", f"{below} W{L} + b{L}", calc.logits, "logits"))
    out.append(Step("forward", "p", f"softmax(h{L}) = exp(h{L}) / Σⱼ exp(h{L}ⱼ)", calc.probs))
    verdict = "correct" if calc.correct else "incorrect"
    out.append(Step("forward", "predicted class", "argmax p", str(calc.predicted), f"y = {calc.y}: {verdict}"))
    p_y = fmt(calc.probs[calc.y - 1])
    out.append(Step("forward", "l", f"-log p_y = -log {p_y}", calc.loss, "cross-entropy"))
    q = smoothed_targets(calc.y, net.sizes[-1], calc.alpha)
    out.append(Step("forward", "q", f"(1 - α) onehot(y) + α / K, α = {calc.alpha:g}", q, "smoothed targets"))
    out.append(Step("forward", "l_α", "-Σₖ qₖ log pₖ", calc.smoothed_loss, "label-smoothed cross-entropy"))
    out.append(Step("backward", f"∂l/∂h{L}", "p - onehot(y)", calc.grad_h[-1]))
    for k in range(layers, 0, -1):
        grad = f"∂l/∂h{L}" if k == layers else f"∂l/∂h̄{sup(k)}"
        below = "x" if k == 1 else f"h{sup(k - 1)}"
        out.append(Step("backward", f"∂l/∂W{sup(k)}", f"({below})ᵀ {grad}", calc.grad_w[k - 1]))
        out.append(Step("backward", f"∂l/∂b{sup(k)}", grad, calc.grad_b[k - 1]))
        if k > 1:
            j = sup(k - 1)
            out.append(Step("backward", f"∂l/∂h{j}", f"{grad} (W{sup(k)})ᵀ", calc.grad_h[k - 2]))
            out.append(Step("backward", f"∂l/∂h̄{j}", f"∂l/∂h{j} ⊙ {act}'(h̄{j})", calc.grad_pre[k - 2]))
    for k in range(layers, 0, -1):
        updated = calc.updated
        out.append(Step("sgd", f"W{sup(k)}", f"W{sup(k)} - η ∂l/∂W{sup(k)}", updated.weights[k - 1], op="←"))
        out.append(Step("sgd", f"b{sup(k)}", f"b{sup(k)} - η ∂l/∂b{sup(k)}", updated.biases[k - 1], op="←"))
    return out


def explain(calc: Calculation) -> str:
    """The forward pass, losses, backward pass and SGD step as lines of text."""
    titles = {
        "forward": "Forward pass",
        "backward": "Backward pass (of the cross-entropy l)",
        "sgd": f"SGD step, η = {calc.eta:g}",
    }
    out = header(calc)
    section = None
    for step in steps(calc):
        if step.section != section:
            section = step.section
            out += ["", titles[section]]
        head = f"  {step.quantity} {step.op} {step.formula} = "
        out.append(head + fmt(step.value, len(head)) + (f"   ({step.remark})" if step.remark else ""))
    return "\n".join(out)
