"""The template environment: pure helpers and filters, and rendering one page input.

Templates see the fields of their page input (and of its chrome), nothing else: the
helpers here read only their arguments, the site's settings and the input being rendered.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import html
import traceback
from collections.abc import Callable
from typing import Any

import babel.numbers
import jinja2
from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_currency
from markupsafe import Markup

from . import __version__
from .body import Body, Image, Link, attribute, join
from .chartviews import template_globals
from .config import Config
from .errors import ThemeError
from .inputs import Chrome, FeedItem, Page, Shown
from .meta import image_text, listed, og_locale, site_image
from .model import Picture, Post
from .picture import picture_html
from .text import slugify
from .theme import Theme
from .usage import UseItem, months_between


class Templates:
    """A theme's templates with the helpers every template may call."""

    def __init__(self, config: Config, theme: Theme) -> None:
        self.config = config
        self.theme = theme
        self.env = theme.environment()
        self.strings = theme.strings_for(config.language)
        self.eager = True
        """The next image shown is the page's first: not lazy."""
        self.env.globals.update(
            t=self.translate,
            url=self.url,
            abs_url=self.abs_url,
            format_date=self.format_date,
            format_time=self.format_time,
            iso=lambda d: d.isoformat(),
            sitegen_version=__version__,
            tag_slug=slugify,
            cover=self.cover,
            cover_url=self.cover_url,
            clock=_clock,
            iso_duration=_iso_duration,
            number=self.number,
            size=self.size,
            output_url=lambda output: output.removesuffix("index.html"),
            money=self.money,
            month=self.month,
            duration=self.duration,
            json_ld=self.json_ld,
            og_locale=og_locale(config.language),
            preview=self.preview,
            image_text=image_text,
            listed=listed,
        )
        self.env.globals.update(
            template_globals(self.translate, self.size, self.money, self.format_date, config.locale)
        )
        # JSON-LD keeps its umlauts readable; `tojson` still escapes <, >, & and '.
        self.env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
        self.env.filters["content"] = self.content
        self.env.filters["dream"] = self.dream
        self.env.filters["money_total"] = lambda total: self.money(total[1], total[0])

    def prepare(self, *templates: str) -> None:
        """Compile templates now, not at their first page; a missing or broken one is left
        for that page to report."""
        for name in templates:
            with contextlib.suppress(jinja2.TemplateError):
                self.env.get_template(name)

    def render(self, template: str, source: str, page: Page | FeedItem) -> bytes:
        """Render a page input; turn template mistakes into errors naming template and line."""
        self.eager = True
        context = {f.name: getattr(page, f.name) for f in dataclasses.fields(page)}
        chrome: Chrome = page.chrome
        context.update(
            config=chrome.config,
            site_feeds=chrome.feeds,
            dreams_url=chrome.dreams_url,
            transparency_url=chrome.transparency_url,
        )
        try:
            return self.env.get_template(template).render(context).encode("utf-8")
        except jinja2.TemplateSyntaxError as e:
            raise _theme_error(e.message or str(e), e.filename, e.lineno, source) from None
        except jinja2.TemplateNotFound as e:
            raise _theme_error(
                f"template {e.name!r} not found in theme {self.theme.name!r}", None, None, source
            ) from None
        except (jinja2.UndefinedError, TypeError, ValueError, KeyError, AttributeError) as e:
            filename, line = _template_frame(e)
            raise _theme_error(str(e), filename, line, source) from None

    # Words, numbers and dates -------------------------------------------

    def translate(self, key: str, **values: Any) -> str:
        try:
            text = self.strings[key]
        except KeyError:
            raise jinja2.UndefinedError(
                f"theme string {key!r} has no translation for {self.config.language!r}"
            ) from None
        return text.format(**values) if values else text

    def url(self, path: str = "") -> str:
        return self.config.base_path + path.lstrip("/")

    def abs_url(self, path: str = "") -> str:
        return self.config.origin + self.url(path)

    def format_date(self, value: dt.datetime | dt.date, form: str = "long") -> str:
        return _format_date(value, form, self.config.locale)

    def format_time(self, value: dt.datetime, form: str = "short") -> str:
        # The local time of writing, as written: no conversion to the site's zone.
        return str(
            format_time(value.timetz(), form, locale=self.config.locale, tzinfo=value.tzinfo)
        )

    def number(self, value: float, pattern: str = "#,##0") -> str:
        """What babel.numbers.format_decimal makes of it, in a fraction of its time."""
        return decimal_format(self.config.locale, pattern)(value)

    def size(self, count: int) -> str:
        """A number of bytes as a reader reads it: "812 Bytes", "14,2 kB", "1,3 MB"."""
        if count < 1000:
            return self.translate("size_bytes", n=self.number(count))
        if count < 1_000_000:
            return self.translate("size_kb", n=self.number(count / 1000, "#,##0.0"))
        return self.translate("size_mb", n=self.number(count / 1_000_000, "#,##0.0"))

    def money(self, amount: float, currency: str) -> str:
        return str(format_currency(amount, currency, locale=self.config.locale))

    def month(self, value: dt.date) -> str:
        return str(format_date(value, self.translate("month_format"), locale=self.config.locale))

    @jinja2.pass_context
    def duration(self, context: jinja2.runtime.Context, item: UseItem) -> str:
        """How long something is or was in use: "seit 7 Jahren", "3 Jahre lang"."""
        months = months_between(item.since, item.until or context["uses"].as_of)
        kind = "since" if item.until is None else "for"
        if months >= 12:
            years = months // 12
            return self.translate(f"{kind}_year" if years == 1 else f"{kind}_years", n=years)
        if months >= 1:
            return self.translate(f"{kind}_month" if months == 1 else f"{kind}_months", n=months)
        return self.translate(f"{kind}_short")

    # Post bodies: links and pictures resolved from the page input ---------

    @jinja2.pass_context
    def content(self, context: jinja2.runtime.Context, post: Post) -> Markup:
        """The post's body: links to other documents at their URLs, pictures as <picture>."""
        return self.joined(post.html, context["shown"])

    @jinja2.pass_context
    def dream(self, context: jinja2.runtime.Context, post: Post) -> Markup:
        """The post's dream, joined as the body is."""
        return self.joined(post.dream, context["shown"])

    def joined(self, body: Body, shown: Shown) -> Markup:
        """A body as pages and feeds show it, its links and pictures resolved from `shown`.

        The one place a body becomes HTML: a feed item is made from the same markup, its
        URLs made absolute afterwards with the rest of the item's (feedjobs.py).
        """

        def link(segment: Link) -> str:
            return html.escape(self.url(shown.links[segment.target])) + attribute(segment.fragment)

        def image(segment: Image) -> str:
            picture = shown.pictures[segment.target]
            return self._picture(picture, segment.alt, segment.title, "", shown.sizes)

        return Markup(join(body, link, image))

    @jinja2.pass_context
    def cover(self, context: jinja2.runtime.Context, post: Post) -> Markup:
        """The post's cover image as a <picture>, or nothing."""
        shown: Shown = context["shown"]
        picture = shown.pictures.get(post.cover.target) if post.cover else None
        if picture is None:
            return Markup("")
        return Markup(self._picture(picture, "", "", "cover", shown.sizes))

    @jinja2.pass_context
    def cover_url(self, context: jinja2.runtime.Context, post: Post) -> str:
        """The absolute URL of the cover's biggest variant (for og:image), or ""."""
        return self._cover_url(context["shown"], post)

    @jinja2.pass_context
    def preview(self, context: jinja2.runtime.Context, post: Post | None = None) -> str:
        """The absolute URL of a page's preview (og:image): its cover, its first photo, else
        the site's."""
        return self._preview(context.get("shown"), post)

    def _preview(self, shown: Shown | None, post: Post | None) -> str:
        refs = (*([post.cover] if post.cover else []), *post.images) if post else ()
        for ref in refs:
            if shown is not None and (picture := shown.pictures.get(ref.target)) is not None:
                return self.abs_url(picture.largest.output)
        return self.abs_url(site_image(self.config))

    def _cover_url(self, shown: Shown, post: Post) -> str:
        picture = shown.pictures.get(post.cover.target) if post.cover else None
        return self.abs_url(picture.largest.output) if picture else ""

    def _picture(self, picture: Picture, alt: str, title: str, css: str, sizes: str) -> str:
        lazy, self.eager = not self.eager, False
        return picture_html(
            picture, self.url, alt=alt, title=title, sizes=sizes, lazy=lazy, css_class=css
        )

    @jinja2.pass_context
    def json_ld(self, context: jinja2.runtime.Context, post: Post) -> dict[str, Any]:
        """schema.org data of a diary entry, for `<script type="application/ld+json">`.

        The day number is the entry's `position`: schema.org defines it on every
        CreativeWork as its place in a series, and day N is the entry's place in the
        diary. (`additionalProperty` is not defined on CreativeWork, and `identifier`
        would claim a uniqueness two entries of one day do not have.)
        """
        written = post.date.isoformat() if post.has_time else post.date.date().isoformat()
        data: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "BlogPosting",
            "headline": post.title,
            "url": self.abs_url(post.url),
            "mainEntityOfPage": self.abs_url(post.url),
            "inLanguage": self.config.language,
            "dateCreated": written,
            "datePublished": written,
            "isPartOf": {"@type": "Blog", "name": self.config.title, "url": self.abs_url()},
            "wordCount": post.words,
        }
        data["dateModified"] = post.updated.isoformat() if post.updated else written
        if post.summary:
            data["description"] = post.summary
        if self.config.author.name:
            author = self.config.author.name
            data["author"] = {"@type": "Person", "name": author, "url": self.abs_url()}
        if post.location:
            data["contentLocation"] = {"@type": "Place", "name": post.location}
        if post.day is not None:
            data["position"] = post.day
        if post.tags:
            data["keywords"] = list(post.tags)
        data["image"] = self._preview(context["shown"], post)
        return data


@functools.lru_cache(maxsize=1 << 16)
def _format_date(value: dt.datetime | dt.date, form: str, locale: str) -> str:
    # Every date is shown on several pages (post, index, tag, year): Babel once for each.
    return str(format_date(value, form, locale=locale))


@functools.cache
def decimal_format(locale: str, pattern: str) -> Callable[[float], str]:
    """format_decimal(value, pattern, locale=locale) with locale and pattern parsed once
    (Babel parses both again on every call, which is most of its time)."""
    where = Locale.parse(locale)
    parsed = babel.numbers.parse_pattern(pattern)
    return lambda value: str(parsed.apply(value, where))


def _clock(seconds: float) -> str:
    """A length or a moment in audio as players show it: 4:05, 1:02:03."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _iso_duration(seconds: float) -> str:
    """A duration for <time datetime>: PT1H2M3S."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + f"{secs}S"


def _template_frame(error: BaseException) -> tuple[str | None, int | None]:
    """The innermost template file and line in a rendering error's traceback."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt", ".json")):
            return frame.filename, frame.lineno
    return None, None


def _theme_error(message: str, filename: str | None, line: int | None, source: str) -> Exception:
    return ThemeError(f"{message} (while rendering {source})", filename or "templates", line)
