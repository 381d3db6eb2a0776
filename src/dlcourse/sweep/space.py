"""Search spaces: grid or random search over named hyper-parameters, written in code or in a small file.

    space = SearchSpace(
        fixed={"dataset": "fashion-mnist", "model": "geron_mlp", "epochs": 10},
        params={
            "activation": ["relu", "tanh"],
            "optimizer": [{"optimizer": "sgd", "lr": 0.01, "momentum": 0.9}, {"optimizer": "adam", "lr": 1e-3}],
            "regularisation": [{}, {"l2": 1e-4}, {"dropout": 0.2}],
        },
        method="grid",
    )

A param is a list of choices, or (random search only) a distribution: `{"log_uniform": [1e-4, 1e-1]}`,
`{"uniform": [0, 0.5]}`, `{"int_uniform": [1, 4]}`. A choice that is a mapping is merged into the
trial's config, so values that belong together (an optimiser with its rate and momentum, a regulariser
with its strength) form one choice; `{}` adds nothing ("none"). A mapping may carry a "label" for tables
and plots. Params override `fixed`; two params that set the same key are an error.

A random search is drawn by Optuna: each param becomes a `trial.suggest_*` call on a `RandomSampler`
seeded by `seed`, in an in-memory study, and draws repeat until `samples` distinct configs are found. The
whole search is drawn before any training, so every config is checked up front and a resumed search runs
the same trials as an uninterrupted one.

A trial's id is a hash of its config alone, so the same config gets the same id in every run and on
every machine: that is what lets a killed sweep resume.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import optuna
import yaml

from dlcourse.errors import InvalidSetting
from dlcourse.registry import Registry

METHODS = ("grid", "random")
DISTRIBUTIONS = ("uniform", "log_uniform", "int_uniform")


@dataclass(frozen=True)
class Trial:
    id: str  # hash of the config
    config: dict[str, Any]  # everything the objective needs, JSON values only
    params: dict[str, str]  # the label of the value each param took (for tables and marginal plots)


@dataclass(frozen=True)
class SearchSpace:
    params: dict[str, Any]
    fixed: dict[str, Any] = field(default_factory=dict)
    method: str = "grid"
    samples: int | None = None  # random search: trials to draw
    seed: int = 0  # random search: the draws' seed
    objective: str = "classify"  # the registered objective a file-defined space names

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise InvalidSetting(f"unknown search method {self.method!r}; known: {', '.join(METHODS)}")
        for key in ("params", "fixed"):
            if not isinstance(getattr(self, key), Mapping):
                kind = type(getattr(self, key)).__name__
                raise InvalidSetting(f"a search space's {key} must be a mapping of names to values, got a {kind}")
        for key in ("samples", "seed"):
            value = getattr(self, key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise InvalidSetting(f"a search space's {key} must be a whole number, got {value!r}")
        if self.method == "random" and (self.samples is None or self.samples < 1):
            raise InvalidSetting("a random search needs samples >= 1")
        for name, values in self.params.items():
            _check_param(name, values, self.method)

    def trials(self) -> list[Trial]:
        """The grid in order (the last param varies fastest), or `samples` distinct random draws."""
        if self.method == "grid":
            names = list(self.params)
            combos = itertools.product(*(self.params[n] for n in names))
            picks = (dict(zip(names, combo, strict=True)) for combo in combos)
        else:
            picks = self._draws()
        return unique(self._trial(pick) for pick in picks)

    def _draws(self):
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(seed=self.seed))
        seen: set[str] = set()
        for _ in range(100 * (self.samples or 0)):  # a small space cannot give `samples` distinct trials
            trial = study.ask()
            pick = {name: _suggest(trial, name, values) for name, values in self.params.items()}
            trial_id = self._trial(pick).id
            if trial_id not in seen:
                seen.add(trial_id)
                yield pick
                if len(seen) == self.samples:
                    return

    def _trial(self, pick: dict[str, Any]) -> Trial:
        config = dict(self.fixed)
        labels, owner = {}, {}
        for name, value in pick.items():
            if isinstance(value, Mapping):
                value = dict(value)
                labels[name] = str(value.pop("label", None) or label(value))
                updates = value
            else:
                labels[name] = label(value)
                updates = {name: value}
            for key in updates:
                if key in owner:
                    raise InvalidSetting(f"params {owner[key]!r} and {name!r} both set {key!r}")
                owner[key] = name
            config.update(updates)
        return make_trial(config, labels)


def make_trial(config: Mapping[str, Any], params: Mapping[str, str] | None = None) -> Trial:
    """A trial from an explicit config (JSON values only); `params` defaults to every key's value."""
    config = json.loads(json.dumps(dict(config)))  # tuples become lists, as they will be in the results file
    labels = dict(params) if params is not None else {k: label(v) for k, v in config.items()}
    return Trial(trial_id(config), config, labels)


def trial_id(config: Mapping[str, Any]) -> str:
    text = json.dumps(config, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def unique(trials) -> list[Trial]:
    """Trials in order, each config once."""
    return list({t.id: t for t in trials}.values())


def label(value: Any) -> str:
    """A short readable form: 0.001, relu, 300-100, 'sgd lr=0.01 momentum=0.9', 'none' for {}."""
    if isinstance(value, Mapping):
        parts = [v if isinstance(v, str) else f"{k}={label(v)}" for k, v in value.items()]
        return " ".join(parts) or "none"
    if isinstance(value, list | tuple):
        return "-".join(label(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _check_param(name: str, values: Any, method: str) -> None:
    if isinstance(values, Mapping):
        if method == "grid":
            raise InvalidSetting(f"param {name!r}: a grid search needs a list of values, not a distribution")
        if len(values) != 1 or next(iter(values)) not in DISTRIBUTIONS:
            raise InvalidSetting(f"param {name!r}: a distribution is one of {', '.join(DISTRIBUTIONS)}: [low, high]")
        low = _bounds(name, values)[0]
        if "log_uniform" in values and low <= 0:
            raise InvalidSetting(f"param {name!r}: log_uniform needs low > 0")
    elif not isinstance(values, Sequence) or isinstance(values, str) or not values:
        raise InvalidSetting(f"param {name!r} needs a non-empty list of values")


def _bounds(name: str, dist: Mapping[str, Any]) -> tuple[float, float]:
    bounds = next(iter(dist.values()))
    if not isinstance(bounds, Sequence) or len(bounds) != 2 or not bounds[0] <= bounds[1]:
        raise InvalidSetting(f"param {name!r}: a distribution takes [low, high] with low <= high, got {bounds!r}")
    return bounds[0], bounds[1]


def _suggest(trial: optuna.Trial, name: str, values: Any) -> Any:
    """One param's draw through Optuna. A list is a categorical over its positions (Optuna's choices must
    be scalars; ours may be lists and mappings)."""
    if not isinstance(values, Mapping):
        return values[trial.suggest_categorical(name, list(range(len(values))))]
    kind, (low, high) = next(iter(values.items()))
    if kind == "int_uniform":
        return trial.suggest_int(name, low, high)
    drawn = trial.suggest_float(name, low, high, log=kind == "log_uniform")
    return float(f"{drawn:.3g}")  # 3 significant digits keep configs readable


# -- spaces from files and by name ---------------------------------------------------------------------

SPACES: Registry[Callable[[], SearchSpace]] = Registry("search space")
_FILE_KEYS = {"params", "fixed", "method", "samples", "seed", "objective"}


def load_space(path: str | Path) -> SearchSpace:
    """A space from YAML (.yaml/.yml) or TOML (.toml) with the keys of `SearchSpace`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidSetting(f"{path} is not a text file; a search space is YAML or TOML text") from None
    if path.suffix == ".toml":
        try:
            import tomllib
        except ImportError:  # Python 3.10
            raise InvalidSetting(f"{path}: TOML needs Python 3.11 or later; write the space in YAML") from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InvalidSetting(f"{path} is not valid TOML: {exc}") from None
    elif path.suffix in (".yaml", ".yml"):
        try:
            data = yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
        except yaml.YAMLError as exc:
            raise InvalidSetting(f"{path} is not valid YAML: {' '.join(str(exc).split())}") from None
    else:
        raise InvalidSetting(f"{path}: a search space is a .yaml, .yml or .toml file")
    if not isinstance(data, dict) or "params" not in data:
        raise InvalidSetting(f"{path} needs a 'params' mapping")
    unknown = set(data) - _FILE_KEYS
    if unknown:
        raise InvalidSetting(
            f"{path}: unknown keys {', '.join(sorted(unknown))}; known: {', '.join(sorted(_FILE_KEYS))}"
        )
    return SearchSpace(**data)


class _Loader(yaml.SafeLoader):
    """YAML 1.1 reads 1e-3 as a string; learning rates are written that way, so read it as a float."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^[-+]?(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][-+]?\d+)?$|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"
    ),
    list("-+0123456789."),
)
