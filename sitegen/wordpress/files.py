"""The files of one imported post, written atomically, and the record of what an import wrote."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from ..errors import SitegenError, display_path
from .media import is_image, prepare
from .plan import Planned

_STATE_VERSION = 1
_RESIZED = re.compile(r"-\d+x\d+(?=\.\w+$)")
_UNSAFE_NAME = re.compile(r"[^\w.-]+")

Status = Literal["new", "same", "ours", "theirs"]


class _Options(Protocol):
    @property
    def force(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Outcome:
    written: bool
    kept: bool
    copied: int


class State:
    """Digests of the files the last import wrote, to tell them from files edited since.

    Kept in SITE/.sitegen-cache/: losing it only makes the next import more careful, as a
    file without a record counts as the user's own.
    """

    def __init__(self, path: Path, files: dict[str, str]) -> None:
        self.path = path
        self.site_dir = path.parent.parent
        self.files = files

    @classmethod
    def load(cls, path: Path) -> State:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        files = data.get("files") if isinstance(data, dict) else None
        if not isinstance(files, dict) or data.get("version") != _STATE_VERSION:
            files = {}
        return cls(path, {str(k): str(v) for k, v in files.items()})

    def status(self, path: Path, digest: str) -> Status:
        if not path.is_file():
            return "new"
        current = file_digest(path)
        if current == digest:
            return "same"
        return "ours" if self.files.get(self._key(path)) == current else "theirs"

    def knows(self, path: Path) -> bool:
        """Whether an earlier import wrote this file (whatever it holds now)."""
        return self._key(path) in self.files

    def record(self, path: Path, digest: str) -> None:
        self.files[self._key(path)] = digest

    def is_ours(self, path: Path) -> bool:
        return path.is_file() and self.files.get(self._key(path)) == file_digest(path)

    def forget(self, path: Path) -> None:
        self.files.pop(self._key(path), None)

    def save(self) -> None:
        data = {"version": _STATE_VERSION, "files": dict(sorted(self.files.items()))}
        write_atomically(self.path, (json.dumps(data, indent=1) + "\n").encode("utf-8"))

    def _key(self, path: Path) -> str:
        return path.relative_to(self.site_dir).as_posix()


class Bundle:
    """The files of one post: its Markdown and the uploads it shows, found in --media."""

    def __init__(
        self,
        media_dir: Path | None,
        planned: Planned,
        upload_path: Callable[[str], str | None],
        keep_metadata: bool = False,
    ) -> None:
        self.media_dir = media_dir.resolve() if media_dir else None
        self.planned = planned
        self.upload_path = upload_path
        self.keep_metadata = keep_metadata
        self.copies: dict[str, Path] = {}
        self.prepared: dict[Path, bytes] = {}
        """Images as they go into content/: checked and, unless kept, without metadata."""
        self.missing: list[str] = []
        self.damaged: list[tuple[str, str]] = []
        """(URL, why) of every upload found but unreadable: it stays a link to its old URL."""

    def name_for(self, url: str) -> str | None:
        """The bundle file an upload is copied to; None (and listed) when it is missing."""
        rel = self.upload_path(url)
        if rel is None:
            return None
        source = self._find(rel)
        if source is None or not self.planned.bundle:
            if url not in self.missing:
                self.missing.append(url)
            return None
        for name, known in self.copies.items():
            if known == source:
                return name
        if any(url == seen for seen, _ in self.damaged):
            return None
        if is_image(source) and source not in self.prepared:
            upload = prepare(source, self.keep_metadata)
            if upload.problem:
                self.damaged.append((url, upload.problem))
                return None
            self.prepared[source] = upload.data
        name = _file_name(source.name)
        if name in self.copies:
            name = _file_name(_RESIZED.sub("", rel).replace("/", "-"))
        self.copies[name] = source
        return name

    def write(self, content_dir: Path, text: str, state: State, options: _Options) -> Outcome:
        """Write the media, then the Markdown; leave edited files alone unless forced."""
        document = content_dir / self.planned.rel
        data = text.encode("utf-8")
        status = state.status(document, _digest(data))
        if status == "theirs" and not options.force:
            return Outcome(written=False, kept=True, copied=0)
        self._remove_other_form(content_dir, state, options.force)
        created: list[Path] = []
        copied = 0
        try:
            for name, source in sorted(self.copies.items()):
                target = document.parent / name
                prepared = self.prepared.get(source)
                digest = file_digest(source) if prepared is None else _digest(prepared)
                media_status = state.status(target, digest)
                if media_status == "same" or (media_status == "theirs" and not options.force):
                    continue
                if not target.exists():
                    created.append(target)
                write_atomically(target, source if prepared is None else prepared)
                state.record(target, digest)
                copied += 1
            if status != "same":
                if not document.exists():
                    created.append(document)
                write_atomically(document, data)
            state.record(document, _digest(data))
        except BaseException as e:
            # Nothing half-imported: the files this item created go again.
            for path in created:
                path.unlink(missing_ok=True)
                state.forget(path)
            if (
                self.planned.bundle
                and document.parent.is_dir()
                and not any(document.parent.iterdir())
            ):
                document.parent.rmdir()
            if isinstance(e, OSError):
                where = display_path(e.filename2 or e.filename or document)
                raise SitegenError(f"cannot write: {e.strerror}", where) from None
            raise
        return Outcome(written=status != "same", kept=False, copied=copied)

    def _find(self, rel: str) -> Path | None:
        return find_upload(self.media_dir, rel)

    def _remove_other_form(self, content_dir: Path, state: State, force: bool) -> None:
        """A post imported before as one file, now a bundle (or back): the old form goes."""
        rel = self.planned.rel
        if rel.endswith("/index.md"):
            other = content_dir / (rel.removesuffix("/index.md") + ".md")
        else:
            other = content_dir / rel.removesuffix(".md") / "index.md"
        if not other.exists():
            return
        if not (force or state.is_ours(other)):
            raise SitegenError(
                f"{display_path(other)} exists and was edited since the last import; "
                "move your changes over and delete it, or use --force",
                display_path(content_dir / rel),
            )
        other.unlink()
        state.forget(other)


def find_upload(media_dir: Path | None, rel: str) -> Path | None:
    """An upload in the --media folder by its path below wp-content/uploads, full size first."""
    if media_dir is None:
        return None
    media_dir = media_dir.resolve()
    for root in (media_dir, media_dir / "uploads", media_dir / "wp-content/uploads"):
        for candidate in dict.fromkeys((_RESIZED.sub("", rel), rel)):
            path = (root / candidate).resolve()
            # A crafted URL must not reach files outside the uploads folder.
            if path.is_relative_to(media_dir) and path.is_file():
                return path
    return None


def write_atomically(target: Path, data: bytes | Path) -> None:
    """Write bytes (or a copy of a file) to a temporary file beside the target, then rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".sitegen-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            if isinstance(data, Path):
                with data.open("rb") as source:
                    shutil.copyfileobj(source, out)
            else:
                out.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def file_digest(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_name(name: str) -> str:
    name = _UNSAFE_NAME.sub("-", name).strip("-.") or "file"
    if name.lower().endswith((".md", ".markdown")):
        name += ".txt"  # a second Markdown file would break the page bundle
    return name
