"""bath-a2 Task 4.1: the [32, 64, 128] CNN (4x4 kernels, strides 1, 2, 2) on MNIST, trained with Adam."""

from __future__ import annotations

from dataclasses import dataclass

from dlcourse.data import channels_first, scale_unit
from dlcourse.models import cnn
from dlcourse.settings import setting
from dlcourse.suites.context import TaskContext
from dlcourse.suites.mixins import ConstantRateBrief, DataSize
from dlcourse.suites.recipe import record, train_and_score
from dlcourse.suites.registry import task


@dataclass(frozen=True)
class CnnSettings(DataSize, ConstantRateBrief):
    filters: tuple[int, ...] = setting((32, 64, 128), "conv filters per layer (brief 4.1)")
    kernel_size: int = setting(4, "square kernel edge (brief: 4x4)", min=1)
    strides: tuple[int, ...] = setting((1, 2, 2), "stride per conv layer (brief: 1, then 2, 2)")
    epochs: int = setting(10, "passes over the training set (our choice: the curve has flattened by then)", min=1)
    batch_size: int = setting(64, "images per Adam step (our choice)", min=1)


@task(
    "bath-a2/4.1",
    "CNN [32, 64, 128], 4x4 kernels, strides 1-2-2, on MNIST",
    brief=CnnSettings(),
    quick=CnnSettings(epochs=4, train_size=5000, test_size=1000),
    shows=("curves",),
)
def task_4_1(ctx: TaskContext) -> None:
    s: CnnSettings = ctx.settings
    ds = ctx.load("mnist")
    # Images keep their 28x28 shape (the brief's "recover N x 28 x 28"), with one channel: N x 1 x 28 x 28.
    train = (channels_first(scale_unit(ds.x_train)), ds.y_train)
    test = (channels_first(scale_unit(ds.x_test)), ds.y_test)
    model = cnn(s.filters, kernel_size=s.kernel_size, strides=s.strides)
    ctx.say(
        f"Architecture: {len(s.filters)} conv layers {list(s.filters)}, {s.kernel_size}x{s.kernel_size} kernels, "
        f"strides {list(s.strides)}, no padding, ReLU; flatten; dense 10. Adam, lr {s.lr:g}, batch {s.batch_size}, "
        f"{s.epochs} epochs, {s.lr_schedule} learning-rate schedule (the brief leaves these to us)."
    )
    trained = train_and_score(ctx, model, train, ctx.config(), evals={"test": test}, label="cnn")
    title = f"CNN {list(s.filters)}, Adam lr={s.lr:g} ({s.lr_schedule}), batch {s.batch_size}"
    # Task 5 visualises this trained network: keep its weights with the spec that rebuilds it.
    spec = {"filters": s.filters, "kernel_size": s.kernel_size, "strides": s.strides}
    record(ctx, trained, name="cnn", title=title, spec=spec, curves_answer=True)
