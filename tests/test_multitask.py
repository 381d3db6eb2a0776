"""bath-a2 Task 6 building blocks: the group labels, the two-head network and its weighted loss."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from dlcourse.data.labels import FASHION_GROUPS, fashion_group
from dlcourse.models import multitask, parameter_counts
from dlcourse.suites.bath_a2.observations import pros_and_cons, sharing_note
from dlcourse.suites.spread import difference_noise
from dlcourse.train import TrainConfig, count_correct_per_head, evaluate_heads, fit, per_head_accuracy, predict
from dlcourse.train.losses import weighted_task_loss


def test_group_mapping_matches_the_brief():
    items = np.arange(10)
    # The brief's load_data: 0 if y in [5, 7, 9] else 1 if y in [3, 6, 8] else 2.
    expected = [0 if y in (5, 7, 9) else 1 if y in (3, 6, 8) else 2 for y in items]
    assert fashion_group(items).tolist() == expected
    assert FASHION_GROUPS[fashion_group(np.array([7]))[0]] == "shoes"


def test_brief_network_shapes_and_size():
    torch.manual_seed(0)
    model = multitask()
    items, groups = model(torch.randn(2, 1, 28, 28))
    assert items.shape == (2, 10) and groups.shape == (2, 3)
    # conv 32-64-128 (3x3), flatten 7*7*128, shared 3136, heads 3136-1024-100-{10,3}
    conv = (9 * 32 + 32) + (32 * 9 * 64 + 64) + (64 * 9 * 128 + 128)
    shared = 6272 * 3136 + 3136
    head = 3136 * 1024 + 1024 + 1024 * 100 + 100
    assert parameter_counts(model)["total"] == conv + shared + 2 * head + (100 * 10 + 10) + (100 * 3 + 3)


def test_loss_is_the_weighted_sum():
    torch.manual_seed(1)
    outputs = (torch.randn(5, 10), torch.randn(5, 3))
    targets = torch.stack([torch.randint(0, 10, (5,)), torch.randint(0, 3, (5,))], dim=1)
    by_hand = 0.3 * F.cross_entropy(outputs[0], targets[:, 0]) + 0.7 * F.cross_entropy(outputs[1], targets[:, 1])
    torch.testing.assert_close(weighted_task_loss(0.3)(outputs, targets), by_hand)
    with pytest.raises(Exception, match="between 0 and 1"):
        weighted_task_loss(1.5)


@pytest.mark.parametrize("lam,frozen", [(1.0, 1), (0.0, 0)])
def test_a_zero_weight_head_is_never_trained(lam, frozen):
    torch.manual_seed(2)
    model = multitask(filters=(4, 8, 8), shared_dense=32, heads=((16, 10), (16, 3)))
    before = [p.detach().clone() for p in model.heads[frozen].parameters()]
    trained = [p.detach().clone() for p in model.heads[1 - frozen].parameters()]
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    x = torch.randn(8, 1, 28, 28)
    y = torch.stack([torch.randint(0, 10, (8,)), torch.randint(0, 3, (8,))], dim=1)
    loss = weighted_task_loss(lam)(model(x), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    assert all(torch.equal(a, b) for a, b in zip(before, model.heads[frozen].parameters(), strict=True))
    assert not all(torch.equal(a, b) for a, b in zip(trained, model.heads[1 - frozen].parameters(), strict=True))


def _tiny_two_task_data(n=64, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(n, 1, 28, 28, generator=g)
    items = torch.randint(0, 10, (n,), generator=g)
    return x, torch.stack([items, torch.as_tensor(fashion_group(items.numpy()))], dim=1)


def test_per_head_counts_and_accuracies():
    outputs = (torch.tensor([[2.0, 1.0], [0.0, 3.0], [5.0, 0.0]]), torch.tensor([[0.0, 1.0], [1.0, 0.0], [1.0, 0.0]]))
    targets = torch.tensor([[0, 1], [1, 1], [1, 0]])
    assert count_correct_per_head(outputs, targets).tolist() == [2, 2]
    torch.manual_seed(3)
    model = multitask(filters=(4, 8, 8), shared_dense=32, heads=((16, 10), (16, 3)))
    x, y = _tiny_two_task_data()
    loss, (item_acc, group_acc) = evaluate_heads(
        model, (x, y), batch_size=16, loss_fn=weighted_task_loss(0.5), metrics=per_head_accuracy("item", "group")
    )
    items, groups = predict(model, x)
    assert item_acc == pytest.approx((items.argmax(1) == y[:, 0]).float().mean().item())
    assert group_acc == pytest.approx((groups.argmax(1) == y[:, 1]).float().mean().item())
    assert loss == pytest.approx(weighted_task_loss(0.5)((items, groups), y).item(), rel=1e-5)


def test_fit_records_each_head():
    torch.manual_seed(4)
    model = multitask(filters=(4, 8, 8), shared_dense=32, heads=((16, 10), (16, 3)))
    train, test = _tiny_two_task_data(96, seed=1), _tiny_two_task_data(32, seed=2)
    history = fit(
        model,
        train,
        TrainConfig(epochs=2, batch_size=16),
        evals={"test": test},
        loss_fn=weighted_task_loss(0.5),
        metrics=per_head_accuracy("item", "group"),
    )
    row = history.last
    assert {"train_acc_item", "train_acc_group", "test_acc_item", "test_acc_group"} <= row.keys()
    assert row["train_acc"] == pytest.approx((row["train_acc_item"] + row["train_acc_group"]) / 2)
    _, (item_acc, group_acc) = evaluate_heads(
        model, test, metrics=per_head_accuracy("item", "group"), loss_fn=weighted_task_loss(0.5)
    )
    assert (row["test_acc_item"], row["test_acc_group"]) == pytest.approx((item_acc, group_acc))


def test_sharing_note_follows_the_differences_and_their_noise():
    gain = sharing_note(-0.17, 1.46, 0.4, 0.3)
    assert "group head gains" in gain and "no real cost" in gain and "pays" not in gain
    loss = sharing_note(-2.04, 0.1, 0.4, 0.3)
    assert "pays" in loss and "cost of up to 2.0 points" in loss and "gains" not in loss
    noise = sharing_note(-2.1, 1.5, 2.4, 1.6)  # one seed on 2,000 test images cannot tell these from chance
    assert "within the test set's sampling noise" in noise and "gains" not in noise and "pays" not in noise


def test_difference_noise_is_two_standard_errors_in_points():
    assert difference_noise(0.9, 0.9, 10_000) == pytest.approx(200 * (2 * 0.09 / 10_000) ** 0.5)
    assert difference_noise(0.9, 0.9, 2_000) > difference_noise(0.9, 0.9, 10_000)


def test_pros_and_cons_follow_the_measurements():
    smaller = pros_and_cons(0.52, 0.6, 0.3, 0.8)
    assert "multi-task learning, 52% of the two networks' parameters; 60% of their training time; any λ" in smaller
    assert "against it, nothing." in smaller
    costly = pros_and_cons(0.52, 1.3, 2.5, 0.8)
    assert "130% of their training time" in costly.split("against it,")[1]
    assert "one more setting to tune (item accuracy moves 2.50 points" in costly.split("against it,")[1]
    assert "52% of the two networks' parameters" in costly.split("against it,")[0]
    assert "training time" not in pros_and_cons(0.52, None, 0.3, 0.8)  # untimed (a dry run): not compared
