import pytest

from dlcourse.errors import InvalidSetting
from dlcourse.sweep import SearchSpace, load_space, make_trial
from dlcourse.sweep.space import trial_id

OPTIMISERS = [{"optimizer": "sgd", "lr": 0.01, "momentum": 0.9}, {"optimizer": "adam", "lr": 1e-3, "label": "Adam"}]


def test_grid_is_the_full_product_with_merged_choices_and_labels():
    space = SearchSpace(
        fixed={"epochs": 3, "activation": "relu"},
        params={"activation": ["relu", "tanh"], "opt": OPTIMISERS, "reg": [{}, {"l2": 1e-4}]},
    )
    trials = space.trials()
    assert len(trials) == 8 and len({t.id for t in trials}) == 8
    first, last = trials[0], trials[-1]
    assert first.config == {"epochs": 3, "activation": "relu", "optimizer": "sgd", "lr": 0.01, "momentum": 0.9}
    assert first.params == {"activation": "relu", "opt": "sgd lr=0.01 momentum=0.9", "reg": "none"}
    assert last.config == {"epochs": 3, "activation": "tanh", "optimizer": "adam", "lr": 1e-3, "l2": 1e-4}
    assert last.params == {"activation": "tanh", "opt": "Adam", "reg": "l2=0.0001"}
    assert "label" not in last.config


def test_random_search_is_seeded_distinct_and_inside_its_ranges():
    params = {"lr": {"log_uniform": [1e-4, 1e-1]}, "p": {"uniform": [0.0, 0.5]}, "n": {"int_uniform": [1, 3]}}
    space = SearchSpace(params=params, method="random", samples=20, seed=1)
    trials = space.trials()
    assert len(trials) == 20 and len({t.id for t in trials}) == 20
    assert [t.config for t in trials] == [
        t.config for t in SearchSpace(params, method="random", samples=20, seed=1).trials()
    ]
    assert [t.config for t in trials] != [
        t.config for t in SearchSpace(params, method="random", samples=20, seed=2).trials()
    ]
    assert all(1e-4 <= t.config["lr"] <= 1e-1 and 0 <= t.config["p"] <= 0.5 for t in trials)
    assert {t.config["n"] for t in trials} == {1, 2, 3}


def test_random_search_of_a_small_space_stops_at_its_size():
    space = SearchSpace(params={"a": [1, 2], "b": ["x", "y"]}, method="random", samples=10)
    assert len(space.trials()) == 4


def test_trial_id_depends_on_the_config_only():
    assert (
        make_trial({"a": 1, "b": (1, 2)}).id == make_trial({"b": [1, 2], "a": 1}).id == trial_id({"a": 1, "b": [1, 2]})
    )
    assert make_trial({"a": 1}).id != make_trial({"a": 2}).id


@pytest.mark.parametrize(
    "kwargs,words",
    [
        (dict(params={"lr": {"log_uniform": [1e-4, 1e-1]}}), "grid search needs a list"),
        (dict(params={"a": [{"lr": 1}], "b": [{"lr": 2}]}), "both set 'lr'"),
        (dict(params={"a": []}), "non-empty list"),
        (dict(params={"a": [1]}, method="random"), "samples"),
        (dict(params={"a": {"normal": [0, 1]}}, method="random", samples=2), "distribution is one of"),
        (dict(params={"a": {"log_uniform": [0, 1]}}, method="random", samples=2), "low > 0"),
        (dict(params={"a": [1]}, method="bayes"), "unknown search method"),
    ],
)
def test_bad_spaces_are_rejected(kwargs, words):
    with pytest.raises(InvalidSetting, match=words):
        SearchSpace(**kwargs).trials()


def test_yaml_and_toml_files_give_the_same_space(tmp_path):
    (tmp_path / "s.yaml").write_text(
        "method: grid\nfixed: {epochs: 2}\nparams:\n  lr: [1e-3, 0.01]\n  hidden: [[300, 100], [100]]\n"
    )
    (tmp_path / "s.toml").write_text(
        'method = "grid"\nfixed = {epochs = 2}\n[params]\nlr = [1e-3, 0.01]\nhidden = [[300, 100], [100]]\n'
    )
    yaml_trials, toml_trials = (load_space(tmp_path / name).trials() for name in ("s.yaml", "s.toml"))
    assert [t.id for t in yaml_trials] == [t.id for t in toml_trials]
    assert yaml_trials[0].config == {"epochs": 2, "lr": 0.001, "hidden": [300, 100]}  # 1e-3 is a number, not text


def test_bad_files_are_rejected(tmp_path):
    (tmp_path / "a.yaml").write_text("params: {a: [1]}\nsampels: 3\n")
    with pytest.raises(InvalidSetting, match="unknown keys sampels"):
        load_space(tmp_path / "a.yaml")
    (tmp_path / "b.yaml").write_text("params: [a\n")
    with pytest.raises(InvalidSetting, match="not valid YAML"):
        load_space(tmp_path / "b.yaml")
    (tmp_path / "c.json").write_text("{}")
    with pytest.raises(InvalidSetting, match="yaml"):
        load_space(tmp_path / "c.json")
