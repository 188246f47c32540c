"""Read site.toml into typed, frozen settings; every problem is reported at once."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import babel

from .errors import ConfigError, display_path
from .paths import permalink_problems
from .places import check_places
from .podcastconfig import Podcast, podcast_problems
from .text import toml_problem
from .tomlcheck import convert_table

SITE_FILE = "site.toml"


@dataclass(frozen=True, slots=True)
class Author:
    name: str = ""
    """Shown as the author of every post and feed."""
    email: str = ""


@dataclass(frozen=True, slots=True)
class Diary:
    day_zero: dt.date | None = None
    """Day N of the diary is counted from this date: it is day 0, the next day is day 1."""

    def day_of(self, date: dt.date) -> int | None:
        """The diary day of `date`, 1 or more; None before the diary began or without one."""
        if self.day_zero is None or date <= self.day_zero:
            return None
        return (date - self.day_zero).days


@dataclass(frozen=True, slots=True)
class Images:
    widths: tuple[int, ...] = (480, 960, 1600)
    """Widths in pixels in which every image is published (never upscaled)."""
    formats: tuple[str, ...] = ("avif", "webp")
    """Modern formats offered before the image's own (avif where Pillow supports it)."""
    sizes: str = "(min-width: 40.5rem) 38rem, calc(100vw - 2.5rem)"
    """The `sizes` attribute: how wide the theme shows an image in a post."""


@dataclass(frozen=True, slots=True)
class Feeds:
    items: int = 20
    """Newest posts in each feed (the podcast feed lists every episode)."""
    full_content: bool = True
    """The whole post in feeds; false for the summary and a link."""
    tags: bool = True
    """A feed for each tag, at /tags/NAME/feed.xml."""


@dataclass(frozen=True, slots=True)
class Writing:
    """What a post shows besides its text."""

    highlight: bool = True
    """Fenced code with a language is coloured (by classes the theme's stylesheet colours)."""
    heading_links: bool = True
    """Each heading in a post gets a link to itself, shown on hover and keyboard focus."""
    toc_min_headings: int | None = None
    """A post with this many headings (h2, h3) or more shows a table of contents at its top;
    unset: only posts with toc = true in their front matter."""
    reading_time: bool = True
    """A post shows how many minutes it takes to read."""
    words_per_minute: int = 200
    """The reading speed reading times are counted with."""
    related: bool = True
    """Under each post, up to three entries that share its tags or its place."""


@dataclass(frozen=True, slots=True)
class Audit:
    allow: tuple[str, ...] = ()
    """Hosts other than the site's own that pages may make a browser contact."""


@dataclass(frozen=True, slots=True)
class Charts:
    """Which pictures the theme draws; each can be switched off."""

    places: bool = True
    """The places pages with their map."""
    calendar: bool = True
    """The writing calendar on the year archives."""
    weights: bool = True
    """The page weights on the transparency page."""
    uses: bool = True
    """The timeline and the running costs on the uses page."""


@dataclass(frozen=True, slots=True)
class Config:
    """The settings of one site, as read from its site.toml."""

    title: str
    base_url: str
    """Absolute URL of the site's root, always ending in "/"."""
    description: str = ""
    image: str = ""
    """The preview image (og:image) of pages without a photo of their own, in content/static/."""
    language: str = "en"
    timezone: str | None = None
    permalink: str = "/{year}/{month}/{day}/{slug}/"
    theme: str = "default"
    paginate: int = 10
    """Posts on each page of the index."""
    author: Author = field(default_factory=Author)
    diary: Diary = field(default_factory=Diary)
    images: Images = field(default_factory=Images)
    feeds: Feeds = field(default_factory=Feeds)
    podcast: Podcast | None = None
    audit: Audit = field(default_factory=Audit)
    charts: Charts = field(default_factory=Charts)
    places: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Where places are, by the name posts give as location: latitude and longitude."""
    writing: Writing = field(default_factory=Writing)
    extra: dict[str, Any] = field(default_factory=dict)
    """Free-form settings for themes."""
    site_dir: Path = field(default=Path("."), metadata={"internal": True})
    """The folder holding site.toml, content/ and themes/."""

    @property
    def content_dir(self) -> Path:
        return self.site_dir / "content"

    @property
    def base_path(self) -> str:
        """The path part of base_url: "/" or "/blog/"."""
        return urlsplit(self.base_url).path

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def locale(self) -> str:
        """The language as Babel names locales: "de_AT" for "de-AT"."""
        return self.language.replace("-", "_")

    @property
    def zone(self) -> zoneinfo.ZoneInfo | None:
        return zoneinfo.ZoneInfo(self.timezone) if self.timezone else None


_HOST = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")


def load_config(site_dir: Path, base_url: str | None = None) -> Config:
    """Read SITE_DIR/site.toml; `base_url` (from the command line) overrides the file."""
    path = Path(display_path(site_dir / SITE_FILE))
    try:
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text)
    except FileNotFoundError:
        raise ConfigError(
            path, ["no site.toml here; create a site with `sitegen init DIR`"]
        ) from None
    except UnicodeDecodeError as e:
        raise ConfigError(path, [f"not UTF-8 text ({e.reason})"]) from None
    except tomllib.TOMLDecodeError as e:
        message, line = toml_problem(e, text)
        raise ConfigError(path if line is None else f"{path}:{line}", [message]) from None
    if base_url is not None:
        raw["base_url"] = base_url
    problems: list[str] = []
    values = convert_table(Config, raw, "", problems)
    if not problems:
        _check(values, problems)
    image = values.get("image", "").strip("/")
    if image and not (site_dir / "content" / "static" / image).is_file():
        problems.append(f"image: no such file in content/static/: {image}")
    if problems:
        raise ConfigError(path, problems)
    values["base_url"] = values["base_url"].rstrip("/") + "/"
    return Config(**values, site_dir=site_dir)


def _check(values: dict[str, Any], problems: list[str]) -> None:
    base = urlsplit(values["base_url"])
    if base.scheme not in ("http", "https") or not base.netloc:
        problems.append("base_url: must be an absolute http(s) URL, like https://example.org/blog/")
    elif base.query or base.fragment:
        problems.append("base_url: must not carry a query or fragment")
    elif base.username is not None or base.password is not None:
        # It would be printed into every page and feed.
        problems.append("base_url: must not carry a user name or password (user:secret@)")
    if values.get("timezone"):
        try:
            zoneinfo.ZoneInfo(values["timezone"])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            problems.append(
                f"timezone: unknown time zone {values['timezone']!r} (try 'Europe/Berlin')"
            )
    for problem in permalink_problems(values.get("permalink", "/{year}/{month}/{day}/{slug}/")):
        problems.append(f"permalink: {problem}")
    if values.get("paginate", 10) < 1:
        problems.append("paginate: must be a positive integer")
    images = values.get("images")
    if images is not None and not images.widths:
        problems.append("images.widths: must list at least one width, like [480, 960]")
    for i, width in enumerate(images.widths if images else ()):
        if not 16 <= width <= 10000:
            problems.append(f"images.widths[{i}]: must be a width from 16 to 10000 pixels")
    for i, name in enumerate(images.formats if images else ()):
        if name not in ("avif", "webp"):
            problems.append(f"images.formats[{i}]: must be 'avif' or 'webp', not {name!r}")
    audit = values.get("audit")
    for i, host in enumerate(audit.allow if audit else ()):
        if not isinstance(host, str) or not _HOST.fullmatch(host):
            problems.append(
                f"audit.allow[{i}]: must be a host name like media.example.org, not {host!r}"
            )
    language = values.get("language", "en")
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z]{2})?", language):
        problems.append("language: must be a language code like 'de' or 'en'")
    else:
        try:
            babel.Locale.parse(language.replace("-", "_"))
        except (babel.UnknownLocaleError, ValueError):
            problems.append(f"language: no dates known for {language!r} (try 'de' or 'en')")
    if values.get("podcast") is not None:
        podcast_problems(values["podcast"], problems)
    if "places" in values:
        values["places"] = check_places(values["places"], problems)
