"""A small, typed JSON codec for the frozen model: the type hints say how to read back."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import types
import typing
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any


def encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # A field at its default is left out, and `decode` gives it its default again: most
        # of a post's forty fields are, and reading them back is most of an edit's build.
        found = {}
        for name, default in _defaults(type(value)):
            field = getattr(value, name)
            if default is _REQUIRED or type(field) is not type(default) or field != default:
                found[name] = encode(field)
        return found
    if isinstance(value, dt.datetime):
        zone = value.tzinfo.key if isinstance(value.tzinfo, zoneinfo.ZoneInfo) else None
        return {"$dt": value.isoformat(), "zone": zone}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple | list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    return value


_REQUIRED: Any = object()


@functools.cache
def _defaults(cls: type) -> tuple[tuple[str, Any], ...]:
    """Each field's name and default value (`_REQUIRED` for a field without one)."""
    found = []
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            found.append((f.name, f.default))
        elif f.default_factory is not dataclasses.MISSING:
            found.append((f.name, f.default_factory()))
        else:
            found.append((f.name, _REQUIRED))
    return tuple(found)


def decode(hint: Any, value: Any) -> Any:
    decoder = _decoder(hint)
    return value if decoder is None else decoder(value)


Decoder = Callable[[Any], Any]


@functools.cache
def _decoder(hint: Any) -> Decoder | None:
    """A function rebuilding a value of type `hint` from JSON; None where JSON is already right."""
    origin = typing.get_origin(hint)
    if hint is dt.datetime:
        return _datetime
    if hint is dt.date:
        return lambda v: dt.date.fromisoformat(v["$date"])
    if origin in (types.UnionType, typing.Union):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(options) > 1:
            return _one_of(options)
        inner = _decoder(options[0])
        return None if inner is None else (lambda v: None if v is None else inner(v))
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = _hints(hint)
        fields = [(name, _decoder(h)) for name, h in hints.items()]

        def make(v: dict[str, Any]) -> Any:
            return hint(
                **{n: (v[n] if d is None or v[n] is None else d(v[n])) for n, d in fields if n in v}
            )

        return make
    if hint is Path:
        return Path
    if origin is tuple:
        item = _decoder(typing.get_args(hint)[0])
        return tuple if item is None else (lambda v: tuple(item(x) for x in v))
    if origin is dict or hint is Any:
        return _any
    return None


def _one_of(options: list[Any]) -> Decoder:
    """A union of dataclasses, each read back as the one whose fields its keys fit: all it
    requires, and none it lacks (`encode` leaves out the fields at their defaults)."""
    kinds: list[tuple[frozenset[str], frozenset[str], Decoder]] = []
    for option in options:
        if not (isinstance(option, type) and dataclasses.is_dataclass(option)):
            raise TypeError(f"a union the codec reads must be of dataclasses, not {option!r}")
        names = frozenset(name for name, _ in _defaults(option))
        required = frozenset(name for name, default in _defaults(option) if default is _REQUIRED)
        for other_required, other_names, _ in kinds:
            if required | other_required <= names & other_names:
                raise TypeError(f"{option.__name__} may have the keys of another type in its union")
        decoder = _decoder(option)
        assert decoder is not None  # a dataclass is always rebuilt
        kinds.append((required, names, decoder))
    chosen: dict[frozenset[str], Decoder] = {}

    def pick(v: dict[str, Any]) -> Any:
        keys = frozenset(v)
        decoder = chosen.get(keys)
        if decoder is None:
            fits = [d for required, names, d in kinds if required <= keys <= names]
            if len(fits) != 1:
                raise KeyError(f"no one type of the union has the keys {sorted(keys)}")
            decoder = chosen[keys] = fits[0]
        return decoder(v)

    return lambda v: None if v is None else pick(v)


def _datetime(value: dict[str, Any]) -> dt.datetime:
    when = dt.datetime.fromisoformat(value["$dt"])
    return when.replace(tzinfo=zoneinfo.ZoneInfo(value["zone"])) if value["zone"] else when


def _any(value: Any) -> Any:
    """Values of free-form tables: dates are tagged, everything else is plain JSON."""
    if isinstance(value, dict):
        if "$dt" in value:
            return _datetime(value)
        if "$date" in value:
            return dt.date.fromisoformat(value["$date"])
        return {k: _any(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_any(v) for v in value]
    return value


def _hints(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls)}
