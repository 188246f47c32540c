"""`sitegen check` reads every feed as an app would and names each broken item."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from sitegen.feedcheck import check_feeds

from .conftest import MakeSite, build_site, run_cli
from .test_podcast import podcast_site


def built(make_site: MakeSite) -> Path:
    site = podcast_site(make_site)
    assert run_cli("build", "--site", site).returncode == 0
    return site


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_fresh_build_passes_every_feed_check(make_site: MakeSite) -> None:
    site = podcast_site(make_site)
    build_site(site, base_url="https://user.github.io/pod/")
    assert check_feeds(site / "output", "https://user.github.io/pod/") == []
    names = sorted(p.relative_to(site / "output").as_posix() for p in (site / "output").rglob("*"))
    assert {"feed.xml", "atom.xml", "feed.json", "podcast.xml", "tags/funk/feed.xml"} <= set(names)
    result = run_cli("check", "--site", site, "--base-url", "https://user.github.io/pod/")
    assert result.returncode == 0, result.stderr
    assert "every feed reads cleanly" in result.stdout


def test_an_enclosure_that_lies_about_its_length_is_named_in_every_feed(
    make_site: MakeSite,
) -> None:
    site = built(make_site)
    audio = site / "output/2024/01/05/papier/papier.mp3"
    audio.write_bytes(audio.read_bytes() + b"\x00" * 10)
    size = audio.stat().st_size
    result = run_cli("check", "--site", site)
    assert result.returncode == 1
    for feed in ("feed.xml", "atom.xml", "feed.json", "podcast.xml"):
        assert (
            f"output/{feed}: item 'Über Papier' (https://example.org/2024/01/05/papier/): "
            f"the enclosure says {size - 10} bytes, but 2024/01/05/papier/papier.mp3 has {size}"
        ) in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_broken_feeds_are_each_named(make_site: MakeSite) -> None:
    site = built(make_site)
    out = site / "output"
    (out / "2024/01/02/leim/index.html").unlink()
    (out / "atom.xml").write_text("<feed><entry></feed>")
    edit(out / "podcast.xml", "<itunes:explicit>false", "<itunes:explicit>no")
    edit(out / "podcast.xml", "Fri, 05 Jan 2024 10:00:00 +0100</pubDate>", "gestern</pubDate>")
    (out / "2024/01/05/papier/papier.json").unlink()
    feed = json.loads((out / "feed.json").read_text())
    feed["items"][1]["id"] = feed["items"][0]["id"]
    (out / "feed.json").write_text(json.dumps(feed))
    with Image.open(out / "cover.jpg") as image:
        image.resize((700, 700)).save(out / "cover.jpg")

    problems = [str(p) for p in check_feeds(out, "https://example.org/")]
    expected = [
        "atom.xml: not well-formed XML",
        "feed.json: item 'Leim' (https://example.org/2024/01/02/leim/): "
        "id 'https://example.org/2024/01/05/papier/' is given to another item too",
        "feed.json: item 'Leim' (https://example.org/2024/01/02/leim/): "
        "link https://example.org/2024/01/02/leim/ is not in the built site",
        "feed.xml: item 'Leim' (https://example.org/2024/01/02/leim/): "
        "link https://example.org/2024/01/02/leim/ is not in the built site",
        "podcast.xml: itunes:explicit must be true or false, not 'no'",
        "podcast.xml: cover.jpg: podcast artwork must be 1400 to 3000 px wide, not 700 px",
        "podcast.xml: item 'Über Papier' (https://example.org/2024/01/05/papier/): "
        "pubDate 'gestern' is not an RFC 822 date with a zone",
        "podcast.xml: item 'Über Papier' (https://example.org/2024/01/05/papier/): "
        "podcast:chapters https://example.org/2024/01/05/papier/papier.json "
        "is not in the built site",
    ]
    for message in expected:
        assert any(p.startswith(message) for p in problems), (message, problems)
    result = run_cli("check", "--site", site)
    assert result.returncode == 1
    assert "problems found" in result.stderr and "Traceback" not in result.stderr
