"""`sitegen init`: lay out a new site that builds at once."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import zoneinfo
from importlib import resources
from pathlib import Path

from . import DISTRIBUTION, __version__
from .errors import SitegenError

PLACEHOLDER_BASE_URL = "https://example.invalid/"
"""The address `init` writes: a name reserved never to exist (RFC 2606)."""

PUBLISH = {
    "github-pages": ".github/workflows/publish.yml",
    "ssh": ".github/workflows/publish.yml",
    "forgejo": ".forgejo/workflows/publish.yml",
}
"""Where each kind of publishing keeps the workflow `init` writes."""

_SITE_TOML = """\
# The settings of this site. sitegen's README explains every key.

title = "{title}"
description = "{description}"
# The picture shown when someone shares a page without a photo of its own, a file
# in content/static/ (1200 x 630 px suits most sites); the theme's own without it.
# image = "vorschau.png"
# Where the site is published: every link honours its path, so a site at
# https://user.github.io/blog/ works. Replace this placeholder (builds warn
# until you do). {base_url_note}
base_url = "{placeholder}"
# de or en: the language of dates and of the theme's words.
language = "{language}"
# For dates written without a UTC offset, and for `sitegen new`.
timezone = "{timezone}"
# WordPress's shape, so imported posts keep their addresses.
permalink = "/{{year}}/{{month}}/{{day}}/{{slug}}/"
theme = "default"
# Entries on each page of the front page and of tag pages.
paginate = 10

[author]
name = "{author}"
email = ""

[diary]
# Day N of the diary is counted from this date, day 0: the day after it is Tag 1
# (Day 1). `sitegen init` wrote the day before the first entry.
day_zero = {day_zero}

[images]
# Widths in pixels in which every photo is published (never enlarged).
widths = [480, 960, 1600]

# Feeds: /feed.xml (RSS), /atom.xml, /feed.json, and /tags/NAME/feed.xml for each tag.
[feeds]
items = 20                       # the newest posts in each feed
full_content = true              # the whole post; false for its summary and a link
tags = true                      # a feed for each tag

# A podcast at /podcast.xml: posts with `audio = "episode.mp3"` beside their
# index.md become its episodes (a transcript episode.vtt or .srt and chapters
# episode.json beside the audio are published with it).
# [podcast]
# title = ""                     # the site's title when empty
# description = ""
# image = "cover.jpg"            # square artwork in content/static/, JPEG or PNG, 1400 to 3000 px
# category = "Society & Culture" # one of Apple's categories
# subcategory = "Personal Journals"
# explicit = false
# owner = {{ name = "", email = "" }}
# funding = {{ url = "https://example.org/support/", text = "{support}" }}
# type = "episodic"              # or "serial"
# locked = true                  # only the owner may move the podcast to another host
# persons = [{{ name = "", role = "host" }}]

# What a post shows besides its text.
[writing]
highlight = true                 # colour fenced code with a language: ```python
heading_links = true             # a link to each heading, shown on hover and focus
# toc_min_headings = 4           # a table of contents from this many headings (or toc = true)
reading_time = true              # "4 min read" beside the diary line
words_per_minute = 200
related = true                   # up to three related entries under each post

# Other hosts the pages may load files from (say, a video host you embed). None by
# default: then no page makes a browser contact another host, and the build fails
# if one would. Every host allowed here is named on the transparency page.
[audit]
allow = []

# Where entries were written, for the map of places: a location that is no city
# (say "Zuhause") gets its latitude and longitude here; cities are found by name.
[places]
# "Zuhause" = [51.34, 12.37]

# Free-form values for themes.
[extra]
"""

_TEXTS = {
    "en": {
        "title": "My diary",
        "description": "What we do and how we do it",
        "timezone": "UTC",
        "support": "Support us",
        "author": "Me",
        "post_slug": "hello",
        # A location is put on the map of places: a city is found by name, any other
        # place needs its point in site.toml, so the first entry shows the key unset.
        "post": 'title = "Hello"\n# location = "London"  # where it was written: on the map',
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
        "support": "Unterstützen",
        "author": "Ich",
        "post_slug": "hallo",
        "post": 'title = "Hallo"\n# location = "Leipzig"  # wo er geschrieben wurde: auf der Karte',
        "post_body": 'Der erste Eintrag. Den nächsten schreibst du mit `sitegen new "Titel"` '
        "oder von Hand in content/posts/.\n",
        "about": '+++\ntitle = "Über uns"\nslug = "ueber-uns"\n+++\n\n'
        "Wer hier schreibt, und warum.\n",
        "about_name": "ueber-uns.md",
    },
}

_GITIGNORE = "/output/\n.sitegen-cache/\n"

_USES_TOML = {
    "en": """\
# What you actually use and pay for, and what you dropped and why: the page /uses/.
# The page appears with the first [[item]]; until then there is none.
# currency = "EUR"               # for every cost below, unless an item says otherwise
# intro = "What we work with, and what it costs."

# [[item]]
# name = "Thread, linen 18/3"
# category = "Material"
# purpose = "Sewing every book"  # what it is for
# since = 2012-03-01
# cost = 96                      # optional; 0 for free
# per = "year"                   # month, year or once
# paid_by = "the workshop"       # optional
# url = "https://example.org/"   # optional; no tracking or affiliate parameters
# why = "It does not tear."      # optional
# until = 2016-08-01             # when you stopped; then say why_dropped = "..."
""",
    "de": """\
# Was ihr wirklich nutzt und bezahlt, und was ihr aufgegeben habt, und warum: die Seite /uses/.
# Die Seite erscheint mit dem ersten [[item]]; bis dahin gibt es keine.
# currency = "EUR"               # für alle Kosten unten, wenn ein Eintrag nichts anderes sagt
# intro = "Womit wir arbeiten, und was es kostet."

# [[item]]
# name = "Leinenzwirn 18/3"
# category = "Material"
# purpose = "Heften aller Bücher"  # wofür
# since = 2012-03-01
# cost = 96                      # optional; 0 für kostenlos
# per = "year"                   # month, year oder once
# paid_by = "die Werkstatt"      # optional
# url = "https://example.org/"   # optional; ohne Tracking- und Partnerkennungen
# why = "Reißt nicht."           # optional
# until = 2016-08-01             # seit wann nicht mehr; dann auch why_dropped = "..."
""",
}

_BASE_URL_NOTES = {
    "github-pages": "The publishing workflow passes\n# GitHub Pages' own address with --base-url.",
    "ssh": "The publishing workflow refuses to\n# publish with the placeholder.",
    "forgejo": "Codeberg Pages serves the site at\n# https://USER.codeberg.page/REPOSITORY/.",
}
# A machine that says only "UTC" was most likely never told where it is.
_UNSET_ZONES = {"UTC", "UCT", "GMT", "Universal", "Zulu", "Greenwich"}


def placeholders() -> dict[str, str]:
    """The about page `init` writes, by path below the site, as written in each language."""
    return {f"content/pages/{t['about_name']}": t["about"] for t in _TEXTS.values()}


def create_site(
    folder: Path,
    language: str = "en",
    now: dt.datetime | None = None,
    publish: str = "github-pages",
    timezone: str | None = None,
) -> Path:
    """Create a new site in `folder`, which must be empty or absent; return its path.

    The site's time zone is `timezone`, else this computer's, else the language's usual one.
    """
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise SitegenError(f"{folder} already exists and is not empty; choose a new folder")
    texts = {
        **_TEXTS[language],
        "timezone": timezone or machine_timezone() or _TEXTS[language]["timezone"],
    }
    zone = zoneinfo.ZoneInfo(texts["timezone"])
    now = (now or dt.datetime.now(dt.UTC)).astimezone(zone).replace(second=0, microsecond=0)
    site_toml = _SITE_TOML.format(
        language=language,
        day_zero=(now.date() - dt.timedelta(days=1)).isoformat(),
        placeholder=PLACEHOLDER_BASE_URL,
        base_url_note=_BASE_URL_NOTES[publish],
        **texts,
    )
    files = {
        "site.toml": site_toml,
        f"content/posts/{now:%Y-%m-%d}-{texts['post_slug']}.md": (
            f"+++\n{texts['post']}\ndate = {now.isoformat()}\n+++\n\n{texts['post_body']}"
        ),
        f"content/pages/{texts['about_name']}": texts["about"],
        "content/uses.toml": _USES_TOML[language],
        "content/static/.gitkeep": "",
        ".gitignore": _GITIGNORE,
        PUBLISH[publish]: workflow(publish),
    }
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def workflow(publish: str) -> str:
    """The publishing workflow for `publish`, installing the sitegen that writes it."""
    text = resources.files(__package__).joinpath(f"workflows/{publish}.yml").read_text("utf-8")
    requirement = f"{DISTRIBUTION}=={__version__}"
    return text.replace("@REQUIREMENT@", requirement).replace("@PLACEHOLDER@", PLACEHOLDER_BASE_URL)


def machine_timezone() -> str | None:
    """The name of this computer's time zone (from TZ or /etc/localtime), unless only UTC."""
    found: list[str] = []
    if tz := os.environ.get("TZ", "").removeprefix(":"):
        found.append(tz)
    # Either may be missing (Windows, some containers): then the next one tells.
    with contextlib.suppress(OSError):
        found.append(os.readlink("/etc/localtime"))
    with contextlib.suppress(OSError):
        found.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    for name in found:
        # "/usr/share/zoneinfo/Europe/Berlin" or "../usr/share/zoneinfo/Europe/Berlin"
        name = name.rpartition("zoneinfo/")[2]
        if name.removeprefix("Etc/") in _UNSET_ZONES or not name:
            return None
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
        return name
    return None
