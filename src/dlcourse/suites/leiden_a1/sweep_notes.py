"""What leiden-a1 Task 1 says about its searches and its transfer, computed from the trial records."""

from __future__ import annotations

from dlcourse.sweep.summary import ranked, spread


def search_notes(name: str, records: list[dict], by_value: dict[str, dict[str, list[float]]]) -> list[str]:
    order = ranked(records)
    best = order[0]
    notes = [
        f"{name}: best of {len(records)} trials is {setting_text(best)} with {best['metrics']['val_acc']:.2%} "
        "validation accuracy"
        + (
            f"; the runner-up reaches {order[1]['metrics']['val_acc']:.2%}."
            if len(order) > 1 and succeeded(order[1])
            else "."
        )
    ]
    if len(records) > 1:
        ordered = sorted(by_value.items(), key=lambda kv: -spread(kv[1]))
        param, values = ordered[0]
        means = {v: sum(s) / len(s) for v, s in values.items()}
        top, bottom = max(means, key=means.get), min(means, key=means.get)
        notes.append(
            f"{name}: {param} moves mean validation accuracy the most: {means[top]:.2%} with {top} against "
            f"{means[bottom]:.2%} with {bottom}; the least is {ordered[-1][0]} "
            f"({100 * spread(ordered[-1][1]):.2f} points between its values' means). Each value's mean is over the "
            "trials that drew it, with the other settings varying, so small differences are noise."
        )
    return notes


def failed_note(name: str, records: list[dict]) -> str | None:
    failed = [r for r in records if r["error"]]
    if not failed:
        return None
    return f"{name}: {len(failed)} trial(s) diverged: " + "; ".join(setting_text(r) for r in failed) + "."


def transfer_notes(scores: dict[tuple[str, int], tuple[float, float, float]], target: str) -> list[str]:
    notes = []
    nets = sorted({net for net, _ in scores})
    for net in nets:
        ranks = sorted(rank for n, rank in scores if n == net)
        fashion = [scores[(net, r)][1] for r in ranks]
        other = [scores[(net, r)][2] for r in ranks]
        order_fashion = sorted(ranks, key=lambda r: -scores[(net, r)][1])
        order_other = sorted(ranks, key=lambda r: -scores[(net, r)][2])
        kept = "keep the same order" if order_fashion == order_other else "change order"
        notes.append(
            f"{net.upper()}: the top {len(ranks)} settings score {_span(fashion)} on the Fashion-MNIST test set and "
            f"{_span(other)} on {target}; from one dataset to the other they {kept} "
            f"(Fashion-MNIST: #{', #'.join(map(str, order_fashion))}; {target}: #{', #'.join(map(str, order_other))}), "
            f"and the spread between them is {100 * (max(fashion) - min(fashion)):.2f} against "
            f"{100 * (max(other) - min(other)):.2f} points."
        )
    if ("cnn", 1) not in scores or ("mlp", 1) not in scores:
        return notes
    cnn, mlp = scores[("cnn", 1)], scores[("mlp", 1)]
    drops = {"MLP": 100 * (mlp[1] - mlp[2]), "CNN": 100 * (cnn[1] - cnn[2])}
    notes.append(
        f"Best CNN minus best MLP: {100 * (cnn[1] - mlp[1]):+.2f} points on Fashion-MNIST, "
        f"{100 * (cnn[2] - mlp[2]):+.2f} points on {target}. From Fashion-MNIST to {target} the best MLP setting "
        f"loses {drops['MLP']:.2f} points and the best CNN setting {drops['CNN']:.2f}."
    )
    if target == "cifar10":
        layout = (
            "The MLP, which sees pixels without their layout, loses more; the CNN's shared local filters and pooling "
            "make it less sensitive to where the object is."
            if drops["MLP"] > drops["CNN"]
            else "Here the CNN loses at least as much as the MLP, so its built-in locality did not protect it."
        )
        notes.append(
            "Why CIFAR-10 is harder: its images are natural colour photographs whose object appears at any position, "
            "scale and pose against varied backgrounds, while Fashion-MNIST items are centred, upright and alone on "
            "black, so settings tuned on the aligned data need not carry over. " + layout
        )
    return notes


def setting_text(record: dict) -> str:
    """A trial's searched settings, as "name value" pairs."""
    return ", ".join(f"{k} {v}" for k, v in record["params"].items() if k not in ("network", "rank"))


def succeeded(record: dict) -> bool:
    """Whether the trial ended with scores (neither diverged nor failed)."""
    return record["metrics"] is not None


def test_of(record: dict) -> float:
    """A final model's test accuracy; NaN where it has none."""
    return (record["metrics"] or {}).get("test_acc", float("nan"))


def pct(value: float) -> float:
    """An accuracy in percent, to two decimals, as the tables show it."""
    return round(100 * value, 2)


def _span(values: list[float]) -> str:
    return f"{100 * min(values):.2f}-{100 * max(values):.2f}%" if len(values) > 1 else f"{100 * values[0]:.2f}%"
