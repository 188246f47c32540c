"""Find the site's source files: posts, pages, page bundles and static files."""

from __future__ import annotations

import os
from pathlib import Path

from .config import Config
from .errors import ContentError, display_path
from .model import Document, Inventory, Kind, SourceFile
from .paths import check_inside

MARKDOWN = {".md", ".markdown"}
_FOLDERS: tuple[tuple[str, Kind], ...] = (("posts", "post"), ("pages", "page"))


def discover(config: Config) -> Inventory:
    """List every document and static file under content/, sorted, with stat data."""
    content = config.content_dir
    if not content.is_dir():
        raise ContentError("no content/ folder: posts go in content/posts/", config.site_dir)
    # Links may point anywhere inside the site (content/ may itself be one), never out of it.
    roots = tuple({Path(os.path.realpath(p)) for p in (config.site_dir, content)})
    documents: list[Document] = []
    for folder, kind in _FOLDERS:
        documents.extend(_documents(content, content / folder, kind, roots))
    static = tuple(_walk(content / "static", content / "static", roots))
    return Inventory(tuple(sorted(documents, key=lambda d: d.source.rel)), static)


def _documents(content: Path, folder: Path, kind: Kind, roots: tuple[Path, ...]) -> list[Document]:
    found: list[Document] = []
    bundles: list[Path] = []
    start = len(str(content)) + 1
    for entry in sorted(_scandir(folder), key=lambda e: e.name):
        name = entry.name  # names are read as strings: a Path's parts cost more at 10,000
        if _hidden(name):
            continue
        _check_name(name, entry.path)
        path = folder / name
        if entry.is_symlink():  # known from the listing: no call for the others
            check_inside(path, roots)
        if entry.is_dir(follow_symlinks=False):
            bundles.append(path)
        elif os.path.splitext(name)[1].lower() in MARKDOWN:
            st = entry.stat()
            rel = entry.path[start:].replace(os.sep, "/")
            found.append(Document(SourceFile(path, rel, st.st_size, st.st_mtime_ns), kind))
    for bundle in bundles:
        index = next(
            (bundle / n for n in ("index.md", "index.markdown") if (bundle / n).is_file()), None
        )
        if index is None:
            # A folder without index.md only groups documents (posts/2013/...).
            found.extend(_documents(content, bundle, kind, roots))
            continue
        files = tuple(f for f in _walk(bundle, content, roots) if f.path != index)
        markdown = [f for f in files if f.path.suffix.lower() in MARKDOWN]
        if markdown:
            raise ContentError(
                "a page bundle holds one document (index.md); move this file out of the bundle",
                markdown[0].path,
            )
        found.append(Document(_source(index, content, index.stat()), kind, files))
    return found


def _walk(folder: Path, relative_to: Path, roots: tuple[Path, ...]) -> list[SourceFile]:
    files: list[SourceFile] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not _hidden(d))
        for name in dirs:
            _check_name(name, Path(root, name))
            check_inside(Path(root, name), roots)  # os.walk lists a linked folder, never enters
        for name in sorted(names):
            if not _hidden(name):
                path = Path(root, name)
                _check_name(name, path)
                check_inside(path, roots)
                try:
                    files.append(_source(path, relative_to, path.stat()))
                except OSError as e:
                    raise ContentError(f"cannot read: {e.strerror}", display_path(path)) from None
    return files


def _check_name(name: str, path: str | Path) -> None:
    """Refuse a file name that is not UTF-8: it could become no address and no page."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(path).decode("utf-8", errors="backslashreplace")
        raise ContentError("the file name is not UTF-8 text: rename it", shown) from None


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
