"""Clean an image file published as it is (content/static/, bundles, themes): no metadata left.

Whatever its name, a file whose bytes are an image loses EXIF (GPS, serials), XMP, IPTC
and comments. Where the picture needs no turning, only the metadata blocks are dropped
and the pixels stay byte for byte (JPEG segments, PNG and WebP chunks, GIF extensions);
the colour profile stays. An EXIF orientation is applied first, by decoding and
encoding again. Formats that cannot be cleaned, and images too big to decode within
MAX_DECODE_BYTES, stop the build naming the file.
"""

from __future__ import annotations

import functools
import io
import struct
import warnings
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import ContentError, display_path

MAX_IMAGE_BYTES = 200 * 2**20
"""An image file bigger than this (200 MiB) is refused before it is read."""
MAX_DECODE_BYTES = 1 * 2**30 // 2
"""Memory one decoded image may take (width x height x 4 bytes): 512 MiB, about 134 megapixels.
A 16,000 x 16,000 PNG of 1 MB would need 1 GiB and is refused, naming the file."""

_ORIENTATION = 0x0112
# (magic at offset 0, format); WebP and the ISO media formats are matched by hand below.
_MAGIC = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"\xff\x0a", "JXL"),
    (b"\x00\x00\x00\x0cJXL ", "JXL"),
)
_UNCLEANABLE = {"HEIF": "HEIC or AVIF", "JXL": "JPEG XL"}
_ISO_BRANDS = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis")


def image_format(data: bytes) -> str | None:
    """The image format of a file's bytes (JPEG, PNG, GIF, WEBP, TIFF, HEIF, JXL), or None."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp" and data[8:12] in _ISO_BRANDS:
        return "HEIF"
    return None


def cleaning_reader(path: Path) -> Callable[[], bytes]:
    """A job's producer for a file published as it is: its bytes, cleaned when an image."""
    return functools.partial(clean_file, path)


def clean_file(path: Path) -> bytes:
    """The file's bytes; an image without metadata, turned upright. Raises naming the file."""
    shown = display_path(path)
    if path.stat().st_size > MAX_IMAGE_BYTES and _sniff(path) is not None:
        raise ContentError(f"image file over {MAX_IMAGE_BYTES // 2**20} MiB; refused", shown)
    data = path.read_bytes()
    fmt = image_format(data)
    if fmt is None:
        return data
    if fmt in _UNCLEANABLE:
        raise ContentError(
            f"{_UNCLEANABLE[fmt]} image: sitegen cannot remove its metadata; use JPEG or PNG",
            shown,
        )
    try:
        return clean_image(data, fmt)
    except ContentError as e:
        raise ContentError(e.message, shown) from None
    except (UnidentifiedImageError, SyntaxError, OSError, ValueError, struct.error, IndexError):
        raise ContentError("damaged image: sitegen cannot clean it", shown) from None


def _sniff(path: Path) -> str | None:
    with path.open("rb") as f:
        return image_format(f.read(16))


def clean_image(data: bytes, fmt: str) -> bytes:
    """An image's bytes without metadata; raises ContentError (without a path) when it cannot."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as im:
                width, height = im.size
                if width * height * 4 > MAX_DECODE_BYTES:
                    raise ContentError(decode_too_big(width, height), "")
                # Pillow decodes a whole PNG to look for eXIf: only when there is one.
                turnable = fmt != "GIF" and (fmt != "PNG" or b"eXIf" in data)
                orientation = im.getexif().get(_ORIENTATION, 1) if turnable else 1
                frames = getattr(im, "n_frames", 1)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ContentError(decode_too_big(0, 0), "") from None
    if fmt == "TIFF" or orientation not in (1, 0):
        if frames > 1:
            raise ContentError("an animated or multi-page image: save it as one picture", "")
        return _reencode(data)
    if fmt == "JPEG":
        return _jpeg(data)
    if fmt == "PNG":
        return _png(data)
    if fmt == "WEBP":
        return _webp(data)
    return _gif(data)


def decode_too_big(width: int, height: int) -> str:
    """The message for an image that would take too much memory to decode."""
    size = f"{width} x {height} pixels " if width else ""
    return (
        f"image of {size}needs more than {MAX_DECODE_BYTES // 2**20} MiB to decode; "
        "refused (make it smaller)"
    )


def _reencode(data: bytes) -> bytes:
    """Decode, turn upright and encode again with nothing but the pixels and the profile."""
    with Image.open(io.BytesIO(data)) as raw:
        fmt = raw.format or "PNG"
        icc = raw.info.get("icc_profile")
        image = ImageOps.exif_transpose(raw)
        image.info = {}
        out = io.BytesIO()
        options: dict[str, object] = {"icc_profile": icc} if icc else {}
        if fmt == "JPEG":
            options |= {"quality": 92, "subsampling": "keep" if image is raw else 0}
            if image.mode not in ("RGB", "L", "CMYK"):
                image = image.convert("RGB")
        elif fmt == "WEBP":
            options |= {"quality": 90}
        elif fmt == "TIFF":
            options |= {"compression": "tiff_lzw"}
        image.save(out, fmt, **options)
    return out.getvalue()


_JPEG_HEADERS = {(0xE0, b"JFIF\x00"), (0xE0, b"JFXX\x00"), (0xEE, b"Adobe")}


def _jpeg(data: bytes) -> bytes:
    """Keep the segments a decoder needs, the JFIF and Adobe headers and the ICC profile."""
    out = bytearray(data[:2])
    pos = 2
    while pos < len(data):
        if data[pos] != 0xFF:
            raise ValueError("not a JPEG segment")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9:
            out += data[pos : pos + 2]
            return bytes(out)  # anything after the image (a second MPO picture) goes too
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        end = pos + 2 + length
        segment = data[pos:end]
        # APPn blocks hold EXIF, XMP, IPTC and makers' notes: only these three are kept.
        header = (marker, bytes(segment[4:9]))
        keep = (marker < 0xE0 or marker > 0xEF) and marker != 0xFE  # 0xFE: a comment
        icc = (marker, bytes(segment[4:16])) == (0xE2, b"ICC_PROFILE\x00")
        keep = keep or icc or header in _JPEG_HEADERS
        if keep:
            out += segment
        pos = end
        if marker == 0xDA:  # entropy-coded data follows, up to the next real marker
            scan = pos
            while True:
                scan = data.index(b"\xff", scan)
                if data[scan + 1] == 0x00 or 0xD0 <= data[scan + 1] <= 0xD7:
                    scan += 2
                    continue
                break
            out += data[pos:scan]
            pos = scan
    raise ValueError("no end of image")


_PNG_KEEP = {
    b"IHDR",
    b"PLTE",
    b"IDAT",
    b"IEND",
    b"tRNS",
    b"gAMA",
    b"cHRM",
    b"sRGB",
    b"iCCP",
    b"sBIT",
    b"pHYs",
    b"bKGD",
    b"acTL",
    b"fcTL",
    b"fdAT",
    b"cICP",
    b"mDCV",
    b"cLLI",
}


def _png(data: bytes) -> bytes:
    """Keep the chunks that draw the picture and its colour; tEXt, iTXt (XMP), eXIf go."""
    out = bytearray(data[:8])
    pos = 8
    while pos < len(data):
        length = struct.unpack(">I", data[pos : pos + 4])[0]
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if kind in _PNG_KEEP:
            out += data[pos:end]
        pos = end
        if kind == b"IEND":
            return bytes(out)
    raise ValueError("no IEND chunk")


def _webp(data: bytes) -> bytes:
    """Drop the EXIF and XMP chunks (and their flags); keep the picture, animation and ICCP."""
    chunks = bytearray()
    pos = 12
    while pos + 8 <= len(data):
        kind = data[pos : pos + 4]
        length = struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        end = pos + 8 + length + (length & 1)
        chunk = bytearray(data[pos:end])
        if kind == b"VP8X":
            chunk[8] &= ~0x0C & 0xFF  # the EXIF and XMP flags
        if kind in (b"VP8X", b"VP8 ", b"VP8L", b"ALPH", b"ANIM", b"ANMF", b"ICCP"):
            chunks += chunk
        pos = end
    return b"RIFF" + struct.pack("<I", len(chunks) + 4) + b"WEBP" + bytes(chunks)


def _gif(data: bytes) -> bytes:
    """Keep the frames, their timing and looping; comments, text and other extensions go."""
    out = bytearray(data[:13])
    flags = data[10]
    pos = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    out += data[13:pos]
    while pos < len(data):
        block = data[pos]
        if block == 0x3B:
            out.append(0x3B)
            return bytes(out)
        start = pos
        if block == 0x21:
            label = data[pos + 1]
            pos = _sub_blocks(data, pos + 2)
            app = data[start + 3 : start + 14]
            if label == 0xF9 or (label == 0xFF and app in (b"NETSCAPE2.0", b"ANIMEXTS1.0")):
                out += data[start:pos]
        elif block == 0x2C:
            local = data[pos + 9]
            pos += 10 + (3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0)
            pos = _sub_blocks(data, pos + 1)  # after the LZW minimum code size
            out += data[start:pos]
        else:
            raise ValueError("not a GIF block")
    raise ValueError("no GIF trailer")


def _sub_blocks(data: bytes, pos: int) -> int:
    """The position after a chain of GIF data sub-blocks starting at `pos`."""
    while data[pos]:
        pos += data[pos] + 1
    return pos + 1
