"""What an output path may look like, and whether a source file stays inside its folder.

Front matter (`url`, `aliases`), site.toml (`permalink`) and the output gate all ask
`output_problem`, so a path refused at build time is refused with the same words where
it is read.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import ContentError, display_path

NAME_MAX = 255
"""Bytes in one file name on every common file system."""
PATH_MAX = 1024
"""Bytes in an output path below the output folder; the folder's own path comes on top."""

_BAD_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\\?#]")
_PERMALINK_FIELD = re.compile(r"\{(year|month|day|slug)\}")


def output_problem(rel: str) -> str | None:
    """Why `rel` cannot be a file below the output folder (None when it can)."""
    if not rel or rel.startswith("/"):
        return "it must be a path below the site, like ueber-uns/"
    if found := _BAD_CHARACTERS.search(rel):
        return f"{found.group(0)!r} has no place in a path"
    try:
        size = len(rel.encode("utf-8"))
    except UnicodeEncodeError:
        return "it is not UTF-8 text"
    if size > PATH_MAX:
        return f"it is {size} bytes long; keep it under {PATH_MAX}"
    for part in rel.split("/"):
        if part in ("", ".", ".."):
            return "'..', '.' and '//' would leave the site's folder or name none"
        if part.startswith("."):
            return f"{part!r}: names starting with '.' are hidden files, never published"
        if len(part.encode("utf-8")) > NAME_MAX:
            return f"a part of it is {len(part.encode('utf-8'))} bytes; file names end at 255"
    return None


def output_of(url: str) -> str:
    """The output file of a URL below the site: "a/b/" -> "a/b/index.html", a file's
    URL ("impressum.html") -> that file."""
    url = url.lstrip("/")
    return f"{url}index.html" if not url or url.endswith("/") else url


def page_path(path: str) -> str:
    """A page's URL path as front matter gives it, below the site root: a folder (with a
    trailing slash) unless its last part names an HTML file. "feed.php" becomes
    "feed.php/", whose page a static host serves as HTML (as the file "feed.php" it
    would serve for download), and to which it sends "/feed.php" on its own."""
    path = path.strip().lstrip("/")
    if path and not path.endswith("/") and not path.lower().endswith(HTML_FILES):
        path += "/"
    return path


HTML_FILES = (".html", ".htm")
"""The endings of a URL that names an HTML file rather than a folder."""


def fill_permalink(pattern: str, year: str, month: str, day: str, slug: str) -> str:
    """The pattern with its {year}, {month}, {day} and {slug} filled in, nothing evaluated."""
    values = {"year": year, "month": month, "day": day, "slug": slug}
    return _PERMALINK_FIELD.sub(lambda m: values[m.group(1)], pattern)


def permalink_problems(pattern: str) -> list[str]:
    """What is wrong with a permalink pattern from site.toml."""
    problems: list[str] = []
    if not pattern.startswith("/") or not pattern.endswith("/"):
        problems.append("must start and end with '/'")
    rest = _PERMALINK_FIELD.sub("", pattern)
    if "{" in rest or "}" in rest:
        fields = re.findall(r"\{[^}]*\}?", rest) or ["{"]
        problems.append(
            f"unknown field {', '.join(fields)} (use {{year}}, {{month}}, {{day}}, {{slug}})"
        )
    if "{slug}" not in pattern:
        problems.append("must contain {slug}")
    if not problems:
        sample = fill_permalink(pattern, "2013", "06", "26", "slug").lstrip("/")
        problem = output_problem(sample + "index.html")
        if problem is not None:
            problems.append(problem)
    return problems


def check_inside(path: Path, roots: tuple[Path, ...]) -> None:
    """Refuse a symbolic link that leads out of every one of `roots` (resolved folders)."""
    if not os.path.islink(path):
        return
    target = Path(os.path.realpath(path))
    if not any(target == root or root in target.parents for root in roots):
        raise ContentError(
            f"a symbolic link to {target}, outside the site: copy the file in instead",
            display_path(path),
        )
