"""Read content/uses.toml: what the owners use and pay for, and what they dropped and why.

Checked as strictly as site.toml: unknown keys, wrong types, dates in the wrong form,
`until` before `since`, links with tracking parameters; every problem reported at once
with its line and dotted path.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from typing import Any

from .config import Config
from .errors import BuildErrors, ContentError, display_path
from .text import toml_problem
from .tomlcheck import convert_table
from .tracking import clean_url
from .usage import UseItem, Uses

USES_FILE = "uses.toml"
_PERIODS = ("month", "year", "once")


@dataclass(frozen=True, slots=True)
class _Head:
    """The keys of uses.toml outside its [[item]] tables."""

    intro: str = ""
    currency: str = "EUR"
    """For every cost that names no currency of its own (ISO 4217: EUR, USD, CHF)."""


def load_uses(config: Config, today: dt.date) -> Uses | None:
    """The site's uses, or None when content/uses.toml does not exist or lists nothing yet."""
    path = config.content_dir / USES_FILE
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as e:
        raise ContentError(f"not UTF-8 text ({e.reason})", shown) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        message, line = toml_problem(e, text)
        raise ContentError(f"not valid TOML: {message}", shown, line) from None
    lines = _Lines(text)
    problems: list[tuple[str, int | None]] = []

    def report(found: list[str], item: int | None = None) -> None:
        for problem in found:
            where, _, _ = problem.partition(":")
            problems.append((problem, lines.of(where, item)))

    raw_items = raw.pop("item", [])
    found: list[str] = []
    head = convert_table(_Head, raw, "", found)
    if "currency" in head and not re.fullmatch(r"[A-Z]{3}", head["currency"]):
        found.append("currency: must be a three-letter currency code like EUR")
    report(found)
    items: list[UseItem] = []
    if not isinstance(raw_items, list) or not all(isinstance(i, dict) for i in raw_items):
        problems.append(("item: must be [[item]] tables", lines.of("item", None)))
        raw_items = []
    for index, raw_item in enumerate(raw_items):
        found = []
        values = convert_table(UseItem, raw_item, f"item[{index}]", found)
        if not found:
            _check_item(values, f"item[{index}]", found)
        report(found, index)
        if not found:
            values.setdefault("currency", head.get("currency", "EUR"))
            items.append(UseItem(**values))
    if problems:
        problems.sort(key=lambda p: p[1] or 0)
        raise BuildErrors([ContentError(message, shown, line) for message, line in problems])
    if not items:
        return None  # a file with no [[item]] yet, as `sitegen init` writes it: no page
    # Named as posts are (from the site folder): part of the page's input, so never absolute.
    return Uses(tuple(items), today, head.get("intro", "").strip(), f"content/{USES_FILE}")


_MAX_COST = 1e12
"""Larger sums cannot be written as money (and nobody's tools cost them)."""


def _check_item(values: dict[str, Any], where: str, found: list[str]) -> None:
    since, until = values["since"], values.get("until")
    if until is not None and until < since:
        found.append(f"{where}.until: {until} is before since = {since}")
    cost, per = values.get("cost"), values.get("per")
    if cost is not None and cost < 0:
        found.append(f"{where}.cost: must not be negative")
    elif cost is not None and not cost <= _MAX_COST:  # also nan and inf
        found.append(f"{where}.cost: must be a sum below {_MAX_COST:,.0f}")
    if per is not None and per not in _PERIODS:
        found.append(f"{where}.per: must be 'month', 'year' or 'once', not {per!r}")
    if cost is not None and per is None:
        found.append(f"{where}.cost: say what it is for: add per = 'month', 'year' or 'once'")
    if per is not None and cost is None:
        found.append(f"{where}.per: needs the cost beside it: add cost = ...")
    currency = values.get("currency")
    if currency is not None and not re.fullmatch(r"[A-Z]{3}", currency):
        found.append(f"{where}.currency: must be a three-letter currency code like EUR")
    url = values.get("url", "")
    if url and not re.match(r"https?://[^/\s]+", url):
        found.append(f"{where}.url: must be an absolute http(s) URL")
    elif url and clean_url(url)[1]:
        found.append(
            f"{where}.url: carries tracking or affiliate parameters; "
            f"link to {clean_url(url)[0]} instead"
        )
    if until is None:
        for key in ("why_dropped", "replaced_by"):
            if values.get(key):
                found.append(f"{where}.{key}: only for something dropped (set until = ...)")
    elif not values.get("why_dropped", "").strip():
        found.append(f'{where}.until: something dropped needs why_dropped = "...": say why')


class _Lines:
    """Finds the line of a dotted path (item[2].since) in the TOML text, for messages."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.items = [
            n for n, line in enumerate(self.lines) if re.match(r"\s*\[\[\s*item\s*\]\]", line)
        ]

    def of(self, where: str, item: int | None) -> int | None:
        key = re.sub(r"\[\d+\]$", "", where.rsplit(".", 1)[-1])
        if item is None:
            start, end = 0, self.items[0] if self.items else len(self.lines)
        elif item < len(self.items):
            start = self.items[item]
            end = self.items[item + 1] if item + 1 < len(self.items) else len(self.lines)
        else:
            return None
        pattern = re.compile(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for n in range(start, end):
            if pattern.match(self.lines[n]):
                return n + 1
        return start + 1 if item is not None else None
