"""Plan every output of the site as a job: pages, listings, sitemap, static files."""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import re
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal
from markupsafe import Markup

from . import __version__
from .errors import ThemeError
from .feedjobs import feed_links, plan_feeds
from .imageclean import cleaning_reader
from .markdown import IMAGE_SCHEME, REF_SCHEME
from .meta import Previews, image_text, listed, og_locale
from .model import (
    Episodes,
    Figures,
    Inventory,
    Job,
    Picture,
    Pictures,
    Post,
    Site,
    UseItem,
    months_between,
)
from .picture import picture_html
from .sitemap import sitemap_entries, sitemap_xml
from .text import digest, slugify
from .theme import Theme

_CACHE_VERSION = "render-1"
_REF = re.compile(re.escape(REF_SCHEME) + r"([^\"#]*)")
_IMAGE = re.compile(
    r'<img src="' + re.escape(IMAGE_SCHEME) + r'([^"]*)" alt="([^"]*)"(?: title="([^"]*)")? ?/?>'
)


@dataclass(frozen=True, slots=True)
class Listing:
    """One page of a list of posts: the index, a tag or a year."""

    kind: str
    title: str
    url: str
    posts: tuple[Post, ...]
    number: int = 1
    total: int = 1
    newer_url: str | None = None
    older_url: str | None = None
    feed_url: str | None = None
    """The listing's own feed (a tag's), for autodiscovery."""


@dataclass(frozen=True, slots=True)
class SeriesPlace:
    """A post's place in its series: "part 2 of 4", with every part in order."""

    name: str
    url: str
    number: int
    parts: tuple[Post, ...]


class Plan:
    """Every output of the site as a job with its content key.

    `jobs` are known up front; the pages that show figures measured from those
    outputs (the transparency page) come from `measured` once the outputs are staged
    and measured, and are not part of their own figures.
    """

    def __init__(
        self,
        site: Site,
        theme: Theme,
        inventory: Inventory,
        pictures: Pictures | None = None,
        episodes: Episodes | None = None,
    ) -> None:
        pictures = pictures or Pictures()
        self.site = site
        self.renderer = _Renderer(site, theme, pictures, episodes)
        jobs = [*self.renderer.jobs(), *_copies(site, theme, inventory, pictures.claimed)]
        self.jobs = sorted(jobs, key=lambda j: j.output)

    def measured(self, figures: Figures) -> list[Job]:
        site = self.site
        dates = [d for p in (*site.posts, *site.pages) if (d := p.updated or p.date)]
        newest = max(dates, key=lambda d: d.astimezone(dt.UTC)) if dates else None
        url = self.renderer.transparency_url
        key = digest(self.renderer.base_key, repr(figures), __version__, repr(newest))
        job = self.renderer._page(
            f"{url}index.html",
            key,
            "transparency.html",
            "the measured output",
            figures=figures,
            newest=newest,
            page_url=url,
        )
        return [job]


class _Renderer:
    def __init__(
        self,
        site: Site,
        theme: Theme,
        pictures: Pictures | None = None,
        episodes: Episodes | None = None,
    ) -> None:
        self.site = site
        self.pictures = pictures or Pictures()
        self.episodes = episodes or Episodes()
        self.eager = True
        """The next image shown is the page's first: not lazy."""
        self.config = site.config
        self.theme = theme
        self.env = theme.environment()
        self.strings = theme.strings_for(self.config.language)
        self.dreams = site.dreams
        # The dreams page's URL is a theme string too: /traeume/, /dreams/, /reves/.
        slug = slugify(self.strings.get("dreams_slug", "")) or "dreams"
        self.dreams_url = f"{slug}/" if self.dreams else ""
        # So is the transparency page's: /transparenz/, /transparency/.
        slug = slugify(self.strings.get("transparency_slug", "")) or "transparency"
        self.transparency_url = f"{slug}/"
        self.previews = Previews(self.config, self.pictures, self.abs_url)
        self.env.globals.update(
            site=site,
            config=self.config,
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
            dreams_url=self.dreams_url,
            site_feeds=feed_links(self.config),
            clock=_clock,
            iso_duration=_iso_duration,
            transparency_url=self.transparency_url,
            number=self.number,
            size=self.size,
            output_url=lambda output: output.removesuffix("index.html"),
            money=self.money,
            month=self.month,
            duration=self.duration,
            og_locale=og_locale(self.config.language),
            preview=self.previews.image,
            image_text=image_text,
            listed=listed,
        )
        # JSON-LD keeps its umlauts readable; `tojson` still escapes <, >, & and '.
        self.env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
        self.env.globals["json_ld"] = self.json_ld
        self.env.filters["content"] = self.content
        self.env.filters["dream"] = self.dream
        self.env.filters["money_total"] = lambda total: self.money(total[1], total[0])
        self.metas = {p.key: digest(self._meta(p)) for p in (*site.posts, *site.pages)}
        self.feed_bodies: dict[str, str] = {}
        # What every page shows of the whole site: the navigation and the footer.
        self.base_key = digest(
            _CACHE_VERSION,
            repr(self.config),
            theme.digest,
            str(site.years[0].year if site.years else ""),
            str(bool(site.tags)),
            self.dreams_url,
            str(site.uses is not None),
            *(self.metas[p.key] for p in site.nav_pages),
        )
        self.all_key = digest(self.base_key, *self.metas.values())
        """Covers the metadata of every post and page."""
        self.feed_key = digest(_CACHE_VERSION, "feeds", repr(self.config), theme.digest)
        """What every feed shows of the site: its settings (and the theme's words)."""

    # Template helpers -------------------------------------------------

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

    def json_ld(self, post: Post) -> dict[str, Any]:
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
        data["image"] = self.previews.image(post)
        return data

    def number(self, value: float, pattern: str = "#,##0") -> str:
        return str(format_decimal(value, pattern, locale=self.config.locale))

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

    def duration(self, item: UseItem) -> str:
        """How long something is or was in use: "seit 7 Jahren", "3 Jahre lang"."""
        assert self.site.uses is not None
        months = months_between(item.since, item.until or self.site.uses.as_of)
        kind = "since" if item.until is None else "for"
        if months >= 12:
            years = months // 12
            return self.translate(f"{kind}_year" if years == 1 else f"{kind}_years", n=years)
        if months >= 1:
            return self.translate(f"{kind}_month" if months == 1 else f"{kind}_months", n=months)
        return self.translate(f"{kind}_short")

    def content(self, post: Post) -> Markup:
        """The post's body with links to other Markdown files turned into their URLs."""
        return Markup(_IMAGE.sub(self._picture_markup, self._resolve(post.html)))

    def dream(self, post: Post) -> Markup:
        """The post's dream, its links resolved as in the body."""
        return Markup(self._resolve(post.dream))

    def _resolve(self, fragment: str) -> str:
        return _REF.sub(lambda m: html.escape(self.url(self.site.urls[m.group(1)])), fragment)

    def cover(self, post: Post) -> Markup:
        """The post's cover image as a <picture>, or nothing."""
        picture = self.pictures.by_source.get(post.cover.target) if post.cover else None
        if picture is None:
            return Markup("")
        return Markup(self._picture(picture, "", "", "cover"))

    def cover_url(self, post: Post) -> str:
        """The absolute URL of the cover's biggest variant (for og:image), or ""."""
        picture = self.pictures.by_source.get(post.cover.target) if post.cover else None
        return self.abs_url(picture.largest.output) if picture else ""

    def _picture_markup(self, m: re.Match[str]) -> str:
        picture = self.pictures.by_source[html.unescape(m.group(1))]
        return self._picture(
            picture, html.unescape(m.group(2)), html.unescape(m.group(3) or ""), ""
        )

    def _picture(self, picture: Picture, alt: str, title: str, css_class: str) -> str:
        lazy, self.eager = not self.eager, False
        return picture_html(
            picture,
            self.url,
            alt=alt,
            title=title,
            sizes=self.pictures.sizes,
            lazy=lazy,
            css_class=css_class,
        )

    def _picture_keys(self, post: Post) -> list[str]:
        """What a page shows of its images: their variants' names."""
        refs = (*post.images, *([post.cover] if post.cover else []))
        return [p.digest for r in refs if (p := self.pictures.by_source.get(r.target))]

    # Jobs ---------------------------------------------------------------

    def jobs(self) -> Iterator[Job]:
        site = self.site
        for index, post in enumerate(site.posts):
            neighbours = (site.newer(index), site.older(index))
            on_this_day = site.on_this_day(index)
            episode = self.episodes.by_post.get(post.key)
            series = site.series_of(index)
            place = None
            if series is not None:
                parts = tuple(site.posts[i] for i in series.posts)
                place = SeriesPlace(series.name, series.url, series.posts.index(index) + 1, parts)
            related = tuple(site.posts[i] for i in site.related.get(index, ()))
            key = digest(
                self.base_key,
                post.digest,
                *(self.metas[n.key] for n in neighbours if n),
                "on this day",
                *(self.metas[p.key] for p in on_this_day),
                "series",
                *(
                    (place.name, place.url, *(self.metas[p.key] for p in place.parts))
                    if place
                    else ()
                ),
                "related",
                *(self.metas[p.key] for p in related),
                *(site.urls.get(r.target, "") for r in post.refs),
                *self._picture_keys(post),
                episode.digest if episode else "",
            )
            yield self._page(
                f"{post.url}index.html",
                key,
                "post.html",
                post.source,
                post=post,
                newer=neighbours[0],
                older=neighbours[1],
                on_this_day=on_this_day,
                page_url=post.url,
                episode=episode,
                series=place,
                related=related,
            )
        for page in site.pages:
            key = digest(
                self.base_key,
                page.digest,
                *(site.urls.get(r.target, "") for r in page.refs),
                *self._picture_keys(page),
            )
            yield self._page(
                f"{page.url}index.html", key, "page.html", page.source, post=page, page_url=page.url
            )
        for post in (*site.posts, *site.pages):
            for alias in post.aliases:
                yield self._redirect(alias, post)
        yield from self._listings("index", "", "", site.posts, paginate=True)
        for tag in site.tags:
            posts = tuple(site.posts[i] for i in tag.posts)
            feed = f"tags/{tag.slug}/feed.xml" if self.config.feeds.tags else None
            yield from self._listings(
                "tag", tag.name, f"tags/{tag.slug}/", posts, paginate=True, feed_url=feed
            )
        for year in site.years:
            posts = tuple(site.posts[i] for i in year.posts)
            yield from self._listings("year", str(year.year), f"{year.year}/", posts)
        for series in site.series:
            posts = tuple(site.posts[i] for i in series.posts)
            yield from self._listings("series", series.name, series.url, posts)
        if self.dreams:
            # The page shows each dream whole, besides what listings show of its post.
            key = digest(self.base_key, *(self.metas[p.key] + p.dream for p in self.dreams))
            yield self._page(
                f"{self.dreams_url}index.html",
                key,
                "dreams.html",
                "dreams",
                dreams=self.dreams,
                page_url=self.dreams_url,
            )
        if site.tags:
            key = digest(self.base_key, *(f"{t.slug}:{t.name}:{len(t.posts)}" for t in site.tags))
            yield self._page("tags/index.html", key, "tags.html", "tags", page_url="tags/")
        yield self._page("404.html", self.base_key, "404.html", "404", page_url="404.html")
        if site.uses is not None:
            key = digest(self.base_key, repr(site.uses))
            yield self._page(
                "uses/index.html", key, "uses.html", site.uses.source, page_url="uses/"
            )
            yield Job("uses.json", key, self._uses_json, site.uses.source)
        entries = sitemap_entries(site, self.dreams_url, self.transparency_url)

        def sitemap() -> bytes:
            return sitemap_xml(entries, self.abs_url)

        yield Job("sitemap.xml", digest(self.base_key, repr(entries)), sitemap, "sitemap")
        yield Job("robots.txt", self.base_key, self._robots, "robots.txt")
        yield from plan_feeds(site, self.episodes, self, self.feed_key)

    def _listings(
        self,
        kind: str,
        title: str,
        url: str,
        posts: Sequence[Post],
        paginate: bool = False,
        feed_url: str | None = None,
    ) -> Iterator[Job]:
        size = self.config.paginate if paginate else max(len(posts), 1)
        chunks = [tuple(posts[i : i + size]) for i in range(0, len(posts), size)] or [()]

        def page_url(n: int) -> str:
            return url if n == 1 else f"{url}page/{n}/"

        for number, chunk in enumerate(chunks, start=1):
            listing = Listing(
                kind,
                title,
                page_url(number),
                chunk,
                number,
                len(chunks),
                newer_url=page_url(number - 1) if number > 1 else None,
                older_url=page_url(number + 1) if number < len(chunks) else None,
                feed_url=feed_url,
            )
            # A listing page changes only when what it shows changes.
            key = digest(
                self.base_key,
                f"{kind}|{title}|{listing.url}|{number}|{len(chunks)}",
                *(self.metas[p.key] for p in chunk),
                *((str(y.year) for y in self.site.years) if kind == "year" else ()),
            )
            yield self._page(
                f"{listing.url}index.html",
                key,
                f"{kind}.html",
                kind,
                listing=listing,
                page_url=listing.url,
            )

    # What the feeds need -------------------------------------------------

    def feed_body(self, post: Post) -> str:
        """The post as its page shows it: diary line, dream, cover and text (site-relative URLs).

        Kept per post: a post stands in the site's feeds and in each of its tags' feeds.
        """
        if post.key not in self.feed_bodies:
            made = self.render("partials/feed_item.html", post.source, {"post": post})
            self.feed_bodies[post.key] = made.decode("utf-8")
        return self.feed_bodies[post.key]

    def item_key(self, post: Post) -> str:
        """Changes when anything a feed shows of the post does."""
        return digest(
            post.digest,
            self.metas[post.key],
            *(self.site.urls.get(r.target, "") for r in post.refs),
            *self._picture_keys(post),
        )

    def _page(self, output: str, key: str, template: str, source: str, **context: Any) -> Job:
        def produce() -> bytes:
            return self.render(template, source, context)

        return Job(output, digest(key, output, template), produce, source)

    def render(self, template: str, source: str, context: dict[str, Any]) -> bytes:
        """Render a template; turn template mistakes into errors naming template and line."""
        self.eager = True
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

    def _redirect(self, alias: str, post: Post) -> Job:
        target = self.url(post.url)

        def produce() -> bytes:
            return _REDIRECT.format(
                csp=_REDIRECT_CSP,
                lang=self.config.language,
                url=html.escape(target),
                canonical=html.escape(self.abs_url(post.url)),
                title=html.escape(post.title),
            ).encode("utf-8")

        output = alias if alias.endswith(".html") else f"{alias}index.html"
        return Job(output, digest(self.base_key, alias, target), produce, post.source)

    def _uses_json(self) -> bytes:
        """The uses page as data, for anyone who wants to compare or keep track."""
        uses = self.site.uses
        assert uses is not None

        def item(i: UseItem) -> dict[str, Any]:
            data: dict[str, Any] = {
                "name": i.name,
                "category": i.category,
                "purpose": i.purpose,
                "since": i.since.isoformat(),
            }
            if i.until:
                data["until"] = i.until.isoformat()
            if i.cost is not None:
                data["cost"] = {"amount": i.cost, "currency": i.currency, "per": i.per}
            for key in ("paid_by", "url", "why", "verdict", "why_dropped", "replaced_by"):
                if getattr(i, key):
                    data[key] = getattr(i, key)
            return data

        document = {
            "url": self.abs_url("uses/"),
            "as_of": uses.as_of.isoformat(),
            "monthly_costs": [
                {"currency": c, "amount": round(a, 2)} for c, a in uses.monthly_totals
            ],
            "current": [item(i) for i in uses.current],
            "dropped": [item(i) for i in uses.dropped],
        }
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    def _robots(self) -> bytes:
        return f"User-agent: *\nAllow: /\n\nSitemap: {self.abs_url('sitemap.xml')}\n".encode()

    def _meta(self, post: Post) -> str:
        """What listings and neighbours show of a post."""
        return "\x1f".join(
            (
                post.key,
                post.url,
                post.title,
                post.date.isoformat() if post.date else "",
                post.summary,
                post.location,
                post.zone,
                str(post.day),
                ",".join(post.tags),
                str(bool(post.dream)),
            )
        )


_REDIRECT_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'"
_REDIRECT = """<!doctype html>
<html lang="{lang}">
<head>
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<link rel="canonical" href="{canonical}">
<meta http-equiv="refresh" content="0; url={url}">
<meta name="robots" content="noindex">
</head>
<body><p><a href="{url}">{title}</a></p></body>
</html>
"""


@functools.lru_cache(maxsize=1 << 16)
def _format_date(value: dt.datetime | dt.date, form: str, locale: str) -> str:
    # Every date is shown on several pages (post, index, tag, year): Babel once for each.
    return str(format_date(value, form, locale=locale))


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


def _copies(
    site: Site, theme: Theme, inventory: Inventory, claimed: frozenset[str] = frozenset()
) -> Iterator[Job]:
    """Static files of the theme and the site, then the files of page bundles."""
    files: dict[str, tuple[Path, str]] = {
        out: (path, f"theme {theme.name}") for out, path in theme.static_files().items()
    }
    files.update({f.rel: (f.path, f"content/static/{f.rel}") for f in inventory.static})
    for post in (*site.posts, *site.pages):
        base = post.key.rsplit("/", 1)[0] + "/"
        for f in post.files:
            if f.rel in claimed:
                continue  # the images stage publishes it, cleaned
            files[post.url + f.rel.removeprefix(base)] = (f.path, f"content/{f.rel}")
    for output, (path, source) in files.items():
        st = path.stat()
        yield Job(
            output,
            digest(_CACHE_VERSION, str(path), str(st.st_size), str(st.st_mtime_ns)),
            cleaning_reader(path),  # an image published as it is loses its metadata
            source,
        )


def _reader(path: Path) -> Callable[[], bytes]:
    return path.read_bytes


def _template_frame(error: BaseException) -> tuple[str | None, int | None]:
    """The innermost template file and line in a rendering error's traceback."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt", ".json")):
            return frame.filename, frame.lineno
    return None, None


def _theme_error(message: str, filename: str | None, line: int | None, source: str) -> Exception:
    return ThemeError(f"{message} (while rendering {source})", filename or "templates", line)
