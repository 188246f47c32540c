"""Video cards: a YouTube or Vimeo link alone in its paragraph becomes a link card, no player."""

from __future__ import annotations

import html as html_lib
import re
from urllib.parse import parse_qs, urlsplit

from markdown_it.rules_core import StateCore
from markdown_it.token import Token

_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{6,20}")
_YOUTUBE_HOSTS = ("youtube.com", "m.youtube.com", "music.youtube.com", "youtube-nocookie.com")


def video_link(url: str) -> tuple[str, str] | None:
    """(site name, canonical watch URL) of a YouTube or Vimeo video URL; None for others."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower().removeprefix("www.")
    except ValueError:
        return None
    if parts.scheme not in ("http", "https"):
        return None
    segments = [s for s in parts.path.split("/") if s]
    query = parse_qs(parts.query)
    if host in _YOUTUBE_HOSTS or host == "youtu.be":
        if host == "youtu.be":
            video = segments[0] if len(segments) == 1 else ""
        elif segments == ["watch"]:
            video = query.get("v", [""])[0]
        elif len(segments) == 2 and segments[0] in ("shorts", "live", "embed", "v"):
            video = segments[1]
        else:
            video = ""
        if not _YOUTUBE_ID.fullmatch(video):
            return None
        start = query.get("t", query.get("start", [""]))[0]
        at = f"&t={start}" if re.fullmatch(r"\d+s?|(\d+h)?(\d+m)?(\d+s)?", start) and start else ""
        return "YouTube", f"https://www.youtube.com/watch?v={video}{at}"
    if host in ("vimeo.com", "player.vimeo.com"):
        numbers = [s for s in segments if s.isdigit()]
        if len(numbers) != 1 or segments[-1] != numbers[0]:
            return None
        return "Vimeo", f"https://vimeo.com/{numbers[0]}"
    return None


def video_cards(state: StateCore, words: tuple[str, str]) -> None:
    """A YouTube or Vimeo link alone in its paragraph becomes a card: a link, no player.

    A player would be a frame from the video site, loaded with every visit; the card
    loads nothing and tells the reader where the video plays.
    """
    tokens = state.tokens
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        card = _video_card(tokens[i : i + 3], words)
        if card is None:
            out.append(tokens[i])
            i += 1
        else:
            out.append(card)
            i += 3
    state.tokens = out


def _video_card(tokens: list[Token], words: tuple[str, str]) -> Token | None:
    """The card for a paragraph (open, inline, close) holding a lone video link, or None."""
    if len(tokens) < 3 or tokens[0].type != "paragraph_open" or tokens[2].type != "paragraph_close":
        return None
    found = _lone_link(tokens[1].children or [])
    video = video_link(found[0]) if found else None
    if found is None or video is None:
        return None
    href, text, title = found
    site, url = video
    label = words[0].format(host=site)
    shown = text if text.strip() and text.strip() != href.strip() else title or label
    card = Token("html_block", "", 0)
    card.map = tokens[0].map
    card.content = (
        f'<p class="video-card"><a href="{html_lib.escape(url)}">'
        f'<span class="video-card-title">{html_lib.escape(shown)}</span> '
        f'<span class="video-card-note">{html_lib.escape(words[1].format(host=site))}</span>'
        "</a></p>\n"
    )
    return card


def _lone_link(children: list[Token]) -> tuple[str, str, str] | None:
    """(href, link text, title) when a paragraph holds one link or one bare URL, nothing else."""
    if len(children) == 1 and children[0].type == "text":
        text = children[0].content.strip()
        return (text, "", "") if text.startswith(("https://", "http://")) else None
    if (
        len(children) >= 2
        and children[0].type == "link_open"
        and children[-1].type == "link_close"
        and not any(c.type == "link_open" for c in children[1:])
    ):
        text = "".join(c.content for c in children[1:-1] if c.type in ("text", "code_inline"))
        link = children[0]
        return str(link.attrGet("href") or ""), text, str(link.attrGet("title") or "")
    return None
