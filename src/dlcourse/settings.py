"""Task settings: one frozen dataclass per task, its fields documented and range-checked.

    @dataclass(frozen=True)
    class MlpSettings(Settings):
        epochs: int = setting(10, "passes over the training set (brief 3.1)", min=1)

Profiles (`brief`, `quick`, `best`) are instances; command-line overrides are parsed from strings by the
field's type, and unknown names or out-of-range values raise `InvalidSetting` / `UnknownName`.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from collections.abc import Collection, Mapping
from typing import Any

from dlcourse.errors import InvalidSetting, UnknownName

_NO_BOUND = object()


def setting(
    default: Any,
    help: str,
    *,
    brief: Any = _NO_BOUND,
    min: Any = _NO_BOUND,
    max: Any = _NO_BOUND,
    gt: Any = _NO_BOUND,
    choices: Collection[Any] | None = None,
) -> Any:
    """A settings field with its meaning (and unit, and where in the brief it comes from), bounds and choices.

    `brief` is the brief's own value where the default departs from it: an example the brief gives ("batch
    size, e.g., 10") that the default replaces to fit the budget. `help` then says why; a run prints each
    departure as it starts, and the report lists them with the `--set` that restores the brief's value."""
    metadata = {"help": help, "min": min, "max": max, "gt": gt, "choices": choices, "brief": brief}
    return dataclasses.field(default=default, metadata=metadata)


@dataclasses.dataclass(frozen=True)
class Settings:
    """Base of every task's settings: validates the bounds declared with `setting`."""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            _check_bounds(f, getattr(self, f.name))

    @classmethod
    def describe(cls) -> list[tuple[str, str, str]]:
        """(name, type, help) for every field, for listings and help text."""
        hints = typing.get_type_hints(cls)
        return [(f.name, _type_name(hints[f.name]), f.metadata.get("help", "")) for f in dataclasses.fields(cls)]

    def departures(self) -> list[dict[str, Any]]:
        """The settings whose value is not the brief's (see `setting`'s `brief`), with why they differ."""
        return departures(type(self), self.as_dict())

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def override(self, values: dict[str, Any]) -> Settings:
        """A copy with fields replaced; string values are parsed by the field's declared type."""
        hints = typing.get_type_hints(type(self))
        names = {f.name for f in dataclasses.fields(self)}
        changes = {}
        for key, raw in values.items():
            name = key.replace("-", "_")
            if name not in names:
                raise UnknownName(f"{type(self).__name__} has no setting {key!r}; settings: {', '.join(sorted(names))}")
            changes[name] = parse_value(name, raw, hints[name]) if isinstance(raw, str) else raw
        return dataclasses.replace(self, **changes)


def departures(cls: type[Settings], values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The settings in `values` (a settings object's, or as a run's provenance recorded them) whose value is
    not the brief's, each as {setting, value, brief, why}."""
    found = []
    for f in dataclasses.fields(cls):
        brief = f.metadata.get("brief", _NO_BOUND)
        if brief is _NO_BOUND or f.name not in values or _plain(values[f.name]) == _plain(brief):
            continue
        found.append({"setting": f.name, "value": values[f.name], "brief": brief, "why": f.metadata["help"]})
    return found


def departure_line(departure: Mapping[str, Any]) -> str:
    """One sentence for a setting that departs from the brief, with the option that restores the brief's value."""
    d = departure
    brief = ",".join(map(str, d["brief"])) if isinstance(d["brief"], tuple | list) else d["brief"]
    return (
        f"Departs from the brief: {d['setting']} is {d['value']} where the brief has {brief}; {d['why']}. "
        f"--set {d['setting']}={brief} runs the brief's value."
    )


def _plain(value: Any) -> Any:
    """Tuples as lists, so that a value read back from JSON compares equal to the one declared."""
    return [_plain(v) for v in value] if isinstance(value, tuple | list) else value


def _check_bounds(f: dataclasses.Field, value: Any) -> None:
    choices = f.metadata.get("choices")
    if choices is not None and value not in choices:
        raise InvalidSetting(f"{f.name} must be one of {', '.join(map(str, choices))}, got {value!r}")
    if value is None or not isinstance(value, int | float):
        return
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidSetting(f"{f.name} must be a finite number, got {value}")
    meta = f.metadata
    if meta.get("min", _NO_BOUND) is not _NO_BOUND and value < meta["min"]:
        raise InvalidSetting(f"{f.name} must be at least {meta['min']}, got {value}")
    if meta.get("max", _NO_BOUND) is not _NO_BOUND and value > meta["max"]:
        raise InvalidSetting(f"{f.name} must be at most {meta['max']}, got {value}")
    if meta.get("gt", _NO_BOUND) is not _NO_BOUND and not value > meta["gt"]:
        raise InvalidSetting(f"{f.name} must be greater than {meta['gt']}, got {value}")


def parse_value(name: str, raw: str, hint: Any) -> Any:
    """Parse a command-line string as `hint`: int, float, bool, str, tuple[int, ...], or X | None."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args:
        if raw.strip().lower() in ("none", ""):
            return None
        hint = next(a for a in args if a is not type(None))
    wrong = InvalidSetting(f"{name} expects {_type_name(hint)}, got {raw!r}")
    if hint is bool:
        low = raw.strip().lower()
        if low not in ("true", "false", "1", "0", "yes", "no"):
            raise wrong
        return low in ("true", "1", "yes")
    try:
        if typing.get_origin(hint) is tuple:
            item = typing.get_args(hint)[0]
            return tuple(item(part) for part in raw.replace(" ", "").strip("[]()").split(",") if part)
        return hint(raw)
    except (TypeError, ValueError):
        raise wrong from None


def _type_name(hint: Any) -> str:
    if typing.get_origin(hint) is tuple:
        return f"comma-separated {typing.get_args(hint)[0].__name__}s"
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) if a is not type(None) else "none" for a in typing.get_args(hint))
    return getattr(hint, "__name__", str(hint))
