"""Find the site's source files: posts, pages, page bundles and static files."""

from __future__ import annotations

import os
from pathlib import Path

from .config import Config
from .errors import ContentError
from .model import Document, Inventory, Kind, SourceFile

MARKDOWN = {".md", ".markdown"}
_FOLDERS: tuple[tuple[str, Kind], ...] = (("posts", "post"), ("pages", "page"))


def discover(config: Config) -> Inventory:
    """List every document and static file under content/, sorted, with stat data."""
    content = config.content_dir
    if not content.is_dir():
        raise ContentError("no content/ folder: posts go in content/posts/", config.site_dir)
    documents: list[Document] = []
    for folder, kind in _FOLDERS:
        documents.extend(_documents(content, content / folder, kind))
    static = tuple(_walk(content / "static", content / "static"))
    return Inventory(tuple(sorted(documents, key=lambda d: d.source.rel)), static)


def _documents(content: Path, folder: Path, kind: Kind) -> list[Document]:
    found: list[Document] = []
    bundles: list[Path] = []
    for entry in sorted(_scandir(folder), key=lambda e: e.name):
        if _hidden(entry.name):
            continue
        path = Path(entry.path)
        if entry.is_dir():
            bundles.append(path)
        elif path.suffix.lower() in MARKDOWN:
            found.append(Document(_source(path, content, entry.stat()), kind))
    for bundle in bundles:
        index = next(
            (bundle / n for n in ("index.md", "index.markdown") if (bundle / n).is_file()), None
        )
        if index is None:
            # A folder without index.md only groups documents (posts/2013/...).
            found.extend(_documents(content, bundle, kind))
            continue
        files = tuple(f for f in _walk(bundle, content) if f.path != index)
        markdown = [f for f in files if f.path.suffix.lower() in MARKDOWN]
        if markdown:
            raise ContentError(
                "a page bundle holds one document (index.md); move this file out of the bundle",
                markdown[0].path,
            )
        found.append(Document(_source(index, content, index.stat()), kind, files))
    return found


def _walk(folder: Path, relative_to: Path) -> list[SourceFile]:
    files: list[SourceFile] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not _hidden(d))
        for name in sorted(names):
            if not _hidden(name):
                path = Path(root, name)
                files.append(_source(path, relative_to, path.stat()))
    return files


def _source(path: Path, relative_to: Path, st: os.stat_result) -> SourceFile:
    # String slicing: Path.relative_to is a measurable cost at ten thousand posts.
    rel = str(path)[len(str(relative_to)) + 1 :].replace(os.sep, "/")
    return SourceFile(path, rel, st.st_size, st.st_mtime_ns)


def _scandir(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as it:
            return list(it)
    except FileNotFoundError:
        return []


def _hidden(name: str) -> bool:
    # Editors leave swap and backup files beside the ones being edited.
    return name.startswith((".", "#", "~")) or name.endswith(("~", ".swp", ".tmp"))
