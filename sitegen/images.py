"""Publish images: plan responsive variants named by content, have the missing ones made
(variants.py, in parallel), and keep the cache to exactly what the build used.

A variant's file name carries a digest of its source's bytes and of its operation
(width, format, encoder settings), so a file of that name in the cache is a fresh
one. Sources are identified by a small JSON index (path, size, mtime, inode, ctime ->
digest and dimensions, kept in the build's store): stat first, hash second, decode only
what the cache lacks. The cache (SITE/.sitegen-cache/images/) holds exactly the variants
of the last successful build; it can be kept between CI runs, where the checkout's new
mtimes only cost a re-hash of each source, never a decode.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError, features

from .errors import BuildErrors, ContentError, SitegenError, display_path
from .imageclean import MAX_DECODE_BYTES, decode_too_big
from .markdown import IMAGE_EXTENSIONS
from .model import ImageRef, Job, Picture, Pictures, Post, Site, Variant
from .text import digest, slugify
from .variants import BOMB as _BOMB
from .variants import FORMATS, Operation, Task, run_tasks
from .variants import opening as _opening
from .variants import too_big as _too_big

_VERSION = "images-1"
"""Part of every variant's digest and of the index: bump it when the output changes."""
_OUTPUT_FOLDER = "images/"

opened = 0
"""Image headers read in this process to plan variants; tests watch it."""

_SOURCE_FORMATS = {"JPEG": "jpeg", "MPO": "jpeg", "PNG": "png", "WEBP": "webp"}
"""Formats sitegen reads (MPO: phones' multi-picture JPEGs), each to its fallback format."""


@dataclass(frozen=True, slots=True)
class ImagePlan:
    pictures: Pictures
    jobs: tuple[Job, ...]
    """Copies from the cache into the output: variants, and cleaned originals of bundles."""
    tasks: tuple[Task, ...]
    """Variants to make before the jobs can run, biggest source first."""
    cache_dir: Path
    index: dict[str, Any]
    """The source index to save once the build has succeeded."""


@dataclass(frozen=True, slots=True)
class _Source:
    path: Path
    key: str
    """Relative to content/."""
    digest: str
    format: str
    """Fallback format: a key of _FORMATS."""
    width: int
    """After EXIF orientation."""
    height: int


def plan_images(site: Site, cache_dir: Path, index_text: str | None = None) -> ImagePlan:
    """Check every image the site shows and name its variants; decode nothing.

    Raises for a missing, unsupported, corrupt or oversized image, naming the post and
    line that shows it, or the file.
    """
    config = site.config
    content = config.content_dir
    documents = (*site.posts, *site.pages)
    shown: dict[str, list[tuple[Post, ImageRef]]] = {}
    errors: list[SitegenError] = []
    for post in documents:
        for ref in (*post.images, *([post.cover] if post.cover else [])):
            problem = _check_ref(ref.target, content)
            if problem:
                errors.append(ContentError(problem, post.source, ref.line))
            else:
                shown.setdefault(ref.target, []).append((post, ref))
    # A photo in a bundle is published under its own name too, but cleaned, never as is.
    originals: dict[str, list[str]] = {}
    for post in documents:
        base = post.key.rsplit("/", 1)[0] + "/"
        for f in post.files:
            if f.rel.lower().endswith(IMAGE_EXTENSIONS):
                originals.setdefault(f.rel, []).append(post.url + f.rel.removeprefix(base))
    if errors:
        raise BuildErrors(errors)

    index = _load_index(index_text)
    used: dict[str, Any] = {"version": _VERSION, "files": {}, "images": {}}
    sources: dict[str, _Source] = {}
    for key in sorted({*shown, *originals}):
        try:
            sources[key] = _identify(content / key, key, index, used)
        except SitegenError as e:
            errors.append(e)
    if errors:
        raise BuildErrors(errors)

    cached = _listing(cache_dir)
    formats = [f for f in config.images.formats if f != "avif" or features.check("avif")]
    pictures: dict[str, Picture] = {}
    jobs: dict[str, Job] = {}
    tasks: list[Task] = []
    for key, source in sources.items():
        operations = _operations(source, config.images.widths, formats, everything=key in shown)
        shown_path = f"content/{key}"
        for op in operations:
            if key in shown:
                output = _OUTPUT_FOLDER + op.name
                jobs[output] = Job(output, op.name, _reader(cache_dir / op.name), shown_path)
        largest = operations[-1]
        for output in originals.get(key, ()):
            jobs[output] = Job(output, largest.name, _reader(cache_dir / largest.name), shown_path)
        missing = tuple(op for op in operations if op.name not in cached)
        if missing:
            tasks.append(Task(str(source.path), display_path(source.path), missing))
        if key in shown:
            pictures[key] = _picture(source, operations)
    tasks.sort(key=lambda t: (-os.stat(t.path).st_size, t.path))
    return ImagePlan(
        Pictures(pictures, frozenset(originals), config.images.sizes),
        tuple(sorted(jobs.values(), key=lambda j: j.output)),
        tuple(tasks),
        cache_dir,
        used,
    )


def make_images(plan: ImagePlan, progress: Callable[[int, int], None] | None = None) -> int:
    """Make every variant the cache lacks, across the machine's cores; return how many."""
    if not plan.tasks:
        return 0
    plan.cache_dir.mkdir(parents=True, exist_ok=True)
    total = len(plan.tasks)
    errors: list[SitegenError] = []
    for done, (task, problem) in enumerate(run_tasks(plan.tasks, str(plan.cache_dir)), start=1):
        if problem:
            errors.append(ContentError(problem, task.shown))
        if progress:
            progress(done, total)
    if errors:
        raise BuildErrors(sorted(errors, key=str))
    return sum(len(t.operations) for t in plan.tasks)


def keep_cache(plan: ImagePlan) -> str:
    """After a successful build: delete variants this build did not use; the index to keep."""
    wanted = {job.key for job in plan.jobs}
    for name in sorted(_listing(plan.cache_dir) - wanted):
        (plan.cache_dir / name).unlink(missing_ok=True)
    return json.dumps(plan.index, sort_keys=True, separators=(",", ":"))


def _check_ref(target: str, content: Path) -> str | None:
    name = target.rsplit("/", 1)[-1]
    if target == ".." or target.startswith(("../", "/")):
        return f"image {target} lies outside content/; put it beside the post"
    if not target.lower().endswith(IMAGE_EXTENSIONS):
        extension = posixpath.splitext(target)[1] or "without extension"
        return f"image {name}: unsupported format {extension} (use JPEG, PNG or WebP)"
    if not (content / target).is_file():
        return f"image {name} does not exist (looked for content/{target})"
    return None


def _identify(path: Path, key: str, index: dict[str, Any], used: dict[str, Any]) -> _Source:
    """The source's digest and dimensions: from the index when its stat is unchanged."""
    global opened
    st = path.stat()
    # A file replaced by another of the same size and mtime (cp -p, a checkout) still gets a
    # new inode or ctime: ctime cannot be set back by any tool, so the stat key catches it.
    stamp = [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]
    entry = index["files"].get(key)
    if isinstance(entry, list) and len(entry) == 5 and entry[:4] == stamp:
        source_digest = entry[4]
    else:
        with path.open("rb") as f:
            source_digest = hashlib.file_digest(f, "blake2b").hexdigest()[:32]
    info = index["images"].get(source_digest)
    if info is None:
        shown = display_path(path)
        try:
            with _opening(), Image.open(path) as im:
                opened += 1
                if im.format not in _SOURCE_FORMATS:
                    raise ContentError(
                        f"unsupported image format {im.format} (use JPEG, PNG or WebP)", shown
                    )
                width, height = im.size
                if im.format not in ("JPEG", "MPO") and width * height * 4 > MAX_DECODE_BYTES:
                    # Checked before getexif(), which decodes a whole PNG to look for eXIf.
                    raise ContentError(decode_too_big(width, height), shown)
                if im.getexif().get(0x0112, 1) in (5, 6, 7, 8):
                    width, height = height, width
                info = [_SOURCE_FORMATS[im.format], width, height]
        except _BOMB:
            raise ContentError(_too_big(), shown) from None
        except (UnidentifiedImageError, SyntaxError):
            raise ContentError(
                "not an image sitegen can read (is it damaged, or another format?)", shown
            ) from None
        except OSError as e:
            raise ContentError(f"cannot read this image: {e}", shown) from None
    if info[0] != "jpeg" and info[1] * info[2] * 4 > MAX_DECODE_BYTES:
        # JPEGs are decoded at a reduced scale; any other format costs all its pixels.
        raise ContentError(decode_too_big(info[1], info[2]), display_path(path))
    used["files"][key] = [*stamp, source_digest]
    used["images"][source_digest] = info
    return _Source(path, key, source_digest, info[0], info[1], info[2])


def _operations(
    source: _Source, widths: tuple[int, ...], formats: list[str], everything: bool
) -> list[Operation]:
    """The variants of a source, the fallback format's biggest last; never upscaled."""
    sizes = sorted({w for w in widths if w < source.width} | {min(max(widths), source.width)})
    order = [f for f in formats if f != source.format] + [source.format]
    if not everything:
        sizes, order = sizes[-1:], [source.format]
    operations = []
    for fmt in order:
        _, _, extension, options = FORMATS[fmt]
        for width in sizes:
            height = max(1, round(source.height * width / source.width))
            op_digest = digest(_VERSION, source.digest, fmt, str(width), str(height), repr(options))
            stem = slugify(Path(source.key).stem) or "image"
            name = f"{stem}-{width}.{op_digest[:16]}.{extension}"
            operations.append(Operation(name, width, height, fmt))
    return operations


def _picture(source: _Source, operations: list[Operation]) -> Picture:
    variants = tuple(
        Variant(_OUTPUT_FOLDER + op.name, op.width, op.height, FORMATS[op.format][1])
        for op in operations
    )
    biggest = variants[-1]
    return Picture(
        source=source.key,
        width=biggest.width,
        height=biggest.height,
        variants=variants,
        fallback=biggest.mime,
        digest=digest(*(v.output for v in variants)),
    )


def _reader(path: Path) -> Callable[[], bytes]:
    return path.read_bytes


def _listing(folder: Path) -> set[str]:
    try:
        return {name for name in os.listdir(folder) if not name.startswith(".")}
    except FileNotFoundError:
        return set()


def _load_index(text: str | None) -> dict[str, Any]:
    """The source index as kept; one with any entry of another shape is ignored."""
    with contextlib.suppress(ValueError, RecursionError, TypeError, KeyError, AttributeError):
        data = json.loads(text or "null")
        files = [list(map(type, e)) == [int] * 4 + [str] for e in data["files"].values()]
        sizes = [
            [i[0] in FORMATS, *(n > 0 and type(n) for n in i[1:])] for i in data["images"].values()
        ]
        if data["version"] == _VERSION and all(files) and all(s == [1, int, int] for s in sizes):
            return data  # type: ignore[no-any-return]
    return {"version": _VERSION, "files": {}, "images": {}}
