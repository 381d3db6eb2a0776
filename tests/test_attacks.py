"""FGSM, PGD and MIM: the L∞ and [0, 1] constraints, mode restoration, strength ordering, and agreement with
torchattacks' FGSM, PGD and MIFGSM on the same model and batch."""

import pytest
import torch
import torchattacks

from dlcourse.attacks import ATTACKS, FGSM, MIM, PGD, adversarial_batches, robust_accuracy
from dlcourse.data import load_sample, scale_unit
from dlcourse.device import BF16, seed_everything
from dlcourse.errors import InvalidSetting, UnknownName
from dlcourse.models import image_classifier, mlp
from dlcourse.train import TrainConfig, fit

EPS, STEPS, STEP_SIZE = 0.0313, 20, 0.002  # fit3181-a1 3.8


@pytest.fixture(scope="module")
def digits():
    ds = load_sample("mnist").balanced_subset(2000, 300, seed=0)
    return (scale_unit(ds.x_train)[:, None], ds.y_train), (scale_unit(ds.x_test)[:, None], ds.y_test)


@pytest.fixture(scope="module")
def trained(digits):
    """An MLP trained for two epochs on 2,000 digits (about 84% test accuracy)."""
    seed_everything(0)
    model = mlp([784, 64, 10])
    fit(model, digits[0], TrainConfig(epochs=2, batch_size=50))
    model.zero_grad(set_to_none=True)
    return model.eval()


@pytest.fixture(scope="module")
def batch(digits):
    x, y = digits[1]
    return torch.as_tensor(x), torch.as_tensor(y)


def attacks(eps=EPS):
    return [FGSM(eps), PGD(eps, STEPS, STEP_SIZE), PGD(eps, STEPS, STEP_SIZE, random_start=False), MIM(eps, 20, 0.002)]


@pytest.mark.parametrize("attack", attacks(), ids=lambda a: f"{a.name}")
def test_perturbation_within_eps_and_pixels_in_range(trained, batch, attack):
    x, y = batch
    adv = attack(trained, x, y, torch.Generator().manual_seed(0))
    assert adv.shape == x.shape and not adv.requires_grad
    assert (adv - x).abs().max() <= EPS + 1e-6
    assert adv.min() >= 0 and adv.max() <= 1
    assert (adv != x).any()  # it did move
    assert all(p.grad is None for p in trained.parameters())  # input gradients only


@pytest.mark.parametrize("attack", attacks(), ids=lambda a: f"{a.name}")
def test_attack_leaves_the_mode_it_found(attack):
    torch.manual_seed(0)
    model = image_classifier(num_blocks=1, width=4, in_channels=1, dropout=0.5)
    x, y = torch.rand(8, 1, 8, 8), torch.randint(0, 10, (8,))
    seen = []
    model.register_forward_pre_hook(lambda m, _: seen.append(m.training))
    for training in (True, False):
        model.train(training)
        seen.clear()
        attack(model, x, y)
        assert model.training is training
        assert seen and not any(seen)  # attacked in eval mode: BN running statistics, no dropout


def test_iterative_attacks_are_at_least_as_strong_as_fgsm(trained, digits):
    test = digits[1]
    eps = 0.1  # large enough on MNIST for the attacks to separate clearly
    clean = robust_accuracy(trained, None, test)
    fgsm = robust_accuracy(trained, FGSM(eps), test)
    pgd = robust_accuracy(trained, PGD(eps, 20, 0.01), test, generator=torch.Generator().manual_seed(0))
    mim = robust_accuracy(trained, MIM(eps, 20, 0.01), test)
    assert clean > 0.8
    assert pgd <= fgsm < clean and mim < clean
    assert pgd < clean - 0.3


def test_same_robust_accuracy_as_torchattacks(trained, batch):
    x, y = batch
    pairs = [
        (FGSM(EPS), torchattacks.FGSM(trained, eps=EPS)),
        (PGD(EPS, STEPS, STEP_SIZE, random_start=False),
         torchattacks.PGD(trained, eps=EPS, alpha=STEP_SIZE, steps=STEPS, random_start=False)),
        (MIM(EPS, STEPS, STEP_SIZE), torchattacks.MIFGSM(trained, eps=EPS, alpha=STEP_SIZE, steps=STEPS, decay=1.0)),
    ]  # fmt: skip
    clean = (trained(x).argmax(1) == y).float().mean().item()
    for ours, theirs in pairs:
        mine = (trained(ours(trained, x, y)).argmax(1) == y).float().mean().item()
        reference = (trained(theirs(x, y)).argmax(1) == y).float().mean().item()
        assert abs(mine - reference) <= 0.01, f"{ours.name}: ours {mine:.3f}, torchattacks {reference:.3f}"
        assert mine < clean


def test_bf16_input_gradients_stay_in_the_ball_and_attack_as_strongly(trained, batch):
    # bf16 changes the arithmetic of the gradient, not the constraints, and hardly the attack's strength.
    x, y = batch
    fp32 = [FGSM(EPS), PGD(EPS, STEPS, STEP_SIZE), MIM(EPS, STEPS, STEP_SIZE)]
    bf16 = [FGSM(EPS, BF16), PGD(EPS, STEPS, STEP_SIZE, precision=BF16), MIM(EPS, STEPS, STEP_SIZE, precision=BF16)]
    for exact, fast in zip(fp32, bf16, strict=True):
        adv = fast(trained, x, y, torch.Generator().manual_seed(0))
        assert (adv - x).abs().max() <= EPS + 1e-6 and adv.min() >= 0 and adv.max() <= 1
        assert adv.dtype == torch.float32
        reference = exact(trained, x, y, torch.Generator().manual_seed(0))
        mine = (trained(adv).argmax(1) == y).float().mean().item()
        theirs = (trained(reference).argmax(1) == y).float().mean().item()
        assert abs(mine - theirs) <= 0.02, f"{fast.name}: bf16 {mine:.3f}, fp32 {theirs:.3f}"
        assert (adv != reference).any()  # it did run in bf16: some signs differ


def test_registry_and_bad_settings():
    assert ATTACKS.get("pgd") is PGD and ATTACKS.get("mim") is MIM and ATTACKS.get("fgsm") is FGSM
    with pytest.raises(UnknownName, match="fgsm"):
        ATTACKS.get("cw")
    with pytest.raises(InvalidSetting):
        PGD(0.0)
    with pytest.raises(InvalidSetting):
        MIM(0.03, steps=0)


def test_adversarial_batches_replace_images_and_keep_training_mode(trained, batch):
    x, y = batch
    trained.train()
    transform = adversarial_batches(trained, PGD(EPS, 3, 0.01))
    adv, labels = transform(x[:16], y[:16], torch.Generator().manual_seed(1))
    assert trained.training
    assert labels is y[:16] or torch.equal(labels, y[:16])
    assert 0 < (adv - x[:16]).abs().max() <= EPS + 1e-6
    trained.eval()
