"""sitegen: a static-site generator for honest blogs and diaries."""

from __future__ import annotations

__version__ = "0.1.0"
