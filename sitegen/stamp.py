"""The stamp of the last successful build: a build with nothing to do stops at once.

After each successful build the stamp records a fingerprint of everything its output
was made from (sitegen's code, the settings, the size and time of every file under
content/ and in the theme's folders, the build options) and the span of time in which the same
posts count as published. A build that finds the same fingerprint, a clock inside that
span and every output still in place has nothing to do: it reports the last build's
figures without parsing a post or rendering a page. Anything else, or a stamp that
cannot be read, means a full (incremental) build, which writes a new stamp.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .model import Notice, Post
from .text import digest

_VERSION = 1


def fingerprint(config: Config, folders: Sequence[Path], *parts: str) -> str:
    """Digest of the settings, the given parts, and the stat of every file in the folders."""
    found: list[str] = []
    for root in map(str, folders):
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
                    f"{os.fsencode(path)!r}\0{st.st_size}\0{st.st_mtime_ns}"
                    f"\0{st.st_ino}\0{st.st_ctime_ns}"
                )
    return digest(str(_VERSION), repr(config), *parts, *found)


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


def load(path: Path) -> Stamp | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["version"] != _VERSION:
            return None
        span = data["span"]
        return Stamp(
            data["fingerprint"],
            Span(
                _instant(span["after"]),
                _instant(span["before"]),
                dt.date.fromisoformat(span["today"]) if span["today"] else None,
            ),
            tuple(data["outputs"]),
            {str(k): int(v) for k, v in data["figures"].items()},
            tuple(Notice(str(p), line, str(m)) for p, line, m in data["warnings"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no stamp, or a damaged one: a full build, which writes a new one


def save(path: Path, stamp: Stamp) -> None:
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
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".stamp-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f)
    os.replace(tmp, path)


def forget(path: Path) -> None:
    """Drop the stamp: the output is about to change."""
    path.unlink(missing_ok=True)


def _instant(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None
