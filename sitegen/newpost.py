"""`sitegen new`: a diary entry, dated now in the site's time zone, its day counted."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from .config import Config, load_config
from .discover import discover
from .errors import ContentError, SitegenError, display_path
from .parse import written_at
from .text import slugify


def new_post(
    site_dir: Path,
    title: str,
    *,
    location: str | None = None,
    bundle: bool = False,
    now: dt.datetime | None = None,
) -> Path:
    """Write a new entry into content/posts/ and return its path; never replace a file.

    Without a `location` the entry takes the one of the latest entry that names one.
    """
    config = load_config(site_dir.resolve())
    title = title.strip()
    if not title:
        raise SitegenError('the title is empty: sitegen new "Title"')
    slug = slugify(title)
    if not slug:
        raise SitegenError(f"cannot make a file name from the title {title!r}; use some letters")
    # The local time where the site is written: its time zone, else this computer's.
    when = (now or dt.datetime.now(dt.UTC)).astimezone(config.zone).replace(second=0, microsecond=0)
    name = f"{when:%Y-%m-%d}-{slug}"
    posts = config.content_dir / "posts"
    for existing in (posts / f"{name}.md", posts / name):
        if existing.exists():
            raise SitegenError(
                "already exists; sitegen new never replaces an entry (give this one another title)",
                display_path(existing),
            )
    if location is None:
        location = latest_location(config, when)
    lines = [
        "+++",
        f"title = {_toml_string(title)}",
        f"date = {when.isoformat()}",
    ]
    if location.strip():
        lines.append(f"location = {_toml_string(location.strip())}")
    day = config.diary.day_of(when.date())
    if day is not None:
        lines.append(f"day = {day}")
    lines += ["+++", "", ""]
    if bundle:
        target = posts / name / "index.md"
        target.parent.mkdir(parents=True)
    else:
        posts.mkdir(parents=True, exist_ok=True)
        target = posts / f"{name}.md"
    # "x": fail rather than replace, even if the file appeared since the check above.
    with target.open("x", encoding="utf-8") as f:
        f.write("\n".join(lines))
    return target


def latest_location(config: Config, now: dt.datetime) -> str:
    """The location of the newest entry written up to `now` that names one, or ""."""
    newest: tuple[dt.datetime, str] | None = None
    for document in discover(config).documents:
        if document.kind != "post":
            continue
        try:
            found = written_at(document, config)
        except (ContentError, OSError, ValueError, TypeError):
            continue  # a broken entry is the build's to report, not ours
        if found is None:
            continue
        date, location = found
        if location and date <= now and (newest is None or date > newest[0]):
            newest = (date, location)
    return newest[1] if newest else ""


def _toml_string(text: str) -> str:
    # A JSON string is a TOML basic string: the same quotes and escapes.
    return json.dumps(text, ensure_ascii=False)
