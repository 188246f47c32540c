"""Parse one Markdown document (front matter and body) into a Post."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Callable, Iterator
from typing import Any, NoReturn

from . import markdown
from .body import Body
from .config import Config
from .errors import ContentError, display_path
from .frontmatter import FrontMatter, check_keys, split_front_matter
from .frontmatter import front_matter_keys as front_matter_keys  # the importer asks here
from .headings import outline, plain_headings
from .highlight import plain_code
from .model import EPISODE_TYPES, Document, ImageRef, Notice, Post, Ref
from .paths import fill_permalink, output_of, output_problem, page_path
from .text import digest, plain_text, shorten, slugify

_DATE_PREFIX = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-?")
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_FOOTNOTE_REF = re.compile(r'<sup class="footnote-ref">.*?</sup>', re.S)
# `::: dream` opens a dream block (as markdown-it's container syntax, up to three spaces in).
_DREAM_OPEN = re.compile(r"^ {0,3}(:{3,})\s*dream\s*$")
_CODE_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_FIRST_YEAR, _LAST_YEAR = 1000, 9998


def parse_document(
    document: Document, config: Config, typography: markdown.Typography | None = None
) -> Post:
    """Read and parse one post or page; raise ContentError naming file and line.

    `typography` says what the rendered Markdown writes in the site's language (its quotes,
    the footnotes' heading), as the theme's translation file gives it.
    """
    typography = typography or markdown.Typography()
    source = document.source
    shown = display_path(source.path)
    try:
        text = source.path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise ContentError(f"not UTF-8 text ({e.reason} at byte {e.start})", shown) from None
    except OSError as e:
        raise ContentError(f"cannot read: {e.strerror}", shown) from None
    fm = split_front_matter(text.lstrip("\ufeff"), shown)
    values = fm.values
    fail = _failer(shown, fm)
    check_keys(values, document.kind, fail)
    if values.get("episode_type", "full") not in EPISODE_TYPES:
        fail("episode_type", "episode_type must be full, trailer or bonus (as Apple names them)")

    title = values.get("title", "").strip()
    if not title:
        fail("title", 'no title: add title = "..." to the front matter')
    name = _stem(source.rel)
    date = _date(values.get("date"), name, config, lambda msg: fail("date", msg))
    if date is None and document.kind == "post":
        fail(
            "date", "no date: add date = 2013-06-26T06:25:00+02:00, or start the file name with one"
        )
    updated = _date(values.get("updated"), None, config, lambda msg: fail("updated", msg))
    raw_date = values.get("date")
    has_time = isinstance(raw_date, dt.datetime) or (
        isinstance(raw_date, str) and len(raw_date) > 10
    )

    slug = slugify(values.get("slug") or _DATE_PREFIX.sub("", name)) or slugify(title)
    if not slug:
        fail("slug", 'cannot make a URL slug from the title or file name; set slug = "..."')
    url = _url(values, document.kind, slug, date, config, fail)
    if values.get("series", "").strip() and not slugify(values["series"]):
        fail("series", "the series name has no letter or digit to name its page")

    notices: list[Notice] = []
    body, body_line = fm.body, fm.body_line
    dream_body: Body = ()
    dream_refs: list[tuple[str, int]] = []
    cleaned = 0
    block = _dream_block(body, body_line, shown) if document.kind == "post" else None
    if block is not None:
        dream, dream_line, body, body_line = block
        if values.get("dream", "").strip():
            raise ContentError(
                f"two dreams: one in the front matter (line {fm.line_of('dream')}) "
                "and this ::: dream block; keep one",
                shown,
                dream_line - 1,
            )
        dream_rendered = markdown.render(
            dream, typography=typography, source_key=source.rel, line_offset=dream_line - 1
        )
        dream_body, dream_refs = dream_rendered.body, dream_rendered.refs
        cleaned += dream_rendered.cleaned
    elif values.get("dream", "").strip():
        dream_rendered = markdown.render(
            values["dream"], typography=typography, source_key=source.rel, line_offset=0
        )
        dream_body = dream_rendered.body
        dream_refs = [(target, fm.line_of("dream")) for target, _ in dream_rendered.refs]
        cleaned += dream_rendered.cleaned
    if document.kind == "post":
        for line in _stray_dream_blocks(body, body_line):
            notices.append(Notice(shown, line, _STRAY_DREAM))
    writing = config.writing
    features = markdown.Features(writing.highlight, writing.heading_links)
    rendered = markdown.render(
        body,
        typography=typography,
        source_key=source.rel,
        line_offset=body_line - 1,
        images=True,
        features=features,
    )
    html, images = rendered.html, rendered.images  # the body's markup, for its summary
    refs = dream_refs + rendered.refs
    cleaned += rendered.cleaned
    description = values.get("description", "").strip()
    first = _FIRST_PARAGRAPH.search(html)
    lead = first.group(1) if first else plain_headings(plain_code(html))
    summary = shorten(description or plain_text(_FOOTNOTE_REF.sub("", lead)))
    toc = outline(rendered.headings)
    count = sum(1 + len(heading.children) for heading in toc)
    wanted = writing.toc_min_headings is not None and count >= writing.toc_min_headings
    words = len(body.split())

    day = _day(values, date, config, fm, shown, notices)
    for target, line, alt in images:
        if not alt.strip():
            notices.append(Notice(shown, line, f"image {_base(target)} has no alt text: {_NO_ALT}"))
    cover = None
    if values.get("cover", "").strip():
        target = posixpath.normpath(posixpath.join(posixpath.dirname(source.rel), values["cover"]))
        cover = ImageRef(target, fm.line_of("cover"))
    audio = None
    if values.get("audio", "").strip():
        target = posixpath.normpath(posixpath.join(posixpath.dirname(source.rel), values["audio"]))
        audio = Ref(target, fm.line_of("audio"))
    return Post(
        source=shown,
        key=source.rel,
        kind=document.kind,
        title=title,
        date=date,  # type: ignore[arg-type]  # pages may lack one; posts were checked above
        url=url,
        slug=slug,
        html=rendered.body,
        summary=summary,
        digest=digest(text, *(f"{f.rel}:{f.size}:{f.mtime_ns}" for f in document.bundle)),
        updated=updated,
        has_time=has_time,
        location=values.get("location", "").strip(),
        zone=values.get("zone", "").strip(),
        day=day,
        dream=dream_body,
        tags=tuple(dict.fromkeys(t.strip() for t in values.get("tags", ()) if t.strip())),
        draft=values.get("draft", False),
        description=description,
        words=words,
        reading_minutes=(
            max(1, round(words / writing.words_per_minute))
            if writing.reading_time and document.kind == "post"
            else 0
        ),
        toc=toc if values.get("toc", wanted) else (),
        series=values.get("series", "").strip(),
        refs=tuple(Ref(target, line) for target, line in refs),
        files=document.bundle,
        aliases=_aliases(values.get("aliases", ()), fail),
        nav=values.get("nav", document.kind == "page"),
        weight=values.get("weight", 0),
        extra=values.get("extra", {}),
        warnings=tuple(notices),
        images=tuple(ImageRef(target, line, alt) for target, line, alt in images),
        cover=cover,
        audio=audio,
        guid=values.get("guid", "").strip(),
        episode=values.get("episode"),
        season=values.get("season"),
        episode_type=values.get("episode_type", "full"),
        explicit=values.get("explicit"),
        guests=tuple(g.strip() for g in values.get("guests", ()) if g.strip()),
        cleaned_links=cleaned,
    )


def written_at(document: Document, config: Config) -> tuple[dt.datetime, str] | None:
    """When and where a post was written, read from its front matter alone (no Markdown)."""
    shown = display_path(document.source.path)
    text = document.source.path.read_text(encoding="utf-8")
    fm = split_front_matter(text.lstrip("\ufeff"), shown)
    fail = _failer(shown, fm)
    name = _stem(document.source.rel)
    date = _date(fm.values.get("date"), name, config, lambda msg: fail("date", msg))
    location = fm.values.get("location", "")
    if date is None:
        return None
    return date, location.strip() if isinstance(location, str) else ""


def _failer(shown: str, fm: FrontMatter) -> Callable[[str, str], NoReturn]:
    def fail(key: str, message: str) -> NoReturn:
        raise ContentError(message, shown, fm.line_of(key))

    return fail


def _date(
    value: Any, name: str | None, config: Config, fail: Callable[[str], NoReturn]
) -> dt.datetime | None:
    """Resolve a front matter date to an aware datetime in the local time it was written."""
    if value is None and name is not None and (m := _DATE_PREFIX.match(name)):
        try:
            value = dt.date(*map(int, m.groups()))
        except ValueError:
            fail(f"the file name starts with {m.group(0).rstrip('-')}, which is no date")
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            fail(f"not a date: {value!r} (write 2013-06-26T06:25:00+02:00)")
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    resolved: dt.datetime = value
    if resolved.tzinfo is None:
        zone = config.zone
        if zone is None:
            fail("the date has no UTC offset and site.toml sets no timezone; add one of them")
        resolved = resolved.replace(tzinfo=zone)
    if not _FIRST_YEAR <= resolved.year <= _LAST_YEAR:
        # Far years overflow on the way to UTC and mean nothing in a diary or a feed.
        fail(f"the year {resolved.year} is out of range ({_FIRST_YEAR} to {_LAST_YEAR})")
    return resolved


def _url(
    values: dict[str, Any],
    kind: str,
    slug: str,
    date: dt.datetime | None,
    config: Config,
    fail: Callable[[str, str], NoReturn],
) -> str:
    if "url" in values:
        url = page_path(values["url"])
        if not url or "://" in values["url"]:
            fail("url", "url must be a path below the site, like /ueber-uns/")
        _check_output("url", url, fail)
        return url
    if kind == "page" or date is None:
        url = f"{slug}/"
    else:
        year, month, day = f"{date.year:04d}", f"{date.month:02d}", f"{date.day:02d}"
        url = fill_permalink(config.permalink, year, month, day, slug).lstrip("/")
    _check_output("slug", url, fail)
    return url


def _check_output(key: str, url: str, fail: Callable[[str, str], NoReturn]) -> None:
    """Refuse an address whose file would not lie inside the output folder."""
    problem = output_problem(output_of(url))
    if problem is not None:
        fail(key, f"{key} {url!r} cannot be an address of the site: {problem}")


def _day(
    values: dict[str, Any],
    date: dt.datetime | None,
    config: Config,
    fm: FrontMatter,
    shown: str,
    notices: list[Notice],
) -> int | None:
    given: int | None = values.get("day")
    counted = None if date is None else config.diary.day_of(date.date())
    if date is None or counted is None:
        return given  # no diary, or written before it began
    if given is not None and given != counted:
        notices.append(
            Notice(
                shown,
                fm.line_of("day"),
                f"day = {given}, but {date.date()} is day {counted} "
                f"counted from day_zero {config.diary.day_zero}; showing {given}",
            )
        )
    return given if given is not None else counted


def _dream_block(body: str, first_line: int, shown: str) -> tuple[str, int, str, int] | None:
    """A `::: dream` block opening the body: its Markdown and first line, then the rest's."""
    lines = body.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    opening = _DREAM_OPEN.match(lines[start]) if start is not None else None
    if start is None or opening is None:
        return None
    closing = re.compile(rf"^ {{0,3}}:{{{len(opening.group(1))},}}\s*$")
    # A ::: line inside fenced code belongs to the code, not to the block.
    for i, line in _outside_code(lines, start + 1):
        if closing.match(line):
            dream = "\n".join(lines[start + 1 : i])
            return dream, first_line + start + 1, "\n".join(lines[i + 1 :]), first_line + i + 1
    raise ContentError(
        "the ::: dream block is never closed: end it with a line of three colons, :::",
        shown,
        first_line + start,
    )


def _stray_dream_blocks(body: str, first_line: int) -> list[int]:
    """Lines of `::: dream` below the top of the body, outside code: shown as plain text."""
    lines = _outside_code(body.split("\n"))
    return [first_line + i for i, line in lines if _DREAM_OPEN.match(line)]


def _outside_code(lines: list[str], start: int = 0) -> Iterator[tuple[int, str]]:
    """(index, line) from `start` on of every line that is neither a code fence nor inside one."""
    fence = ""
    for i in range(start, len(lines)):
        line = lines[i]
        marker = _CODE_FENCE.match(line)
        if fence:
            if marker and marker.group(1).startswith(fence) and not line.strip().strip(fence[0]):
                fence = ""
        elif marker:
            fence = marker.group(1)
        else:
            yield i, line


_STRAY_DREAM = (
    "a ::: dream block counts only at the top of the text, before anything else; "
    "this one is shown as text"
)

_NO_ALT = "say what it shows, ![like this](...), for readers who cannot see it"


def _base(target: str) -> str:
    return target.rsplit("/", 1)[-1]


def _stem(rel: str) -> str:
    parts = rel.split("/")
    name = parts[-2] if parts[-1].startswith("index.") and len(parts) > 2 else parts[-1]
    return name.rsplit(".", 1)[0] if "." in name else name


def _aliases(given: list[str], fail: Callable[[str, str], NoReturn]) -> tuple[str, ...]:
    aliases = tuple(page_path(a) for a in given)
    for alias in aliases:
        _check_output("aliases", alias, fail)
    return aliases
