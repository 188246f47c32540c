"""The versions that shape the output: sitegen's own and its libraries'."""

from __future__ import annotations

import functools
from importlib import metadata

from . import __version__

LIBRARIES = (
    "markdown-it-py",
    "mdit-py-plugins",
    "Jinja2",
    "Babel",
    "Pillow",
    "feedgen",
    "Pygments",
)
"""The libraries whose versions shape the output."""


@functools.cache
def versions() -> str:
    """sitegen's version and those of the libraries that shape its output."""
    found = [f"sitegen {__version__}"]
    for name in LIBRARIES:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} -")
    return ", ".join(found)
