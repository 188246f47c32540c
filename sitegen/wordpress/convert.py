"""Turn a WordPress post's HTML into clean Markdown, with media and links resolved."""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString, PageElement
from markdownify import ATX, BACKSLASH, MarkdownConverter

from ..markdown import UNSUPPORTED_IMAGES
from ..tracking import clean_url
from . import shortcodes
from .autop import autop
from .blocks import simplify
from .clean import remove_boilerplate

_PHOTON = re.compile(r"^https?://i[0-3]\.wp\.com/(.+)$")
_IMAGE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|svg|bmp|tiff?)$", re.I)
_BLOCKS = {"p", "div", "li", "td", "th", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
           "figcaption", "dd", "dt", "section", "article", "figure", "[document]"}  # fmt: skip
_LIST_NUMBER = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
_LINE_START = re.compile(r"^(#{1,6}(?=\s|$)|[-+](?=\s|$)|>|`{3,}|~{3,}|=+\s*$|-+\s*$)")
_FENCED = re.compile(r"^[ \t]*(`{3,}|~{3,})[^\n]*\n.*?\n[ \t]*\1[ \t]*$", re.M | re.S)
_HTML_START = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BACKLINK = {"↩", "↩︎", "^", "↑", "⇧", "back", "zurück"}


@dataclass(frozen=True, slots=True)
class Links:
    """How the converter reaches beyond the text: uploaded files and the old blog's posts."""

    media: Callable[[str], str | None]
    """An uploads URL -> the file's name in the post's bundle; None when the URL is not an
    upload or its file is missing (the callee lists the missing)."""
    is_upload: Callable[[str], bool]
    post: Callable[[str], str | None]
    """A URL of the old blog -> the relative path of the imported Markdown file, if any."""
    gallery: Callable[[list[int]], list[tuple[str, str]]]
    """Attachment ids (none: the post's own) -> (URL, caption) of each image."""


@dataclass(slots=True)
class Converted:
    markdown: str
    removed: Counter[str] = field(default_factory=Counter)
    """Boilerplate left behind, by kind."""
    unknown_shortcodes: list[str] = field(default_factory=list)
    external_images: list[str] = field(default_factory=list)
    """Images from other hosts, now links: a reader's browser must not fetch them."""


def to_markdown(
    text: str, links: Links, footnotes: dict[str, str] | None = None, comment: bool = False
) -> Converted:
    """Convert a post's (or comment's) stored HTML, maybe without <p>, to Markdown."""
    resolved = shortcodes.resolve(text, links.gallery)
    html = resolved.html if "<!-- wp:" in text else autop(resolved.html)
    soup = BeautifulSoup(html, "html.parser")
    result = Converted("", remove_boilerplate(soup) + resolved.removed, resolved.unknown)
    simplify(soup)
    if comment:
        _flatten(soup, result)
    _iframes(soup, result)
    _media(soup, _no_media(links) if comment else links, result)
    _links(soup, links, result)
    notes = _footnotes(soup, footnotes or {})
    body = _Markdown().convert_soup(soup)
    for number, note in enumerate(notes, start=1):
        definition = _Markdown().convert_soup(BeautifulSoup(note, "html.parser")).strip()
        body += f"\n\n[^{number}]: " + definition.replace("\n", "\n    ")
    result.markdown = tidy(body)
    return result


def tidy(markdown: str) -> str:
    """Even out blank lines and line breaks that markup leaves behind, outside code blocks."""
    parts, start = [], 0
    for m in _FENCED.finditer(markdown):
        parts += [markdown[start : m.start()], m.group(0)]
        start = m.end()
    parts.append(markdown[start:])
    for n in range(0, len(parts), 2):  # the odd parts are fenced code, left as they are
        text = "\n".join(line.rstrip() for line in parts[n].split("\n"))
        text = re.sub(r"^[ \t\xa0]+$", "", text, flags=re.M)
        text = re.sub(r"\\\n(?:[ \t]*\\\n)+", "\n\n", text)  # <br><br> is a paragraph break
        # A break ending a paragraph shows as "\"; an escaped backslash before it stays.
        text = re.sub(r"(?<!\\)((?:\\\\)*)\\(\n\n|\n?$)", r"\1\2", text)
        parts[n] = re.sub(r"\n{3,}", "\n\n", text)
    text = "".join(parts)
    return text.strip("\n") + "\n" if text.strip() else ""


class _Markdown(MarkdownConverter):
    def __init__(self) -> None:
        super().__init__(
            heading_style=ATX,
            bullets="-",
            newline_style=BACKSLASH,
            table_infer_header=True,
            code_language_callback=_code_language,
        )

    def escape(self, text: str, parent_tags: Any) -> str:
        if not text:
            return ""
        # Every backslash doubled: one before a line's end would be a line break.
        text = text.replace("\\", "\\\\")
        text = str(super().escape(text, parent_tags))  # type: ignore[misc]  # not in the stubs
        text = _HTML_START.sub(r"\\<", text).replace("`", "\\`")
        # A "|" could start a table, a "[" a link, a reference or a footnote, "~~" strike out.
        text = text.replace("|", "\\|").replace("[", "\\[").replace("~", "\\~")
        return _ENTITY.sub(r"\\&", text)

    def convert_br(self, el: Any, text: str, parent_tags: Any) -> str:
        if "pre" in parent_tags:
            return "\n"
        if parent_tags & {"td", "th"}:
            return "<br>"  # a table cell holds one line of Markdown
        if parent_tags & _HEADINGS:
            return " "
        return str(super().convert_br(el, text, parent_tags))  # type: ignore[misc]

    def convert_hN(self, n: int, el: Any, text: str, parent_tags: Any) -> str:
        # A heading ending in " #" would lose it: ATX headings may close with #s.
        text = re.sub(r"(\s)(#+)(\s*)$", r"\1\\\2\3", text)
        return str(super().convert_hN(n, el, text, parent_tags))  # type: ignore[misc]

    def convert_details(self, el: Any, text: str, parent_tags: Any) -> str:
        # Markdown has no disclosure; the element passes as HTML around Markdown content.
        summary = el.find("summary")
        label = html.escape(summary.get_text(" ", strip=True)) if summary is not None else ""
        label = label or "…"
        return f"\n\n<details>\n<summary>{label}</summary>\n\n{text.strip()}\n\n</details>\n\n"

    def convert_sitegen_note(self, el: Any, text: str, parent_tags: Any) -> str:
        return f"[^{el.get_text()}]"

    def convert_summary(self, el: Any, text: str, parent_tags: Any) -> str:
        return ""

    def process_text(self, el: Any, parent_tags: Any = None) -> str:
        text = str(super().process_text(el, parent_tags))  # type: ignore[misc]
        if "pre" in (parent_tags or ()) or "_noformat" in (parent_tags or ()):
            return text
        # In HTML a newline is a space; in Markdown it could start a list or a heading.
        text = text.replace("\n", " ")
        if _starts_line(el):
            text = text.lstrip(" \t")
            text = _LIST_NUMBER.sub(r"\1\\\2", text, count=1)
            text = _LINE_START.sub(r"\\\1", text, count=1)
        return text

    def convert_a(self, el: Any, text: str, parent_tags: Any) -> str:
        href = str(el.get("href") or "")
        if href.startswith(("http://", "https://")) or "_noformat" in parent_tags:
            return str(super().convert_a(el, text, parent_tags))  # type: ignore[misc]
        # <name.mp3> is no autolink in Markdown but an HTML tag: always write [text](href).
        stripped = text.strip()
        if not stripped or not href:
            return text
        before = " " if text.startswith(" ") else ""
        after = " " if text.endswith(" ") else ""
        return f"{before}[{stripped}]({href}){after}"

    def convert_figcaption(self, el: Any, text: str, parent_tags: Any) -> str:
        text = text.strip()
        return f"\n\n*{text}*\n\n" if text else ""


def _starts_line(el: PageElement) -> bool:
    previous = el.previous_sibling
    while isinstance(previous, NavigableString) and not previous.strip():
        previous = previous.previous_sibling
    if previous is None:
        parent = el.parent
        return parent is None or parent.name in _BLOCKS
    return isinstance(previous, Tag) and (previous.name == "br" or previous.name in _BLOCKS)


def _code_language(el: Tag) -> str:
    for node in (el, el.find("code")):
        if isinstance(node, Tag):
            for css in node.get_attribute_list("class"):
                if m := re.match(r"(?:language|lang|brush)[-:]\s*([\w+#-]+)", css or ""):
                    return m.group(1)
    return ""


def source_url(url: str) -> str:
    """An absolute URL, unwrapped from WordPress.com's image CDN (i0.wp.com/host/path)."""
    url = url.strip()
    if url.startswith("//"):
        url = "https:" + url
    if m := _PHOTON.match(url):
        url = "https://" + m.group(1).split("?", 1)[0]
    return url


def _iframes(soup: BeautifulSoup, result: Converted) -> None:
    for wrapper in soup.find_all("div", class_="wp-block-embed__wrapper"):
        url = wrapper.get_text(strip=True)
        if url.startswith(("http://", "https://")) and " " not in url:
            link = soup.new_tag("a", href=url)
            link.string = url
            wrapper.clear()
            wrapper.append(link)
    for frame in soup.find_all("iframe"):
        url = _page_of_embed(source_url(str(frame.get("src") or "")))
        if not url.startswith(("http://", "https://")):
            frame.decompose()
            result.removed["empty embeds"] += 1
            continue
        link = soup.new_tag("a", href=url)
        link.string = str(frame.get("title") or "").strip() or url
        if frame.parent is not None and frame.parent.name in _BLOCKS - {"p", "li", "td", "th"}:
            paragraph = soup.new_tag("p")
            paragraph.append(link)
            link = paragraph
        frame.replace_with(link)
        result.removed["iframes turned into links"] += 1


def _page_of_embed(url: str) -> str:
    """The page a reader would visit for an embedded player."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    if host in ("youtube.com", "youtube-nocookie.com") and parts.path.startswith("/embed/"):
        return f"https://www.youtube.com/watch?v={parts.path.split('/')[2]}"
    if host == "player.vimeo.com" and parts.path.startswith("/video/"):
        return f"https://vimeo.com/{parts.path.split('/')[2]}"
    if host == "open.spotify.com" and parts.path.startswith("/embed/"):
        return f"https://open.spotify.com/{parts.path.removeprefix('/embed/')}"
    return url


def _no_media(links: Links) -> Links:
    return Links(lambda url: None, links.is_upload, links.post, links.gallery)


def _media(soup: BeautifulSoup, links: Links, result: Converted) -> None:
    for img in soup.find_all("img"):
        src = source_url(str(img.get("src") or ""))
        parent = img.parent
        if isinstance(parent, Tag) and parent.name == "a":
            target = source_url(str(parent.get("href") or ""))
            if _is_image_link(target, links):
                # A thumbnail linking to its full size: keep the full size, drop the link.
                if links.is_upload(target) and _IMAGE.search(urlsplit(target).path):
                    src = target
                parent.unwrap()
        alt = str(img.get("alt") or "").strip()
        title = str(img.get("title") or "").strip()
        if src.startswith(("data:", "#")) or ("://" not in src and not src.startswith("/")):
            continue
        name = links.media(src) if links.is_upload(src) else None
        if name is not None and name.lower().endswith(UNSUPPORTED_IMAGES):
            # Browsers cannot show it (TIFF, HEIC): the copied file is linked, not embedded.
            link = soup.new_tag("a", href=name)
            link.string = alt or title or name
            img.replace_with(link)
            continue
        if name is not None:
            img.attrs = {"src": name, "alt": alt, **({"title": title} if title else {})}
            continue
        if not links.is_upload(src):
            result.external_images.append(src)
            result.removed["external images turned into links"] += 1
        link = soup.new_tag("a", href=clean_url(src)[0])
        link.string = alt or title or urlsplit(src).path.rsplit("/", 1)[-1] or src
        img.replace_with(link)
    for player in soup.find_all(["audio", "video"]):
        sources = [str(player.get("src") or "")]
        sources += [str(s.get("src") or "") for s in player.find_all("source")]
        url = source_url(next((s for s in sources if s), ""))
        if not url:
            player.decompose()
            continue
        name = links.media(url) if links.is_upload(url) else None
        link = soup.new_tag("a", href=name or url)
        link.string = urlsplit(url).path.rsplit("/", 1)[-1] or url
        paragraph = soup.new_tag("p")
        paragraph.append(link)
        player.replace_with(paragraph)


def _flatten(soup: BeautifulSoup, result: Converted) -> None:
    """Keep a comment to what a comment needs: headings and tables become paragraphs."""
    for element in soup.find_all([*_HEADINGS, "table", "hr"]):
        if element.decomposed:
            continue
        result.removed["headings and tables in comments, made paragraphs"] += 1
        if element.name == "hr":
            element.decompose()
            continue
        rows = element.find_all("tr") if element.name == "table" else [element]
        paragraphs = []
        for row in rows:
            cells = row.find_all(["td", "th"]) if element.name == "table" else [row]
            paragraph = soup.new_tag("p")
            for n, cell in enumerate(cells):
                if n:
                    paragraph.append(" · ")
                paragraph.extend(list(cell.contents))
            paragraphs.append(paragraph)
        element.replace_with(*paragraphs)


def _is_image_link(url: str, links: Links) -> bool:
    parts = urlsplit(url)
    if links.is_upload(url) or _IMAGE.search(parts.path):
        return True
    return "attachment_id" in parse_qs(parts.query) or "/attachment/" in parts.path


def _links(soup: BeautifulSoup, links: Links, result: Converted) -> None:
    for a in soup.find_all("a"):
        href = str(a.get("href") or "").strip()
        if not href:
            a.unwrap()
            continue
        href, removed = clean_url(source_url(href) if href.startswith("//") else href)
        if removed:
            result.removed["tracking parameters in links"] += removed
        if links.is_upload(href):
            href = links.media(href) or href
        elif (target := links.post(href)) is not None:
            href = target
        a.attrs = {"href": href, **({"title": str(a["title"])} if a.get("title") else {})}


def _footnotes(soup: BeautifulSoup, stored: dict[str, str]) -> list[str]:
    """Replace footnote markers by [^n]; return the notes' HTML in their order."""
    notes: list[str] = []
    for marker in soup.find_all(["span", "sup"]):
        if marker.decomposed or marker.parent is None:
            continue
        if marker.name == "span" and marker.has_attr("data-footnote"):
            notes.append(marker.decode_contents())
        elif marker.name == "sup" and (note := _linked_note(soup, marker, stored)) is not None:
            notes.append(note)
        else:
            continue
        reference = soup.new_tag("sitegen-note")
        reference.string = str(len(notes))
        marker.replace_with(reference)
    for block in soup.find_all(
        ["ol", "div", "section"], class_=["wp-block-footnotes", "footnotes"]
    ):
        if not block.get_text(strip=True):
            block.decompose()
    return notes


def _linked_note(soup: BeautifulSoup, marker: Tag, stored: dict[str, str]) -> str | None:
    link = marker.find("a", href=re.compile(r"^#."))
    if not isinstance(link, Tag):
        return None
    target_id = str(link["href"])[1:]
    if marker.get("data-fn") and str(marker["data-fn"]) in stored:
        return stored[str(marker["data-fn"])]
    target = soup.find(id=target_id)
    if not isinstance(target, Tag) or target.name not in ("li", "p", "div", "span"):
        return None
    for back in target.find_all("a", href=re.compile(r"^#")):
        if back.get_text(strip=True) in _BACKLINK or str(back["href"])[1:] in (
            link.get("id"),
            marker.get("id"),
        ):
            back.decompose()
    for number in target.find_all("sup", limit=1):
        if number.get_text(strip=True).isdigit():
            number.decompose()
    note = re.sub(r"^\s*\d+[.)]?\s+", "", target.decode_contents())
    parent = target.parent
    target.decompose()
    if isinstance(parent, Tag) and parent.name in ("ol", "ul") and not parent.find("li"):
        parent.decompose()
    return note.strip()
