"""Every image published as a file is clean, whatever its format, name or folder."""

from __future__ import annotations

import io
import resource
import struct
import zlib

import pytest
from PIL import Image, ImageCms, PngImagePlugin

from sitegen.errors import SitegenError
from sitegen.imageclean import MAX_DECODE_BYTES, clean_image, image_format

from .conftest import MakeSite, build_site, post

SECRETS = (b"SECRET-DESC", b"SERIAL4711", b"SECRET-COMMENT", b"SECRET-XMP", b"SECRETCAM")
ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010E] = "SECRET-DESC"
    exif[0x010F] = "SECRETCAM"
    exif[0x0112] = orientation
    exif.get_ifd(0x8769)[0xA431] = "SERIAL4711"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (52.0, 31.0, 12.0)
    return exif


def photo(fmt: str, orientation: int = 1, size: tuple[int, int] = (40, 20)) -> bytes:
    """A small picture in `fmt` carrying every kind of metadata that format can hold."""
    image = Image.new("RGB", size, "red")
    image.paste((0, 0, 255), (0, 0, size[0] // 4, size[1] // 4))  # a corner shows the turn
    out = io.BytesIO()
    if fmt == "GIF":
        image.save(out, "GIF", comment=b"SECRET-COMMENT")
        data = out.getvalue()
        xmp = b"\x21\xff\x0bXMP DataXMP" + bytes([10]) + b"SECRET-XMP" + b"\x00"
        cut = 13 + 3 * 2 ** ((data[10] & 7) + 1)
        return data[:cut] + xmp + data[cut:]
    options: dict[str, object] = {"exif": _exif(orientation), "icc_profile": ICC}
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_itxt("XML:com.adobe.xmp", "SECRET-XMP")
        info.add_text("Comment", "SECRET-COMMENT")
        options["pnginfo"] = info
    elif fmt in ("JPEG", "WEBP"):
        options["xmp"] = b"<x:xmpmeta>SECRET-XMP</x:xmpmeta>"
        if fmt == "JPEG":
            options["comment"] = b"SECRET-COMMENT"
    image.save(out, fmt, **options)
    return out.getvalue()


def assert_clean(data: bytes, fmt: str) -> Image.Image:
    for secret in SECRETS:
        assert secret not in data, secret
    image = Image.open(io.BytesIO(data))
    assert image.format == fmt
    exif = image.getexif()
    # A TIFF's own structure lives in the same tags: only the private ones must be gone.
    private = {0x010E, 0x010F, 0x0110, 0x013B, 0x8298, 0x8769, 0x8825, 0x02BC, 0x83BB, 0x9C9C}
    assert not (set(exif) & private if fmt == "TIFF" else exif), dict(exif)
    assert not {"exif", "xmp", "comment", "XML:com.adobe.xmp", "Comment"} & set(image.info)
    image.load()
    return image


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF", "GIF"])
def test_each_format_loses_its_metadata_and_keeps_its_pixels_and_profile(fmt: str) -> None:
    source = photo(fmt)
    assert any(secret in source for secret in SECRETS)
    cleaned = assert_clean(clean_image(source, image_format(source) or ""), fmt)
    original = Image.open(io.BytesIO(source))
    assert cleaned.tobytes() == original.convert(cleaned.mode).tobytes()
    if fmt != "GIF":
        assert cleaned.info.get("icc_profile") == ICC


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_the_orientation_is_applied_before_the_metadata_goes(fmt: str) -> None:
    source = photo(fmt, orientation=6)  # turned 90 degrees clockwise
    cleaned = assert_clean(clean_image(source, fmt), fmt)
    assert cleaned.size == (20, 40)
    assert cleaned.convert("RGB").getpixel((18, 1))[2] > 200  # the blue corner went top right
    assert cleaned.info.get("icc_profile") == ICC


def test_an_animated_gif_keeps_its_frames_and_timing() -> None:
    frames = [Image.new("RGB", (8, 8), colour) for colour in ("red", "green", "blue")]
    out = io.BytesIO()
    frames[0].save(
        out,
        "GIF",
        save_all=True,
        append_images=frames[1:],
        duration=70,
        loop=0,
        comment=b"SECRET-COMMENT",
    )
    cleaned = assert_clean(clean_image(out.getvalue(), "GIF"), "GIF")
    assert getattr(cleaned, "n_frames", 1) == 3 and cleaned.info.get("loop") == 0
    assert cleaned.info.get("duration") == 70


def test_every_folder_publishes_clean_images_whatever_their_name(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/posts/2020-01-01-a/index.md": post(
                "A",
                "2020-01-01T08:00:00+01:00",
                "![Hof](hof.jfif)\n\n[Scan](scan.tif) [Anim](anim.gif)",
            ),
            "content/posts/2020-01-01-a/hof.jfif": photo("JPEG", orientation=6),
            "content/posts/2020-01-01-a/scan.tif": photo("TIFF"),
            "content/posts/2020-01-01-a/anim.gif": photo("GIF"),
            "content/static/photo.jpg": photo("JPEG"),
            "content/static/shot.png": photo("PNG"),
            "content/static/pic.webp": photo("WEBP"),
            "content/static/camera.dat": photo("JPEG"),
            "content/static/notes.txt": "SECRET-COMMENT stays in a text file\n",
        }
    )
    build_site(site)
    out = site / "output"
    for name, fmt in [
        ("2020/01/01/a/hof.jfif", "JPEG"),
        ("2020/01/01/a/scan.tif", "TIFF"),
        ("2020/01/01/a/anim.gif", "GIF"),
        ("photo.jpg", "JPEG"),
        ("shot.png", "PNG"),
        ("pic.webp", "WEBP"),
        ("camera.dat", "JPEG"),
    ]:
        assert_clean((out / name).read_bytes(), fmt)
    assert Image.open(out / "2020/01/01/a/hof.jfif").size == (20, 40)
    assert (out / "notes.txt").read_bytes() == b"SECRET-COMMENT stays in a text file\n"


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("phone.heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "HEIC or AVIF image"),
        ("broken.jpg", photo("JPEG")[:200], "damaged image"),
    ],
)
def test_an_image_that_cannot_be_cleaned_fails_the_build_naming_it(
    make_site: MakeSite, name: str, data: bytes, says: str
) -> None:
    site = make_site(
        {
            "content/static/" + name: data,
            "content/posts/2020-01-01-a.md": post("A", "2020-01-01T08:00:00+01:00"),
        }
    )
    with pytest.raises(SitegenError) as failure:
        build_site(site)
    assert f"content/static/{name}" in str(failure.value) and says in str(failure.value)
    assert not (site / "output").exists()


def huge_png(width: int, height: int) -> bytes:
    """A 1-bit PNG of the given size, all black: tiny on disk, huge once decoded."""
    row = b"\x00" + bytes((width + 7) // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (
            struct.pack(">I", len(payload))
            + kind
            + payload
            + struct.pack(">I", zlib.crc32(kind + payload))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("where", ["shown", "static"])
def test_a_small_file_of_many_pixels_is_refused_before_it_is_decoded(
    make_site: MakeSite, where: str
) -> None:
    data = huge_png(16_000, 16_000)
    assert len(data) < 2_000_000 and MAX_DECODE_BYTES < 16_000 * 16_000 * 4
    body = "![Riesig](riesig.png)" if where == "shown" else "Text."
    files: dict[str, str | bytes] = {
        "content/posts/2020-01-01-a/index.md": post("A", "2020-01-01T08:00:00+01:00", body)
    }
    files[
        "content/posts/2020-01-01-a/riesig.png" if where == "shown" else "content/static/riesig.png"
    ] = data
    site = make_site(files)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(SitegenError) as failure:
        build_site(site)
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert "riesig.png" in str(failure.value) and "16000 x 16000 pixels" in str(failure.value)
    assert "MiB to decode" in str(failure.value)
    assert grown_mib < 200, grown_mib
