"""bath-a2 Task 3.1: the [784, 1000, 1000, 10] ReLU MLP on MNIST, trained with Adam."""

from __future__ import annotations

from dataclasses import dataclass

from dlcourse.data import flatten, scale_unit
from dlcourse.models import ACTIVATIONS, mlp
from dlcourse.settings import setting
from dlcourse.suites.context import TaskContext
from dlcourse.suites.mixins import ConstantRateBrief, DataSize
from dlcourse.suites.recipe import record, train_and_score
from dlcourse.suites.registry import task


@dataclass(frozen=True)
class MlpSettings(DataSize, ConstantRateBrief):
    sizes: tuple[int, ...] = setting((784, 1000, 1000, 10), "layer widths, input to output (brief 3.1)")
    activation: str = setting("relu", "hidden-layer activation (brief: ReLU)", choices=tuple(ACTIVATIONS))
    epochs: int = setting(10, "passes over the training set (brief: e.g. 10)", min=1)
    batch_size: int = setting(50, "images per Adam step (brief: e.g. 50)", min=1)
    lr: float = setting(1e-3, "Adam learning rate (brief: e.g. 0.001)", gt=0)


@task(
    "bath-a2/3.1",
    "MLP [784, 1000, 1000, 10] on MNIST",
    brief=MlpSettings(),
    quick=MlpSettings(epochs=4, train_size=5000, test_size=1000),
    shows=("curves",),
)
def task_3_1(ctx: TaskContext) -> None:
    s: MlpSettings = ctx.settings
    ds = ctx.load("mnist")
    # The brief's preparation: x / 255, vectorised to 784 features. Labels stay class indices:
    # cross-entropy against an index equals cross-entropy against its one-hot row (np.eye(10)[y]).
    train = (flatten(scale_unit(ds.x_train)), ds.y_train)
    test = (flatten(scale_unit(ds.x_test)), ds.y_test)
    ctx.say(
        "Softmax + cross-entropy: the network outputs logits and F.cross_entropy applies the softmax "
        "(as log-softmax, which is numerically safer than softmax followed by log)."
    )
    model = mlp(s.sizes, s.activation)
    trained = train_and_score(ctx, model, train, ctx.config(), evals={"test": test}, label="mlp")
    title = f"MLP {list(s.sizes)}, Adam lr={s.lr:g} ({s.lr_schedule}), batch {s.batch_size}"
    record(
        ctx, trained, name="mlp", title=title, spec={"sizes": s.sizes, "activation": s.activation}, curves_answer=True
    )
