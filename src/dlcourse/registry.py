"""A small name -> object registry that fails loudly with the known names."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from dlcourse.errors import InvalidName, UnknownName

T = TypeVar("T")


class Registry(Generic[T]):
    """Maps names to objects; registering a name twice or looking up an unknown one is an error."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    def add(self, name: str, item: T) -> T:
        if name in self._items:
            raise InvalidName(f"{self.kind} {name!r} is registered twice")
        self._items[name] = item
        return item

    def register(self, name: str) -> Callable[[T], T]:
        """Decorator form of `add`: `@models.register("mlp")`."""
        return lambda item: self.add(name, item)

    def get(self, name: str) -> T:
        try:
            return self._items[name]
        except KeyError:
            known = ", ".join(sorted(self._items)) or "none"
            raise UnknownName(f"unknown {self.kind} {name!r}; known: {known}") from None

    def names(self, pattern: str = "*") -> list[str]:
        """Registered names matching a shell-style pattern, in registration order."""
        return [n for n in self._items if fnmatch.fnmatchcase(n, pattern)]

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)
