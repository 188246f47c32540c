"""Split front matter (TOML between +++ or YAML between ---) from a document and read it.

Front matter is a handful of keys; the limits below end hostile files (an alias bomb,
thousands of nested lists) with one line before they cost time or memory.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

import yaml

from .errors import ContentError
from .text import toml_problem

MAX_FRONT_MATTER = 256 * 1024
"""Bytes."""
MAX_NESTING = 32
"""Tables and lists inside each other."""
MAX_YAML_NODES = 20_000
"""Values a YAML front matter holds once its aliases are expanded."""


_NULL_KEYS = ("~", "null", "Null", "NULL")
"""How YAML writes the key None."""


@dataclass(frozen=True, slots=True)
class FrontMatter:
    values: dict[str, Any]
    lines: tuple[str, ...]
    """The front matter's own lines, to find the line of a key."""
    body: str
    body_line: int
    """Line number (1-based) in the file where the body starts."""

    def line_of(self, key: str) -> int:
        spellings = _NULL_KEYS if key == "~" else (key,)
        names = "|".join(map(re.escape, spellings))
        pattern = re.compile(rf"^\s*[\"']?(?:{names})[\"']?\s*[=:]")
        for number, line in enumerate(self.lines, start=2):
            if pattern.match(line):
                return number
        return 1


def split_front_matter(text: str, shown: str) -> FrontMatter:
    """Split TOML (+++) or YAML (---) front matter from the body and parse it."""
    lines = text.split("\n")
    fence = lines[0].rstrip()
    if fence not in ("+++", "---"):
        raise ContentError(
            "no front matter: start the file with +++ (TOML) or --- (YAML) and a title", shown, 1
        )
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].rstrip() == fence)
    except StopIteration:
        raise ContentError(f"front matter opened with {fence} is never closed", shown, 1) from None
    raw = "\n".join(lines[1:end]) + "\n"
    if len(raw) > MAX_FRONT_MATTER:
        raise ContentError(
            f"front matter of {len(raw)} characters; keep it under {MAX_FRONT_MATTER}", shown, 1
        )
    values: Any
    if fence == "+++":
        try:
            values = tomllib.loads(raw)
        except tomllib.TOMLDecodeError as e:
            message, line = toml_problem(e, raw, first_line=2)
            raise ContentError(f"front matter is not valid TOML: {message}", shown, line) from None
        except RecursionError:
            raise ContentError(_TOO_DEEP, shown, 2) from None
    else:
        values = _yaml(raw, shown)
    if not isinstance(values, dict):
        raise ContentError("front matter must be a set of key: value lines", shown, 2)
    if _depth(values) > MAX_NESTING:
        raise ContentError(_TOO_DEEP, shown, 2)
    return FrontMatter(values, tuple(lines[1:end]), "\n".join(lines[end + 1 :]), end + 2)


_TOO_DEEP = f"front matter nests tables or lists more than {MAX_NESTING} deep"


def _yaml(raw: str, shown: str) -> Any:
    """Parse YAML front matter, refusing alias bombs and deep nesting before building values."""
    if _bracket_depth(raw) > 4 * MAX_NESTING:
        raise ContentError(_TOO_DEEP, shown, 2)  # PyYAML takes seconds to find that out
    loader: yaml.SafeLoader | None = None
    try:
        loader = yaml.SafeLoader(raw)  # reads the text at once: may raise already
        node = loader.get_single_node()
        if node is None:
            return {}
        if _yaml_size(node) > MAX_YAML_NODES:
            raise ContentError(
                f"front matter holds more than {MAX_YAML_NODES} values once its aliases "
                "(*name) are expanded",
                shown,
                2,
            )
        return loader.construct_document(node) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise ContentError(f"front matter is not valid YAML: {problem}", shown, line) from None
    except RecursionError:
        raise ContentError(_TOO_DEEP, shown, 2) from None
    finally:
        if loader is not None:
            loader.dispose()


def _bracket_depth(raw: str) -> int:
    """How deep [ and { nest, counted roughly (brackets inside quotes count too)."""
    depth = deepest = 0
    for char in raw:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(depth - 1, 0)
    return deepest


def _yaml_size(root: yaml.Node) -> int:
    """How many values the node stands for with every alias expanded (shared nodes counted once
    a use), computed without expanding anything; too deep a node raises RecursionError."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node, depth: int) -> int:
        if depth > MAX_NESTING:
            raise RecursionError  # reported as nesting too deep
        known = sizes.get(id(node))
        if known is not None:
            return known
        sizes[id(node)] = MAX_YAML_NODES + 1  # a node inside itself is endless
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(item, depth + 1) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        total = min(total, MAX_YAML_NODES + 1)
        sizes[id(node)] = total
        return total

    return size(root, 0)


def _depth(value: Any) -> int:
    """How deep tables and lists nest in parsed front matter (without recursion)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_NESTING:
            break
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


# Front matter keys and what they must hold; anything else is a typo worth reporting.
_COMMON: dict[str, str] = {
    "title": "str",
    "date": "datetime",
    "updated": "datetime",
    "slug": "str",
    "url": "str",
    "description": "str",
    "draft": "bool",
    "aliases": "list",
    "extra": "table",
    "cover": "str",
    "toc": "bool",
}
_KEYS: dict[str, dict[str, str]] = {
    "post": {
        **_COMMON,
        "location": "str",
        "zone": "str",
        "day": "day",
        "dream": "str",
        "tags": "list",
        "audio": "str",
        "guid": "str",
        "episode": "day",
        "season": "day",
        "episode_type": "str",
        "explicit": "bool",
        "guests": "list",
        "series": "str",
    },
    "page": {**_COMMON, "nav": "bool", "weight": "int"},
}
_TYPE_NAMES = {
    "str": "a string",
    "bool": "true or false",
    "list": "a list of strings",
    "table": "a table",
    "int": "an integer",
    "day": "a positive integer",
    "datetime": "a date and time like 2013-06-26T06:25:00+02:00",
}


def check_keys(
    values: dict[str, Any], document_kind: str, fail: Callable[[str, str], NoReturn]
) -> None:
    """Refuse unknown keys and values of the wrong type, naming the key."""
    allowed = _KEYS[document_kind]
    for key, value in values.items():
        if not isinstance(key, str):  # YAML allows any value as a key: ~, 5, a date
            fail("~" if key is None else str(key), f"front matter keys are names, not {key!r}")
        kind = allowed.get(key)
        if kind is None:
            known = ", ".join(sorted(allowed))
            fail(
                key,
                f"unknown front matter key {key!r} (known: {known}; "
                "free-form values go in [extra])",
            )
            continue
        ok = {
            "str": isinstance(value, str),
            "bool": isinstance(value, bool),
            "list": isinstance(value, list) and all(isinstance(v, str) for v in value),
            "table": isinstance(value, dict),
            "int": isinstance(value, int) and not isinstance(value, bool),
            "day": isinstance(value, int) and not isinstance(value, bool) and value > 0,
            "datetime": isinstance(value, dt.date | str),
        }[kind]
        if not ok:
            fail(key, f"{key} must be {_TYPE_NAMES[kind]}, not {value!r}")


def front_matter_keys(kind: str) -> frozenset[str]:
    """The front matter keys a post ("post") or a page ("page") may carry."""
    return frozenset(_KEYS[kind])
