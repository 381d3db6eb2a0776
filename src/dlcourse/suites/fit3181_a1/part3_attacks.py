"""fit3181-a1 Question 3.8: FGSM, PGD and MIM against the best model of the earlier questions, with the
attacked images shown beside the clean ones."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from dlcourse.attacks import FGSM, MIM, PGD, Attack, robust_accuracy
from dlcourse.device import PRECISIONS, Precision, choose_precision
from dlcourse.plots.attacks import attacked_images
from dlcourse.settings import setting
from dlcourse.suites.context import TaskContext
from dlcourse.suites.fit3181_a1.part3_common import (
    BEST_PROFILE,
    CnnSettings,
    Images,
    best_saved_model,
    best_spec,
    pct,
    prepare,
    train_model,
)
from dlcourse.suites.registry import task

QUICK = dict(width=8, epochs=2, batch_size=64, train_size=2000, test_size=500)
NAMES = ("clean", "FGSM", "PGD", "MIM")


@dataclass(frozen=True)
class AttackSettings(CnnSettings):
    eps: float = setting(0.0313, "L∞ radius on [0, 1] pixels, about 8/255 (brief 3.8)", gt=0)
    steps: int = setting(20, "PGD and MIM iterations k (brief 3.8)", min=1)
    step_size: float = setting(0.002, "PGD and MIM step η (brief 3.8)", gt=0)
    attack_size: int | None = setting(None, "test images attacked (a seeded random subset); none = all", min=10)
    shown: int = setting(20, "random clean test images in the figure, with their attacked versions (brief 3.8)", min=1)
    attack_precision: str = setting(
        "auto",
        "arithmetic of the attacks' input gradients, in training and in testing: auto = bf16 where the device runs "
        "it natively (PGD-20 on 1,000 test images here: 17.8 s against 38.2 s in fp32, the same accuracy), fp32 "
        "elsewhere; accuracies are scored as every evaluation is",
        choices=PRECISIONS,
    )


def attack_precision(s: AttackSettings, device: torch.device) -> Precision:
    """The training loop's precision policy for the attacks' batches (bf16 for `auto` on CUDA and on CPUs with
    native bf16; the attacks' batches are large enough for it to pay), without channels_last."""
    return choose_precision(s.attack_precision, device, convolutional=False, batch_size=s.batch_size)


def attacks(s: AttackSettings, device: torch.device) -> dict[str, Attack | None]:
    """The brief's three attacks at its eps, k and η; PGD starts at a random point of the ball (Madry et al.)."""
    precision = attack_precision(s, device)
    return {
        "clean": None,
        "FGSM": FGSM(s.eps, precision),
        "PGD": PGD(s.eps, s.steps, s.step_size, precision=precision),
        "MIM": MIM(s.eps, s.steps, s.step_size, precision=precision),
    }


def attack_subset(ctx: TaskContext, data: Images) -> tuple[np.ndarray, np.ndarray]:
    s: AttackSettings = ctx.settings
    x, y = data.test
    if s.attack_size is None or s.attack_size >= len(y):
        return x, y
    pick = np.sort(np.random.default_rng(ctx.seed).choice(len(y), s.attack_size, replace=False))
    return x[pick], y[pick]


def robust_scores(ctx: TaskContext, model: nn.Module, data: Images) -> dict[str, tuple[float, float]]:
    """{attack: (accuracy, seconds)} on the attack subset of the test set."""
    test = attack_subset(ctx, data)
    out = {}
    for name, attack in attacks(ctx.settings, ctx.device).items():
        start = time.perf_counter()
        generator = torch.Generator(device=ctx.device).manual_seed(ctx.seed)
        with ctx.busy(f"{name} on {len(test[1]):,} test images"):
            accuracy = robust_accuracy(model.to(ctx.device), attack, test, generator=generator)
        out[name] = (accuracy, time.perf_counter() - start)
    return out


def standard_model(ctx: TaskContext, data: Images) -> tuple[nn.Module, str]:
    """The best model the earlier tasks saved, or one trained here (augmented, best epoch kept) if none did."""
    found = best_saved_model(ctx, data)
    if found is not None:
        model, _, source = found
        return model.to(ctx.device), source
    spec, lr, source = best_spec(ctx)
    trained = train_model(ctx, data, spec, "standard", lr=lr, augment=True, keep_best=True)
    return trained.model, f"{source}, trained here with augmentation (no earlier task saved a model)"


@task(
    "fit3181-a1/3.8",
    "FGSM, PGD and MIM attacks on the best model: robust accuracy and attacked images",
    brief=AttackSettings(),
    quick=AttackSettings(**QUICK | {"attack_size": 200}),
    best=AttackSettings(**BEST_PROFILE),
    reads=("3.4", "3.5-3.6", "3.7", "3.10"),
    shows=("robust", "attacked"),
)
def task_3_8(ctx: TaskContext) -> None:
    s: AttackSettings = ctx.settings
    data = prepare(ctx)
    model, source = standard_model(ctx, data)
    ctx.say(f"Attacked model: {source}.")
    scores = robust_scores(ctx, model, data)
    n = len(attack_subset(ctx, data)[1])
    steps, sizes = {"clean": 0, "FGSM": 1}, {"clean": 0, "FGSM": s.eps}
    rows = [{"attack": name, "eps": 0 if name == "clean" else s.eps, "steps": steps.get(name, s.steps),
             "step size": sizes.get(name, s.step_size), "accuracy (%)": pct(acc), "seconds": round(sec, 1)}
            for name, (acc, sec) in scores.items()]  # fmt: skip
    ctx.run.table("robust", rows, title=f"Accuracy on {n:,} test images, clean and under attack (L∞)")
    for name, (acc, _) in scores.items():
        ctx.run.metric(f"{name.lower()}_acc", acc, f"{name} accuracy" if name == "clean" else f"accuracy under {name}")
    show(ctx, model, data)
    acc = {name: value for name, (value, _) in scores.items()}
    ctx.answer(
        f"Clean accuracy {acc['clean']:.2%}; under FGSM {acc['FGSM']:.2%}, PGD-{s.steps} {acc['PGD']:.2%}, "
        f"MIM-{s.steps} {acc['MIM']:.2%} (eps {s.eps}, η {s.step_size}). "
        + attack_findings(acc, s)
        + f" The attacks' input gradients ran in {attack_precision(s, ctx.device).name}; the accuracies are scored "
        "as every evaluation is (fp32 on a CPU)."
    )


def attack_findings(acc: dict[str, float], s: AttackSettings) -> str:
    """What 3.8's numbers show: how much of the clean accuracy the strongest attack leaves, and whether the
    iterative attacks beat FGSM's single step."""
    strongest = min(("FGSM", "PGD", "MIM"), key=acc.__getitem__)
    kept = acc[strongest] / acc["clean"] if acc["clean"] else 0.0
    said = (
        f"A change of at most {s.eps * 255:.0f}/255 per pixel leaves {kept:.0%} of the clean accuracy under "
        f"{strongest}, the strongest attack here."
    )
    if max(acc["PGD"], acc["MIM"]) <= acc["FGSM"]:
        return said + f" The iterative attacks, {s.steps} small steps each, are at least as strong as FGSM's one step."
    return said + " FGSM's single step is stronger than at least one of the iterative attacks here."


def show(ctx: TaskContext, model: nn.Module, data: Images) -> None:
    """The brief's figure: random clean test images, their attacked versions, and the predictions."""
    s: AttackSettings = ctx.settings
    rng = np.random.default_rng(ctx.seed + 1)
    pick = np.sort(rng.choice(len(data.test[1]), size=min(s.shown, len(data.test[1])), replace=False))
    x = torch.as_tensor(data.test[0][pick]).to(ctx.device)
    y = torch.as_tensor(data.test[1][pick]).to(ctx.device)
    images, predictions = {}, {}
    generator = torch.Generator(device=ctx.device).manual_seed(ctx.seed)
    model.eval()
    for name, attack in attacks(s, ctx.device).items():
        adv = x if attack is None else attack(model, x, y, generator)
        with torch.no_grad():
            predictions[name] = model(adv).argmax(1).cpu().numpy()
        images[name] = adv.cpu().numpy().transpose(0, 2, 3, 1)
    ctx.run.array("shown", indices=pick, labels=data.test[1][pick], **{f"images_{k}": v for k, v in images.items()},
                  **{f"predicted_{k}": v for k, v in predictions.items()})  # fmt: skip
    fig = attacked_images(images, predictions, data.test[1][pick], data.dataset.classes)
    ctx.run.figure("attacked", fig, caption=f"{len(pick)} random test images: clean, then FGSM, PGD and MIM versions; "
                   "titles are predictions (green right, red wrong)")  # fmt: skip
