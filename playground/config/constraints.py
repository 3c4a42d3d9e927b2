"""The kinds of constraint a config field can have, as scikit-learn's parameter constraints.

Each constraint checks one value and returns it in canonical form (`check`), or raises
``ConfigError`` naming the field, what is allowed and what was received. A number constraint
also knows how to move a value into its range (`clamp`), for the lenient reading of links.

    Integer(50, 5000).check("n_samples", 500.0)   # -> 500
    Real(0.0, 0.5).check("noise", 0.7)            # ConfigError: noise must be between 0 and 0.5 ...
    Real(0.0, 0.5).clamp(0.7)                     # -> 0.5
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral
from numbers import Real as RealNumber
from typing import Any


class ConfigError(ValueError):
    """An invalid config value; ``field`` names the offending field (or URL parameter)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field

    def __reduce__(self):  # keeps `field` through pickling
        return type(self), (self.field, str(self))


def show_value(value) -> str:
    """A value as an error message shows it: its repr, cut to 60 characters."""
    try:
        text = repr(value)
    except ValueError:  # an int too long to print
        text = f"<int of {value.bit_length()} bits>"
    return text if len(text) <= 60 else text[:57] + "..."


def show_number(value) -> str:
    """A number as a message shows it: 5.0 as 5, else as show_value."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return show_value(value)


@dataclass(frozen=True)
class Range:
    """The numbers from ``low`` to ``high`` inclusive (``low`` excluded when ``low_open``)."""

    low: float
    high: float
    low_open: bool = False

    def __contains__(self, value) -> bool:  # NaN is in no range
        return (self.low < value if self.low_open else self.low <= value) and value <= self.high

    def describe(self) -> str:
        if self.low_open:
            return f"greater than {show_number(self.low)} and at most {show_number(self.high)}"
        return f"between {show_number(self.low)} and {show_number(self.high)}"


class Constraint:
    """What one field accepts. ``bound`` is what the UI reads (a Range or the allowed names)."""

    bound: Range | tuple[str, ...] | None = None
    optional = False  # None is allowed too

    def check(self, name: str, value) -> Any:
        """`value` in canonical form; ConfigError when it is not allowed."""
        raise NotImplementedError

    def clamp(self, value) -> Any:
        """The nearest allowed value to a rejected `value`, or None when nothing is near."""
        return None


@dataclass(frozen=True)
class Number(Constraint):
    """An int (``integer``) or a float in ``bound``; None too when ``optional``."""

    bound: Range
    integer: bool = False
    optional: bool = False

    def check(self, name, value):
        if self.optional and value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, Integral if self.integer else RealNumber):
            kind = ("an integer" if self.integer else "a number") + f" {self.bound.describe()}"
            kind += " (or None)" if self.optional else ""
            raise ConfigError(name, f"{name} must be {kind}. Received: {name}={show_value(value)}")
        if value not in self.bound:
            raise ConfigError(name, f"{name} must be {self.bound.describe()}. Received: {name}={show_number(value)}")
        return int(value) if self.integer else float(value) + 0.0  # + 0.0: -0.0 -> 0.0

    def clamp(self, value):
        if isinstance(value, bool) or not isinstance(value, RealNumber):
            return None
        if not isinstance(value, Integral) and not math.isfinite(value):
            return None
        value = min(max(value, self.bound.low), self.bound.high)
        return None if self.bound.low_open and value == self.bound.low else value


def Integer(low: int, high: int, optional: bool = False) -> Number:  # noqa: N802 (reads as a type)
    """An integer from low to high inclusive."""
    return Number(Range(low, high), integer=True, optional=optional)


def Real(low: float, high: float, low_open: bool = False, optional: bool = False) -> Number:  # noqa: N802
    """A number from low (excluded when low_open) to high inclusive."""
    return Number(Range(low, high, low_open), optional=optional)


@dataclass(frozen=True, init=False)
class Choice(Constraint):
    """One of the names, as text."""

    bound: tuple[str, ...]

    def __init__(self, *names: str):
        object.__setattr__(self, "bound", tuple(names))

    def check(self, name, value):
        if not isinstance(value, str) or value not in self.bound:
            raise ConfigError(name, f"{name} must be one of {', '.join(self.bound)}. "
                                    f"Received: {name}={show_value(value)}")
        return value


@dataclass(frozen=True)
class Flag(Constraint):
    """True or False."""

    def check(self, name, value):
        if not isinstance(value, bool):
            raise ConfigError(name, f"{name} must be True or False. Received: {name}={show_value(value)}")
        return value


@dataclass(frozen=True, init=False)
class Names(Constraint):
    """A non-empty set of distinct names, kept as a tuple in the order of ``bound``."""

    bound: tuple[str, ...]

    def __init__(self, *names: str):
        object.__setattr__(self, "bound", tuple(names))

    def check(self, name, value):
        allowed = self.bound
        valid = isinstance(value, tuple | list) and 0 < len(value) == len(set(value)) <= len(allowed)
        if not valid or not all(isinstance(v, str) and v in allowed for v in value):
            raise ConfigError(name, f"{name} must be a non-empty tuple of distinct names from "
                                    f"{', '.join(allowed)}. Received: {name}={show_value(value)}")
        return tuple(sorted(value, key=allowed.index))


@dataclass(frozen=True)
class Layers(Constraint):
    """A tuple of hidden layers, as many as ``bound`` allows. ``of`` returns their class (a
    function: the class is defined after the table that names this constraint)."""

    bound: Range
    of: Any = None

    def check(self, name, value):
        cls = self.of()
        if not isinstance(value, tuple | list) or not all(isinstance(item, cls) for item in value):
            raise ConfigError(name, f"{name} must be a tuple of {cls.__name__}. Received: {show_value(value)}")
        if len(value) not in self.bound:
            raise ConfigError(name, f"{name} must have {self.bound.describe()} layers. "
                                    f"Received: {len(value)} layers")
        return tuple(value)


@dataclass(frozen=True)
class Instance(Constraint):
    """An object of a class, or None."""

    of: type = object
    optional: bool = True

    def check(self, name, value):
        if not isinstance(value, self.of) and not (self.optional and value is None):
            raise ConfigError(name, f"{name} must be a {self.of.__name__} or None. Received: {show_value(value)}")
        return value
