"""Read CSS as a browser would and name every URL in it, or what the audit cannot vouch for.

Stylesheets, <style> elements and style attributes go through tinycss2, which follows the
CSS Syntax standard browsers follow (escapes, comments, url() spellings). Every url(),
src(), image-set() string and @import is a URL; an at-rule, property or function the
allowlist does not know is an error, as it may hide a request the audit cannot see.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import tinycss2
import webencodings

from .safelist import CSS_AT_RULES, CSS_FUNCTIONS, CSS_IMAGE_SETS, CSS_URL_FUNCTIONS, known_property


@dataclass(frozen=True, slots=True)
class CssFinding:
    """A URL in CSS (url set), or a problem (url None), with its line in the text read."""

    what: str
    url: str | None
    line: int


def css_findings(text: str, declarations: bool = False) -> Iterator[CssFinding]:
    """Every URL in a stylesheet (or a declaration list) and every unknown name."""
    if declarations:
        nodes = tinycss2.parse_blocks_contents(text, skip_comments=True, skip_whitespace=True)
    else:
        nodes = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    yield from _rules(nodes, "CSS url()")


def decode_css(data: bytes) -> tuple[str, str | None]:
    """A stylesheet's text as browsers read it, and a problem when readings could differ.

    A browser takes the BOM, the server's charset or @charset; sitegen's host sends none
    or UTF-8, so every reading must agree with UTF-8's.
    """
    text, used = webencodings.decode(data, "utf-8", errors="replace")  # a BOM wins
    if used.name == "utf-8":
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return text, "stylesheet is not valid UTF-8: a browser may read it otherwise"
    _, declared = tinycss2.parse_stylesheet_bytes(data)
    if declared.name != used.name and webencodings.decode(data, declared, "replace")[0] != text:
        return text, f"stylesheet in {declared.name}: a browser may read it otherwise; use UTF-8"
    return text, None


def _rules(nodes: Sequence[Any], what: str) -> Iterator[CssFinding]:
    for node in nodes:
        kind = getattr(node, "type", "")
        if kind == "at-rule":
            yield from _at_rule(node)
        elif kind == "qualified-rule":
            # Selectors fetch nothing; the block may hold declarations and nested rules.
            yield from _rules(_block(node.content), what)
        elif kind == "declaration":
            if not known_property(node.lower_name):
                yield CssFinding(_unknown("property", node.name), None, node.source_line)
            yield from _values(node.value, what)


def _at_rule(node: Any) -> Iterator[CssFinding]:
    name = node.lower_at_keyword
    if name not in CSS_AT_RULES:
        yield CssFinding(_unknown("at-rule", f"@{node.at_keyword}"), None, node.source_line)
        return
    if name == "import":
        for token in node.prelude:
            if token.type == "string":
                yield CssFinding("CSS @import", token.value, token.source_line)
        yield from _values(node.prelude, "CSS @import", prelude=True)
    else:
        # Media queries and @supports conditions fetch nothing, but a url() there is read anyway.
        yield from _values(node.prelude, "CSS url()", prelude=True)
    if node.content is not None:
        inner = "@font-face src" if name == "font-face" else "CSS url()"
        yield from _rules(_block(node.content), inner)


def _values(tokens: Sequence[Any], what: str, prelude: bool = False) -> Iterator[CssFinding]:
    for token in tokens:
        kind = getattr(token, "type", "")
        if kind == "url":
            yield CssFinding(what, token.value, token.source_line)
        elif kind == "function":
            name = token.lower_name
            if name in CSS_URL_FUNCTIONS:
                for arg in token.arguments:
                    if arg.type == "string":
                        yield CssFinding(what, arg.value, arg.source_line)
            elif name in CSS_IMAGE_SETS:
                for arg in token.arguments:
                    if arg.type == "string":
                        yield CssFinding("CSS image-set()", arg.value, arg.source_line)
                yield from _values(token.arguments, "CSS image-set()", prelude)
                continue
            elif name == "attr" and _plain_attr(token.arguments):
                continue  # attr(name) gives a string, never a URL
            elif name not in CSS_FUNCTIONS and not prelude:
                yield CssFinding(_unknown("function", f"{token.name}()"), None, token.source_line)
            yield from _values(token.arguments, what, prelude)
        elif kind in ("() block", "[] block", "{} block"):
            yield from _values(token.content, what, prelude)


def _plain_attr(arguments: Sequence[Any]) -> bool:
    """Is it the classic attr(name) or attr(name, "fallback"), not a typed attr()?"""
    kinds = [t.type for t in arguments if t.type not in ("whitespace", "comment")]
    return kinds in (["ident"], ["ident", "literal", "string"])


def _block(content: Sequence[Any] | None) -> list[Any]:
    if content is None:
        return []
    return tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True)  # type: ignore[no-any-return]


def _unknown(kind: str, name: str) -> str:
    return f"CSS {kind} {name} is not one the audit knows to be safe"
