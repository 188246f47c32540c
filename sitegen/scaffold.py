"""`sitegen init`: lay out a new site that builds at once."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

from .errors import SitegenError

_SITE_TOML = """\
# The settings of this site. Every key is explained in sitegen's README.
title = "{title}"
description = "{description}"
# Where the site will be published; every link honours its path.
base_url = "https://example.org/"
language = "{language}"
timezone = "{timezone}"
permalink = "/{{year}}/{{month}}/{{day}}/{{slug}}/"
theme = "default"
# Posts on each page of the front page.
paginate = 10

[author]
name = "{author}"
email = ""

[diary]
# Day N of the diary is counted from this date.
day_zero = {today}
"""

_TEXTS = {
    "en": {
        "title": "My diary",
        "description": "What we do and how we do it",
        "timezone": "UTC",
        "author": "Me",
        "post_slug": "hello",
        "post": 'title = "Hello"\nlocation = "Home"',
        "post_body": 'The first entry. Write the next one with `sitegen new "Title"`, '
        "or by hand in "
        "content/posts/.\n",
        "about": '+++\ntitle = "About"\n+++\n\nWho writes here, and why.\n',
        "about_name": "about.md",
    },
    "de": {
        "title": "Mein Tagebuch",
        "description": "Was wir tun, wie wir es tun",
        "timezone": "Europe/Berlin",
        "author": "Ich",
        "post_slug": "hallo",
        "post": 'title = "Hallo"\nlocation = "Zuhause"',
        "post_body": 'Der erste Eintrag. Den nächsten schreibst du mit `sitegen new "Titel"` '
        "oder von Hand in content/posts/.\n",
        "about": '+++\ntitle = "Über uns"\nslug = "ueber-uns"\n+++\n\n'
        "Wer hier schreibt, und warum.\n",
        "about_name": "ueber-uns.md",
    },
}

_GITIGNORE = "/output/\n.sitegen-cache/\n"


def create_site(folder: Path, language: str = "en", now: dt.datetime | None = None) -> Path:
    """Create a new site in `folder`, which must be empty or absent; return its path."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise SitegenError(f"{folder} already exists and is not empty; choose a new folder")
    texts = _TEXTS[language]
    zone = zoneinfo.ZoneInfo(texts["timezone"])
    now = (now or dt.datetime.now(dt.UTC)).astimezone(zone).replace(second=0, microsecond=0)
    files = {
        "site.toml": _SITE_TOML.format(language=language, today=now.date().isoformat(), **texts),
        f"content/posts/{now:%Y-%m-%d}-{texts['post_slug']}.md": (
            f"+++\n{texts['post']}\ndate = {now.isoformat()}\n+++\n\n{texts['post_body']}"
        ),
        f"content/pages/{texts['about_name']}": texts["about"],
        "content/static/.gitkeep": "",
        ".gitignore": _GITIGNORE,
    }
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder
