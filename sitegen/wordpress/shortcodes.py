"""WordPress's shortcodes, resolved into the HTML they stood for."""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

_ATTRIBUTE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"]+)"""
    r"""|"([^"]*)"|'([^']*)'|(\S+)"""
)
_ESCAPED = re.compile(r"\[\[([^\[\]]+)\]\]")
_UNKNOWN = re.compile(r"\[/?([a-z][a-z0-9_-]{1,40})(?:[\s=][^\[\]]*)?\]")

# Shortcodes whose whole output is a link to their URL (WordPress.com embeds).
_EMBEDS = {
    "embed", "youtube", "vimeo", "soundcloud", "tweet", "twitter", "googlemaps", "dailymotion",
    "flickr", "instagram", "spotify", "ted", "slideshare", "scribd", "bandcamp", "mixcloud",
    "gist", "archiveorg", "facebook", "pinterest", "kickstarter", "wufoo", "issuu",
}  # fmt: skip
_MEDIA = {"audio", "video", "playlist"}
_CODE = {"code", "sourcecode", "source", "syntax", "php", "python", "js", "javascript", "bash",
         "css", "html", "xml", "sql", "java", "ruby", "text", "plain", "shell"}  # fmt: skip
_FOOTNOTES = {"ref", "footnote", "efn_note", "fn", "note"}
# Shortcodes that only ever produced ads, sharing widgets or forms: dropped and counted.
_DROPPED = {
    "ad": "ads", "ads": "ads", "adsense": "ads", "wordads": "ads", "advertisement": "ads",
    "sharedaddy": "share buttons", "sharing": "share buttons", "share": "share buttons",
    "likes": "share buttons", "jetpack_share_buttons": "share buttons",
    "jetpack-related-posts": "related posts", "related_posts": "related posts",
    "yarpp": "related posts", "related": "related posts",
    "author_box": "author boxes", "authorbox": "author boxes",
    "contact-form": "forms and polls", "contact-field": "forms and polls",
    "polldaddy": "forms and polls", "crowdsignal": "forms and polls",
    "jetpack_subscription_form": "forms and polls", "blog_subscription_form": "forms and polls",
    "mc4wp_form": "forms and polls", "subscribe": "forms and polls",
    "wpvideo": "unplayable videos", "videopress": "unplayable videos",
}  # fmt: skip


@dataclass(slots=True)
class Resolved:
    """What resolving the shortcodes of one text found."""

    html: str
    removed: Counter[str] = field(default_factory=Counter)
    unknown: list[str] = field(default_factory=list)


def resolve(text: str, gallery: Callable[[list[int]], list[tuple[str, str]]]) -> Resolved:
    """Replace the shortcodes WordPress knows with HTML; `gallery(ids)` lists (url, caption)."""
    removed: Counter[str] = Counter()
    escaped: list[str] = []

    def keep(m: re.Match[str]) -> str:
        escaped.append(f"[{m.group(1)}]")
        return f"\x00{len(escaped) - 1}\x00"

    text = _ESCAPED.sub(keep, text)
    names = sorted(_EMBEDS | _MEDIA | _CODE | _FOOTNOTES | set(_DROPPED) | {"caption", "wp_caption",
                   "gallery", "latex"}, key=len, reverse=True)  # fmt: skip
    alternatives = "|".join(re.escape(n) for n in names)
    # An enclosing shortcode, [name attrs]body[/name], or a single one, [name attrs].
    pattern = re.compile(
        rf"\[({alternatives})(?![\w-])([^\]]*)\](?:(.*?)\[/\1\])?",
        re.S | re.I,
    )

    def replace(m: re.Match[str]) -> str:
        name = m.group(1).lower()
        attrs, positional = _attributes(m.group(2))
        body = m.group(3) or ""
        if name in _DROPPED:
            removed[_DROPPED[name]] += 1
            return ""
        if name in ("caption", "wp_caption"):
            return _caption(body, attrs)
        if name == "gallery":
            ids = [int(i) for i in re.findall(r"\d+", attrs.get("ids", attrs.get("include", "")))]
            images = "".join(
                f'<p><img src="{html.escape(url)}" alt="{html.escape(caption)}"></p>'
                + (f"<p><em>{html.escape(caption)}</em></p>" if caption else "")
                for url, caption in gallery(ids)
            )
            return f"\n\n<div>{images}</div>\n\n"
        if name in _EMBEDS or name in _MEDIA:
            url = _first_url(body, attrs, positional)
            if not url:
                removed["unplayable videos" if name in _MEDIA else "empty embeds"] += 1
                return ""
            label = html.escape(url.rsplit("/", 1)[-1] if name in _MEDIA else url)
            return f'\n\n<p><a href="{html.escape(url)}">{label}</a></p>\n\n'
        if name in _CODE:
            language_name = attrs.get("language", attrs.get("lang", ""))
            if name not in ("code", "sourcecode", "source", "syntax"):
                language_name = name
            code = html.escape(html.unescape(body.strip("\n")))
            css = f' class="language-{html.escape(language_name)}"' if language_name else ""
            return f"\n\n<pre><code{css}>{code}</code></pre>\n\n"
        if name == "latex":
            return f"<code>{html.escape(html.unescape(body))}</code>"
        # Footnote shortcodes: the converter numbers them.
        return f"<span data-footnote>{body}</span>"

    text = pattern.sub(replace, text)
    # Brackets are common in prose ("[sic]"); a shortcode shows by attributes, a closing
    # tag or a plugin-style name.
    closing = set(re.findall(r"\[/([a-z][\w-]*)\]", text))
    unknown = sorted(
        {
            f"[{m.group(1)}]"
            for m in _UNKNOWN.finditer(text)
            if m.group(1) in closing or "=" in m.group(0) or re.search(r"[_-]", m.group(1))
        }
    )
    text = re.sub("\x00(\\d+)\x00", lambda m: escaped[int(m.group(1))], text)
    return Resolved(text, removed, unknown)


def _caption(body: str, attrs: dict[str, str]) -> str:
    m = re.match(r"\s*((?:<a\s[^>]*>\s*)?<img\s[^>]*>(?:\s*</a>)?)(.*)$", body, re.S | re.I)
    image, caption = (m.group(1), m.group(2).strip()) if m else (body, "")
    caption = caption or html.escape(attrs.get("caption", ""))
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"\n\n<figure>{image}{figcaption}</figure>\n\n"


def _attributes(text: str) -> tuple[dict[str, str], list[str]]:
    text = text.strip()
    if text.startswith("="):  # WordPress.com's [youtube=https://...]
        return {}, [text[1:].strip()]
    named: dict[str, str] = {}
    positional: list[str] = []
    for m in _ATTRIBUTE.finditer(text):
        if m.group(1):
            named[m.group(1).lower()] = m.group(2)
        elif m.group(3):
            named[m.group(3).lower()] = m.group(4)
        elif m.group(5):
            named[m.group(5).lower()] = m.group(6)
        else:
            positional.append(next(g for g in m.groups()[6:] if g is not None))
    return named, positional


def _first_url(body: str, attrs: dict[str, str], positional: list[str]) -> str:
    keys = ("url", "src", "mp3", "m4a", "ogg", "wav", "mp4", "webm", "ogv", "id")
    for candidate in (
        body.strip(),
        *(attrs.get(k, "") for k in keys),
        *positional,
    ):
        candidate = html.unescape(candidate.strip())
        if candidate.startswith(("http://", "https://", "//")):
            return "https:" + candidate if candidate.startswith("//") else candidate
    return ""
