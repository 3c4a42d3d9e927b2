"""Name -> object registries, so widgets, configs and URLs can name activations, losses, ..."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any


class Registry:
    """An ordered mapping from the names users see to classes or factories.

    `get(spec)` turns a name (or an already-built object) into an object and, for an unknown
    name, raises a ValueError that lists the known names and repeats what was received.
    """

    def __init__(self, kind: str):
        self.kind = kind
        self._entries: dict[str, Callable[..., Any]] = {}

    def register(self, *names: str) -> Callable:
        def decorate(factory):
            for name in names:
                self._entries[name] = factory
            return factory

        return decorate

    def names(self) -> tuple[str, ...]:
        return tuple(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def factory(self, name: str) -> Callable[..., Any]:
        """The class (or function) registered under `name`, unbuilt; ValueError for an unknown name."""
        if isinstance(name, str) and name in self._entries:
            return self._entries[name]
        raise ValueError(f"Unknown {self.kind}. Expected one of: {', '.join(self._entries)}. "
                         f"Received: {self.kind}={name!r}")

    def get(self, spec: Any, base: type | None = None, **kwargs) -> Any:
        """Build the object named by `spec`; pass objects of type `base` through unchanged.

        `spec` may also be a config dict {"name": ..., **arguments}, as `get_config()` returns.
        """
        if base is not None and isinstance(spec, base):
            return spec
        if isinstance(spec, dict) and "name" in spec:
            arguments = {k: v for k, v in spec.items() if k != "name"}
            return self.get(spec["name"], base, **{**arguments, **kwargs})
        return self.factory(spec)(**kwargs)
