"""Import a WordPress export: posts, pages, media, comments, redirects; no ads, no trackers."""

from __future__ import annotations

from .diary import DREAM_PHRASES
from .importer import ImportOptions, ImportReport, import_wordpress

__all__ = ["DREAM_PHRASES", "ImportOptions", "ImportReport", "import_wordpress"]
