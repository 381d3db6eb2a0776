"""What tbmi26 says about its numbers: sentences computed from the recorded summaries of its tasks, claiming a
winner or a cause only where the numbers show it."""

from __future__ import annotations

from typing import Any

from dlcourse.suites.tbmi26.common import measured_on


def cnn_against_dense(conv: dict[str, Any], dense: dict[str, Any], per_million: tuple[float, float]) -> str:
    """Q5: the CNN against the fully connected network, in parameters and test accuracy, either way round;
    `per_million` is each one's test accuracy per million parameters (CNN first)."""
    ratio = dense["parameters"] / conv["parameters"]
    size = f"{ratio:.1f}x fewer parameters" if ratio >= 1 else f"{1 / ratio:.1f}x more parameters"
    gain = 100 * (conv["test_acc"] - dense["test_acc"])
    return (
        f"The CNN has {size} ({conv['parameters']:,} against {dense['parameters']:,}) and a test accuracy "
        f"{abs(gain):.1f} points {'higher' if gain >= 0 else 'lower'} ({conv['test_acc']:.2%} against "
        f"{dense['test_acc']:.2%}, {measured_on(conv)}): {per_million[0]} against {per_million[1]} accuracy points "
        "per million parameters."
    )


def why_convolutions(conv: dict[str, Any], dense: dict[str, Any]) -> str:
    """Q5's "why": the weight sharing that makes a CNN both smaller and better on images, said as the cause
    only where this run's CNN is the more accurate with fewer parameters."""
    width = conv["spec"]["filters"][0]
    outputs = width * 32 * 32
    counts = (
        f"The first conv layer turns a 32x32x3 image into {width} maps of 32x32 with {3 * 3 * 3 * width + width:,} "
        f"parameters; a dense layer producing the same {outputs:,} outputs would need {3072 * outputs + outputs:,}."
    )
    if conv["test_acc"] <= dense["test_acc"] or conv["parameters"] >= dense["parameters"]:
        return f"{counts} Here the CNN is not both smaller and more accurate, so there is no advantage to explain."
    # Fixed text: the prior a convolution builds in, which explains the advantage measured above.
    return (
        "Why: a convolution looks at a small neighbourhood (3x3 pixels) and uses the same few weights at every "
        f"position. {counts} The prior built in this way (nearby pixels belong together; an edge or a wheel means "
        "the same thing anywhere in the picture) is right for images, so the CNN does not have to learn it from "
        "data, and pooling plus stacking lets later layers combine local parts into larger ones. The fully "
        "connected network spends most of its parameters in its first layer, one weight per pixel per unit, and "
        "must learn each pattern separately at every position."
    )


def computation_sentence(conv: dict[str, Any], dense: dict[str, Any]) -> str:
    """Whether the CNN trained faster or slower than the fully connected network, from the seconds per epoch;
    the cause (weights reused at every position) is given only where the CNN is both smaller and slower."""
    seconds = (
        f"{conv['seconds_per_epoch']:.1f} s per epoch against {dense['seconds_per_epoch']:.1f} s for the fully "
        f"connected network ({conv['device']})"
    )
    if conv["seconds_per_epoch"] <= dense["seconds_per_epoch"]:
        return f"The CNN trained faster: {seconds}."
    if conv["parameters"] < dense["parameters"]:
        return (
            "Fewer parameters is not less computation: each conv weight is used at every position, so the CNN "
            f"took {seconds}."
        )
    return f"The CNN trained more slowly: {seconds}."
