"""Classic-editor text made explicit as WordPress shows it: its `wpautop` paragraph rules.

WordPress stores a classic post as text with blank lines and single newlines and adds
the markup only when it shows the post: a blank line parts paragraphs, a single newline
is a line break, block elements (lists, tables, quotes) keep their own structure, and
preformatted text is left alone. This is an implementation of those rules, step by
step as WordPress applies them, so that an import reads a post as its readers saw it.
"""

from __future__ import annotations

import html
import re

# Elements WordPress treats as blocks: no paragraph is opened inside or around them.
_BLOCK = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre"
    r"|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section"
    r"|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)
_OPENS = re.compile(rf"(<{_BLOCK}[\s/>])", re.I)
_CLOSES = re.compile(rf"(</{_BLOCK}>)", re.I)
_RULE = re.compile(r"(<hr\s*[^>]*>)", re.I)
_BLOCK_TAG = rf"</?{_BLOCK}[^>]*>"
_PRE = re.compile(r"<pre[\s>].*?</pre>", re.S | re.I)
_RAW = re.compile(r"<(script|style|svg)[\s>].*?</\1>", re.S | re.I)
_TAG_OR_COMMENT = re.compile(r"<!--.*?-->|<[^<>]*>", re.S)
_DOUBLE_BREAK = re.compile(r"<br\s*/?>\s*<br\s*/?>", re.I)
_URL_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"]+)[ \t]*$", re.M | re.I)
_MEDIA = re.compile(r"<(object|audio|video)[\s>].*?</\1>", re.S | re.I)
# Newlines kept aside while paragraphs are made: inside tags, inside raw elements.
_NEWLINE = "\ue000"
_KEPT = "\ue001"


def autop(text: str) -> str:
    """Make a classic post's implicit paragraphs and line breaks explicit HTML."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ""
    kept: list[str] = []

    def set_aside(m: re.Match[str]) -> str:
        kept.append(m.group(0))
        return f"<pre {_KEPT}{len(kept) - 1}{_KEPT}></pre>"

    text = _PRE.sub(set_aside, text + "\n")
    # A URL alone on its line was an automatic embed; a link is what is left of it.
    text = _URL_LINE.sub(lambda m: "\n\n" + _link(m.group(1)) + "\n\n", text)
    text = _DOUBLE_BREAK.sub("\n\n", text)
    text = _OPENS.sub(r"\n\n\1", text)
    text = _CLOSES.sub(r"\1\n\n", text)
    text = _RULE.sub(r"\1\n\n", text)
    text = _TAG_OR_COMMENT.sub(lambda m: m.group(0).replace("\n", _NEWLINE), text)
    text = _MEDIA.sub(_tight_media, text)
    text = re.sub(r"\s*(<option[^>]*>)", r"\1", text)
    text = re.sub(r"</option>\s*", "</option>", text)
    text = re.sub(r"\s*(<figcaption[^>]*>)", r"\1", text, flags=re.I)
    text = re.sub(r"</figcaption>\s*", "</figcaption>", text, flags=re.I)
    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text)]
    text = "".join(f"<p>{p}</p>\n" for p in paragraphs if p)
    text = _unwrap_blocks(text)
    text = _RAW.sub(lambda m: m.group(0).replace("\n", _NEWLINE), text)
    text = re.sub(r"<br\s*/?>", "<br />", text, flags=re.I)
    text = re.sub(r"(?<!<br />)\s*\n", "<br />\n", text)
    text = re.sub(rf"({_BLOCK_TAG})\s*<br />", r"\1", text, flags=re.I)
    text = re.sub(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text)
    text = re.sub(r"\n</p>$", "</p>", text)
    text = re.sub(f"<pre {_KEPT}(\\d+){_KEPT}></pre>", lambda m: kept[int(m.group(1))], text)
    return text.replace(_NEWLINE, "\n")


def _unwrap_blocks(text: str) -> str:
    """Take the paragraphs back off block elements and list items, as WordPress does."""
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text, flags=re.I)
    text = re.sub(rf"<p>\s*({_BLOCK_TAG})\s*</p>", r"\1", text, flags=re.I)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text, flags=re.I)
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.I)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(rf"<p>\s*({_BLOCK_TAG})", r"\1", text, flags=re.I)
    return re.sub(rf"({_BLOCK_TAG})\s*</p>", r"\1", text, flags=re.I)


def _tight_media(m: re.Match[str]) -> str:
    """No paragraphs or breaks between a player's sources and parameters."""
    inner = re.sub(r"\s*(<(?:param|embed|source|track)[^>]*>)\s*", r"\1", m.group(0), flags=re.I)
    return inner.replace("\n", _NEWLINE)


def _link(url: str) -> str:
    href = html.escape(url)
    return f'<p><a href="{href}">{href}</a></p>'
