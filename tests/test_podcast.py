"""The podcast: episodes from posts with audio, podcast.xml as apps read it, episode pages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import pytest
from lxml import etree
from PIL import Image

from sitegen.feedcheck import check_feeds
from sitegen.podcast import feed_guid

from .conftest import SITE_TOML, MakeSite, build_site, check_html, make_audio, post, read, run_cli
from .shapes import make_m4a

BASE = "https://user.github.io/pod/"
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
PODCAST = "{https://podcastindex.org/namespace/1.0}"
EPISODE = "content/posts/2024-01-05-papier/"

PODCAST_TOML = """
[podcast]
title = "Falz & Funk"
description = "Wir reden über Papier."
image = "cover.jpg"
category = "Leisure"
subcategory = "Crafts"
owner = { name = "Jana", email = "jana@example.org" }
funding = { url = "https://example.org/unterstuetzen/", text = "Unterstützen" }
persons = [{ name = "Jana", role = "host", img = "jana.jpg" }, { name = "Emre", role = "guest", href = "https://example.org/emre/" }]
"""


def artwork(size: tuple[int, int] = (1400, 1400), mode: str = "RGB", kind: str = "JPEG") -> bytes:
    import io

    buffer = io.BytesIO()
    Image.new(mode, size, "orange").save(buffer, kind)
    return buffer.getvalue()


def podcast_site(make_site: MakeSite, toml: str = PODCAST_TOML, **front: object) -> Path:
    fields: dict[str, object] = {"audio": "papier.mp3", "episode": 3, "season": 1, "tags": ["Funk"]}
    fields.update(front)
    site = make_site(
        {
            "site.toml": SITE_TOML + toml,
            "content/static/cover.jpg": artwork(),
            f"{EPISODE}index.md": post(
                "Über Papier",
                "2024-01-05T10:00:00+01:00",
                "Wir reden über [Leim](../leim.md).",
                **fields,
            ),
            "content/posts/leim.md": post("Leim", "2024-01-02T08:00:00+01:00", "Kein Audio."),
            f"{EPISODE}papier.vtt": "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\n<v Jana>Hallo &amp; willkommen.\n\n"
            "00:00:01.500 --> 00:00:03.000\nHeute: Papier.\n",
            f"{EPISODE}papier.json": json.dumps(
                {
                    "version": "1.2.0",
                    "chapters": [
                        {"startTime": 0, "title": "Begrüßung"},
                        {"startTime": 1.5, "title": "Papier"},
                    ],
                }
            ),
        }
    )
    make_audio(site / EPISODE / "papier.mp3", 3.4)
    return site


def episode_guid(site: Path) -> str:
    feed = etree.fromstring((site / "output/podcast.xml").read_bytes())
    return feed.findtext("channel/item/guid") or ""


def test_podcast_xml_as_an_app_reads_it(make_site: MakeSite) -> None:
    site = podcast_site(make_site)
    build_site(site, base_url=BASE)
    data = (site / "output/podcast.xml").read_bytes()
    feed = feedparser.parse(data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "rss20"
    assert feed.feed.title == "Falz & Funk"
    assert feed.feed.image.href == BASE + "cover.jpg"
    # feedparser still knows only yes/clean; the value itself is checked with lxml below.
    assert feed.feed.author_detail.email == "jana@example.org"  # itunes:owner
    assert [e.title for e in feed.entries] == [
        "Über Papier"
    ]  # the post without audio is no episode
    entry = feed.entries[0]
    audio = site / "output/2024/01/05/papier/papier.mp3"
    assert entry.enclosures == [
        {
            "href": BASE + "2024/01/05/papier/papier.mp3",
            "length": str(audio.stat().st_size),
            "type": "audio/mpeg",
        }
    ]
    assert entry.itunes_duration == "3"
    assert entry.itunes_episode == "3" and entry.itunes_season == "1"
    assert entry.published_parsed[:4] == (2024, 1, 5, 9)
    assert entry.link == BASE + "2024/01/05/papier/"
    assert f'href="{BASE}2024/01/02/leim/"' in entry.content[0].value

    rss = etree.fromstring(data)
    channel = rss.find("channel")
    assert channel is not None
    assert rss.nsmap["itunes"] == ITUNES[1:-1] and rss.nsmap["podcast"] == PODCAST[1:-1]
    assert channel.findtext(f"{ITUNES}explicit") == "false"
    assert channel.findtext(f"{ITUNES}type") == "episodic"
    assert channel.findtext(f"{ITUNES}author") == "Ada"
    assert channel.findtext(f"{ITUNES}owner/{ITUNES}name") == "Jana"
    category = channel.find(f"{ITUNES}category")
    assert category is not None and category.get("text") == "Leisure"
    assert [c.get("text") for c in category] == ["Crafts"]
    assert channel.find(f"{ITUNES}image").get("href") == BASE + "cover.jpg"  # type: ignore[union-attr]
    assert channel.findtext(f"{PODCAST}guid") == feed_guid(BASE + "podcast.xml")
    locked = channel.find(f"{PODCAST}locked")
    assert locked is not None and locked.text == "yes" and locked.get("owner") == "jana@example.org"
    funding = channel.find(f"{PODCAST}funding")
    assert funding is not None and funding.text == "Unterstützen"
    assert funding.get("url") == "https://example.org/unterstuetzen/"
    persons = [
        (p.text, p.get("role"), p.get("img"), p.get("href"))
        for p in channel.findall(f"{PODCAST}person")
    ]
    assert persons == [
        ("Jana", "host", BASE + "jana.jpg", None),
        ("Emre", "guest", None, "https://example.org/emre/"),
    ]
    assert channel.findtext("lastBuildDate") == "Fri, 05 Jan 2024 10:00:00 +0100"
    self_link = channel.find("{http://www.w3.org/2005/Atom}link")
    assert self_link is not None and self_link.get("href") == BASE + "podcast.xml"
    item = channel.find("item")
    assert item is not None
    assert item.find("guid").get("isPermaLink") == "false"  # type: ignore[union-attr]
    assert item.findtext(f"{ITUNES}episodeType") == "full"
    # What Apple recommends for every episode, and no e-mail address for apps to show.
    assert item.findtext(f"{ITUNES}explicit") == "false"
    assert item.find(f"{ITUNES}image").get("href") == BASE + "cover.jpg"  # type: ignore[union-attr]
    assert item.find("author") is None and item.findtext(f"{ITUNES}author") == "Ada"
    assert b"jana@example.org" not in etree.tostring(item)
    assert channel.findtext("copyright") == "© 2024 Ada"
    # Each episode names who is heard in it: the podcast's persons, then its guests.
    assert [(p.text, p.get("role")) for p in item.findall(f"{PODCAST}person")] == [
        ("Jana", "host"),
        ("Emre", "guest"),
    ]
    transcript = item.find(f"{PODCAST}transcript")
    chapters = item.find(f"{PODCAST}chapters")
    assert transcript is not None and chapters is not None
    assert transcript.get("url") == BASE + "2024/01/05/papier/papier.vtt"
    assert transcript.get("type") == "text/vtt"
    assert chapters.get("url") == BASE + "2024/01/05/papier/papier.json"
    assert chapters.get("type") == "application/json+chapters"
    for name in ("papier.vtt", "papier.json", "papier.mp3"):
        assert (site / "output/2024/01/05/papier" / name).is_file()


def test_an_episode_says_its_type_whether_it_is_explicit_and_its_guests(
    make_site: MakeSite,
) -> None:
    site = podcast_site(make_site, episode_type="trailer", explicit=True, guests=["Grete"])
    build_site(site, base_url=BASE)
    item = etree.fromstring((site / "output/podcast.xml").read_bytes()).find("channel/item")
    assert item is not None
    assert item.findtext(f"{ITUNES}episodeType") == "trailer"
    assert item.findtext(f"{ITUNES}explicit") == "true"
    persons = [(p.text, p.get("role")) for p in item.findall(f"{PODCAST}person")]
    assert persons[-1] == ("Grete", "guest")

    index = site / EPISODE / "index.md"
    index.write_text(index.read_text().replace('"trailer"', '"teaser"'))
    result = run_cli("build", "--site", site)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert (
        "index.md:" in result.stderr
        and "episode_type must be full, trailer or bonus" in result.stderr
    )


def test_an_m4a_episode_is_measured_and_announced(make_site: MakeSite) -> None:
    # A real AAC-in-MP4 file, encoded by FFmpeg's AAC encoder through PyAV: no network needed.
    site = podcast_site(make_site, audio="papier.m4a")
    make_m4a(site / EPISODE / "papier.m4a", 2.5)
    build_site(site, base_url=BASE)
    entry = feedparser.parse((site / "output/podcast.xml").read_bytes()).entries[0]
    size = (site / EPISODE / "papier.m4a").stat().st_size
    assert entry.enclosures == [
        {"href": BASE + "2024/01/05/papier/papier.m4a", "length": str(size), "type": "audio/x-m4a"}
    ]
    assert entry.itunes_duration == "3"  # 2.56 s of AAC, rounded to the second
    assert check_feeds(site / "output", BASE) == []


def test_podcast_guid_is_computed_as_the_namespace_specifies() -> None:
    # The examples the Podcasting 2.0 namespace gives for podcast:guid.
    assert (
        feed_guid("https://mp3s.nashownotes.com/pc20rss.xml")
        == "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    )
    assert feed_guid("podnews.net/rss/") == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert feed_guid("http://podnews.net/rss") == "9b024349-ccf0-5f69-a609-6b82873eab3c"


def test_an_episode_keeps_its_guid_when_title_and_slug_change(make_site: MakeSite) -> None:
    site = podcast_site(make_site)
    build_site(site)
    guid = episode_guid(site)
    index = site / EPISODE / "index.md"
    index.write_text(
        index.read_text().replace('title = "Über Papier"', 'title = "Papier!"\nslug = "papier-neu"')
    )
    build_site(site)
    assert (site / "output/2024/01/05/papier-neu/index.html").exists()
    assert episode_guid(site) == guid
    # One kept from an old blog is used as it is.
    index.write_text(index.read_text().replace("episode = 3", 'episode = 3\nguid = "alte-folge-3"'))
    build_site(site)
    assert episode_guid(site) == "alte-folge-3"


def test_the_podcast_feed_is_the_same_in_every_build(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = podcast_site(make_site)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    build_site(site, out_dir=tmp_path / "one")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798761600")
    build_site(site, out_dir=tmp_path / "two")
    assert (tmp_path / "one/podcast.xml").read_bytes() == (
        tmp_path / "two/podcast.xml"
    ).read_bytes()
    assert build_site(site, out_dir=tmp_path / "two").written == ()
    # New audio: a new length in the feed, and on the page.
    make_audio(site / EPISODE / "papier.mp3", 6.2)
    written = set(build_site(site, out_dir=tmp_path / "two").written)
    assert {
        "podcast.xml",
        "2024/01/05/papier/index.html",
        "2024/01/05/papier/papier.mp3",
    } <= written
    assert "<itunes:duration>6</itunes:duration>" in (tmp_path / "two/podcast.xml").read_text()


def test_the_episode_page_has_a_plain_player_and_shows_chapters_and_transcript(
    make_site: MakeSite,
) -> None:
    site = podcast_site(make_site)
    build_site(site, base_url=BASE)
    page = read(site, "2024/01/05/papier/index.html")
    assert (
        '<audio class="u-audio" controls preload="none" src="/pod/2024/01/05/papier/papier.mp3">'
        in page
    )
    # No third-party player: the only script element is the entry's JSON-LD data.
    assert re.findall(r"<script[^>]*>", page) == ['<script type="application/ld+json">']
    assert '<time datetime="PT3S">0:03</time>' in page
    assert re.search(
        r'<a href="/pod/2024/01/05/papier/papier.mp3" download>Herunterladen \(\d+,\d kB\)</a>',
        page,
    )
    assert "Staffel 1, Folge 3" in page
    assert (
        '<li><time datetime="PT1S">0:01</time> Begrüßung</li>'.replace("PT1S", "PT0S").replace(
            "0:01", "0:00"
        )
        in page
    )
    assert "Papier</li>" in page
    assert "<summary>Transkript</summary>" in page
    assert "Jana: Hallo &amp; willkommen." in page
    assert '<a href="/pod/2024/01/05/papier/papier.vtt" download>' in page
    # The podcast is announced beside the site's feeds.
    assert (
        '<link rel="alternate" type="application/rss+xml" title="Falz &amp; Funk (Podcast)" href="/pod/podcast.xml">'
        in page
    )
    report = check_html(site / "output")
    assert report.endswith("No errors found."), report
    assert "Warning" not in report, report


def test_blog_feeds_carry_the_audio_as_an_enclosure(make_site: MakeSite) -> None:
    site = podcast_site(make_site)
    build_site(site, base_url=BASE)
    size = str((site / EPISODE / "papier.mp3").stat().st_size)
    url = BASE + "2024/01/05/papier/papier.mp3"
    for name in ("feed.xml", "atom.xml"):
        feed = feedparser.parse(read(site, name))
        assert not feed.bozo
        entry = feed.entries[0]
        assert entry.link == BASE + "2024/01/05/papier/"  # not the audio
        assert [(e.href, e.length, e.type) for e in entry.enclosures] == [(url, size, "audio/mpeg")]
    atom = etree.fromstring((site / "output/atom.xml").read_bytes())
    links = atom.findall("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}link")
    assert sorted(link.get("rel", "alternate") for link in links) == [
        "alternate",
        "alternate",
        "enclosure",
    ]
    item = json.loads(read(site, "feed.json"))["items"][0]
    assert item["attachments"] == [
        {
            "url": url,
            "mime_type": "audio/mpeg",
            "size_in_bytes": int(size),
            "duration_in_seconds": 3,
        }
    ]


@pytest.mark.parametrize(("suffix", "mime"), [(".ogg", "audio/ogg"), (".flac", "audio/flac")])
def test_other_audio_formats_are_measured_too(make_site: MakeSite, suffix: str, mime: str) -> None:
    site = podcast_site(make_site, audio=f"papier{suffix}")
    (site / EPISODE / "papier.mp3").unlink()
    make_audio(site / EPISODE / f"papier{suffix}", 2.2)
    build_site(site)
    entry = feedparser.parse(read(site, "podcast.xml")).entries[0]
    assert entry.enclosures[0].type == mime
    assert entry.itunes_duration == "2"


def test_broken_episodes_are_all_named_and_nothing_is_written(make_site: MakeSite) -> None:
    site = podcast_site(make_site)
    posts = site / "content/posts"
    cases = {
        "2024-02-01-fehlt": ("fehlt.mp3", None, "audio fehlt.mp3: no such file beside the post"),
        "2024-02-02-leer": ("leer.mp3", b"", "audio leer.mp3: the file is empty"),
        "2024-02-03-text": (
            "text.mp3",
            b"Das ist kein Ton.\n" * 50,
            "audio text.mp3: not MP3 audio",
        ),
        "2024-02-04-wav": (
            "roh.wav",
            b"RIFF",
            "audio roh.wav: .wav is no audio type podcast apps play",
        ),
    }
    for folder, (name, data, _) in cases.items():
        (posts / folder).mkdir()
        (posts / folder / "index.md").write_text(
            post(folder, folder[:10] + "T08:00:00+01:00", audio=name)
        )
        if data is not None:
            (posts / folder / name).write_bytes(data)
    (posts / "2024-02-05-einzeln.md").write_text(
        post("Einzeln", "2024-02-05T08:00:00+01:00", audio="x.mp3")
    )
    (site / EPISODE / "papier.json").write_text(
        '{"version": "1.2.0", "chapters": [{"title": "Ohne Zeit"}]}'
    )
    result = run_cli("build", "--site", site)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for folder, (_, _, message) in cases.items():
        assert f"content/posts/{folder}/index.md:4: {message}" in result.stderr, result.stderr
    assert (
        "2024-02-05-einzeln.md:4: audio x.mp3: an episode keeps its audio beside it"
        in result.stderr
    )
    assert "papier.json: chapter 1: startTime must be seconds" in result.stderr
    assert not (site / "output").exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("cover.jpg", artwork((1000, 1000)), "must be 1400 to 3000 px wide, not 1000 px"),
        ("cover.jpg", artwork((1600, 1400)), "must be square, not 1600×1400 px"),
        ("cover.jpg", artwork(mode="CMYK"), "must be in RGB colours, not CMYK"),
        ("cover.png", artwork(mode="RGBA", kind="PNG"), "not RGBA (save it without transparency)"),
        ("cover.png", artwork(kind="GIF"), "must be JPEG or PNG, not GIF"),
        ("cover.jpeg", artwork(), "must be a .jpg or .png file"),
        ("fehlt.jpg", None, "no such file"),
    ],
)
def test_artwork_is_checked_as_directories_check_it(
    make_site: MakeSite, name: str, data: bytes | None, message: str
) -> None:
    site = podcast_site(make_site, toml=PODCAST_TOML.replace('"cover.jpg"', f'"{name}"'))
    if data is not None:
        (site / "content/static" / name).write_bytes(data)
    result = run_cli("build", "--site", site)
    assert result.returncode == 1
    assert f"content/static/{name}: " in result.stderr and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_a_podcast_needs_an_owner_and_one_of_apples_categories(make_site: MakeSite) -> None:
    toml = '\n[podcast]\nimage = "cover.jpg"\ncategory = "Handwerk"\nexplicit = "nein"\n'
    site = make_site({"site.toml": SITE_TOML + toml})
    result = run_cli("build", "--site", site)
    assert result.returncode == 1
    assert "site.toml: podcast.explicit: must be true or false" in result.stderr
    site.joinpath("site.toml").write_text(SITE_TOML + toml.replace('explicit = "nein"', ""))
    result = run_cli("build", "--site", site)
    assert "site.toml: podcast.owner: a podcast needs an owner with name and email" in result.stderr
    assert (
        "site.toml: podcast.category: must be one of Apple's categories: Arts, Business"
        in result.stderr
    )
    site.joinpath("site.toml").write_text(
        SITE_TOML
        + toml.replace("Handwerk", "Leisure").replace(
            'explicit = "nein"', 'subcategory = "Knitting"'
        )
    )
    result = run_cli("build", "--site", site)
    assert (
        "podcast.subcategory: 'Leisure' has these subcategories: Animation & Manga" in result.stderr
    )


def test_without_a_podcast_section_audio_still_plays_on_the_page(make_site: MakeSite) -> None:
    site = podcast_site(make_site, toml="")
    build_site(site)
    assert not (site / "output/podcast.xml").exists()
    assert '<audio class="u-audio" controls' in read(site, "2024/01/05/papier/index.html")
    assert "podcast.xml" not in read(site, "index.html")
