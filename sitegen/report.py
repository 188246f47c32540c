"""What a build did, as the command line and the dev server report it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .model import Notice
from .text import count


@dataclass(frozen=True, slots=True)
class BuildReport:
    out_dir: Path
    outputs: int
    written: tuple[str, ...]
    unchanged: int
    pruned: tuple[str, ...]
    posts: int
    pages: int
    parsed: int
    """Documents parsed this build; the others came unchanged from the cache."""
    skipped_drafts: int
    skipped_future: int
    seconds: float
    warnings: tuple[Notice, ...] = field(default=())
    cleaned_links: int = 0
    """Outbound links that lost tracking parameters, over everything published."""

    def summary(self) -> str:
        skipped = []
        if self.skipped_drafts:
            skipped.append(count(self.skipped_drafts, "draft"))
        if self.skipped_future:
            skipped.append(count(self.skipped_future, "future post"))
        skipped_text = f", skipped {' and '.join(skipped)}" if skipped else ""
        cleaned = (
            f", {count(self.cleaned_links, 'link')} cleaned of tracking parameters"
            if self.cleaned_links
            else ""
        )
        return (
            f"{count(self.posts, 'post')}, {count(self.pages, 'page')}: "
            f"{count(len(self.written), 'file')} written, "
            f"{self.unchanged} unchanged, {len(self.pruned)} removed{skipped_text}{cleaned} "
            f"in {self.seconds:.2f} s"
        )
