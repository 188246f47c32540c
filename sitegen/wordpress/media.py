"""Uploads checked and cleaned on their way into content/: no location, serials or comments.

The originals of a blog's photos carry where they were taken (GPS), the camera's serial
number, comments and XMP; content/ often goes into a public repository, so an import
copies images without them unless asked to keep them. Orientation is applied before
the EXIF that held it goes, and the colour profile stays, so an image looks as before.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

_CLEANED = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP", ".tif": "TIFF",
            ".tiff": "TIFF"}  # fmt: skip
_CHECKED = {*_CLEANED, ".gif", ".bmp"}
_ORIENTATION = 0x0112


@dataclass(frozen=True, slots=True)
class Upload:
    """What goes into content/ for one upload: its bytes, or why it cannot be read."""

    data: bytes
    problem: str = ""


def is_image(path: Path) -> bool:
    return path.suffix.lower() in _CHECKED


def prepare(path: Path, keep_metadata: bool) -> Upload:
    """The bytes to copy: an image read whole and, unless kept, without its metadata."""
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix not in _CHECKED:
        return Upload(data)
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # a cut-off or damaged file fails here, not in a later build
            if keep_metadata or suffix not in _CLEANED:
                return Upload(data)
            return Upload(_without_metadata(image, _CLEANED[suffix]))
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as e:
        return Upload(b"", f"cannot read this image ({e})")


def _without_metadata(image: Image.Image, fmt: str) -> bytes:
    """The image saved again with nothing but its pixels and its colour profile."""
    icc = image.info.get("icc_profile")
    turned = image.getexif().get(_ORIENTATION, 1) not in (1, None)
    upright = ImageOps.exif_transpose(image) if turned else image
    # Pillow copies a JPEG's comment and XMP over unless told otherwise.
    options: dict[str, object] = {"exif": b"", "comment": b"", "xmp": b""}
    if icc:
        options["icc_profile"] = icc
    if fmt == "JPEG":
        # Untouched pixels keep the file's own quantisation, so quality does not drop.
        keep = "keep" if not turned and image.format == "JPEG" else None
        options |= {"quality": keep or 95, "subsampling": keep or 0}
    elif fmt == "WEBP":
        options |= {"lossless": bool(image.info.get("lossless")), "quality": 95}
    if getattr(image, "n_frames", 1) > 1 and fmt in ("PNG", "WEBP"):
        options["save_all"] = True
    buffer = io.BytesIO()
    upright.save(buffer, fmt, **options)
    return buffer.getvalue()
