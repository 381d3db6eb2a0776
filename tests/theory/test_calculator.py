import numpy as np
import pytest
import torch
import torch.nn.functional as F

from dlcourse.errors import InvalidNetwork, InvalidSetting
from dlcourse.theory import Network, calculate, explain, random_network
from tests.theory.test_activations import TORCH

NETWORKS = [
    ([3, 4, 3], "relu"),
    ([3, 4, 4, 3], "relu"),
    ([5, 6, 4], "tanh"),
    ([2, 3, 5, 3, 4], "sigmoid"),
    ([4, 7, 6], "elu"),
    ([3, 5, 5, 3], "gelu"),
    ([6, 3, 2], "silu"),
    ([3, 4, 4, 5], "mish"),
]


def autograd_reference(net: Network, x: np.ndarray, y: int, alpha: float, eta: float):
    """The same calculation by PyTorch: forward, both losses, every gradient by autograd, one SGD step."""
    ws = [torch.tensor(w, requires_grad=True) for w in net.weights]
    bs = [torch.tensor(b, requires_grad=True) for b in net.biases]
    h, pre, post = torch.tensor(x), [], []
    for k, (w, b) in enumerate(zip(ws, bs, strict=True)):
        hbar = h @ w + b
        h = hbar if k == len(ws) - 1 else TORCH[net.activation](hbar)
        hbar.retain_grad()
        h.retain_grad()
        pre.append(hbar)
        post.append(h)
    target = torch.tensor([y - 1])
    loss = F.cross_entropy(h[None], target)
    smoothed = F.cross_entropy(h[None], target, label_smoothing=alpha)
    loss.backward()
    with torch.no_grad():
        updated = ([w - eta * w.grad for w in ws], [b - eta * b.grad for b in bs])
    return pre, post, torch.softmax(h, 0), loss, smoothed, ws, bs, updated


def close(ours: np.ndarray, reference: torch.Tensor) -> None:
    np.testing.assert_allclose(ours, reference.detach().numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("sizes,activation", NETWORKS)
def test_every_value_equals_torch_autograd(sizes, activation):
    seed = sum(sizes)
    rng = np.random.default_rng(seed)
    net = random_network(sizes, seed=seed, activation=activation, decimals=6)
    x = rng.normal(size=sizes[0])
    y = int(rng.integers(1, sizes[-1] + 1))
    alpha, eta = float(rng.uniform(0.05, 0.3)), float(rng.uniform(0.001, 0.5))
    calc = calculate(net, x, y, alpha=alpha, eta=eta)
    pre, post, probs, loss, smoothed, ws, bs, (new_w, new_b) = autograd_reference(net, x, y, alpha, eta)

    for k in range(len(sizes) - 1):
        close(calc.pre[k], pre[k])
        close(calc.post[k], post[k])
        close(calc.grad_pre[k], pre[k].grad)
        close(calc.grad_h[k], post[k].grad)
        close(calc.grad_w[k], ws[k].grad)
        close(calc.grad_b[k], bs[k].grad)
        close(calc.updated.weights[k], new_w[k])
        close(calc.updated.biases[k], new_b[k])
    close(calc.probs, probs)
    assert calc.loss == pytest.approx(loss.item(), rel=1e-12)
    assert calc.smoothed_loss == pytest.approx(smoothed.item(), rel=1e-12)
    assert calc.predicted == int(probs.argmax()) + 1
    assert calc.correct == (calc.predicted == y)


def test_labels_are_numbered_from_one():
    # Logits [0, 0, 5]: class 3 (index 2) wins, so y = 3 is a correct prediction with a small loss.
    net = Network((np.eye(3),), (np.array([0.0, 0.0, 5.0]),))
    calc = calculate(net, [0, 0, 0], 3)
    assert calc.predicted == 3 and calc.correct
    assert calc.loss == pytest.approx(-np.log(np.exp(5) / (2 + np.exp(5))))


def test_explanation_shows_formulas_and_numbers():
    calc = calculate(random_network([3, 4, 3], seed=1), [1, -1, 0], 3)
    text = explain(calc)
    for piece in ("h̄¹ = x W¹ + b¹", "p - onehot(y)", "∂l/∂W¹ = (x)ᵀ ∂l/∂h̄¹", "W² ← W² - η ∂l/∂W²", f"{calc.loss:.4f}"):
        assert piece in text, piece


@pytest.mark.parametrize(
    "x,y,alpha,eta,error,words",
    [
        ([1, 2], 1, 0.1, 0.01, InvalidNetwork, "takes 3 inputs"),
        ([1, 2, 3], 0, 0.1, 0.01, InvalidSetting, "from 1 to 3"),
        ([1, 2, 3], 4, 0.1, 0.01, InvalidSetting, "from 1 to 3"),
        ([1, 2, 3], 1, 1.5, 0.01, InvalidSetting, "alpha"),
        ([1, 2, 3], 1, 0.1, -1, InvalidSetting, "eta"),
    ],
)
def test_bad_inputs_are_named(x, y, alpha, eta, error, words):
    with pytest.raises(error, match=words):
        calculate(random_network([3, 4, 3]), x, y, alpha, eta)
