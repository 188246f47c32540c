"""Fenced code coloured at build time with Pygments, into classes the theme's stylesheet colours."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pygments import highlight as pygmentize
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

CODE_CLASS = "highlight"
"""The class of the element around highlighted code; feeds and the theme look for it."""


@dataclass(frozen=True, slots=True)
class Fence:
    """What the info string of a fenced code block asks for: ```python {linenos=true}."""

    language: str = ""
    linenos: bool = False
    start: int = 1
    """The number of the first line, when numbered (Hugo's linenostart)."""
    lines: tuple[int, ...] = ()
    """Lines to emphasise, counted from 1 whatever the first number (Hugo's hl_lines)."""


# key=value, where the value is a [list], a "quoted" string or a bare word.
_OPTION = re.compile(r"([A-Za-z_]+)\s*=\s*(\[[^\]]*\]|\"[^\"]*\"|'[^']*'|[^\s,}]+)")
_RANGE = re.compile(r"(\d+)(?:\s*-\s*(\d+))?")


def read_fence(info: str) -> Fence:
    """Read a fence's info string the way Hugo does: a language, then {key=value ...}."""
    language, _, rest = info.strip().partition(" ")
    if language.startswith("{"):
        language, rest = "", info
    options = {key.lower(): value for key, value in _OPTION.findall(rest)}
    linenos = options.get("linenos", "false").strip("\"'").lower() in ("true", "table", "inline")
    start = _RANGE.fullmatch(options.get("linenostart", "1").strip("\"'"))
    return Fence(
        language=language,
        linenos=linenos,
        start=int(start.group(1)) if start else 1,
        lines=tuple(sorted(set(_line_numbers(options.get("hl_lines", ""))))),
    )


def _line_numbers(value: str) -> Iterator[int]:
    """Line numbers from [2,3], ["2-4"], "2 4-5" or 2: numbers and ranges, any quoting."""
    for item in re.split(r"[\s,]+", value.strip("[]")):
        found = _RANGE.fullmatch(item.strip("\"'"))
        if found is None:
            continue
        first = int(found.group(1))
        last = int(found.group(2) or first)
        yield from range(first, min(last, first + 10_000) + 1)


class _Formatter(HtmlFormatter):  # type: ignore[type-arg]
    """Pygments' HTML in a <pre> that takes focus (it scrolls), a <code> naming the language."""

    def __init__(self, language: str, **options: Any) -> None:
        super().__init__(**options)
        self.language = language

    def wrap(self, source: Any) -> Iterator[tuple[int, str]]:
        """Put <pre><code> around the lines, without Pygments' empty leading <span>."""
        language = html.escape(self.language, quote=True)
        yield 0, f'<pre tabindex="0"><code class="language-{language}">'
        yield from source
        yield 0, "</code></pre>"


def highlight(code: str, fence: Fence) -> str | None:
    """The code as HTML coloured by classes; None when Pygments does not know the language."""
    if not fence.language:
        return None
    try:
        lexer = get_lexer_by_name(fence.language, stripnl=False, ensurenl=True)
    except ClassNotFound:
        return None
    formatter = _Formatter(
        fence.language,
        cssclass=CODE_CLASS,
        linenos="inline" if fence.linenos else False,
        linenostart=fence.start,
        hl_lines=list(fence.lines),
    )
    return str(pygmentize(code, lexer, formatter))


_HIGHLIGHTED = re.compile(
    rf'<div class="{CODE_CLASS}"><pre tabindex="0"><code class="language-[^"]*">'
    r"(.*?)</code></pre></div>",
    re.S,
)
_LINE_NUMBER = re.compile(r'<span class="linenos(?: special)?">[^<]*</span>')
_SPAN = re.compile(r"</?span[^>]*>")


def plain_code(fragment: str) -> str:
    """Highlighted code in an HTML fragment turned back into plain <pre><code>, numbers dropped.

    Feed readers have no stylesheet for the classes, and a line number would read as code.
    """

    def plain(found: re.Match[str]) -> str:
        text = _SPAN.sub("", _LINE_NUMBER.sub("", found.group(1)))
        return f"<pre><code>{text}</code></pre>"

    return _HIGHLIGHTED.sub(plain, fragment)
