"""sitegen: a static-site generator for honest blogs and diaries."""

from __future__ import annotations

__version__ = "0.1.0"
DISTRIBUTION = "sitegen-diary"
"""The name on the package index: `pip install sitegen-diary` gives the `sitegen` command."""
