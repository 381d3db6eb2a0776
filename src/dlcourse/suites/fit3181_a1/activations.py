"""fit3181-a1 Question 1.1: activation functions, their derivatives and output ranges, and two from the literature."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dlcourse.plots.theory import function_and_derivative
from dlcourse.settings import Settings, setting
from dlcourse.suites.context import TaskContext
from dlcourse.suites.registry import task
from dlcourse.theory import ACTIVATION_FUNCTIONS

FORMULAS = {
    "elu": ("α(eˣ - 1) if x < 0, else x", "αeˣ if x < 0, else 1"),
    "gelu": ("x Φ(x)", "Φ(x) + x φ(x)"),
    "silu": ("x σ(x)", "σ(x)(1 + x(1 - σ(x)))"),
    "mish": ("x tanh(softplus(x))", "tanh(sp) + x sech²(sp) σ(x), sp = ln(1 + eˣ)"),
    "relu": ("max(0, x)", "1 if x > 0, else 0"),
    "sigmoid": ("σ(x) = 1 / (1 + e⁻ˣ)", "σ(x)(1 - σ(x))"),
    "tanh": ("tanh(x)", "1 - tanh²(x)"),
}

ELU_DERIVATION = (
    "ELU's derivative, piece by piece. For x < 0: d/dx [α(eˣ - 1)] = α d/dx eˣ - α d/dx 1 = αeˣ. For x > 0: "
    "d/dx x = 1. At x = 0 the derivative from the left is αe⁰ = α and from the right 1, so ELU is differentiable "
    "there only for α = 1; the brief's 'otherwise' branch assigns 1 at 0. Output range: for x ≥ 0 the output "
    "is x, which covers [0, ∞); for x < 0, eˣ runs over (0, 1), so α(eˣ - 1) covers (-α, 0). "
    "Together: (-α, ∞) for α > 0."
)

# Question 1.1 b: two activation functions not covered in the lecture (which covers ReLU, sigmoid and tanh).
PAPERS = (
    "GELU. Paper: D. Hendrycks and K. Gimpel, 'Gaussian Error Linear Units (GELUs)', arXiv:1606.08415, 2016. "
    "Motivation: ReLU gates its input by its sign, a hard 0-or-1 decision, while dropout multiplies inputs by "
    "random 0/1 masks. The authors merge the two ideas: multiply x by a 0/1 mask whose chance of being 1 grows "
    "with x, namely Φ(x), the probability that a standard normal variable is below x. GELU is the expected value "
    "of that stochastic gate, x Φ(x), so an input is weighted by how large it is compared with others rather "
    "than kept or dropped by its sign.",
    "GELU. Advantages: it is smooth everywhere, so its gradient has no jump at 0; it is non-monotonic, with a "
    "small negative dip near x ≈ -0.75, so slightly negative inputs still pass gradient (no dead units as "
    "with ReLU); for large |x| it behaves like ReLU, keeping ReLU's non-saturating gradient for positive inputs. "
    "The paper reports lower error than ReLU and ELU on MNIST, CIFAR-10/100, TIMIT and a Twitter POS tagger, "
    "and it became the default activation of Transformers such as BERT and GPT.",
    "Mish. Paper: D. Misra, 'Mish: A Self Regularized Non-Monotonic Activation Function', arXiv:1908.08681, "
    "2019 (BMVC 2020). Motivation: Swish (x σ(x)), found by an automated search, had beaten ReLU, and the author "
    "looked for a function with the same useful shape (unbounded above, bounded below, smooth, non-monotonic) "
    "but better behaved. Writing Swish's gate differently leads to x tanh(softplus(x)); the paper relates its "
    "first derivative to Swish's through a preconditioner term that smooths the gradient, which it argues acts "
    "as a regulariser.",
    "Mish. Advantages: unbounded above, so it does not saturate for large inputs and gradients do not vanish "
    "there; bounded below (about -0.31), which limits how much negative signal passes and regularises; smooth, "
    "with a continuous derivative everywhere, which the paper shows gives a smoother loss landscape than ReLU; "
    "keeps a small gradient for negative inputs, avoiding dead neurons. The paper reports higher accuracy than "
    "Swish and ReLU on CIFAR-10/100 and ImageNet classifiers and as the backbone activation of YOLOv4.",
)


@dataclass(frozen=True)
class ActivationSettings(Settings):
    x_min: float = setting(-4.0, "left end of the plotted interval")
    x_max: float = setting(4.0, "right end of the plotted interval")
    points: int = setting(801, "points on the interval", min=3)
    elu_alpha: float = setting(1.0, "ELU's α (brief 1.1 a leaves it open; 1 is the usual choice)", gt=0)


@task(
    "fit3181-a1/1.1",
    "Activation functions: ELU and others, derivatives, output ranges",
    brief=ActivationSettings(),
    quick=ActivationSettings(points=201),
    shows=("activations",),
)
def task_1_1(ctx: TaskContext) -> None:
    s: ActivationSettings = ctx.settings
    x = np.linspace(s.x_min, s.x_max, s.points)
    curves, rows = {}, []
    for name in ACTIVATION_FUNCTIONS:
        act = ACTIVATION_FUNCTIONS.get(name)
        params = {"alpha": s.elu_alpha} if name == "elu" else {}
        f, df = act(x, **params), act.grad(x, **params)
        curves[name] = (f, df)
        # Check the analytic derivative against a central difference away from any kink at 0.
        h = 1e-5
        away = x[np.abs(x) > 1e-3]
        numeric = (act(away + h, **params) - act(away - h, **params)) / (2 * h)
        formula, derivative = FORMULAS[name]
        rows.append(
            {
                "function": name,
                "f(x)": formula,
                "f'(x)": derivative,
                "output range": act.output_range,
                "largest gap to a central difference": float(np.abs(act.grad(away, **params) - numeric).max()),
            }
        )
    ctx.run.array("activations", x=x, **{f"{n}": f for n, (f, _) in curves.items()},
                  **{f"d_{n}": df for n, (_, df) in curves.items()})  # fmt: skip
    ctx.run.table("activations", rows, title="Activation functions, derivatives and output ranges")
    ctx.run.figure(
        "activations",
        function_and_derivative(x, curves),
        caption=f"Each function (solid) and its derivative (dashed) on [{s.x_min:g}, {s.x_max:g}]; ELU with α = "
        f"{s.elu_alpha:g}",
    )
    ctx.answer(ELU_DERIVATION)
    for text in PAPERS:
        ctx.answer(text)
