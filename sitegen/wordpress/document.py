"""Write an imported post as sitegen reads it: TOML front matter, Markdown, its comments."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any

from babel.dates import format_date, format_time

from .wxr import Comment

_STRINGS = {
    "de": {"comments": "Kommentare", "reply": "Antwort an {name}", "anonymous": "Anonym"},
    "en": {"comments": "Comments", "reply": "reply to {name}", "anonymous": "Anonymous"},
}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")
# Fixed offsets of the zone labels diarists write after the time; others stay labels only.
_ZONES = {
    "UTC": 0, "GMT": 0, "WET": 0, "WEST": 60, "BST": 60, "CET": 60, "MEZ": 60, "CEST": 120,
    "MESZ": 120, "EET": 120, "EEST": 180, "MSK": 180, "TRT": 180, "EST": -300, "EDT": -240,
    "CST": -360, "CDT": -300, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420, "JST": 540,
    "AEST": 600, "AEDT": 660,
}  # fmt: skip
_OFFSET_LABEL = re.compile(r"^(?:UTC|GMT)([+-])(\d{1,2})(?::(\d{2}))?$")


def render(values: Sequence[tuple[str, Any]], extra: Sequence[tuple[str, Any]], body: str) -> str:
    """A Markdown document with TOML front matter, keys in the given order."""
    lines = ["+++", *(f"{key} = {toml_value(value)}" for key, value in values)]
    if extra:
        lines += ["", "[extra]", *(f"{key} = {toml_value(value)}" for key, value in extra)]
    lines.append("+++")
    return "\n".join(lines) + "\n\n" + body.strip() + "\n"


def toml_value(value: Any) -> str:
    """A TOML literal for a string, bool, int, datetime or list of strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    text = _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    if "\n" in text:
        return '"""\n' + text + '"""'
    return f'"{text}"'


def written_at(date: dt.datetime, time: tuple[int, int], zone: str) -> dt.datetime:
    """The date at the diary line's time of writing; the calendar day (and so the URL) stays."""
    minutes = _ZONES.get(zone.upper())
    if m := _OFFSET_LABEL.match(zone.upper()):
        minutes = (int(m.group(2)) * 60 + int(m.group(3) or 0)) * (1 if m.group(1) == "+" else -1)
    tz = dt.timezone(dt.timedelta(minutes=minutes)) if minutes is not None else date.tzinfo
    return dt.datetime.combine(date.date(), dt.time(*time), tz)


def comments_section(
    comments: Sequence[Comment], language: str, convert: Callable[[str], str]
) -> str:
    """The approved comments as a read-only Markdown section: name, date and text only."""
    strings = _STRINGS.get(language.split("-")[0], _STRINGS["en"])
    ordered = sorted(comments, key=lambda c: (c.date_gmt or c.date, c.id))
    names = {c.id: c.author or strings["anonymous"] for c in ordered}
    parts = [f"## {strings['comments']}"]
    for comment in ordered:
        name = _MARKDOWN_SPECIAL.sub(r"\\\1", names[comment.id])
        head = f"**{name}**"
        when = _when(comment.date, language)
        if when:
            head += f" · {when}"
        if comment.parent in names:
            reply = _MARKDOWN_SPECIAL.sub(r"\\\1", names[comment.parent])
            head += " · " + strings["reply"].format(name=reply)
        text = convert(comment.html).strip() or "…"
        quoted = "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))
        parts += [head, quoted]
    return "\n\n".join(parts)


def _when(value: str, language: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(value.replace(" ", "T"))
    except ValueError:
        return ""
    locale = language.replace("-", "_")
    day = format_date(moment, "long", locale=locale)
    return f"{day}, {format_time(moment, 'short', locale=locale)}"
