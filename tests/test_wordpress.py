"""`sitegen import wordpress`: a whole blog moves over, its boilerplate and trackers stay behind."""

from __future__ import annotations

import contextlib
import html
import io
import os
import re
import struct
import subprocess
import sys
import tempfile
import tomllib
import zlib
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sitegen import markdown as renderer
from sitegen.links import check_links
from sitegen.scaffold import create_site
from sitegen.swap import MARKER
from sitegen.wordpress.convert import Links, to_markdown
from sitegen.wordpress.diary import recognise
from sitegen.wordpress.importer import ImportOptions, ImportReport, import_wordpress

from .conftest import SITE_TOML, MakeSite, build_site, check_html, post, read, run_cli

EXPORT = Path(__file__).parent / "data" / "wordpress" / "export.xml"
ISTANBUL = "content/posts/2013-01-15-istanbul-am-morgen/index.md"
BRUECKE = "content/posts/2013-02-03-ueber-die-bruecke/index.md"
FOLGE = "content/posts/2013-02-10-folge-1/index.md"
# Everything the fixture says about commenters and authors that must never be published.
PRIVATE = (
    "anna.leser@example.net",
    "grete.privat@example.org",
    "ole.privat@example.org",
    "spam@example.com",
    "203.0.113.7",
    "198.51.100.23",
    "192.0.2.99",
    "192.0.2.100",
    "anna.example.net",
)
BOILERPLATE = (
    "Advertisements",
    "Anzeige",
    "Teilen mit",
    "Ähnliche Beiträge",
    "Etwas Altes",
    "Grete schreibt über Reisen",
    "pixel.wp.com",
    "stats.wp.com",
    "gravatar",
    "ads.example.com",
    "__ATA",
    "utm_",
    "fbclid",
    "gclid",
    "grete-21",
    "linkCode",
    "share=twitter",
    "Billig Uhren",
    "wie Grete schreibt",
    "<iframe",
    "wp:paragraph",
    "[caption",
    "[gallery",
    "[embed",
    "[audio",
    "[youtube",
    "[contact-form",
)


def png(rgb: tuple[int, int, int]) -> bytes:
    """A real 4×3 PNG, so that image processing accepts it."""
    raw = b"".join(b"\x00" + bytes(rgb) * 4 for _ in range(3))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 4, 3, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def mp3() -> bytes:
    """About a second of MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz) holding silence."""
    return (b"\xff\xfb\x90\x00" + b"\x00" * 413) * 40


def uploads(tmp_path: Path) -> Path:
    """The blog's uploads folder as downloaded; moewe.png is missing on purpose."""
    media = tmp_path / "uploads"
    (media / "2013/01").mkdir(parents=True)
    (media / "2013/02").mkdir(parents=True)
    (media / "2013/01/bosporus.png").write_bytes(png((40, 90, 140)))
    (media / "2013/01/faehre.png").write_bytes(png((200, 180, 60)))
    (media / "2013/02/folge-1.mp3").write_bytes(mp3())
    return media


def run_import(site: Path, export: Path = EXPORT, **options: object) -> ImportReport:
    return import_wordpress(ImportOptions(export=export, site_dir=site, **options))  # type: ignore[arg-type]


def front_matter(path: Path) -> dict[str, object]:
    return tomllib.loads(path.read_text(encoding="utf-8").split("+++")[1])


def all_bytes(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


class _Requests(HTMLParser):
    """Every URL a browser would fetch by itself: src, srcset, poster, data, stylesheets."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("src", "poster", "data"):
            if values.get(name):
                self.urls.append(str(values[name]))
        for name in ("srcset", "imagesrcset"):
            if values.get(name):
                self.urls += [c.split()[0] for c in str(values[name]).split(",") if c.strip()]
        if tag == "link" and values.get("href") and values.get("rel") != "canonical":
            rel = str(values.get("rel") or "")
            if rel in ("stylesheet", "icon", "preload", "prefetch", "modulepreload"):
                self.urls.append(str(values["href"]))


def third_party_requests(out: Path, host: str) -> list[str]:
    found = []
    for page in out.rglob("*.html"):
        parser = _Requests()
        parser.feed(page.read_text(encoding="utf-8"))
        for url in parser.urls:
            where = urlsplit(url)
            if (where.netloc and where.hostname != host) or where.scheme not in (
                "",
                "http",
                "https",
            ):
                found.append(f"{page.relative_to(out)}: {url}")
    return found


def test_the_export_imports_and_the_site_builds_without_ads_or_trackers(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site({})
    report = run_import(site, media_dir=uploads(tmp_path))

    assert (report.posts, report.drafts, report.pages) == (3, 2, 2)
    assert report.media_copied == 4  # bosporus and faehre for two posts' bundles, the episode
    assert report.media_missing == (
        (ISTANBUL, "https://grete.files.wordpress.com/2013/01/moewe.png"),
    )
    removed = dict(report.removed)
    assert removed["ads"] == 2 and removed["share buttons"] == 1
    assert removed["related posts"] == 1 and removed["author boxes"] == 1
    assert removed["tracking pixels"] == 2
    assert removed["tracking parameters in links"] == 6
    assert removed["iframes turned into links"] == 1
    assert report.redirects == 1 and report.comments == 2 and not report.failed
    assert dict(report.skipped) == {
        "feedback items": 1,
        "nav_menu_item items": 1,
        "posts with status trash": 1,
    }
    text = "\n".join(report.lines())
    assert "media: 4 copied, 1 missing" in text and "moewe.png" in text

    istanbul = front_matter(site / ISTANBUL)
    assert istanbul["location"] == "Istanbul" and istanbul["day"] == 570
    assert str(istanbul["dream"]).startswith("Heute Nacht stand ich")
    assert istanbul["date"].isoformat() == "2013-01-15T06:05:00+01:00"  # type: ignore[attr-defined]
    assert istanbul["tags"] == ["Reisen", "Istanbul"]  # "Allgemein" is WordPress's default
    extra = istanbul["extra"]
    assert isinstance(extra, dict) and extra["wordpress_id"] == 100 and extra["author"] == "Grete"
    assert "CET" in (extra.get("zone"), istanbul.get("zone"))
    brucke = front_matter(site / BRUECKE)
    assert brucke["aliases"] == ["/2013/02/03/über-die-brücke/"]
    assert brucke["dream"] == "Letzte Nacht lief ich über eine Brücke, die beim Gehen länger wurde."
    assert brucke["description"] == "Zurück in Berlin, mit einer Brücke im Kopf."
    assert "audio" in {**front_matter(site / FOLGE), **front_matter(site / FOLGE)["extra"]}  # type: ignore[dict-item]
    assert (site / "content/posts/2013-02-10-folge-1/folge-1.mp3").read_bytes() == mp3()
    assert front_matter(site / "content/posts/2013-03-01-noch-nicht-fertig.md")["draft"] is True
    assert front_matter(site / "content/posts/2013-03-02-nur-fuer-mich.md")["draft"] is True
    assert front_matter(site / "content/pages/kontakt.md")["url"] == "/ueber-mich/kontakt/"

    build = build_site(site)
    assert build.posts == 3 and build.pages == 2 and build.skipped_drafts == 2
    out = site / "output"
    html = read(site, "2013/01/15/istanbul-am-morgen/index.html")
    # The copied upload is published as a responsive picture, with its alt text kept.
    assert re.search(
        r'<picture>.*?<img src="[^"]*bosporus[^"]*"[^>]*alt="Nebel über dem Wasser"', html, re.S
    )
    assert "<em>Der Bosporus, kurz nach sechs</em>" in html
    assert '<table tabindex="0">' in html and "<td>Çay</td>" in html
    assert 'class="footnote-ref"' in html and "Jedenfalls bis Üsküdar" in html
    assert 'href="https://de.wikipedia.org/wiki/Bosporus"' in html
    assert 'href="https://www.amazon.de/dp/3100000000/"' in html
    assert 'href="https://grete.files.wordpress.com/2013/01/moewe.png"' in html  # listed, kept
    assert "Anna Leser" in html and "Antwort an Anna Leser" in html
    brucke_html = read(site, "2013/02/03/ueber-die-bruecke/index.html")
    assert 'href="/2013/01/15/istanbul-am-morgen/"' in brucke_html  # old link, new URL
    assert 'href="https://vimeo.com/76979871"' in brucke_html
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in brucke_html
    assert '<pre tabindex="0"><code>rsync -a fotos/ sicherung/\n</code></pre>' in brucke_html
    assert "<li>3. Klasse war voll</li>" in brucke_html
    assert "Der Zug hatte vierzig Minuten Verspätung." in brucke_html
    redirect = read(site, "2013/02/03/über-die-brücke/index.html")
    assert 'url=/2013/02/03/ueber-die-bruecke/"' in redirect
    assert (out / "ueber-mich/kontakt/index.html").is_file()

    published = "\n".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    content = "\n".join(p.read_text(encoding="utf-8") for p in (site / "content").rglob("*.md"))
    for junk in BOILERPLATE:
        assert junk not in published, junk
        assert junk not in content, junk
    assert third_party_requests(out, "example.org") == []
    assert check_links(out, "https://example.org/") == []


def test_commenters_addresses_are_written_nowhere(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({})
    run_import(site, media_dir=uploads(tmp_path))
    build_site(site, drafts=True)
    files = all_bytes(site)
    assert ".sitegen-cache/wordpress-import.json" in files
    for name, data in files.items():
        for secret in PRIVATE:
            assert secret.encode() not in data, f"{secret} in {name}"


def test_no_comments_leaves_them_behind(make_site: MakeSite) -> None:
    site = make_site({})
    result = run_cli("import", "wordpress", EXPORT, "--site", site, "--no-comments")
    assert result.returncode == 0, result.stderr
    assert "comments kept: 0" in result.stdout
    text = (site / ISTANBUL).read_text(encoding="utf-8")
    assert "Kommentare" not in text and "Anna Leser" not in text
    # Without --media every upload is listed as missing, and none is fetched by a page.
    assert "media: 0 copied, 5 missing" in result.stdout
    build_site(site)
    assert third_party_requests(site / "output", "example.org") == []


def test_a_second_import_keeps_what_the_user_edited(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({})
    media = uploads(tmp_path)
    run_import(site, media_dir=media)
    edited = site / ISTANBUL
    edited.write_text(edited.read_text(encoding="utf-8").replace("Muezzin", "Wecker"), "utf-8")
    changed = tmp_path / "changed.xml"
    changed.write_text(
        EXPORT.read_text(encoding="utf-8")
        .replace("<title>Über die Brücke</title>", "<title>Über die alte Brücke</title>")
        .replace("Der Muezzin war", "Der Muezzin, neu, war"),
        encoding="utf-8",
    )

    report = run_import(site, export=changed, media_dir=media)
    assert report.kept == (ISTANBUL,)
    assert "Wecker" in edited.read_text(encoding="utf-8")  # the user's edit survives
    assert report.written == (BRUECKE,)  # untouched since the import: updated
    assert front_matter(site / BRUECKE)["title"] == "Über die alte Brücke"
    assert report.unchanged == 5 and report.media_copied == 0
    assert "1 kept because they were edited" in report.lines()[0]

    report = run_import(site, export=changed, media_dir=media, force=True)
    assert report.written == (ISTANBUL,) and not report.kept
    assert "Der Muezzin, neu, war" in edited.read_text(encoding="utf-8")


def test_a_permalink_unlike_wordpress_gets_redirects_for_every_post(
    make_site: MakeSite,
) -> None:
    site = make_site({"site.toml": SITE_TOML + 'permalink = "/{year}/{slug}/"\n'})
    site.joinpath("site.toml").write_text(
        SITE_TOML.replace("paginate", 'permalink = "/{year}/{slug}/"\npaginate')
    )
    report = run_import(site)
    assert report.redirects == 3
    build_site(site)
    for old, new in (
        ("2013/01/15/istanbul-am-morgen", "/2013/istanbul-am-morgen/"),
        ("2013/02/03/über-die-brücke", "/2013/ueber-die-bruecke/"),
        ("2013/02/10/folge-1", "/2013/folge-1/"),
    ):
        assert f'url={new}"' in read(site, f"{old}/index.html")


def test_dream_phrases_are_configurable(make_site: MakeSite) -> None:
    site = make_site({})
    result = run_cli("import", "wordpress", EXPORT, "--site", site, "--dream-phrase", "Heute Nacht")
    assert result.returncode == 0, result.stderr
    assert str(front_matter(site / ISTANBUL)["dream"]).startswith("Heute Nacht stand ich")
    assert "dream" not in front_matter(site / BRUECKE)  # "Letzte Nacht" is no longer a phrase
    assert "Letzte Nacht lief ich" in (site / BRUECKE).read_text(encoding="utf-8")
    entry = recognise(
        "*Berlin, 06:25 Uhr, Tag 627*\n\nIm Traum ging ich.\n\nText.\n", ("Im Traum",)
    )
    assert (entry.location, entry.time, entry.day) == ("Berlin", (6, 25), 627)
    assert entry.dream == "Im Traum ging ich." and entry.body == "Text.\n"


# Bad input ---------------------------------------------------------------------------------


def export_with(tmp_path: Path, text: str, name: str = "export.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def assert_nothing_written(site: Path) -> None:
    assert [p for p in (site / "content").rglob("*") if p.is_file()] == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("Titel;Datum\nEins;2013\n", "not XML"),
        ('{"posts": []}', "not XML"),
        ("<!DOCTYPE html>\n<html><body>Hallo</body></html>", "DOCTYPE"),
        ("<html><body>Hallo</body></html>", "its root element is <html>"),
        (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>'
            "<item><title>Eins</title></item></channel></rss>",
            "an RSS feed",
        ),
        (
            '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><rss>&b;</rss>',
            "DOCTYPE",
        ),
    ],
)
def test_a_file_that_is_not_a_wordpress_export_is_refused(
    make_site: MakeSite, tmp_path: Path, text: str, message: str
) -> None:
    site = make_site({})
    export = export_with(tmp_path, text)
    result = run_cli("import", "wordpress", export, "--site", site)
    assert result.returncode == 1
    assert "not a WordPress export (WXR)" in result.stderr and message in result.stderr
    assert "export.xml" in result.stderr and "Traceback" not in result.stderr
    assert_nothing_written(site)


def test_a_truncated_export_writes_nothing(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({})
    whole = EXPORT.read_text(encoding="utf-8")
    export = export_with(tmp_path, whole[: whole.index("<title>Kontakt</title>")])
    result = run_cli("import", "wordpress", export, "--site", site)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(r"export\.xml:\d+: the export is cut off or damaged", result.stderr)
    assert_nothing_written(site)
    assert not (site / ".sitegen-cache").exists()


def test_an_item_without_a_date_fails_alone(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({})
    text = EXPORT.read_text(encoding="utf-8")
    start = text.index("<title>Folge 1")
    end = text.index("</item>", start)
    item = re.sub(
        r"(<wp:post_date(?:_gmt)?><!\[CDATA\[)[^\]]*", r"\g<1>0000-00-00 00:00:00", text[start:end]
    )
    item = re.sub(r"<pubDate>[^<]*</pubDate>", "<pubDate></pubDate>", item)
    line = text[:start].count("\n")  # the <item> line
    export = export_with(tmp_path, text[:start] + item + text[end:])
    result = run_cli("import", "wordpress", export, "--site", site, "--media", uploads(tmp_path))
    assert result.returncode == 1
    assert f'export.xml:{line}: post "Folge 1: Geräusche vom Hafen" (id 102) has no date' in (
        result.stderr
    )
    assert "failed: 1 items" in result.stdout
    assert not list((site / "content/posts").glob("*folge-1*"))
    assert (site / ISTANBUL).is_file() and (site / BRUECKE).is_file()


def test_characters_xml_forbids_are_removed_with_a_warning(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site({})
    text = EXPORT.read_text(encoding="utf-8").replace(
        "Der Muezzin war früher", "Der Muezzin\x0b war\x01 früher"
    )
    result = run_cli("import", "wordpress", export_with(tmp_path, text), "--site", site)
    assert result.returncode == 0, result.stderr
    assert re.search(
        r'export\.xml:\d+: warning: post "Istanbul am Morgen" \(id 100\): removed 2 characters',
        result.stderr,
    )
    body = (site / ISTANBUL).read_text(encoding="utf-8")
    assert "Der Muezzin war früher" in body
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", body)


def test_a_failed_write_leaves_no_file_of_that_post(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({})
    # A folder where the episode's Markdown must go: its media is copied, then writing fails.
    (site / FOLGE).mkdir(parents=True)
    result = run_cli("import", "wordpress", EXPORT, "--site", site, "--media", uploads(tmp_path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "2013-02-10-folge-1/index.md: cannot write" in result.stderr
    assert not (site / "content/posts/2013-02-10-folge-1/folge-1.mp3").exists()
    assert (site / ISTANBUL).is_file()
    result = run_cli("build", "--site", site)  # the other posts build


def test_a_big_export_streams_in_bounded_memory(tmp_path: Path) -> None:
    # About 30 MB: a tree of it would take hundreds of MB; the stream holds one item at a time.
    text = EXPORT.read_text(encoding="utf-8")
    body = "<p>" + "Ein Satz über den Hafen, die Fähren und das Wetter. " * 200 + "</p>"
    big = tmp_path / "big.xml"
    with big.open("w", encoding="utf-8") as out:
        out.write(text[: text.index("<item>")])
        for i in range(2800):
            out.write(
                f"<item><title>Eintrag {i}</title><content:encoded><![CDATA[{body}]]>"
                f"</content:encoded><wp:post_id>{1000 + i}</wp:post_id>"
                "<wp:post_type>post</wp:post_type></item>\n"
            )
        out.write("</channel>\n</rss>\n")
    assert big.stat().st_size > 28_000_000
    # VmHWM is the peak resident memory of this process alone (ru_maxrss would count pytest's).
    script = (
        "import sys; from pathlib import Path\n"
        "from sitegen.wordpress.wxr import read_export\n"
        "n = sum(1 for _ in read_export(Path(sys.argv[1])))\n"
        "peak = next(l for l in open('/proc/self/status') if l.startswith('VmHWM'))\n"
        "print(n, peak.split()[1])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(big)], capture_output=True, text=True, check=True
    )
    entries, peak_kib = map(int, result.stdout.split())
    assert entries == 2801  # the channel and every item
    assert peak_kib < 80_000, f"{peak_kib} KiB"


# Conversion details ---------------------------------------------------------------------------


def _links() -> Links:
    return Links(
        media=lambda url: None,
        is_upload=lambda url: False,
        post=lambda url: None,
        gallery=lambda ids: [],
    )


def test_text_never_turns_into_markup() -> None:
    html = (
        "<p>3. Oktober: Ich schrieb &lt;iframe src=x&gt; und &amp;nbsp; ab.</p>"
        "<p># Kein Titel</p><p>- kein Punkt</p><p>Sternchen *so* und a_b_c</p>"
    )
    markdown = to_markdown(html, _links()).markdown
    rendered = renderer.render(
        markdown, typography=renderer.Typography(quotes="„“‚‘"), source_key="x.md", line_offset=0
    ).html
    assert "<ol" not in rendered and "<h1" not in rendered and "<ul" not in rendered
    assert "<iframe" not in rendered and "&lt;iframe src=x&gt;" in rendered
    assert "&amp;nbsp;" in rendered and "*so*" in rendered and "a_b_c" in rendered


def test_unknown_shortcodes_stay_as_text_and_are_reported() -> None:
    result = to_markdown("Ein [sic] und [plugin_box farbe=rot]Text[/plugin_box].", _links())
    assert "[sic]" in result.markdown and "plugin\\_box" in result.markdown
    assert "[plugin_box]" in result.unknown_shortcodes


# Real exports: classic and block content, collisions, covers, clean media ------------------

BLOG = "https://blog.example.net"
UPLOADS = f"{BLOG}/wp-content/uploads"


@dataclass
class WPItem:
    """One <item> of a WordPress export, as the tests write them."""

    id: int
    title: str
    content: str = ""
    type: str = "post"
    slug: str = ""
    date: str = "2014-05-01 08:00:00"
    link: str = ""
    status: str = "publish"
    parent: int = 0
    attachment_url: str = ""
    meta: tuple[tuple[str, str], ...] = ()
    comments: tuple[tuple[int, str, str], ...] = ()
    """(id, author, HTML) of approved comments."""


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _item_xml(i: WPItem) -> str:
    link = i.link or (f"{BLOG}/{i.slug}/" if i.slug else f"{BLOG}/?p={i.id}")
    meta = "".join(
        f"<wp:postmeta><wp:meta_key>{_cdata(k)}</wp:meta_key>"
        f"<wp:meta_value>{_cdata(v)}</wp:meta_value></wp:postmeta>"
        for k, v in i.meta
    )
    comments = "".join(
        f"<wp:comment><wp:comment_id>{cid}</wp:comment_id>"
        f"<wp:comment_author>{_cdata(who)}</wp:comment_author>"
        f"<wp:comment_date>{_cdata(i.date)}</wp:comment_date>"
        f"<wp:comment_date_gmt>{_cdata(i.date)}</wp:comment_date_gmt>"
        f"<wp:comment_content>{_cdata(text)}</wp:comment_content>"
        "<wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type>"
        "<wp:comment_parent>0</wp:comment_parent></wp:comment>"
        for cid, who, text in i.comments
    )
    attachment = f"<wp:attachment_url>{_cdata(i.attachment_url)}</wp:attachment_url>"
    return (
        f"<item><title>{html.escape(i.title)}</title><link>{html.escape(link)}</link>"
        f"<dc:creator>{_cdata('grete')}</dc:creator>"
        f"<content:encoded>{_cdata(i.content)}</content:encoded>"
        f"<excerpt:encoded>{_cdata('')}</excerpt:encoded><wp:post_id>{i.id}</wp:post_id>"
        f"<wp:post_date>{_cdata(i.date)}</wp:post_date>"
        f"<wp:post_date_gmt>{_cdata(i.date)}</wp:post_date_gmt>"
        f"<wp:post_name>{_cdata(i.slug)}</wp:post_name><wp:status>{_cdata(i.status)}</wp:status>"
        f"<wp:post_parent>{i.parent}</wp:post_parent><wp:post_type>{_cdata(i.type)}</wp:post_type>"
        + (attachment if i.attachment_url else "")
        + meta
        + comments
        + "</item>\n"
    )


def export_of(items: list[WPItem], icon: str = "") -> str:
    """A WXR 1.2 export of blog.example.net holding these items."""
    image = (
        f"<image><url>{icon}</url><title>Blog</title><link>{BLOG}</link></image>" if icon else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n'
        f"<channel><title>Gretes Hafen</title><link>{BLOG}</link>"
        "<description>Aus dem Hafen</description><language>de-DE</language>"
        f"<wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>{BLOG}</wp:base_blog_url>"
        "<wp:author><wp:author_login>grete</wp:author_login>"
        "<wp:author_display_name>Grete</wp:author_display_name></wp:author>"
        f"{image}\n{''.join(_item_xml(i) for i in items)}</channel></rss>\n"
    )


def import_items(
    site: Path, tmp_path: Path, items: list[WPItem], **options: object
) -> ImportReport:
    export = tmp_path / "real.xml"
    export.write_text(export_of(items, str(options.pop("icon", ""))), encoding="utf-8")
    return run_import(site, export=export, **options)


def check_site(site: Path) -> None:
    """The imported site builds, and `sitegen check` finds nothing wrong with it."""
    result = run_cli("build", "--site", site)
    assert result.returncode == 0, result.stderr
    result = run_cli("check", "--site", site)
    assert result.returncode == 0, result.stdout + result.stderr


def doc(site: Path, stem: str) -> Path:
    """An imported document, one file or a bundle: doc(site, "posts/2014-05-01-im-hafen")."""
    single = site / "content" / f"{stem}.md"
    return single if single.is_file() else site / "content" / stem / "index.md"


def body_of(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("+++", 2)[2]


def stray_backslashes(markdown: str) -> list[str]:
    """Paragraphs, list items and table rows (outside code) that are or end in a lone `\\`.

    A backslash ending a line is a line break only with more of its block on the next line;
    before a blank line, a list item or a table's end it shows as a `\\`, as does one before
    a space.
    """
    lines, fence = [], ""
    for line in markdown.split("\n"):
        marker = re.match(r"^\s*(```+|~~~+)", line)
        if fence or marker:
            if not fence:
                fence = marker.group(1)  # type: ignore[union-attr]
            elif marker and marker.group(1).startswith(fence):
                fence = ""
            lines.append("")
            continue
        line = re.sub(r"^(?:\s*>)*\s?", "", line)
        lines.append("" if re.match(r"<[A-Za-z/!?]", line) else line)  # raw HTML: text
    found = []
    for n, line in enumerate(lines):
        following = lines[n + 1] if n + 1 < len(lines) else ""
        ends = (len(line) - len(line.rstrip("\\"))) % 2 == 1
        breaks_nothing = not following.strip() or re.match(r"\s*(?:[-*+]|\d+[.)])\s", following)
        if re.search(r"(?<!\\)(?:\\\\)*\\[ \t]", line) or (
            ends and (breaks_nothing or line.lstrip().startswith("|") or not line[:-1].strip())
        ):
            found.append(line)
    return found


CLASSIC = """Der Hafen am Morgen.
Die Kräne stehen still.

<ul>
<li>Fähren</li>
<li>Frachter
mit Rost</li>
</ul>

<table>
<tr>
<td>
Employee
</td>
<td>
Salary
</td>
</tr>
<tr>
<td>Anna</td>
<td>100</td>
</tr>
<tr>
<td>[audio src="https://example.com/gruss.mp3"]</td>
<td>zwei
Zeilen</td>
</tr>
</table>

<pre>
rsync -a fotos/ sicherung/

ls -l
</pre>

<blockquote>Wer fährt, kommt an.
Meistens.

Sagt Ole.</blockquote>

<ol>
<li>Erstens [code]a &lt; b[/code]</li>
<li>[caption id="x" width="300"]<a href="https://example.com/">Ein Link</a> Unterschrift[/caption]</li>
</ol>

<br />

Zum Schluss ein Satz [gallery] ohne Bilder.<br />
"""


def test_a_classic_post_without_paragraph_tags_reads_as_wordpress_showed_it(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site({})
    report = import_items(site, tmp_path, [WPItem(200, "Im Hafen", CLASSIC, slug="im-hafen")])
    assert not report.failed, report.failed
    markdown = body_of(doc(site, "posts/2014-05-01-im-hafen"))
    assert stray_backslashes(markdown) == []
    check_site(site)
    page = read(site, "2014/05/01/im-hafen/index.html")
    assert "<p>Der Hafen am Morgen.<br>\nDie Kräne stehen still.</p>" in page
    assert re.search(r"<li>Frachter<br>\s*mit Rost</li>", page)
    assert re.search(r"<th>Employee</th>\s*<th>Salary</th>", page)
    assert re.search(r"<td>Anna</td>\s*<td>100</td>", page)
    assert '<pre tabindex="0"><code>rsync -a fotos/ sicherung/\n\nls -l\n</code></pre>' in page
    assert re.search(
        r"<blockquote>\s*<p>Wer fährt, kommt an.<br>\s*Meistens.</p>\s*<p>Sagt Ole.</p>", page
    )
    assert re.search(
        r'<td><a href="https://example.com/gruss.mp3">gruss.mp3</a></td>\s*<td>zwei<br>\s*Zeilen</td>',
        page,
    )
    assert re.search(
        r"<ol>\s*<li>\s*<p>Erstens</p>\s*<pre tabindex=\"0\"><code>a &lt; b\n</code></pre>\s*</li>",
        page,
    )
    assert re.search(
        r'<li>\s*<p><a href="https://example.com/">Ein Link</a> Unterschrift</p>\s*</li>', page
    )
    assert "<p>\\</p>" not in page and "\\" not in page.split("<main", 1)[1]


def _image(name: str, alt: str = "") -> str:
    return f'<img src="{UPLOADS}/2014/05/{name}" alt="{alt}" class="wp-image-1"/>'


# One post for each core block, as the block editor saves it, and what its page must show.
BLOCKS: dict[str, tuple[str, str]] = {
    "paragraph": (
        "<!-- wp:paragraph --><p>Ein Absatz<br>mit Umbruch<br></p><!-- /wp:paragraph -->",
        r"<p>Ein Absatz<br>\s*mit Umbruch</p>",
    ),
    "heading": (
        '<!-- wp:heading --><h2 class="wp-block-heading">Am Kai</h2><!-- /wp:heading -->',
        r'<h2 id="am-kai">Am Kai</h2>',
    ),
    "list": (
        '<!-- wp:list --><ul class="wp-block-list"><!-- wp:list-item --><li>Taue<br></li><!-- /wp:list-item --><!-- wp:list-item --><li>Poller</li><!-- /wp:list-item --></ul><!-- /wp:list -->',
        r"<ul>\s*<li>Taue</li>\s*<li>Poller</li>\s*</ul>",
    ),
    "quote": (
        '<!-- wp:quote --><blockquote class="wp-block-quote"><!-- wp:paragraph --><p>Das Meer wartet.</p><!-- /wp:paragraph --><cite>Ole</cite></blockquote><!-- /wp:quote -->',
        r"<blockquote>\s*<p>Das Meer wartet.</p>\s*<p>— Ole</p>\s*</blockquote>",
    ),
    "pullquote": (
        '<!-- wp:pullquote --><figure class="wp-block-pullquote"><blockquote><p>Nie wieder Nebel.</p><cite>Grete</cite></blockquote></figure><!-- /wp:pullquote -->',
        r"<blockquote>\s*<p>Nie wieder Nebel.</p>\s*<p>— Grete</p>",
    ),
    "verse": (
        '<!-- wp:verse --><pre class="wp-block-verse">Die Möwe schreit<br>der Tag beginnt</pre><!-- /wp:verse -->',
        r"<p>Die Möwe schreit<br>\s*der Tag beginnt</p>",
    ),
    "preformatted": (
        '<!-- wp:preformatted --><pre class="wp-block-preformatted">Abfahrt  07:10<br>Ankunft  07:45</pre><!-- /wp:preformatted -->',
        r"<pre tabindex=\"0\"><code>Abfahrt  07:10\nAnkunft  07:45\n</code></pre>",
    ),
    "code": (
        '<!-- wp:code --><pre class="wp-block-code"><code>tail -f /var/log/hafen.log\nprint("\\n")</code></pre><!-- /wp:code -->',
        r"<pre tabindex=\"0\"><code>tail -f /var/log/hafen.log\nprint\(&quot;\\n&quot;\)\n</code></pre>",
    ),
    "table": (
        '<!-- wp:table --><figure class="wp-block-table"><table><thead><tr><th>Schiff</th><th>Tiefgang</th></tr></thead><tbody><tr><td>Anna<br>Maria</td><td>7|8 m</td></tr></tbody></table><figcaption class="wp-element-caption">Liegeplätze</figcaption></figure><!-- /wp:table -->',
        r"<td>Anna<br>Maria</td>\s*<td>7\|8 m</td>.*<em>Liegeplätze</em>",
    ),
    "image": (
        f'<!-- wp:image {{"id":1}} --><figure class="wp-block-image size-large">{_image("kai.png", "Der Kai")}<figcaption class="wp-element-caption">Am Kai</figcaption></figure><!-- /wp:image -->',
        r'<picture>.*alt="Der Kai".*<em>Am Kai</em>',
    ),
    "gallery": (
        f'<!-- wp:gallery --><figure class="wp-block-gallery has-nested-images"><!-- wp:image --><figure class="wp-block-image">{_image("kai.png", "Eins")}</figure><!-- /wp:image --><!-- wp:image --><figure class="wp-block-image">{_image("boje.png", "Zwei")}</figure><!-- /wp:image --></figure><!-- /wp:gallery -->',
        r'alt="Eins".*alt="Zwei"',
    ),
    "audio": (
        f'<!-- wp:audio --><figure class="wp-block-audio"><audio controls src="{UPLOADS}/2014/05/wellen.mp3"></audio><figcaption>Wellen</figcaption></figure><!-- /wp:audio -->',
        r'<a href="wellen.mp3">wellen.mp3</a>|href="/2014/05/01/audio/wellen.mp3"',
    ),
    "video": (
        f'<!-- wp:video --><figure class="wp-block-video"><video controls src="{UPLOADS}/2014/05/wellen.mp4"></video></figure><!-- /wp:video -->',
        r'href="[^"]*wellen\.mp4"',
    ),
    "file": (
        f'<!-- wp:file --><div class="wp-block-file"><a id="wp-block-file--media-1" href="{UPLOADS}/2014/05/fahrplan.pdf">Fahrplan</a><a href="{UPLOADS}/2014/05/fahrplan.pdf" class="wp-block-file__button wp-element-button" download aria-describedby="wp-block-file--media-1">Herunterladen</a></div><!-- /wp:file -->',
        r'<a href="[^"]*fahrplan\.pdf">Fahrplan</a></p>',
    ),
    "embed": (
        '<!-- wp:embed {"url":"https://www.youtube.com/watch?v=dQw4w9WgXcQ"} --><figure class="wp-block-embed is-type-video wp-block-embed-youtube"><div class="wp-block-embed__wrapper">\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n</div><figcaption>Hafenrundfahrt</figcaption></figure><!-- /wp:embed -->',
        r'href="https://www.youtube.com/watch\?v=dQw4w9WgXcQ".*Hafenrundfahrt',
    ),
    "cover": (
        f'<!-- wp:cover --><div class="wp-block-cover"><span aria-hidden="true" class="wp-block-cover__background has-background-dim"></span><img class="wp-block-cover__image-background wp-image-2" alt="" src="{UPLOADS}/2014/05/boje.png" data-object-fit="cover"/><div class="wp-block-cover__inner-container"><!-- wp:paragraph {{"align":"center"}} --><p class="has-text-align-center">Über dem Wasser</p><!-- /wp:paragraph --></div></div><!-- /wp:cover -->',
        r"<picture>.*<p>Über dem Wasser</p>",
    ),
    "media-text": (
        f'<!-- wp:media-text --><div class="wp-block-media-text is-stacked-on-mobile"><figure class="wp-block-media-text__media">{_image("kai.png", "Kai")}</figure><div class="wp-block-media-text__content"><!-- wp:paragraph --><p>Daneben der Text.</p><!-- /wp:paragraph --></div></div><!-- /wp:media-text -->',
        r'alt="Kai".*<p>Daneben der Text.</p>',
    ),
    "columns": (
        '<!-- wp:columns --><div class="wp-block-columns"><!-- wp:column --><div class="wp-block-column"><p>Links die Stadt.</p></div><!-- /wp:column --><!-- wp:column --><div class="wp-block-column"><p>Rechts das Meer.</p></div><!-- /wp:column --></div><!-- /wp:columns -->',
        r"<p>Links die Stadt.</p>\s*<p>Rechts das Meer.</p>",
    ),
    "group": (
        '<!-- wp:group --><div class="wp-block-group"><div class="wp-block-group__inner-container"><!-- wp:paragraph --><p>In der Gruppe.</p><!-- /wp:paragraph --></div></div><!-- /wp:group -->',
        r"<p>In der Gruppe.</p>",
    ),
    "buttons": (
        '<!-- wp:buttons --><div class="wp-block-buttons"><!-- wp:button --><div class="wp-block-button"><a class="wp-block-button__link wp-element-button" href="https://example.com/fahrplan">Zum Fahrplan</a></div><!-- /wp:button --></div><!-- /wp:buttons -->',
        r'<p><a href="https://example.com/fahrplan">Zum Fahrplan</a></p>',
    ),
    "separator": (
        '<!-- wp:paragraph --><p>Oben.</p><!-- /wp:paragraph --><!-- wp:separator --><hr class="wp-block-separator has-alpha-channel-opacity"/><!-- /wp:separator --><!-- wp:paragraph --><p>Unten.</p><!-- /wp:paragraph -->',
        r"<p>Oben.</p>\s*<hr>\s*<p>Unten.</p>",
    ),
    "spacer": (
        '<!-- wp:paragraph --><p>Vorher.</p><!-- /wp:paragraph --><!-- wp:spacer {"height":"100px"} --><div style="height:100px" aria-hidden="true" class="wp-block-spacer"></div><!-- /wp:spacer --><!-- wp:paragraph --><p>Nachher.</p><!-- /wp:paragraph -->',
        r"<p>Vorher.</p>\s*<p>Nachher.</p>",
    ),
    "details": (
        '<!-- wp:details --><details class="wp-block-details"><summary>Mehr über Bojen</summary><!-- wp:paragraph --><p>Bojen <em>schwimmen</em>.</p><!-- /wp:paragraph --></details><!-- /wp:details -->',
        r"<details>\s*<summary>Mehr über Bojen</summary>\s*<p>Bojen <em>schwimmen</em>.</p>\s*</details>",
    ),
    "footnotes": (
        '<!-- wp:paragraph --><p>Ein Satz<sup data-fn="f1" class="fn"><a href="#f1" id="f1-link">1</a></sup>.</p><!-- /wp:paragraph --><!-- wp:footnotes /-->',
        r'class="footnote-ref".*Die Quelle',
    ),
}


def test_each_core_block_keeps_its_meaning(make_site: MakeSite, tmp_path: Path) -> None:
    media = tmp_path / "uploads"
    (media / "2014/05").mkdir(parents=True)
    for name, colour in (("kai.png", (10, 80, 160)), ("boje.png", (220, 60, 20))):
        (media / "2014/05" / name).write_bytes(png(colour))
    (media / "2014/05/wellen.mp3").write_bytes(mp3())
    (media / "2014/05/fahrplan.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    items = [
        WPItem(300 + n, f"Block {name}", content, slug=name, date=f"2014-05-{n + 1:02d} 08:00:00")
        for n, (name, (content, _)) in enumerate(BLOCKS.items())
    ]
    footnotes = '[{"id": "f1", "content": "Die Quelle ist der Hafenmeister."}]'
    items[-1].meta = (("footnotes", footnotes),)
    site = make_site({})
    report = import_items(site, tmp_path, items, media_dir=media)
    assert not report.failed, report.failed
    assert [url for _, url in report.media_missing] == [f"{UPLOADS}/2014/05/wellen.mp4"]
    check_site(site)
    for n, (name, (_, shown)) in enumerate(BLOCKS.items()):
        markdown = body_of(doc(site, f"posts/2014-05-{n + 1:02d}-{name}"))
        assert stray_backslashes(markdown) == [], name
        assert "wp:" not in markdown and "style=" not in markdown, name
        page = read(site, f"2014/05/{n + 1:02d}/{name}/index.html")
        main = page.split("<main", 1)[1].split("</main>", 1)[0]
        assert re.search(shown, main, re.S), f"{name}: {main}"
        assert "Herunterladen" not in main and "wp-block" not in main, name
    report = check_html(site / "output")  # what stays HTML (details) is valid HTML too
    assert report.endswith("No errors found.") and "Warning" not in report, report


def test_urls_sitegen_makes_or_the_site_holds_go_elsewhere_and_are_reported(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site(
        {
            "site.toml": SITE_TOML.replace("paginate", 'permalink = "/{slug}/"\npaginate'),
            "content/pages/kontakt.md": '+++\ntitle = "Kontakt"\n+++\n\nSchreib mir.\n',
        }
    )
    page, post = "page", "post"
    items = [
        WPItem(401, "Tags", "Über Schlagworte.", slug="tags"),
        WPItem(402, "Träume", "Über Träume.", slug="traeume", date="2014-05-02 08:00:00"),
        WPItem(403, "Transparenz", "Offen.", type=page, slug="transparenz"),
        WPItem(404, "Uses", "Werkzeug.", type=page, slug="uses"),
        WPItem(405, "2013", "Ein Jahr.", type=page, slug="2013"),
        WPItem(406, "Seite zwei", "Zwei.", type=page, slug="2", link=f"{BLOG}/page/2/"),
        WPItem(407, "Kontakt", "Schreib uns.", type=page, slug="kontakt"),
        WPItem(408, "Hafen", "Erster.", slug="hafen"),
        WPItem(409, "Hafen", "Zweiter.", slug="hafen"),
        WPItem(410, "Feed", "Abonnieren.", type=page, slug="feed-xml", link=f"{BLOG}/feed.xml/"),
        WPItem(411, "Flucht", "Nach oben.", type=post, slug="flucht", link=f"{BLOG}/../../x/"),
        WPItem(412, "Alt", "Alte Adresse.", slug="alt", link=f"{BLOG}/tags/"),
        WPItem(413, "Icon", "Bild.", type=page, slug="icon", link=f"{BLOG}/favicon.svg/"),
        WPItem(414, "Καλημέρα Θεσσαλονίκη", "Ήλιος.", slug="%ce%ba%ce%b1%ce%bb%ce%b7%ce%bc"),
        WPItem(415, "Feed", "Noch ein Feed.", slug="feed.xml"),
        WPItem(416, "Index", "Die Startseite.", type=page, slug="", link=f"{BLOG}/index.html"),
    ]
    report = import_items(site, tmp_path, items)
    assert not report.failed, report.failed
    moved = "\n".join(report.moved)
    for expected in (
        "/tags/ is the tag pages; imported as content/posts/2014-05-01-tags-2.md at /tags-2/",
        "/traeume/ is the dreams page; imported as content/posts/2014-05-02-traeume-2.md",
        "/transparenz/ is the transparency page; imported as content/pages/transparenz-2.md",
        "/uses/ is the uses page; imported as content/pages/uses-2.md at /uses-2/",
        "/2013/ is a year archive; imported as content/pages/2013-2.md at /2013-2/",
        "/page/2/ is a page of a listing; imported as content/pages/2-2.md at /2-2/",
        "content/pages/kontakt.md is the site's own; imported as content/pages/kontakt-2.md",
        "content/posts/2014-05-01-hafen.md is another item of the export; imported as "
        "content/posts/2014-05-01-hafen-2.md at /hafen-2/",
        "content/pages/feed-xml.md: no redirect from /feed.xml/: it is a feed",
        "content/posts/2014-05-01-flucht.md: no redirect from /../../x/: it leaves the site",
        "content/posts/2014-05-01-alt.md: no redirect from /tags/: it is the tag pages",
        "content/pages/icon.md: no redirect from /favicon.svg/: it is a file of theme default",
        "content/pages/index.md: no redirect from /index.html/: it is the home page",
    ):
        assert expected in moved, f"{expected}\n---\n{moved}"
    assert "URLs that were taken, and where the items went:" in report.lines()
    assert "Schreib mir." in (site / "content/pages/kontakt.md").read_text(encoding="utf-8")
    assert "url" not in front_matter(doc(site, "pages/2-2"))
    greek = [p for p in (site / "content/posts").glob("*.md") if "Καλημέρα" in p.read_text("utf-8")]
    assert len(greek) == 1 and front_matter(greek[0])["title"] == "Καλημέρα Θεσσαλονίκη"
    check_site(site)
    assert "Über Schlagworte." in read(site, "tags-2/index.html")
    assert "Erster." in read(site, "hafen/index.html") and "Zweiter." in read(
        site, "hafen-2/index.html"
    )
    assert not (tmp_path / "x").exists() and not (site / "x").exists()


def test_the_about_page_replaces_inits_untouched_placeholder(tmp_path: Path) -> None:
    site = create_site(tmp_path / "site", "de")
    about = WPItem(501, "Über uns", "<p>Wir sind Grete und Ole.</p>", type="page", slug="ueber-uns")
    report = import_items(site, tmp_path, [about])
    assert report.pages == 1 and not report.kept and not report.moved
    assert report.replaced == (
        "content/pages/ueber-uns.md, the placeholder sitegen init wrote, by "
        'content/pages/ueber-uns.md (page "Über uns" (id 501))',
    )
    assert "  replaced: content/pages/ueber-uns.md" in "\n".join(report.lines())
    assert "Wir sind Grete und Ole." in (site / "content/pages/ueber-uns.md").read_text("utf-8")
    check_site(site)
    assert "Wir sind Grete und Ole." in read(site, "ueber-uns/index.html")
    again = import_items(site, tmp_path, [about])
    assert again.unchanged == 1 and not again.replaced and not again.kept


def test_an_edited_about_page_stays_and_the_import_goes_beside_it(tmp_path: Path) -> None:
    site = create_site(tmp_path / "site", "de")
    own = site / "content/pages/ueber-uns.md"
    own.write_text(own.read_text("utf-8").replace("Wer hier schreibt", "Ich schreibe"), "utf-8")
    before = own.read_bytes()
    about = WPItem(501, "Über uns", "<p>Wir sind Grete und Ole.</p>", type="page", slug="ueber-uns")
    report = import_items(site, tmp_path, [about])
    assert report.pages == 1 and not report.kept and not report.replaced
    assert report.moved == (
        'page "Über uns" (id 501): content/pages/ueber-uns.md is the site\'s own; '
        "imported as content/pages/ueber-uns-2.md at /ueber-uns-2/",
        "content/pages/ueber-uns-2.md: no redirect from /ueber-uns/: it is "
        "content/pages/ueber-uns.md",
    )
    assert own.read_bytes() == before
    assert "edited since the last import" not in "\n".join(report.lines()[1:])
    check_site(site)
    assert "Wir sind Grete und Ole." in read(site, "ueber-uns-2/index.html")


def gps_jpeg(size: tuple[int, int] = (60, 40)) -> bytes:
    """A photo as a phone leaves it: GPS position, camera serial, comment, XMP, turned by EXIF."""
    from PIL import Image, ImageCms

    exif = Image.Exif()
    exif[0x0112] = 6  # shown turned a quarter to the right
    exif[0xA431] = "SN-4711"  # the camera body's serial number
    exif[0x8825] = {1: "N", 2: (53.0, 32.0, 45.0), 3: "E", 4: (9.0, 58.0, 12.0)}
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>GPSLatitude 53</rdf:RDF></x:xmpmeta>'
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(
        buffer, "JPEG", exif=exif, icc_profile=icc, comment=b"Hafen, Liegeplatz 7", xmp=xmp
    )
    return buffer.getvalue()


def carries_metadata(path: Path) -> list[str]:
    """What of the photo's private metadata an image file still holds, read with Pillow."""
    from PIL import Image

    with Image.open(path) as image:
        exif = image.getexif()
        found = [
            name
            for name, present in (
                ("GPS", bool(exif.get_ifd(0x8825)) or 0x8825 in exif),
                ("serial", 0xA431 in exif or 0xA431 in exif.get_ifd(0x8769)),
                ("comment", bool(image.info.get("comment"))),
                ("XMP", bool(image.info.get("xmp")) or b"GPSLatitude" in path.read_bytes()),
            )
            if present
        ]
    return found


def _photo_items() -> list[WPItem]:
    photo = f'<p><img src="{UPLOADS}/2014/05/liegeplatz.jpg" alt="Liegeplatz"></p>'
    broken = f'<p>Kaputt: <img src="{UPLOADS}/2014/05/kaputt.jpg" alt="Ein kaputtes Bild"></p>'
    return [
        WPItem(
            600,
            "liegeplatz",
            type="attachment",
            parent=601,
            attachment_url=f"{UPLOADS}/2014/05/liegeplatz.jpg",
        ),
        WPItem(
            602,
            "fehlt",
            type="attachment",
            parent=603,
            attachment_url=f"{UPLOADS}/2014/05/fehlt.jpg",
        ),
        WPItem(
            601,
            "Liegeplatz",
            "<h2>Hamburg, 6:05 CET, Tag 570</h2>\n\nDer Kahn liegt still.\n\n" + photo,
            slug="liegeplatz",
            meta=(("_thumbnail_id", "600"),),
            comments=(
                (
                    1,
                    "Anna",
                    "<h1>Toll!</h1><p>Ein <em>schöner</em> Platz.</p><table><tr><td>Tiefe</td><td>7 m</td></tr></table>",
                ),
            ),
        ),
        WPItem(
            603,
            "Ohne Bild",
            "Nur Text.",
            slug="ohne-bild",
            meta=(("_thumbnail_id", "602"),),
            date="2014-05-02 08:00:00",
        ),
        WPItem(604, "Kaputt", broken, slug="kaputt", date="2014-05-03 08:00:00"),
    ]


def _photo_uploads(tmp_path: Path) -> Path:
    media = tmp_path / "uploads"
    (media / "2014/05").mkdir(parents=True)
    (media / "2014/05/liegeplatz.jpg").write_bytes(gps_jpeg())
    (media / "2014/05/kaputt.jpg").write_bytes(gps_jpeg()[:400])  # cut off mid-scan
    return media


def test_photos_lose_location_covers_come_from_featured_images_damaged_ones_stay_links(
    make_site: MakeSite, tmp_path: Path
) -> None:
    from PIL import Image

    site = make_site({})
    media = _photo_uploads(tmp_path)
    assert carries_metadata(media / "2014/05/liegeplatz.jpg") == ["GPS", "serial", "comment", "XMP"]
    report = import_items(site, tmp_path, _photo_items(), media_dir=media)
    assert not report.failed, report.failed

    post = doc(site, "posts/2014-05-01-liegeplatz")
    matter = front_matter(post)
    assert matter["cover"] == "liegeplatz.jpg" and matter["location"] == "Hamburg"
    assert matter["day"] == 570 and "Hamburg, 6:05" not in body_of(post)
    copied = post.parent / "liegeplatz.jpg"
    assert carries_metadata(copied) == []
    with Image.open(copied) as image:
        assert image.size == (40, 60)  # turned upright before the orientation went
        assert image.info.get("icc_profile")  # the colour profile stays
    assert [p for p in (site / "content").rglob("*.jpg") if carries_metadata(p)] == []
    assert "without location (GPS), camera serials, comments and XMP" in "\n".join(report.lines())
    assert report.covers == (
        f"content/posts/2014-05-02-ohne-bild/index.md: {UPLOADS}/2014/05/fehlt.jpg is not in --media",
    )
    assert report.media_damaged == (
        (
            "content/posts/2014-05-03-kaputt/index.md",
            f"{UPLOADS}/2014/05/kaputt.jpg",
            report.media_damaged[0][2],
        ),
    )
    assert "cannot read this image" in report.media_damaged[0][2]
    lines = "\n".join(report.lines())
    assert f"damaged: {UPLOADS}/2014/05/kaputt.jpg (for content/posts/2014-05-03-kaputt" in lines
    assert not list(site.joinpath("content/posts").rglob("kaputt.jpg"))

    comments = body_of(post).split("## Kommentare", 1)[1]
    assert "#" not in comments and "|" not in comments
    assert "Toll!" in comments and "Tiefe · 7 m" in comments and "*schöner*" in comments

    check_site(site)
    page = read(site, "2014/05/01/liegeplatz/index.html")
    assert page.count("<h1") == 1 and "Hamburg" in page and "## Hamburg" not in page
    assert re.search(r'class="[^"]*cover[^"]*"', page)
    assert f'href="{UPLOADS}/2014/05/kaputt.jpg"' in read(site, "2014/05/03/kaputt/index.html")
    published = [p for p in (site / "output").rglob("*") if p.suffix in (".jpg", ".webp")]
    assert published and all(carries_metadata(p) == [] for p in published if p.suffix == ".jpg")


def test_keep_metadata_copies_photos_as_they_are(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({})
    media = _photo_uploads(tmp_path)
    result = run_cli(
        "import", "wordpress", _export_file(tmp_path, _photo_items()), "--site", site,
        "--media", media, "--keep-metadata",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "images copied with all their metadata" in result.stdout
    copied = doc(site, "posts/2014-05-01-liegeplatz").parent / "liegeplatz.jpg"
    assert copied.read_bytes() == (media / "2014/05/liegeplatz.jpg").read_bytes()
    assert "damaged: " in result.stdout  # a damaged file is still refused


def _export_file(tmp_path: Path, items: list[WPItem]) -> Path:
    export = tmp_path / "real.xml"
    export.write_text(export_of(items), encoding="utf-8")
    return export


def test_a_podcast_export_says_which_podcast_section_to_add(
    make_site: MakeSite, tmp_path: Path
) -> None:
    from PIL import Image

    media = tmp_path / "uploads"
    (media / "2014/05").mkdir(parents=True)
    (media / "2014/05/folge-1.mp3").write_bytes(mp3())
    Image.new("RGB", (1400, 1400), (250, 200, 0)).save(media / "2014/05/icon.png")
    enclosure = f"{UPLOADS}/2014/05/folge-1.mp3\n16680\naudio/mpeg"
    episode = WPItem(
        701, "Folge 1", "<p>Wellen.</p>", slug="folge-1", meta=(("enclosure", enclosure),)
    )
    site = make_site({})
    settings = (site / "site.toml").read_bytes()
    report = import_items(
        site, tmp_path, [episode], media_dir=media, icon=f"{UPLOADS}/2014/05/icon-32x32.png"
    )
    assert not report.failed, report.failed
    assert (site / "site.toml").read_bytes() == settings  # the import writes into content/ only
    assert report.podcast[0].startswith("podcast: 1 episode, but /podcast.xml needs a [podcast]")
    section = "\n".join(line.removeprefix("  ") for line in report.podcast[1:])
    assert (
        '[podcast]\ntitle = "Gretes Hafen"\ndescription = "Aus dem Hafen"\nimage = "icon.png"'
        in section
    )
    assert "missing: the export holds no Apple category" in section
    assert "missing: the e-mail" in section
    assert (site / "content/static/icon.png").is_file()

    # Filled in where the report says something is missing, the section gives a podcast feed.
    filled = section.replace('# category = ""', 'category = "Arts"').replace(
        'email = ""', 'email = "grete@example.org"'
    )
    (site / "site.toml").write_text(SITE_TOML + "\n" + filled + "\n", encoding="utf-8")
    check_site(site)
    feed = read(site, "podcast.xml")
    assert "<title>Gretes Hafen</title>" in feed and "folge-1.mp3" in feed


def test_without_a_usable_icon_the_report_says_the_artwork_is_missing(
    make_site: MakeSite, tmp_path: Path
) -> None:
    media = tmp_path / "uploads"
    (media / "2014/05").mkdir(parents=True)
    (media / "2014/05/folge-1.mp3").write_bytes(mp3())
    (media / "2014/05/icon.png").write_bytes(png((1, 2, 3)))
    enclosure = f"{UPLOADS}/2014/05/folge-1.mp3\n16680\naudio/mpeg"
    episode = WPItem(
        701, "Folge 1", "<p>Wellen.</p>", slug="folge-1", meta=(("enclosure", enclosure),)
    )
    site = make_site({})
    report = import_items(
        site, tmp_path, [episode], media_dir=media, icon=f"{UPLOADS}/2014/05/icon.png"
    )
    assert (
        '# image = "cover.jpg"   # missing: podcast artwork must be square, not 4×3 px'
        in report.podcast[4]
    )
    assert not (site / "content/static/icon.png").exists()
    check_site(site)  # without the section the site builds, just without /podcast.xml


# Properties: generated content, read back through sitegen's own renderer -----------------

# Words with the characters Markdown gives a meaning to; no quotes, and none of the
# sequences the renderer's typography turns into other characters ("--", "...", "(c)").
_WORD = st.text(
    alphabet=st.sampled_from("abcxyzäöüßΑλω0129*_#|\\<>&[]()`~+=/@%$^{}.,:;!?-"),
    min_size=1,
    max_size=7,
).filter(lambda w: not re.search(r"--|\.\.|\+-|,,|\?\?|!!|\((?:c|r|p|tm)\)|^https?:", w, re.I))
_LINE = st.lists(_WORD, min_size=1, max_size=5).map(" ".join)
_LINES = st.lists(_LINE, min_size=1, max_size=3)
_CODE = st.text(alphabet=st.sampled_from("ab \\<>&*_#|`~-\n\t"), min_size=1, max_size=40).filter(
    lambda t: t.strip() and not t.startswith("\n") and "```" not in t and "~~~" not in t
)


def budget(examples: int) -> int:
    """Examples for a property: few in CI; WORDPRESS_EXAMPLES=30 runs thirty times as many."""
    return examples * int(os.environ.get("WORDPRESS_EXAMPLES", "1"))


Expected = list[tuple[str, str]]
"""(kind, text) of every paragraph ("p"), list item, table cell, heading and code block."""


def _flat(text: str) -> str:
    return " ".join(text.split())


@st.composite
def classic_posts(draw: st.DrawFn) -> tuple[str, Expected]:
    """A classic-editor post, stored as WordPress stores it: no <p>, newlines for breaks."""
    parts: list[str] = []
    expected: Expected = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["p", "p", "ul", "table", "pre", "quote"]))
        if kind == "p":
            lines = draw(_LINES)
            parts.append("\n".join(html.escape(line, quote=False) for line in lines))
            expected.append(("p", " ".join(lines)))
        elif kind == "ul":
            items = draw(st.lists(_LINES, min_size=1, max_size=3))
            tag = draw(st.sampled_from(["ul", "ol"]))
            body = "\n".join(
                "<li>" + "\n".join(html.escape(x, quote=False) for x in lines) + "</li>"
                for lines in items
            )
            parts.append(f"<{tag}>\n{body}\n</{tag}>")
            expected += [("li", " ".join(lines)) for lines in items]
        elif kind == "table":
            width = draw(st.integers(1, 3))
            rows = draw(
                st.lists(st.lists(_LINE, min_size=width, max_size=width), min_size=1, max_size=3)
            )
            own_lines = draw(st.booleans())
            cell = "<td>\n{}\n</td>" if own_lines else "<td>{}</td>"
            body = "\n".join(
                "<tr>\n"
                + "\n".join(cell.format(html.escape(c, quote=False)) for c in row)
                + "\n</tr>"
                for row in rows
            )
            parts.append(f"<table>\n{body}\n</table>")
            expected += [("cell", c) for row in rows for c in row]
        elif kind == "pre":
            code = draw(_CODE)
            parts.append(f"<pre>{html.escape(code, quote=False)}</pre>")
            expected.append(("pre", code))
        else:
            paragraphs = draw(st.lists(_LINES, min_size=1, max_size=2))
            inner = "\n\n".join(
                "\n".join(html.escape(x, quote=False) for x in p) for p in paragraphs
            )
            parts.append(f"<blockquote>{inner}</blockquote>")
            expected += [("p", " ".join(p)) for p in paragraphs]
    return "\n\n".join(parts), expected


@st.composite
def block_posts(draw: st.DrawFn) -> tuple[str, Expected]:
    """A block-editor post: each block as the editor saves it, inside its comments."""
    parts: list[str] = []
    expected: Expected = []

    def text(value: str) -> str:
        return html.escape(value, quote=False)

    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["paragraph", "heading", "list", "quote", "verse",
                                     "preformatted", "code", "table", "details", "columns"]))  # fmt: skip
        if kind in ("paragraph", "verse"):
            lines = draw(_LINES)
            joined = "<br>".join(text(x) for x in lines) + draw(st.sampled_from(["", "<br>"]))
            saved = (
                f"<p>{joined}</p>"
                if kind == "paragraph"
                else f'<pre class="wp-block-verse">{joined}</pre>'
            )
            parts.append(f"<!-- wp:{kind} -->{saved}<!-- /wp:{kind} -->")
            expected.append(("p", " ".join(lines)))
        elif kind == "heading":
            line = draw(_LINE)
            parts.append(
                f'<!-- wp:heading --><h2 class="wp-block-heading">{text(line)}</h2><!-- /wp:heading -->'
            )
            expected.append(("h", line))
        elif kind == "list":
            items = draw(st.lists(_LINES, min_size=1, max_size=3))
            body = "".join(
                "<!-- wp:list-item --><li>"
                + "<br>".join(text(x) for x in lines)
                + "</li><!-- /wp:list-item -->"
                for lines in items
            )
            parts.append(f'<!-- wp:list --><ul class="wp-block-list">{body}</ul><!-- /wp:list -->')
            expected += [("li", " ".join(lines)) for lines in items]
        elif kind == "quote":
            said, who = draw(_LINE), draw(_LINE)
            parts.append(
                '<!-- wp:quote --><blockquote class="wp-block-quote"><!-- wp:paragraph -->'
                f"<p>{text(said)}</p><!-- /wp:paragraph --><cite>{text(who)}</cite></blockquote><!-- /wp:quote -->"
            )
            expected += [("p", said), ("p", f"— {who}")]
        elif kind in ("preformatted", "code"):
            code = draw(_CODE)
            if kind == "code":
                saved = f'<pre class="wp-block-code"><code>{text(code)}</code></pre>'
            else:
                saved = f'<pre class="wp-block-preformatted">{text(code).replace(chr(10), "<br>")}</pre>'
            parts.append(f"<!-- wp:{kind} -->{saved}<!-- /wp:{kind} -->")
            expected.append(("pre", code))
        elif kind == "table":
            width = draw(st.integers(1, 3))
            rows = draw(
                st.lists(st.lists(_LINES, min_size=width, max_size=width), min_size=1, max_size=3)
            )
            body = "".join(
                "<tr>"
                + "".join("<td>" + "<br>".join(text(x) for x in c) + "</td>" for c in row)
                + "</tr>"
                for row in rows
            )
            parts.append(
                '<!-- wp:table --><figure class="wp-block-table"><table><tbody>'
                f"{body}</tbody></table></figure><!-- /wp:table -->"
            )
            expected += [("cell", " ".join(c)) for row in rows for c in row]
        elif kind == "details":
            summary, inside = draw(_LINE), draw(_LINE)
            parts.append(
                f'<!-- wp:details --><details class="wp-block-details"><summary>{text(summary)}</summary>'
                f"<!-- wp:paragraph --><p>{text(inside)}</p><!-- /wp:paragraph --></details><!-- /wp:details -->"
            )
            expected += [("summary", summary), ("p", inside)]
        else:
            left, right = draw(_LINE), draw(_LINE)
            parts.append(
                '<!-- wp:columns --><div class="wp-block-columns"><!-- wp:column --><div class="wp-block-column">'
                f'<p>{text(left)}</p></div><!-- /wp:column --><!-- wp:column --><div class="wp-block-column">'
                f"<p>{text(right)}</p></div><!-- /wp:column --></div><!-- /wp:columns -->"
            )
            expected += [("p", left), ("p", right)]
    return "\n\n".join(parts), expected


def shown(markdown: str) -> Expected:
    """What sitegen's renderer makes of Markdown, read back as (kind, text) in page order."""
    rendered = renderer.render(
        markdown, typography=renderer.Typography(), source_key="posts/x.md", line_offset=0
    ).html
    soup = BeautifulSoup(rendered, "html.parser")
    for br in soup.find_all("br"):
        br.replace_with("\n")  # a line break parts words as a space does
    kinds = {"p": "p", "li": "li", "td": "cell", "th": "cell", "pre": "pre", "summary": "summary",
             "h1": "h", "h2": "h", "h3": "h", "h4": "h", "h5": "h", "h6": "h"}  # fmt: skip
    found: Expected = []
    for element in soup.find_all(list(kinds)):
        if element.name == "p" and element.find_parent("li") is not None:
            continue  # a loose list's paragraph: the item says it
        kind = kinds[element.name]
        found.append(
            (kind, element.get_text().strip("\n") if kind == "pre" else element.get_text())
        )
    return found


def _same(found: Expected, expected: Expected) -> bool:
    def key(kind: str, value: str) -> tuple[str, str]:
        # Code keeps every character but blank lines around it and the spaces that end it.
        code = re.sub(r"^(?:[ \t]*\n)+", "", value).rstrip()
        return (kind, code if kind == "pre" else _flat(value))

    return [key(*x) for x in found] == [key(*x) for x in expected]


@settings(max_examples=budget(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(classic_posts() | block_posts())
# Failures Hypothesis found once, kept: each was a bug of the conversion.
@example(
    ('<!-- wp:heading --><h2 class="wp-block-heading">0 #</h2><!-- /wp:heading -->', [("h", "0 #")])
)
@example(
    (
        '<!-- wp:heading --><h2 class="wp-block-heading">~~0 0~~</h2><!-- /wp:heading -->',
        [("h", "~~0 0~~")],
    )
)
@example(("0\n&lt;", [("p", "0 <")]))
@example(("C:\\\n\nx [a](b) [^1] | y", [("p", "C:\\"), ("p", "x [a](b) [^1] | y")]))
@example(("<pre>a  \n\n\n\nb</pre>", [("pre", "a  \n\n\n\nb")]))
def test_imported_markdown_keeps_the_text_of_every_paragraph(post: tuple[str, Expected]) -> None:
    source, expected = post
    markdown = to_markdown(source, _links()).markdown
    assert stray_backslashes(markdown) == [], markdown
    found = shown(markdown)
    assert _same(found, expected), f"{source!r}\n---\n{markdown}\n---\n{found}\n---\n{expected}"


_SLUGS = ["tags", "traeume", "transparenz", "uses", "2014", "page", "hafen", "feed.xml",
          "404.html", "sitemap.xml", "images", "ueber-uns", "assets", ""]  # fmt: skip
_OLD_LINKS = ["", f"{BLOG}/../../x/", f"{BLOG}/tags/", f"{BLOG}/feed.xml/", f"{BLOG}/page/2/",
              f"{BLOG}/2014/05/01/hafen/", f"{BLOG}/favicon.svg/", f"{BLOG}/images/a/"]  # fmt: skip
_PHOTO = f'<p><img src="{UPLOADS}/2014/05/liegeplatz.jpg" alt="Ein Foto"></p>'
_BROKEN = f'<p><img src="{UPLOADS}/2014/05/kaputt.jpg" alt="Kaputt"></p>'


@st.composite
def exports(draw: st.DrawFn) -> list[WPItem]:
    """A few posts and pages that want URLs the site has, with photos, covers and comments."""
    items = [
        WPItem(
            600, "liegeplatz", type="attachment", attachment_url=f"{UPLOADS}/2014/05/liegeplatz.jpg"
        ),
        WPItem(602, "kaputt", type="attachment", attachment_url=f"{UPLOADS}/2014/05/kaputt.jpg"),
    ]
    for n in range(draw(st.integers(1, 4))):
        content, _ = draw(classic_posts() | block_posts())
        content += draw(st.sampled_from(["", _PHOTO, _BROKEN]))
        cover = draw(
            st.sampled_from([(), (("_thumbnail_id", "600"),), (("_thumbnail_id", "602"),)])
        )
        heading = draw(st.sampled_from(["", "<h2>Hamburg, 6:05 CET, Tag 570</h2>\n\n"]))
        items.append(
            WPItem(
                700 + n,
                draw(st.sampled_from(["Hafen", "Καλημέρα", "Über uns", "Tags"])),
                heading + content,
                type=draw(st.sampled_from(["post", "page"])),
                slug=draw(st.sampled_from(_SLUGS)),
                date=f"2014-05-0{draw(st.integers(1, 2))} 08:00:00",
                link=draw(st.sampled_from(_OLD_LINKS)),
                meta=cover,
                comments=draw(
                    st.sampled_from(
                        [(), ((1, "Anna", "<h1>Toll</h1><table><tr><td>a</td></tr></table>"),)]
                    )
                ),
            )
        )
    return items


@settings(
    max_examples=budget(6),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(exports(), st.sampled_from(["", "/{slug}/"]))
def test_every_imported_site_builds_passes_check_and_holds_no_location(
    items: list[WPItem], permalink: str
) -> None:
    from sitegen.cli import main

    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        site = create_site(tmp / "site", "de")
        if permalink:
            toml = site / "site.toml"
            text = re.sub(
                r"(?m)^permalink = .*$", f'permalink = "{permalink}"', toml.read_text("utf-8")
            )
            toml.write_text(text, "utf-8")
        report = import_items(site, tmp, items, media_dir=_photo_uploads(tmp))
        assert not report.failed, report.failed
        for path in (site / "content").rglob("*.md"):
            assert stray_backslashes(body_of(path)) == [], path
        for path in (site / "content").rglob("*"):
            if path.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp"):
                assert carries_metadata(path) == [], path
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            built = main(["build", "--site", str(site)])
            checked = main(["check", "--site", str(site)]) if built == 0 else 1
        assert (built, checked) == (0, 0), (
            out.getvalue() + err.getvalue() + "\n".join(report.lines())
        )
        imported = report.posts + report.pages + report.drafts
        assert imported == len(items) - 2  # every post and page, none lost to a collision
        assert len(list((site / "output").rglob("*.html"))) > imported


def test_without_the_record_of_the_last_import_nothing_is_imported_twice(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site({})
    items = [
        WPItem(801, "Hafen", "<p>Erster.</p>", slug="hafen"),
        WPItem(802, "Kai", "<p>Zweiter.</p>", slug="kai"),
    ]
    import_items(site, tmp_path, items)
    (site / ".sitegen-cache/wordpress-import.json").unlink()
    report = import_items(site, tmp_path, items)
    assert not report.moved and not report.kept and report.unchanged == 2
    items[0].content = "<p>Erster, neu.</p>"
    (site / ".sitegen-cache/wordpress-import.json").unlink()
    report = import_items(site, tmp_path, items)
    assert report.unrecorded == ("content/posts/2014-05-01-hafen.md",) and not report.kept
    assert "no record of an earlier import" in "\n".join(report.lines())
    assert sorted(p.name for p in (site / "content/posts").iterdir()) == [
        "2014-05-01-hafen.md",
        "2014-05-01-kai.md",
    ]
    check_site(site)


def test_every_page_sitegen_makes_is_a_url_the_import_keeps_free(make_site: MakeSite) -> None:
    from sitegen.config import load_config
    from sitegen.wordpress.urls import survey

    site = make_site(
        {
            "site.toml": SITE_TOML.replace("paginate = 2", "paginate = 1"),
            "content/posts/2014-01-01-a.md": post(
                "A",
                "2014-01-01T08:00:00+01:00",
                tags=["Hafen"],
                dream="Heute Nacht flog ich.",
                series="Am Kai",
            ),
            "content/posts/2014-01-02-b/index.md": post(
                "B", "2014-01-02T08:00:00+01:00", "![Kai](kai.png)", aliases=["/alt/b/"]
            ),
            "content/posts/2014-01-02-b/kai.png": png((1, 2, 3)),
            "content/pages/kontakt.md": '+++\ntitle = "Kontakt"\n+++\n\nSchreib mir.\n',
            "content/static/CNAME": "example.org\n",
            "content/uses.toml": (
                '[[item]]\nname = "Ein Stift"\ncategory = "Werkzeug"\npurpose = "Schreiben"\n'
                "since = 2012-01-01\n"
            ),
        }
    )
    build_site(site)
    taken = survey(load_config(site), set()).taken
    bundles = ("2014/01/02/b/",)  # a bundle's files sit below its post's URL
    free = [
        output
        for p in sorted((site / "output").rglob("*"))
        if p.is_file()
        and not (output := p.relative_to(site / "output").as_posix()).startswith(bundles)
        and output != MARKER  # a hidden name: no URL can take it (the output gate refuses it)
        and taken.holder(output.removesuffix("index.html")) is None
    ]
    assert free == []
    assert {
        "tags/hafen/index.html",
        "traeume/index.html",
        "page/2/index.html",
        "uses.json",
        "series/am-kai/index.html",
    } <= {p.relative_to(site / "output").as_posix() for p in (site / "output").rglob("*")}
