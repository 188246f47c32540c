"""Recognise a diary entry's structure in imported Markdown: its diary line and its dream."""

from __future__ import annotations

import re
from dataclasses import dataclass

DREAM_PHRASES = ("Heute Nacht", "Letzte Nacht", "Vergangene Nacht", "Last night")

# "Istanbul, 6:05 CET, Tag 570" / "Berlin, 06:25 Uhr, Tag 627" / "London, 7:10, Day 12"
_DIARY_LINE = re.compile(
    r"^(?P<location>[^\d,\n][^,\n]{0,80}?),\s*"
    r"(?P<hour>[01]?\d|2[0-3])[:.](?P<minute>[0-5]\d)(?:\s*Uhr)?"
    r"(?:\s+(?P<zone>[A-Z]{2,5}(?:[+-]\d{1,2}(?::\d{2})?)?))?\s*,\s*"
    r"(?:Tag|Day)\s+(?P<day>\d{1,6})\.?$"
)
# A diary line some wrote as a heading: "## Istanbul, 6:05 CET, Tag 570".
_HEADING = re.compile(r"^#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_EMPHASIS = re.compile(r"^(\*{1,2}|_{1,2})(.*)\1$")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


@dataclass(frozen=True, slots=True)
class Entry:
    body: str
    location: str = ""
    time: tuple[int, int] | None = None
    """Hour and minute of writing, as the diary line gives them."""
    zone: str = ""
    """The time zone label written after the time, like CET."""
    day: int | None = None
    dream: str = ""
    """The dream's Markdown."""


def recognise(markdown: str, phrases: tuple[str, ...] = DREAM_PHRASES) -> Entry:
    """Take a leading diary line and a dream paragraph out of the body."""
    blocks = markdown.split("\n\n")
    location, time, zone, day = "", None, "", None
    first_line, _, rest = blocks[0].partition("\n")
    m = _DIARY_LINE.match(_plain(first_line.removesuffix("\\")))
    if m:
        location = m.group("location").strip()
        time = (int(m.group("hour")), int(m.group("minute")))
        zone = m.group("zone") or ""
        day = int(m.group("day"))
        if rest.strip():
            blocks[0] = rest.strip()
        else:
            blocks.pop(0)
    dream = ""
    if (
        blocks
        and phrases
        and _plain(blocks[0]).lower().startswith(tuple(p.lower() for p in phrases if p))
    ):
        dream = blocks.pop(0).strip()
    body = "\n\n".join(blocks).strip()
    return Entry(body + "\n" if body else "", location, time, zone, day, dream)


def _plain(text: str) -> str:
    text = text.strip()
    if m := _HEADING.match(text):
        text = m.group(1).strip()
    if m := _EMPHASIS.match(text):
        text = m.group(2).strip()
    return _ESCAPE.sub(r"\1", text)
