"""`sitegen init`: lay out a new site that builds at once."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

from . import __version__
from .errors import SitegenError

_SITE_TOML = """\
# The settings of this site. sitegen's README explains every key.

title = "{title}"
description = "{description}"
# Where the site is published. Every link honours its path, so a site at
# https://user.github.io/blog/ works. The publishing workflow passes GitHub
# Pages' own address with --base-url, so this one is for local builds.
base_url = "https://example.org/"
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
# Day N of the diary is counted from this date.
day_zero = {today}

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

# Other hosts the pages may load files from (say, a video host you embed). None by
# default: then no page makes a browser contact another host, and the build fails
# if one would. Every host allowed here is named on the transparency page.
[audit]
allow = []

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
        "support": "Unterstützen",
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

_WORKFLOW = """\
# Builds the site and publishes it with GitHub Pages, on every push to main and
# once a day, so that posts dated in the future appear on their day.
# In the repository's settings, choose Pages > Source: GitHub Actions.
name: Publish

on:
  push:
    branches: [main]
  schedule:
    - cron: "23 4 * * *"
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install sitegen
        run: pip install "sitegen=={version}"
      # Parsed posts and image variants are kept between runs: only what
      # changed is built again.
      - uses: actions/cache@v4
        with:
          path: .sitegen-cache
          key: sitegen-${{{{ runner.os }}}}-${{{{ hashFiles('site.toml', 'content/**') }}}}
          restore-keys: sitegen-${{{{ runner.os }}}}-
      - id: pages
        uses: actions/configure-pages@v5
      - name: Build
        run: sitegen build --base-url "${{{{ steps.pages.outputs.base_url }}}}/"
      - uses: actions/upload-pages-artifact@v3
        with:
          path: output

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""


def placeholders() -> dict[str, str]:
    """The about page `init` writes, by path below the site, as written in each language."""
    return {f"content/pages/{t['about_name']}": t["about"] for t in _TEXTS.values()}


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
        "content/uses.toml": _USES_TOML[language],
        "content/static/.gitkeep": "",
        ".gitignore": _GITIGNORE,
        ".github/workflows/publish.yml": _WORKFLOW.format(version=__version__),
    }
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder
