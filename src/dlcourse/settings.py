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
from collections.abc import Collection
from typing import Any

from dlcourse.errors import InvalidSetting, UnknownName

_NO_BOUND = object()


def setting(
    default: Any,
    help: str,
    *,
    min: Any = _NO_BOUND,
    max: Any = _NO_BOUND,
    gt: Any = _NO_BOUND,
    choices: Collection[Any] | None = None,
) -> Any:
    """A settings field with its meaning (and unit, and where in the brief it comes from), bounds and choices."""
    metadata = {"help": help, "min": min, "max": max, "gt": gt, "choices": choices}
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
