"""Images: responsive variants, markup, no leaked metadata, orientation, cache, bad input."""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image, ImageCms, features

from sitegen import images, variants
from sitegen.errors import SitegenError

from .conftest import MakeSite, build_site, post, read, run_cli, snapshot

BUNDLE = "content/posts/2013-06-26-foto"
PAGE = "2013/06/26/foto/index.html"
MODERN = ["image/avif", "image/webp"] if features.check("avif") else ["image/webp"]
GPS = 0x8825
EXIF_IFD = 0x8769
SERIAL = 0xA431  # BodySerialNumber
ORIENTATION = 0x0112


def opened() -> int:
    """Images this process has opened: headers read to plan, pixels decoded to make variants."""
    return images.opened + variants.opened


def photo(
    width: int = 2000,
    height: int = 1500,
    *,
    orientation: int | None = None,
    gps: bool = False,
    fmt: str = "JPEG",
    halves: bool = False,
) -> bytes:
    """An image made here; `halves` paints the left half red and the right half blue."""
    image = Image.new("RGB", (width, height), (40, 120, 60))
    if halves:
        image.paste((220, 20, 20), (0, 0, width // 2, height))
        image.paste((20, 20, 220), (width // 2, 0, width, height))
    exif = Image.Exif()
    if orientation:
        exif[ORIENTATION] = orientation
    if gps:
        exif[GPS] = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)}
        exif.get_ifd(EXIF_IFD)[SERIAL] = "SERIAL-4711-XYZ"
        exif[0x010F] = "Kamerahersteller"  # Make
    buffer = io.BytesIO()
    options = {"exif": exif.tobytes()} if (orientation or gps) else {}
    if gps and fmt == "JPEG":
        options["comment"] = b"written by a camera"
        options["icc_profile"] = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def photo_site(make_site: MakeSite, body: str, files: dict[str, bytes], **fields: object) -> Path:
    return make_site(
        {
            f"{BUNDLE}/index.md": post("Foto", "2013-06-26T06:25:00+02:00", body, **fields),
            **{f"{BUNDLE}/{name}": data for name, data in files.items()},
        }
    )


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str, name: str) -> list[dict[str, str | None]]:
    parser = _Tags()
    parser.feed(html)
    return [attrs for tag, attrs in parser.tags if tag == name]


def published_images(site: Path) -> dict[str, Image.Image]:
    found = {}
    for path in sorted((site / "output").rglob("*")):
        # The theme's own preview image (assets/) is no photo of the site's.
        theirs = path.relative_to(site / "output").parts[0] != "assets"
        if path.suffix in (".jpg", ".png", ".webp", ".avif") and theirs:
            image = Image.open(path)
            image.load()
            found[path.relative_to(site / "output").as_posix()] = image
    return found


def test_every_width_and_format_is_published_and_nothing_is_upscaled(make_site: MakeSite) -> None:
    site = photo_site(
        make_site,
        "![Groß](gross.jpg)\n\n![Klein](klein.png)",
        {"gross.jpg": photo(2000, 1000), "klein.png": photo(700, 350, fmt="PNG")},
    )
    build_site(site)
    found = published_images(site)
    variants = {name: im for name, im in found.items() if name.startswith("images/")}
    sizes = sorted(
        (name.split("-")[0], name.rsplit(".", 1)[1], im.size) for name, im in variants.items()
    )
    big = {(w, w // 2) for w in (480, 960, 1600)}
    small = {(480, 240), (700, 350)}
    modern = [m.split("/")[1] for m in MODERN]
    assert {s for n, ext, s in sizes if n == "images/gross" and ext == "jpg"} == big
    assert {s for n, ext, s in sizes if n == "images/klein" and ext == "png"} == small
    for ext in modern:
        assert {s for n, e, s in sizes if n == "images/gross" and e == ext} == big
        assert {s for n, e, s in sizes if n == "images/klein" and e == ext} == small
    assert all(im.width <= 2000 for im in variants.values())
    assert {im.format for im in variants.values()} == {"JPEG", "PNG", *(m.upper() for m in modern)}


def test_markup_is_a_picture_with_typed_sources_and_a_sized_image(make_site: MakeSite) -> None:
    site = photo_site(
        make_site,
        "Erst ![Der Hof im Regen](hof.jpg)\n\nDann ![Die Werkbank](bank.jpg)",
        {"hof.jpg": photo(2000, 1500), "bank.jpg": photo(1200, 900)},
    )
    build_site(site)
    page = read(site, PAGE)
    sources = tags(page, "source")
    assert [s["type"] for s in sources] == MODERN * 2
    first, second = tags(page, "img")
    assert first["alt"] == "Der Hof im Regen" and second["alt"] == "Die Werkbank"
    assert (first["width"], first["height"]) == ("1600", "1200")
    assert (second["width"], second["height"]) == ("1200", "900")
    assert first["decoding"] == "async" and second["decoding"] == "async"
    assert "loading" not in first, "the first image of a page loads at once"
    assert second["loading"] == "lazy"
    for attrs in (*sources, first, second):
        assert attrs["sizes"]
    srcset = [part.split() for part in str(first["srcset"]).split(", ")]
    assert [w for _, w in srcset] == ["480w", "960w", "1600w"]
    assert str(first["src"]) == srcset[-1][0]
    assert str(first["src"]).endswith(".jpg")
    for url, _ in srcset:
        assert (site / "output" / url.lstrip("/")).is_file()
    assert "<picture>" in page and "</picture>" in page


def test_a_cover_shows_first_and_becomes_the_preview_image(make_site: MakeSite) -> None:
    site = photo_site(
        make_site,
        "![Im Text](text.jpg)",
        {"titel.jpg": photo(1800, 1200), "text.jpg": photo(800, 600)},
        cover="titel.jpg",
    )
    build_site(site)
    page = read(site, PAGE)
    og = [m for m in tags(page, "meta") if m.get("property") == "og:image"]
    assert len(og) == 1
    url = str(og[0]["content"])
    assert url.startswith("https://example.org/images/titel-1600.") and url.endswith(".jpg")
    cover, body = tags(page, "img")
    assert "titel-" in str(cover["src"]) and "loading" not in cover
    assert body["loading"] == "lazy"


def test_a_missing_alt_text_is_a_warning_naming_file_and_line(make_site: MakeSite) -> None:
    site = photo_site(make_site, "Text.\n\n![](ohne.jpg)", {"ohne.jpg": photo(600, 400)})
    report = build_site(site)
    messages = [str(n) for n in report.warnings]
    assert any(f"{BUNDLE}/index.md:8:" in m and "ohne.jpg" in m and "alt" in m for m in messages)


def test_no_location_serial_or_other_metadata_is_published(make_site: MakeSite) -> None:
    leaky = photo(2400, 1800, gps=True)
    with Image.open(io.BytesIO(leaky)) as original:  # the test photo does carry them
        assert original.getexif().get_ifd(GPS) and b"SERIAL-4711" in leaky
    site = photo_site(
        make_site,
        "![Küche](kueche.jpg)\n\nDas [Original](kueche.jpg) und ein [zweites](liegt.jpg).",
        {"kueche.jpg": leaky, "liegt.jpg": photo(900, 600, gps=True)},
    )
    build_site(site)
    found = published_images(site)
    # Every variant, and the photos under their own names in the bundle's folder.
    assert "2013/06/26/foto/kueche.jpg" in found and "2013/06/26/foto/liegt.jpg" in found
    assert len(found) == 1 + 3 * (len(MODERN) + 1) + 1
    for name, image in found.items():
        data = (site / "output" / name).read_bytes()
        assert not image.getexif(), name
        assert not image.getexif().get_ifd(GPS), name
        assert "exif" not in image.info and "xmp" not in image.info, name
        assert "comment" not in image.info, name
        assert b"SERIAL-4711" not in data and b"Kamerahersteller" not in data, name
    # The colour profile may stay, so that colours do not shift.
    assert "icc_profile" in found["2013/06/26/foto/kueche.jpg"].info
    assert found["2013/06/26/foto/kueche.jpg"].size == (1600, 1200)


def test_exif_orientation_is_applied_first(make_site: MakeSite) -> None:
    # Stored 400 wide and 200 high, to be shown turned a quarter clockwise.
    site = photo_site(
        make_site,
        "![Hochkant](hoch.jpg)",
        {"hoch.jpg": photo(400, 200, orientation=6, halves=True)},
    )
    build_site(site)
    img = tags(read(site, PAGE), "img")[0]
    assert (img["width"], img["height"]) == ("200", "400")
    for name, image in published_images(site).items():
        assert image.size == (200, 400), name
        top = image.convert("RGB").getpixel((100, 50))
        bottom = image.convert("RGB").getpixel((100, 350))
        assert isinstance(top, tuple) and isinstance(bottom, tuple)
        assert top[0] > 150 > top[2], f"{name}: the stored left half (red) is now on top"
        assert bottom[2] > 150 > bottom[0], f"{name}: the stored right half (blue) is below"


def test_a_second_build_decodes_no_image(make_site: MakeSite) -> None:
    site = photo_site(make_site, "![Hof](hof.jpg)", {"hof.jpg": photo(1000, 800)})
    first = opened()
    build_site(site)
    assert opened() >= first + 2  # read to plan, decoded to make: the count sees both
    before = snapshot(site / "output")
    count = opened()
    (site / "content/posts/2013-06-27-b.md").write_text(post("B", "2013-06-27T08:00:00+02:00"))
    build_site(site)
    assert opened() == count
    after = snapshot(site / "output")
    assert {k: after[k] for k in before if k.endswith((".jpg", ".webp", ".avif"))} == {
        k: v for k, v in before.items() if k.endswith((".jpg", ".webp", ".avif"))
    }


def test_an_image_replaced_with_the_same_size_and_time_is_seen(make_site: MakeSite) -> None:
    # `cp -p` of another photo, or a checkout: size and mtime are equal, the picture is not.
    plain, halves = photo(1000, 800), photo(1000, 800, halves=True)
    size = max(len(plain), len(halves))
    plain, halves = plain.ljust(size, b"\0"), halves.ljust(size, b"\0")  # JPEG ignores the tail
    site = photo_site(make_site, "![Hof](hof.jpg)", {"hof.jpg": plain})
    build_site(site)
    page = "2013/06/26/foto/index.html"
    before = read(site, page)
    source = site / BUNDLE / "hof.jpg"
    st = source.stat()
    source.write_bytes(halves)
    os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (source.stat().st_size, source.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    build_site(site)
    assert read(site, page) != before  # the picture's file names carry its new digest
    clean = build_site(site, out_dir=site / "fresh")
    assert snapshot(site / "output") == snapshot(clean.out_dir)


def test_a_kept_cache_spares_decoding_even_with_new_time_stamps(make_site: MakeSite) -> None:
    # As in CI: the output folder is new and the checkout's files have new mtimes.
    site = photo_site(make_site, "![Hof](hof.jpg)", {"hof.jpg": photo(1000, 800)})
    build_site(site)
    expected = snapshot(site / "output")
    count = opened()
    source = site / BUNDLE / "hof.jpg"
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 10**9))
    report = build_site(site, out_dir=site / "fresh")
    assert opened() == count
    assert len(report.written) == len(expected)
    assert snapshot(site / "fresh") == expected


def test_images_nobody_shows_are_pruned_from_output_and_cache(make_site: MakeSite) -> None:
    site = photo_site(
        make_site,
        "![Eins](eins.jpg)\n\n![Zwei](zwei.jpg)",
        {"eins.jpg": photo(900, 600), "zwei.jpg": photo(600, 900)},
    )
    build_site(site)
    cache = site / ".sitegen-cache" / "images"
    assert any(p.name.startswith("zwei-") for p in cache.iterdir())
    (site / BUNDLE / "zwei.jpg").unlink()
    (site / BUNDLE / "index.md").write_text(
        post("Foto", "2013-06-26T06:25:00+02:00", "![Eins](eins.jpg)"), encoding="utf-8"
    )
    report = build_site(site)
    assert report.pruned and all("zwei" in p for p in report.pruned)
    outputs = snapshot(site / "output")
    assert not [name for name in outputs if "zwei" in name]
    assert [name for name in outputs if name.startswith("images/eins-")]
    assert not [p for p in cache.iterdir() if p.name.startswith("zwei-")]
    assert [p for p in cache.iterdir() if p.name.startswith("eins-")]


def test_many_images_are_made_in_parallel_with_the_same_result(make_site: MakeSite) -> None:
    names = [f"bild{i}.jpg" for i in range(5)]
    body = "\n\n".join(f"![Bild {i}]({name})" for i, name in enumerate(names))
    files = {name: photo(700 + 100 * i, 500) for i, name in enumerate(names)}
    site = photo_site(make_site, body, files)
    build_site(site)
    first = snapshot(site / "output")
    for folder in (site / "output", site / ".sitegen-cache"):
        subprocess.run(["rm", "-rf", str(folder)], check=True)
    build_site(site)
    assert snapshot(site / "output") == first, "two builds of the same input give the same bytes"
    assert len(tags(read(site, PAGE), "picture")) == 5


# Bad input -------------------------------------------------------------------------


def _fails(site: Path, *expected: str) -> str:
    before = snapshot(site / "output")
    result = run_cli("build", "--site", site)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    for text in expected:
        assert text in result.stderr
    assert snapshot(site / "output") == before
    return result.stderr


def _good_then(make_site: MakeSite, body: str, files: dict[str, bytes]) -> Path:
    site = photo_site(make_site, "![Gut](gut.jpg)", {"gut.jpg": photo(800, 600)})
    build_site(site)
    (site / BUNDLE / "index.md").write_text(
        post("Foto", "2013-06-26T06:25:00+02:00", body), encoding="utf-8"
    )
    for name, data in files.items():
        (site / BUNDLE / name).write_bytes(data)
    return site


def test_a_missing_image_names_the_post_and_line(make_site: MakeSite) -> None:
    site = _good_then(make_site, "Ein Absatz.\n\n![Weg](weg.jpg)", {})
    _fails(site, f"{BUNDLE}/index.md:8:", "weg.jpg", "does not exist")


def test_a_missing_cover_names_the_post_and_line(make_site: MakeSite) -> None:
    site = photo_site(make_site, "Text.", {}, cover="titel.jpg")
    with pytest.raises(SitegenError, match=r"index\.md:4: .*titel\.jpg does not exist"):
        build_site(site)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("kaputt.jpg", b"this is no picture at all" * 40, "not an image sitegen can read"),
        ("halb.jpg", photo(1200, 900)[:3000], "cannot decode this image"),
        ("bild.jpg", photo(300, 200, fmt="BMP"), "unsupported image format BMP"),
    ],
    ids=["corrupt", "truncated", "unsupported"],
)
def test_a_broken_image_names_the_file(
    make_site: MakeSite, name: str, data: bytes, message: str
) -> None:
    site = _good_then(make_site, f"![Bild]({name})", {name: data})
    _fails(site, f"{BUNDLE}/{name}: ", message)


def test_an_unsupported_format_names_the_post_and_line(make_site: MakeSite) -> None:
    site = _good_then(make_site, "![Vom Telefon](IMG_0001.HEIC)", {"IMG_0001.HEIC": b"..."})
    _fails(site, f"{BUNDLE}/index.md:6:", "IMG_0001.HEIC", "unsupported format")


def test_a_decompression_bomb_is_refused(make_site: MakeSite) -> None:
    # A PNG that claims 40000 x 40000 pixels in a few bytes.
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    bomb = b"\x89PNG\r\n\x1a\n" + chunk(
        b"IHDR", struct.pack(">IIBBBBB", 40000, 40000, 8, 2, 0, 0, 0)
    )
    bomb += chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b"")
    site = _good_then(make_site, "![Bombe](bombe.png)", {"bombe.png": bomb})
    _fails(site, f"{BUNDLE}/bombe.png: ", "megapixels", "decompression bomb")


def test_a_huge_photo_is_made_in_bounded_memory(make_site: MakeSite, tmp_path: Path) -> None:
    # 72 megapixels: decoded whole, 216 MB; libjpeg's reduced decoding needs a sixteenth.
    huge = Image.new("RGB", (9800, 7350), (90, 140, 200))
    huge.paste((200, 80, 40), (0, 0, 4900, 7350))
    buffer = io.BytesIO()
    huge.save(buffer, "JPEG", quality=70)
    del huge
    site = photo_site(make_site, "![Riesig](riesig.jpg)", {"riesig.jpg": buffer.getvalue()})
    measure = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run([sys.executable, '-m', 'sitegen', 'build', '--site', sys.argv[1]])\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)\n"
        "sys.exit(done.returncode)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", measure, str(site)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    peak_mb = int(result.stdout.split()[-1])
    assert peak_mb < 150, f"peak memory {peak_mb} MB"
    img = tags(read(site, PAGE), "img")[0]
    assert (img["width"], img["height"]) == ("1600", "1200")
