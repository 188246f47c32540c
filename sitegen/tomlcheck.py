"""Check a TOML table against a dataclass: typed values, and every problem with its dotted path.

site.toml (config.py) and the other TOML files a site holds (uses.toml) are read this way:
an unknown key, a missing required one or a value of the wrong type is a line like
`images.widths[2]: must be a positive integer`, and all of them are collected at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from typing import Any


def convert_table(cls: type[Any], raw: Any, where: str, problems: list[str]) -> dict[str, Any]:
    """Check a TOML table against a dataclass; collect every problem with its dotted path.

    Returns the checked values by field name, for `cls(**values)` once `problems` is empty.
    Fields with `metadata={"internal": True}` are not read from the table.
    """
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be a table")
        return {}
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
    values: dict[str, Any] = {}
    for key in sorted(set(raw) - set(known)):
        problems.append(f"{_join(where, key)}: unknown key")
    for name, f in known.items():
        dotted = _join(where, name)
        if name not in raw:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                problems.append(f"{dotted}: missing (required)")
            continue
        values[name] = _value(hints[name], raw[name], dotted, problems)
    return values


def _value(hint: Any, raw: Any, where: str, problems: list[str]) -> Any:
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return _value(options[0], raw, where, problems)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return hint(**convert_table(hint, raw, where, problems))
    if origin is tuple:
        item = typing.get_args(hint)[0]
        if not isinstance(raw, list):
            problems.append(f"{where}: must be a list")
            return ()
        return tuple(_value(item, v, f"{where}[{i}]", problems) for i, v in enumerate(raw))
    if origin is dict:
        if not isinstance(raw, dict):
            problems.append(f"{where}: must be a table")
        return raw
    expected: dict[Any, tuple[type | tuple[type, ...], str]] = {
        str: (str, "a string"),
        bool: (bool, "true or false"),
        float: ((int, float), "a number"),
        dt.date: (dt.date, "a date like 2011-10-08"),
    }
    if hint is int:
        if isinstance(raw, bool) or not isinstance(raw, int) or raw <= 0:
            problems.append(f"{where}: must be a positive integer")
        return raw
    types_, description = expected[hint]
    wrong_bool = hint is not bool and isinstance(raw, bool)
    wrong_date = hint is dt.date and isinstance(raw, dt.datetime)
    if not isinstance(raw, types_) or wrong_bool or wrong_date:
        problems.append(f"{where}: must be {description}")
    return raw


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key
