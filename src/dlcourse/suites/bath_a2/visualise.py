"""bath-a2 Task 5: what the trained 4.1 CNN has learned: filters, activation maps, DeepDream."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch

from dlcourse.analysis.activations import activation_after, conv_activations, sparsity
from dlcourse.analysis.deepdream import Dream, class_logit, deep_dream, layer_activation
from dlcourse.analysis.filters import conv_layers, kernel_mosaic, mean_kernels
from dlcourse.data import scale_unit
from dlcourse.errors import DataNotFound
from dlcourse.models import cnn
from dlcourse.plots.images import image_grid, mosaic
from dlcourse.plots.print_size import FIGURE_WIDTH_IN
from dlcourse.runs import load_checkpoint
from dlcourse.settings import setting
from dlcourse.suites.bath_a2.observations import contrast_sentence, smoothness, sparsity_sentence
from dlcourse.suites.context import TaskContext
from dlcourse.suites.mixins import SizedTestSet
from dlcourse.suites.registry import task


@dataclass(frozen=True)
class VisualiseSettings(SizedTestSet):
    digits: tuple[int, ...] = setting((2, 9), "classes whose activations and dreams are shown (brief: 2 and 9)")
    dream_steps: int = setting(60, "gradient-ascent steps per octave", min=1)
    dream_lr: float = setting(0.05, "Adam step size on the pixels", gt=0)
    dream_layer: int = setting(2, "conv layer (1-based) whose mean activation the layer dream raises", min=1)
    tv_weight: float = setting(0.3, "total-variation (smoothness) penalty", min=0)
    layer_anchor: float = setting(
        3.0, "L2 pull towards the input in layer dreams (lower values saturate the image with ink)", min=0
    )


def trained_cnn(ctx: TaskContext) -> torch.nn.Module:
    folder = ctx.earlier_run("4.1")
    if folder is None:
        raise DataNotFound(
            f"task 5 looks inside the trained 4.1 CNN: run 'dlcourse run bath-a2/4.1 --profile {ctx.profile}' first"
        )
    saved = load_checkpoint(folder / "cnn.pt")
    spec = saved["spec"]
    model = cnn(spec["filters"], kernel_size=spec["kernel_size"], strides=spec["strides"])
    model.load_state_dict(saved["state_dict"])
    ctx.say(
        f"The trained CNN comes from {folder} ({spec['filters']} filters, {spec['kernel_size']}x"
        f"{spec['kernel_size']} kernels, strides {list(spec['strides'])})."
    )
    return model.eval()


@task(
    "bath-a2/5",
    "Visualising the 4.1 CNN: filters, activations, DeepDream",
    brief=VisualiseSettings(),
    quick=VisualiseSettings(dream_steps=15, test_size=1000),
    needs=("4.1",),
    shows=("filters_conv1", "activation_sparsity", "deepdream_progress"),
)
def task_5(ctx: TaskContext) -> None:
    s: VisualiseSettings = ctx.settings
    model = trained_cnn(ctx)
    filters(ctx, model)
    ds = ctx.load("mnist")
    images = {d: torch.as_tensor(scale_unit(ds.x_test[np.flatnonzero(ds.y_test == d)[0]]))[None] for d in s.digits}
    activations(ctx, model, images)
    dreams(ctx, model, images, s)


def filters(ctx: TaskContext, model: torch.nn.Module) -> None:
    for i, conv in enumerate(conv_layers(model), start=1):
        w = conv.weight.detach()
        out_ch, in_ch, k, _ = w.shape
        if in_ch == 1:
            fig = image_grid(
                list(w[:, 0].numpy()),
                [f"{j}" for j in range(out_ch)],
                ncols=8,
                cmap="RdBu_r",
                symmetric=True,
                title=f"conv{i}: all {out_ch} learned {k}x{k} filters",
            )
            ctx.run.figure(
                f"filters_conv{i}",
                fig,
                caption=f"Layer {i}: its {out_ch} {k}x{k} filters, one shared "
                "symmetric colour scale (red positive, blue negative)",
            )
            continue
        fig = mosaic(
            kernel_mosaic(w),
            f"conv{i}: all {out_ch * in_ch:,} kernels (row = output filter, column = input channel)",
            size=(FIGURE_WIDTH_IN, min(8.5, max(2.5, FIGURE_WIDTH_IN * out_ch / in_ch / 2))),
        )
        ctx.run.figure(
            f"filters_conv{i}",
            fig,
            caption=f"Layer {i}: every {k}x{k} kernel ({out_ch} filters x "
            f"{in_ch} input channels), one symmetric colour scale",
        )
        fig = image_grid(
            list(mean_kernels(w)),
            None,
            ncols=16,
            cmap="RdBu_r",
            symmetric=True,
            panel=0.7,
            title=f"conv{i}: each filter's kernel averaged over its {in_ch} input channels",
        )
        ctx.run.figure(
            f"filters_conv{i}_mean",
            fig,
            caption=f"Layer {i}: a readable summary, the mean kernel of each output filter",
        )
    first = conv_layers(model)[0]
    untrained = copy.deepcopy(first)
    torch.manual_seed(ctx.seed)
    untrained.reset_parameters()
    trained_count, untrained_count = two_signed_filters(first.weight), two_signed_filters(untrained.weight)
    n = first.weight.shape[0]
    verdict = (
        "so the count alone does not show that training made edge detectors: random kernels pass this test as often"
        if trained_count <= untrained_count
        else "so training made more of them than chance gives"
    )
    ctx.answer(
        f"{trained_count} of the {n} trained layer-1 filters have both a strong positive and a strong negative "
        f"region (at least a quarter of the filter's largest weight; the shape of an edge or stroke detector), "
        f"against {untrained_count} of {n} in a freshly initialised layer of the same shape, {verdict}. "
        f"{smoothness(roughness(first.weight), roughness(untrained.weight))} "
        "Deeper kernels look noisier: each contributes one part of a feature spread over all of its input "
        "channels, which is why each filter's mean kernel is shown too."
    )


def roughness(weight: torch.Tensor) -> float:
    """Mean absolute difference between horizontally and vertically neighbouring kernel weights, over the mean
    absolute weight: about 1.33 for independent uniform weights (PyTorch's default initialisation), lower for
    smooth (learned) patterns."""
    w = weight.detach().float()
    steps = torch.cat([(w[..., 1:, :] - w[..., :-1, :]).flatten(), (w[..., 1:] - w[..., :-1]).flatten()])
    return float(steps.abs().mean() / w.abs().mean())


def two_signed_filters(weight: torch.Tensor) -> int:
    """Filters (first input channel) with a weight above +1/4 and one below -1/4 of their largest magnitude."""
    first = weight.detach()[:, 0].flatten(1)
    scale = first.abs().amax(dim=1, keepdim=True)
    return int(((first > 0.25 * scale).any(1) & (first < -0.25 * scale).any(1)).sum())


def activations(ctx: TaskContext, model: torch.nn.Module, images: dict[int, torch.Tensor]) -> None:
    rows, channel_means = [], {}
    for digit, image in images.items():
        maps = conv_activations(model, image)
        channel_means[digit] = [layer.mean(axis=(1, 2)) for layer in maps]
        for i, layer in enumerate(maps, start=1):
            fig = image_grid(
                list(layer),
                None,
                ncols=min(16, len(layer)),
                cmap="viridis",
                panel=0.65,
                title=f"digit {digit}: conv{i} activations ({layer.shape[0]} maps of "
                f"{layer.shape[1]}x{layer.shape[2]})",
            )
            ctx.run.figure(
                f"activations_{digit}_conv{i}",
                fig,
                caption=f"Digit {digit}, layer {i}: every activation map after ReLU",
            )
            rows.append(
                {
                    "digit": digit,
                    "layer": i,
                    "maps": layer.shape[0],
                    "size": f"{layer.shape[1]}x{layer.shape[2]}",
                    "zero_share": round(sparsity(layer), 3),
                    "mean": round(float(layer.mean()), 4),
                }
            )
    ctx.run.table("activation_sparsity", rows, title="Share of activations that ReLU switched off, per layer")
    by_layer = {r["layer"]: [] for r in rows}
    for r in rows:
        by_layer[r["layer"]].append(r["zero_share"])
    ctx.answer(sparsity_sentence({k: float(np.mean(v)) for k, v in by_layer.items()}))
    if len(channel_means) == 2:
        (a, first), (b, second) = channel_means.items()
        similarity = {i: cosine(u, v) for i, (u, v) in enumerate(zip(first, second, strict=True), start=1)}
        ctx.answer(contrast_sentence(a, b, similarity))


def cosine(u: np.ndarray, v: np.ndarray) -> float:
    """Cosine similarity of two non-negative vectors; 1.0 when both are all zero (nothing fires in either)."""
    norms = float(np.linalg.norm(u) * np.linalg.norm(v))
    return float(u @ v) / norms if norms > 0 else 1.0


def dreams(ctx: TaskContext, model: torch.nn.Module, images: dict[int, torch.Tensor], s: VisualiseSettings) -> None:
    generator = torch.Generator().manual_seed(ctx.seed)
    # The layer dream raises the mean of the layer's ReLU output, as DeepDream does, not its pre-activation.
    layer = activation_after(model, conv_layers(model)[min(s.dream_layer, len(conv_layers(model))) - 1])
    runs: dict[str, Dream] = {}
    for digit, image in images.items():
        noise = 0.5 + 0.1 * torch.randn(image.shape, generator=generator)
        for start_name, start in (("image", image), ("noise", noise.clamp(0, 1))):
            runs[f"{digit} logit from {start_name}"] = deep_dream(
                model,
                start,
                class_logit(digit),
                steps_per_octave=s.dream_steps,
                lr=s.dream_lr,
                tv_weight=s.tv_weight,
                seed=ctx.seed,
            )
        runs[f"{digit} conv{s.dream_layer} from image"] = deep_dream(
            model,
            image,
            layer_activation(layer),
            steps_per_octave=s.dream_steps,
            lr=s.dream_lr,
            tv_weight=s.tv_weight,
            l2_weight=s.layer_anchor,
            seed=ctx.seed,
        )
    _record_dreams(ctx, model, runs)


def _record_dreams(ctx: TaskContext, model: torch.nn.Module, runs: dict[str, Dream]) -> None:
    names = list(runs)
    snapshots = [im for name in names for im in runs[name].snapshots]
    steps = runs[names[0]].snapshot_steps
    titles = [f"{name}\nstep {st}" for name in names for st in runs[name].snapshot_steps]
    fig = image_grid(snapshots, titles, ncols=len(steps), panel=1.4, title="DeepDream progressions (left to right)")
    ctx.run.figure("deepdream_progress", fig, caption="Each row: one dream, from its start to its final image")
    finals = np.stack([runs[n].image for n in names])
    with torch.no_grad():
        probs = torch.softmax(model(torch.as_tensor(finals)[:, None]), dim=1).numpy()
    ctx.run.array("deepdream", finals=finals, probabilities=probs)
    rows = []
    for name, p in zip(names, probs, strict=True):
        rows.append(
            {
                "dream": name,
                "predicted": int(p.argmax()),
                "p_predicted": round(float(p.max()), 4),
                "objective_start": round(runs[name].objective[0], 3),
                "objective_end": round(runs[name].objective[-1], 3),
                **{f"p{c}": round(float(p[c]), 3) for c in range(10)},
            }
        )
    ctx.run.table("deepdream", rows, title="Final dream images: class probabilities and objective before/after")
    logit_rows = [r for r in rows if "logit" in r["dream"]]
    hits = sum(r["predicted"] == int(r["dream"].split()[0]) for r in logit_rows)
    noise_rows = [r for r in logit_rows if "noise" in r["dream"]]
    ctx.answer(
        f"{hits} of {len(logit_rows)} class-logit dreams end classified as their target digit; those started from "
        f"noise reach a mean probability of {np.mean([r['p_predicted'] for r in noise_rows]):.2f} for their "
        "prediction although they are not digits to a human eye: the network's evidence for a class is a few "
        "stroke fragments in the right places, which the progression figure shows forming."
    )
