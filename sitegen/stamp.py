"""The stamp of the last successful build: a build with nothing to do stops at once.

After each successful build the stamp records a fingerprint of everything its output
was made from (sitegen's code, the settings, the size and time of every file under
content/ and in the theme's folders, the build options) and the span of time in which the same
posts count as published. A build that finds the same fingerprint, a clock inside that
span and every output still in place has nothing to do: it reports the last build's
figures without parsing a post or rendering a page. Anything else, or a stamp that
cannot be read, means a full (incremental) build, which keeps a new stamp in the store.
Files count by their path below the folder walked, never by where the site is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .model import Notice, Post
from .text import digest

_VERSION = 2


def fingerprint(config: Config, folders: Sequence[Path], *parts: str) -> str:
    """Digest of the settings, the given parts, and the stat of every file in the folders."""
    found: list[str] = []
    for number, root in enumerate(map(str, folders)):
        start = len(root) + 1
        for folder, dirs, names in os.walk(root):
            dirs.sort()
            for name in sorted(names):
                path = os.path.join(folder, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                # Inode and ctime: a file replaced by one of equal size and mtime is seen too.
                # Names that are not UTF-8 are refused by discover(), not here.
                found.append(
                    f"{number}\0{os.fsencode(path[start:])!r}\0{st.st_size}\0{st.st_mtime_ns}"
                    f"\0{st.st_ino}\0{st.st_ctime_ns}"
                )
    where = dataclasses.replace(config, site_dir=Path())
    return digest(str(_VERSION), repr(where), *parts, *found)


@dataclass(frozen=True, slots=True)
class Span:
    """When the same posts are published: from the newest published one to the next due."""

    after: dt.datetime | None
    before: dt.datetime | None
    today: dt.date | None
    """The local date a dated page (the uses page's durations) was counted to, if any."""

    @classmethod
    def of(cls, posts: Sequence[Post], now: dt.datetime, today: dt.date | None) -> Span:
        dates = [p.date for p in posts if p.kind == "post"]
        published = [d for d in dates if d <= now]
        waiting = [d for d in dates if d > now]
        return cls(max(published, default=None), min(waiting, default=None), today)

    def holds(self, now: dt.datetime, today: dt.date) -> bool:
        return (
            (self.after is None or self.after <= now)
            and (self.before is None or now < self.before)
            and (self.today is None or self.today == today)
        )


@dataclass(frozen=True, slots=True)
class Stamp:
    fingerprint: str
    span: Span
    outputs: tuple[str, ...]
    figures: dict[str, int]
    """The last build's counts: posts, pages, skipped drafts and future posts, cleaned links."""
    warnings: tuple[Notice, ...]

    def still_fresh(self, print_: str, now: dt.datetime, today: dt.date, out_dir: Path) -> bool:
        base = f"{out_dir}{os.sep}"
        return (
            print_ == self.fingerprint
            and self.span.holds(now, today)
            and all(os.path.isfile(base + output) for output in self.outputs)
        )


def load(text: str | None) -> Stamp | None:
    """The stamp kept as `text` by `dumps`; None for none or a damaged one."""
    if text is None:
        return None
    try:
        data = json.loads(text)
        if data["version"] != _VERSION:
            return None
        span = data["span"]
        return Stamp(
            str(data["fingerprint"]),
            Span(
                _instant(span["after"]),
                _instant(span["before"]),
                dt.date.fromisoformat(span["today"]) if span["today"] else None,
            ),
            tuple(map(str, data["outputs"])),
            {str(k): int(v) for k, v in data["figures"].items()},
            tuple(
                Notice(str(p), None if n is None else int(n), str(m))
                for p, n, m in data["warnings"]
            ),
        )
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None  # a damaged stamp: a full build, which keeps a new one


def dumps(stamp: Stamp) -> str:
    span = stamp.span
    data = {
        "version": _VERSION,
        "fingerprint": stamp.fingerprint,
        "span": {
            "after": span.after.isoformat() if span.after else None,
            "before": span.before.isoformat() if span.before else None,
            "today": span.today.isoformat() if span.today else None,
        },
        "outputs": list(stamp.outputs),
        "figures": stamp.figures,
        "warnings": [[w.path, w.line, w.message] for w in stamp.warnings],
    }
    return json.dumps(data, separators=(",", ":"))


def _instant(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None
