"""What a site's owners use and pay for, from content/uses.toml: the model of the uses page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Period = Literal["month", "year", "once"]


@dataclass(frozen=True, slots=True)
class UseItem:
    """One thing the site's owners use (or used), from content/uses.toml."""

    name: str
    category: str
    purpose: str
    """What it is for."""
    since: dt.date
    until: dt.date | None = None
    """When it was dropped; None while in use."""
    cost: float | None = None
    """What it costs each `per`; None when not told, 0 when free."""
    per: str = ""
    """month, year or once."""
    currency: str = ""
    paid_by: str = ""
    url: str = ""
    why: str = ""
    """Why it is used."""
    verdict: str = ""
    why_dropped: str = ""
    replaced_by: str = ""

    @property
    def monthly(self) -> float:
        """What it costs a month, yearly costs spread; 0 for one-off or unknown costs."""
        if self.cost is None or self.per == "once":
            return 0.0
        return self.cost if self.per == "month" else self.cost / 12


@dataclass(frozen=True, slots=True)
class Change:
    """A line of the uses history: something taken up or dropped."""

    date: dt.date
    started: bool
    item: UseItem


@dataclass(frozen=True, slots=True)
class Uses:
    """What the owners actually use and pay for, and what they dropped and why."""

    items: tuple[UseItem, ...]
    """In the order of the file."""
    as_of: dt.date
    """The build's date: durations ("for 7 years") are counted to it."""
    intro: str = ""
    source: str = "content/uses.toml"

    @property
    def current(self) -> tuple[UseItem, ...]:
        return tuple(i for i in self.items if i.until is None)

    @property
    def dropped(self) -> tuple[UseItem, ...]:
        return tuple(i for i in self.items if i.until is not None)

    @staticmethod
    def by_category(items: tuple[UseItem, ...]) -> list[tuple[str, list[UseItem]]]:
        """Items grouped by category (sorted), oldest first within a group."""
        groups: dict[str, list[UseItem]] = {}
        for item in items:
            groups.setdefault(item.category, []).append(item)
        return [(c, sorted(groups[c], key=lambda i: (i.since, i.name))) for c in sorted(groups)]

    @property
    def history(self) -> tuple[Change, ...]:
        """Every taking up and dropping, newest first; on one day what was dropped first."""
        changes = [Change(i.since, True, i) for i in self.items]
        changes += [Change(i.until, False, i) for i in self.items if i.until is not None]
        return tuple(sorted(changes, key=lambda c: (-c.date.toordinal(), c.started, c.item.name)))

    @property
    def monthly_totals(self) -> tuple[tuple[str, float], ...]:
        """Running costs a month of what is in use, by currency."""
        totals: dict[str, float] = {}
        for item in self.current:
            if item.cost is not None and item.per != "once":
                totals[item.currency] = totals.get(item.currency, 0.0) + item.monthly
        return tuple(sorted(totals.items()))


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from start to end."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return max(months - (1 if end.day < start.day else 0), 0)
