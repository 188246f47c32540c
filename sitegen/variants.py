"""Make an image's variants: decode it once, resize it step by step, encode every format.

The work of `sitegen build` that takes the machine's cores: each source is a `Task`
for one worker process, which writes the variants the cache lacks under their
content-derived names and returns plain values (a problem's text or None). What to
make, and under which names, is planned in images.py.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import io
import multiprocessing
import os
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from .parallel import quiet_worker
from .swap import write_atomically

MAX_PIXELS = 2**28
"""Bigger images (256 megapixels, more than any camera makes) are refused as decompression bombs."""
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

# Pillow format, MIME type, file extension and encoder settings of each published format.
FORMATS: dict[str, tuple[str, str, str, dict[str, Any]]] = {
    # Speed 7 keeps AVIF within reach of WebP; one thread, as images run one a core.
    "avif": ("AVIF", "image/avif", "avif", {"quality": 50, "speed": 7, "max_threads": 1}),
    "webp": ("WEBP", "image/webp", "webp", {"quality": 80, "method": 4}),
    "jpeg": ("JPEG", "image/jpeg", "jpg", {"quality": 82, "optimize": True, "progressive": True}),
    "png": ("PNG", "image/png", "png", {}),
}

BOMB = (Image.DecompressionBombError, Image.DecompressionBombWarning)
"""How Pillow refuses a decompression bomb (inside `opening()` the warning is raised too)."""

opened = 0
"""Images decoded in this process to make variants; tests watch it."""


@dataclass(frozen=True, slots=True)
class Operation:
    """One variant to make: a size in a format, stored in the cache under `name`."""

    name: str
    width: int
    height: int
    format: str


@dataclass(frozen=True, slots=True)
class Task:
    """A source image to decode once, and the variants the cache lacks."""

    path: str
    shown: str
    operations: tuple[Operation, ...]


def make_variants(path: str, operations: tuple[Operation, ...], cache_dir: str) -> str | None:
    """Decode one image once and write its variants into the cache; return a problem or None.

    Runs in worker processes, so it takes and returns only plain, picklable values.
    """
    global opened
    try:
        with opening(), Image.open(path) as raw:
            opened += 1
            biggest = operations[-1]
            if raw.format in ("JPEG", "MPO"):
                # Let libjpeg decode at 1/2, 1/4 or 1/8 scale: a huge photo stays small in memory.
                swapped = raw.getexif().get(0x0112, 1) in (5, 6, 7, 8)
                size = (
                    (biggest.height, biggest.width) if swapped else (biggest.width, biggest.height)
                )
                raw.draft(raw.mode, size)
            raw.load()
            icc = raw.info.get("icc_profile") if raw.mode != "CMYK" else None
            image = _plain(ImageOps.exif_transpose(raw))
        variant = image
        for size in sorted({(op.width, op.height) for op in operations}, reverse=True):
            # Each smaller size from the one before: less to read, and just as sharp.
            if variant.size == size:
                variant = variant.copy()
            else:
                variant = variant.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
            for op in operations:
                if (op.width, op.height) == size:
                    write_atomically(Path(cache_dir, op.name), _encode(variant, op.format, icc))
    except BOMB:
        return too_big()
    except (UnidentifiedImageError, SyntaxError):
        return "not an image sitegen can read (is it damaged, or another format?)"
    except (OSError, ValueError) as e:
        return f"cannot decode this image: {e} (is the file complete?)"
    return None


def run_tasks(tasks: tuple[Task, ...], cache_dir: str) -> Iterator[tuple[Task, str | None]]:
    workers = min(len(tasks), os.cpu_count() or 1)
    if workers == 1:
        for task in tasks:
            yield task, make_variants(task.path, task.operations, cache_dir)
        return
    # A forked child would inherit the locks of other threads (the dev server's): spawn then.
    method = "fork" if threading.active_count() == 1 and os.name == "posix" else "spawn"
    context = multiprocessing.get_context(method)
    with concurrent.futures.ProcessPoolExecutor(
        workers, mp_context=context, initializer=quiet_worker
    ) as pool:
        futures = {
            pool.submit(make_variants, task.path, task.operations, cache_dir): task
            for task in tasks
        }
        try:
            for future in concurrent.futures.as_completed(futures):
                yield futures[future], future.result()
        except BaseException:
            # Ctrl-C: do not wait for large images to finish; end the workers now.
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
            pool.shutdown(cancel_futures=True)
            raise


@contextlib.contextmanager
def opening() -> Iterator[None]:
    """Treat Pillow's decompression bomb warning as the error it is for us."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        yield


def too_big() -> str:
    return (
        f"image has more than {MAX_PIXELS // 1_000_000} megapixels; "
        "refused as a possible decompression bomb"
    )


def _plain(image: Image.Image) -> Image.Image:
    """A mode every encoder takes, and no metadata left to copy along."""
    if image.mode in ("P", "PA"):
        transparent = image.mode == "PA" or "transparency" in image.info
        image = image.convert("RGBA" if transparent else "RGB")
    elif image.mode == "1":
        image = image.convert("L")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGB")
    image.info = {}
    return image


def _encode(image: Image.Image, fmt: str, icc: bytes | None) -> bytes:
    pil_format, _, _, options = FORMATS[fmt]
    if fmt == "jpeg" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    # Only what we pass is written: no EXIF, no XMP, no comments; the colour profile stays.
    image.info = {}
    buffer = io.BytesIO()
    image.save(buffer, pil_format, **options, **({"icc_profile": icc} if icc else {}))
    return buffer.getvalue()
