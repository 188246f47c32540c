"""`sitegen serve`: what a writer sees over HTTP and in a real browser while editing."""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

import sitegen.serve
from sitegen import cache
from sitegen.build import BuildOptions, build
from sitegen.config import load_config
from sitegen.discover import discover
from sitegen.preview import Preview
from sitegen.serve import DevServer, ServeOptions
from sitegen.serve.state import LiveState

from .browser import chromium
from .conftest import SITE_TOML, MakeSite, build_site, only_data_blocks, post

WAIT_S = 20.0
"""Longest wait for anything the server does; the machine may be busy."""

FIRST = "content/posts/2024-05-01-erster.md"
SECOND = "content/posts/2024-05-02-zweiter.md"
THIRD = "content/posts/2024-05-03-dritter.md"
FIRST_URL = "/2024/05/01/erster/"
THIRD_URL = "/2024/05/03/dritter/"


def three_posts(make_site: MakeSite, **extra: str | bytes) -> Path:
    return make_site(
        {
            FIRST: post("Erster", "2024-05-01T07:00:00+02:00", "Am Anfang war der Kleister."),
            SECOND: post("Zweiter", "2024-05-02T07:00:00+02:00", "Dann kam das Papier."),
            THIRD: post("Dritter", "2024-05-03T07:00:00+02:00", "Zuletzt der Faden."),
            "content/posts/2024-05-04-entwurf.md": post(
                "Entwurf", "2024-05-04T07:00:00+02:00", "Noch nicht fertig.", draft=True
            ),
            **extra,
        }
    )


@pytest.fixture
def serve() -> Iterator[Any]:
    """Start servers in this process, on free ports; stop them after the test."""
    servers: list[DevServer] = []

    def start(site: Path, **options: Any) -> DevServer:
        server = DevServer(ServeOptions(site_dir=site, port=0, **options))
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.stop()


def origin(server: DevServer) -> tuple[str, int]:
    parts = urlsplit(server.url)
    assert parts.hostname and parts.port
    return parts.hostname, parts.port


def get(server: DevServer, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """One request, redirects not followed; the path is sent exactly as given."""
    conn = http.client.HTTPConnection(*origin(server), timeout=WAIT_S)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def text(server: DevServer, path: str) -> str:
    status, _, body = get(server, path)
    assert status == 200, (path, status)
    return body.decode("utf-8")


class Events:
    """A client of the server's event stream, as the live-reload script is."""

    def __init__(self, server: DevServer) -> None:
        self.conn = http.client.HTTPConnection(*origin(server), timeout=WAIT_S * 3)
        self.conn.request("GET", "/__sitegen/events")
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type", "").startswith("text/event-stream")
        self.queue: queue.Queue[tuple[str, dict[str, Any]]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.first = self.next("build")
        """What the server says on connecting: the state of the last build."""

    def _read(self) -> None:
        name, data = "message", ""
        try:
            while line := self.response.readline().decode("utf-8"):
                line = line.rstrip("\n")
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    data = line[6:]
                elif not line and data:
                    self.queue.put((name, json.loads(data)))
                    name, data = "message", ""
        except (OSError, ValueError):
            pass

    def next(self, name: str, timeout: float = WAIT_S) -> dict[str, Any]:
        """The next event called `name`, skipping others."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                got, data = self.queue.get(timeout=left)
            except queue.Empty:
                break
            if got == name:
                return data
        raise AssertionError(f"no {name!r} event within {timeout} s")

    def saved(self, timeout: float = WAIT_S) -> dict[str, Any]:
        """The next build's news, its `changed` joined with those of the previews shown
        while it ran: what a page open at the save hears of it."""
        deadline = time.monotonic() + timeout
        changed: set[str] = set()
        while (left := deadline - time.monotonic()) > 0:
            try:
                got, data = self.queue.get(timeout=left)
            except queue.Empty:
                break
            if got in ("preview", "build"):
                changed.update(data["changed"])
            if got == "build":
                return {**data, "changed": sorted(changed)}
        raise AssertionError(f"no build within {timeout} s")

    def during(self, seconds: float) -> list[str]:
        """Names of the events that come in the next `seconds`."""
        names = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                names.append(self.queue.get(timeout=left)[0])
            except queue.Empty:
                break
        return names

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def events() -> Iterator[Any]:
    streams: list[Events] = []

    def connect(server: DevServer) -> Events:
        streams.append(Events(server))
        return streams[-1]

    yield connect
    for stream in streams:
        stream.close()


def edit(site: Path, rel: str, old: str, new: str) -> None:
    path = site / rel
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


# ---------------------------------------------------------------- HTTP


def test_pages_are_served_with_their_types_and_never_cached(
    make_site: MakeSite, serve: Any
) -> None:
    site = three_posts(make_site, **{"content/static/bild.png": _png()})
    server = serve(site)
    expected = {
        "/": "text/html; charset=utf-8",
        FIRST_URL: "text/html; charset=utf-8",
        "/assets/style.css": "text/css; charset=utf-8",
        "/favicon.svg": "image/svg+xml",
        "/robots.txt": "text/plain; charset=utf-8",
        "/sitemap.xml": "application/xml; charset=utf-8",
        "/bild.png": "image/png",
    }
    for path, content_type in expected.items():
        status, headers, _ = get(server, path)
        assert (status, headers["Content-Type"]) == (200, content_type), path
        assert headers["Cache-Control"] == "no-store"
    assert "Am Anfang war der Kleister." in text(server, FIRST_URL)
    status, headers, body = get(server, FIRST_URL, "HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 1000


def test_audio_can_be_fetched_in_parts_for_seeking(make_site: MakeSite, serve: Any) -> None:
    audio = bytes(range(256)) * 40
    server = serve(three_posts(make_site, **{"content/static/folge-1.mp3": audio}))
    conn = http.client.HTTPConnection(*origin(server), timeout=WAIT_S)
    conn.request("GET", "/folge-1.mp3", headers={"Range": "bytes=100-199"})
    response = conn.getresponse()
    assert response.status == 206
    assert response.getheader("Content-Type") == "audio/mpeg"
    assert response.getheader("Content-Range") == f"bytes 100-199/{len(audio)}"
    assert response.read() == audio[100:200]
    conn.close()
    assert get(server, "/folge-1.mp3")[2] == audio


def test_a_folder_address_without_slash_redirects_and_no_folder_is_listed(
    make_site: MakeSite, serve: Any
) -> None:
    server = serve(three_posts(make_site))
    status, headers, _ = get(server, FIRST_URL.rstrip("/"))
    assert (status, headers["Location"]) == (301, FIRST_URL)
    status, _, body = get(server, "/assets/")  # a folder without index.html
    assert status == 404
    assert b"Index of" not in body and "Nicht gefunden" in body.decode()


def test_a_missing_page_gets_the_sites_own_404_page(make_site: MakeSite, serve: Any) -> None:
    server = serve(three_posts(make_site))
    status, headers, body = get(server, "/2024/05/09/gibt-es-nicht/")
    assert status == 404
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "no-store"
    assert "Nicht gefunden" in body.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/../site.toml",
        "/../../site.toml",
        "/%2e%2e/%2e%2e/site.toml",
        "/%2E%2E%2F%2E%2E%2Fsite.toml",
        "/assets/../../../site.toml",
        "/..%5c..%5csite.toml",
        "//etc/passwd",
        "/%00/../site.toml",
        "/../cache.sqlite",
    ],
)
def test_nothing_outside_the_output_folder_is_served(
    make_site: MakeSite, serve: Any, path: str
) -> None:
    site = three_posts(make_site)
    (site / "site.toml").write_text(SITE_TOML + '\n[extra]\nsecret = "Geheimnis"\n')
    server = serve(site)
    status, _, body = get(server, path)
    assert status in (400, 404)
    assert b"Geheimnis" not in body and b"root:" not in body and b"SQLite" not in body


def test_the_live_script_is_only_in_served_pages_never_in_built_files(
    make_site: MakeSite, serve: Any
) -> None:
    server = serve(three_posts(make_site))
    page = text(server, FIRST_URL)
    nonce = re.search(r'<script src="/__sitegen/live.js" nonce="([^"]+)"', page)
    assert nonce, "no live-reload script in the served page"
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp and f"script-src 'nonce-{nonce.group(1)}'" in csp.group(1)
    assert "script-src 'none'" not in csp.group(1)
    assert nonce.group(1) not in text(server, FIRST_URL)  # a fresh nonce for every response
    status, headers, script = get(server, "/__sitegen/live.js")
    assert status == 200 and headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert b"EventSource" in script
    built = list(server.out_dir.rglob("*.html"))
    # Built pages hold no script, only the entries' JSON-LD data.
    assert built and only_data_blocks(server.out_dir)
    assert not (site_output := server.site_dir / "output").exists(), site_output


def test_drafts_are_served_only_with_drafts(make_site: MakeSite, serve: Any) -> None:
    site = three_posts(make_site)
    assert get(serve(site), "/2024/05/04/entwurf/")[0] == 404
    assert "Noch nicht fertig." in text(serve(site, drafts=True), "/2024/05/04/entwurf/")


def test_a_site_under_a_path_is_served_under_that_path(make_site: MakeSite, serve: Any) -> None:
    site = three_posts(make_site)
    toml = SITE_TOML.replace("https://example.org/", "https://example.org/blog/")
    (site / "site.toml").write_text(toml)
    server = serve(site)
    assert server.url.endswith("/blog/")
    for outside in ("/", "/blog"):
        status, headers, _ = get(server, outside)
        assert (status, headers["Location"]) == (302, "/blog/")
    assert "Am Anfang war der Kleister." in text(server, "/blog" + FIRST_URL)
    assert get(server, FIRST_URL)[0] == 404


def test_a_save_rebuilds_and_names_the_changed_outputs(
    make_site: MakeSite, serve: Any, events: Any
) -> None:
    site = three_posts(make_site)
    server = serve(site)
    stream = events(server)
    edit(site, FIRST, "Kleister", "Leim")
    stream.next("building")
    news = stream.saved()
    assert news["error"] is None
    assert "2024/05/01/erster/index.html" in news["changed"]
    assert "2024/05/03/dritter/index.html" not in news["changed"]  # not a neighbour
    assert "Am Anfang war der Leim." in text(server, FIRST_URL)


def test_polling_sees_saves_where_no_change_events_come(
    make_site: MakeSite, serve: Any, events: Any
) -> None:
    site = three_posts(make_site)
    server = serve(site, poll=True)
    stream = events(server)
    edit(site, FIRST, "Kleister", "Leim")
    assert "2024/05/01/erster/index.html" in stream.saved()["changed"]
    (site / "content/posts/.2024-05-01-erster.md.swp").write_text("halb")
    assert stream.during(1.5) == []
    assert "Am Anfang war der Leim." in text(server, FIRST_URL)


def test_requests_wait_while_a_build_runs(
    make_site: MakeSite, serve: Any, events: Any, tmp_path: Path
) -> None:
    site = three_posts(make_site)
    server = serve(site)
    stream = events(server)
    # A new photo makes the next build slow (every variant is encoded), long enough to
    # ask for the page while it runs. The post becomes a bundle in one move.
    bundle = tmp_path / "dritter"
    bundle.mkdir()
    Image.effect_noise((2400, 1600), 60).convert("RGB").save(bundle / "foto.jpg", quality=90)
    (bundle / "index.md").write_text(
        (site / THIRD).read_text().replace("Zuletzt", "![Foto](foto.jpg)\n\nZuletzt")
    )
    (site / THIRD).unlink()
    bundle.rename(site / "content/posts/2024-05-03-dritter")
    stream.next("building")
    assert "build" not in stream.during(0.05)
    page = text(server, THIRD_URL)  # asked while building: answered when done
    assert "<picture" in page and "Zuletzt der Faden." in page
    assert stream.next("build")["error"] is None


def test_editor_temp_files_start_no_build(make_site: MakeSite, serve: Any, events: Any) -> None:
    site = three_posts(make_site)
    stream = events(serve(site))
    posts = site / "content/posts"
    for name in [
        ".2024-05-01-erster.md.swp",
        ".2024-05-01-erster.md.swx",
        "2024-05-01-erster.md~",
        "4913",
        ".#2024-05-01-erster.md",
        "#2024-05-01-erster.md#",
        "2024-05-01-erster.md___jb_tmp___",
        "2024-05-01-erster.md___jb_old___",
        ".2024-05-01-erster.md.kate-swp",
    ]:
        (posts / name).write_text("halb geschrieben")
    (posts / "4913").unlink()
    assert stream.during(1.0) == []
    edit(site, FIRST, "Kleister", "Leim")  # the watcher still works
    assert stream.next("build")["changed"]


def test_a_burst_of_saves_makes_one_rebuild(make_site: MakeSite, serve: Any, events: Any) -> None:
    site = three_posts(make_site)
    server = serve(site)
    stream = events(server)
    for day in range(10, 16):
        rel = f"content/posts/2024-05-{day}-neu-{day}.md"
        (site / rel).write_text(post(f"Neu {day}", f"2024-05-{day}T07:00:00+02:00"))
    stream.next("build")
    assert stream.during(1.0) == []
    assert all(f"Neu {day}" in text(server, f"/2024/05/{day}/neu-{day}/") for day in range(10, 16))


def test_saves_by_rename_rebuild_once(make_site: MakeSite, serve: Any, events: Any) -> None:
    site = three_posts(make_site)
    server = serve(site)
    stream = events(server)
    path = site / FIRST
    # Write a temporary file, then rename it over the post (most editors' "atomic save").
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(path.read_text().replace("Kleister", "Leim"))
    os.replace(temp, path)
    assert stream.next("build")["error"] is None
    assert stream.during(0.5) == []
    assert "Am Anfang war der Leim." in text(server, FIRST_URL)
    # Vim's way: move the old file aside as a backup, write a new one.
    os.replace(path, path.with_name(path.name + "~"))
    path.write_text(path.with_name(path.name + "~").read_text().replace("Leim", "Kitt"))
    assert stream.next("build")["error"] is None
    assert stream.during(0.5) == []
    assert "Am Anfang war der Kitt." in text(server, FIRST_URL)


def test_many_saves_keep_no_more_decoded_posts_than_documents(
    make_site: MakeSite, serve: Any, events: Any
) -> None:
    # Two posts saved in turn: each build parses the one just saved and decodes the other
    # from the parse cache in its new version, so every save offers the memory a new entry.
    site = three_posts(make_site)
    documents = len(discover(load_config(site)).documents)
    server = serve(site)
    stream = events(server)
    for i in range(12):
        rel = (FIRST, SECOND)[i % 2]
        path = site / rel
        path.write_text(path.read_text() + f"\nNachtrag {i}.\n")
        assert stream.next("build")["error"] is None
        assert cache.decoded_posts() <= documents, f"after save {i + 1}"
    assert "Nachtrag 10." in text(server, FIRST_URL)
    assert "Nachtrag 11." in text(server, "/2024/05/02/zweiter/")


def test_a_failed_build_is_reported_and_the_last_good_site_stays(
    make_site: MakeSite, serve: Any, events: Any
) -> None:
    site = three_posts(make_site)
    server = serve(site)
    stream = events(server)
    original = (site / FIRST).read_text()
    (site / FIRST).write_text(original.replace('title = "Erster"', 'title = "Erster'))
    error = stream.next("build")["error"]
    assert "2024-05-01-erster.md:2: front matter is not valid TOML" in error
    assert "Am Anfang war der Kleister." in text(server, FIRST_URL)
    # A page opened now hears of the failure at once.
    assert "2024-05-01-erster.md:2" in events(server).first["error"]
    (site / FIRST).write_text(original.replace("Kleister", "Leim"))
    news = stream.next("build")
    assert news["error"] is None and "2024/05/01/erster/index.html" in news["changed"]
    assert "Am Anfang war der Leim." in text(server, FIRST_URL)


def test_a_site_broken_from_the_start_is_served_once_fixed(
    make_site: MakeSite, serve: Any, events: Any
) -> None:
    site = three_posts(make_site)
    original = (site / FIRST).read_text()
    (site / FIRST).write_text(original.replace("date = ", "date = morgen "))
    server = serve(site)  # starts anyway, to show the problem in the browser
    stream = events(server)
    assert "2024-05-01-erster.md:3" in stream.first["error"]
    status, _, body = get(server, "/")
    assert status == 404 and b"/__sitegen/live.js" in body  # reloads itself once built
    (site / FIRST).write_text(original)
    news = stream.next("build")
    assert news["error"] is None and "index.html" in news["changed"]
    assert "Am Anfang war der Kleister." in text(server, FIRST_URL)


def test_a_folder_that_is_no_site_stops_at_once(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sitegen", "serve", "--site", str(tmp_path), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "site.toml: no site.toml here" in result.stderr
    assert "Traceback" not in result.stderr


def test_changes_in_themes_and_site_toml_rebuild_but_output_and_cache_do_not(
    make_site: MakeSite, serve: Any, events: Any
) -> None:
    site = three_posts(
        make_site,
        **{
            "themes/eigen/theme.toml": 'extends = "default"\n',
            "themes/eigen/static/assets/eigen.css": "body { color: black; }\n",
        },
    )
    (site / "site.toml").write_text('theme = "eigen"\n' + SITE_TOML)
    server = serve(site)
    stream = events(server)
    (site / "themes/eigen/static/assets/eigen.css").write_text("body { color: navy; }\n")
    assert stream.next("build")["changed"] == ["assets/eigen.css"]
    (site / "site.toml").write_text(
        'theme = "eigen"\n' + SITE_TOML.replace("Testtagebuch", "Probetagebuch")
    )
    assert "2024/05/01/erster/index.html" in stream.next("build")["changed"]
    assert "Probetagebuch" in text(server, FIRST_URL)
    (site / "output").mkdir()
    (site / "output/x.html").write_text("x")
    (site / ".sitegen-cache/x.txt").write_text("x")
    assert stream.during(1.0) == []


def test_an_edited_template_is_used_by_the_next_build(
    make_site: MakeSite, serve: Any, events: Any
) -> None:
    template = '{% extends "base.html" %}{% block main %}<h1>Weg</h1>{% endblock %}\n'
    site = three_posts(
        make_site,
        **{
            "themes/eigen/theme.toml": 'extends = "default"\n',
            "themes/eigen/templates/404.html": template,
        },
    )
    (site / "site.toml").write_text('theme = "eigen"\n' + SITE_TOML)
    server = serve(site)
    stream = events(server)
    assert "<h1>Weg</h1>" in get(server, "/fehlt/")[2].decode()
    (site / "themes/eigen/templates/404.html").write_text(template.replace("Weg", "Fort"))
    # The page, and the measured weights (the page is a byte heavier): nothing else.
    changed = stream.next("build")["changed"]
    assert "404.html" in changed
    assert set(changed) - {"404.html"} <= {"transparenz/index.html", "transparenz/page-weights.csv"}
    assert "<h1>Fort</h1>" in get(server, "/fehlt/")[2].decode()


def test_serve_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sitegen", "serve", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert all(option in result.stdout for option in ("--host", "--port", "--drafts", "--poll"))


def test_a_busy_port_is_a_clear_error(make_site: MakeSite) -> None:
    site = three_posts(make_site)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "sitegen", "serve", "--site", str(site), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_ctrl_c_stops_the_server_cleanly(make_site: MakeSite) -> None:
    site = three_posts(make_site)
    process = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "serve", "--site", str(site), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = []
        deadline = time.monotonic() + WAIT_S * 3
        while time.monotonic() < deadline and not any("serving" in line for line in lines):
            lines.append(process.stdout.readline())
        url = re.search(r"serving (http://\S+)", "".join(lines))
        assert url, lines
        parts = urlsplit(url.group(1))
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=WAIT_S)
        conn.request("GET", "/__sitegen/events")  # an open event stream must not hold it up
        assert conn.getresponse().status == 200
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=WAIT_S)
    finally:
        process.kill()
    assert process.returncode == 0
    assert "Traceback" not in err
    assert "stopping" in err


def _png() -> bytes:
    import io

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


# ---------------------------------------------------------------- previews of a save


def fresh_output(site: Path, where: Path) -> Path:
    """The output of `sitegen build` run on a copy of the site's sources in a new folder,
    with no cache: what every served page must end up as."""
    copy = where / "kopie"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns(".sitegen-cache", "output"))
    build_site(copy)
    return copy / "output"


def files_in(out: Path) -> dict[str, bytes]:
    """Every output file's bytes, sitegen's hidden marker aside."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and not p.relative_to(out).parts[0].startswith(".")
    }


def planned(site: Path) -> Preview:
    """What a build of the site keeps to preview the next save, as the server holds it."""
    kept: list[Preview] = []
    build(BuildOptions(site, site / "output"), keep=kept.append)
    assert len(kept) == 1
    return kept[0]


def rich_first_post(make_site: MakeSite) -> Path:
    """Three posts; the first in a series, tagged and placed, so its page shows much of the
    site besides its own text (neighbours, series, related entries, place)."""
    return three_posts(
        make_site,
        **{
            FIRST: post(
                "Erster",
                "2024-05-01T07:00:00+02:00",
                "Am Anfang war der Kleister.",
                tags=["Basteln", "Papier"],
                series="Werkstatt",
                location="Berlin",
            ),
            SECOND: post(
                "Zweiter",
                "2024-05-02T07:00:00+02:00",
                "Dann kam das Papier.",
                tags=["Papier"],
                series="Werkstatt",
            ),
        },
    )


BODY_PARTS = st.sampled_from(
    [
        "Kleister",
        "Straße",
        "Öl und Übermut",
        "*betont*",
        "**fett**",
        "`code`",
        "„Anführung“",
        "[Zweiter](2024-05-02-zweiter.md)",
        "[Dritter](2024-05-03-dritter.md#oben)",
        "https://example.org/weiter",
        "Fußnote[^1]",
        "\n\n[^1]: Eine Anmerkung.\n\n",
        "\n\n> Zitat\n\n",
        "\n\n- Punkt\n- Punkt\n\n",
        "\n\n## Zwischentitel\n\n",
        "\n\n---\n\n",
        "\n\n",
        "\n",
    ]
)


def test_the_preview_of_a_saved_body_is_the_page_a_build_from_scratch_makes(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = rich_first_post(make_site)
    preview = planned(site)  # each example is the first save after that build
    path = site / FIRST
    front = path.read_text(encoding="utf-8").partition("+++\n\n")[0] + "+++\n\n"

    @settings(max_examples=20, deadline=None, derandomize=True, database=None)
    @given(body=st.lists(BODY_PARTS, min_size=1, max_size=25).map(" ".join))
    def save(body: str) -> None:
        path.write_text(front + body + "\n", encoding="utf-8")
        pages = preview.pages([str(path)])
        assert [p.output for p in pages] == ["2024/05/01/erster/index.html"]
        exact = fresh_output(site, tmp_path) / pages[0].output
        assert pages[0].data == exact.read_bytes()

    save()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("07:00:00", "09:30:00"),  # another time: the post may move among its neighbours
        ("+++\n\n", "draft = true\n+++\n\n"),  # no longer published
        ('title = "Erster"', 'title = "Erster'),  # broken front matter: the build says where
        ("Kleister.", "Kleister, siehe [hier](2024-06-01-fehlt.md)."),  # no such document
        ("Kleister.", "Kleister.\n\n![Foto](foto.jpg)"),  # a picture the last build did not make
        ("Kleister.", 'Kleister.\n\n<iframe src="https://www.youtube.com/embed/x"></iframe>'),
    ],
    ids=["time", "draft", "front-matter", "missing-link", "new-picture", "foreign-host"],
)
def test_a_save_a_preview_cannot_show_as_built_waits_for_the_build(
    make_site: MakeSite, tmp_path: Path, old: str, new: str
) -> None:
    site = rich_first_post(make_site)
    (site / "content/posts/foto.jpg").write_bytes(_png())
    preview = planned(site)
    edit(site, FIRST, old, new)
    assert preview.pages([str(site / FIRST)]) == []
    # A file the last build did not know, beside a known one, is the build's to judge.
    new_post = site / "content/posts/2024-05-09-neu.md"
    new_post.write_text(post("Neu", "2024-05-09T07:00:00+02:00"))
    edit(site, FIRST, new, old)
    assert preview.pages([str(site / FIRST), str(new_post)]) == []
    assert len(preview.pages([str(site / FIRST)])) == 1


def test_a_save_is_previewed_at_once_then_built_and_every_page_ends_as_built_from_scratch(
    make_site: MakeSite, serve: Any, events: Any, tmp_path: Path
) -> None:
    site = rich_first_post(make_site)
    server = serve(site)
    stream = events(server)
    edit(site, FIRST, "Kleister", "Leim")
    shown = stream.next("preview")
    assert shown["changed"] == ["2024/05/01/erster/index.html"]
    assert shown["error"] is None
    built = stream.next("build")
    assert built["error"] is None
    # The built page is the previewed one: a browser showing the preview is not told again.
    assert "2024/05/01/erster/index.html" not in built["changed"]
    assert "page/2/index.html" in built["changed"]  # its listing, updated by the build
    assert "Am Anfang war der Leim." in text(server, FIRST_URL)
    exact = fresh_output(site, tmp_path)
    assert files_in(server.out_dir) == files_in(exact)


def test_a_preview_waits_for_the_save_to_end_but_not_for_the_quiet_period(
    make_site: MakeSite, serve: Any, events: Any
) -> None:
    site = three_posts(make_site)
    server = serve(site, quiet=4.0)  # no build starts within 4 s of a change
    stream = events(server)
    saved = (site / FIRST).read_text(encoding="utf-8").replace("Kleister", "Leim")
    half = saved.index("Leim") + 2  # "… war der Le": a whole post, but not the one saved
    with (site / FIRST).open("w", encoding="utf-8") as f:  # an editor writing in two parts
        f.write(saved[:half])
        f.flush()
        assert stream.during(1.0) == ["building"]  # half written: nothing is shown
        f.write(saved[half:])
    # Closed: the save is done, and previewed while the build still waits.
    assert stream.next("preview", timeout=3.0)["changed"] == ["2024/05/01/erster/index.html"]
    assert server.builds == 1
    assert "Am Anfang war der Leim." in text(server, FIRST_URL)
    assert stream.next("build")["error"] is None
    assert server.builds == 2


def test_the_build_waits_for_a_browser_to_load_a_preview_only_if_a_page_shows_it() -> None:
    state = LiveState()
    state.changed(["/site/content/posts/a.md"], saved=["/site/content/posts/a.md"])
    assert state.next_build(quiet=60.0, early=True)  # saved: no quiet period to wait out
    state.take_changes()
    assert state.show_preview({"a/index.html": b"<p>neu</p>"})
    started = time.monotonic()
    with state.showing("b/index.html"):
        state.preview_read(quiet=0.05, limit=30.0)  # no open page shows a/index.html
    assert time.monotonic() - started < 10.0
    with state.showing("a/index.html"):
        started = time.monotonic()
        state.preview_read(quiet=0.05, limit=0.3)  # one does, and never asks for it
        assert time.monotonic() - started >= 0.3


def test_the_first_build_may_use_every_core(
    make_site: MakeSite, serve: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Workers are forked only while no other thread runs (they would inherit its locks),
    # so a thread started before the first build makes it run on one core: twice as long
    # at 10,000 posts (watchdog starts one as its observer is made).
    alive: list[list[str]] = []
    real = sitegen.serve.build

    def spy(*args: Any, **kwargs: Any) -> Any:
        alive.append([t.name for t in threading.enumerate()])
        return real(*args, **kwargs)

    monkeypatch.setattr(sitegen.serve, "build", spy)
    site = three_posts(make_site)
    before = [t.name for t in threading.enumerate()]
    serve(site)
    assert alive[0] == before  # the server started none before its first build


def test_the_first_save_after_a_restart_is_previewed_too(
    make_site: MakeSite, serve: Any, events: Any
) -> None:
    site = three_posts(make_site)
    serve(site).stop()
    server = serve(site)  # its first build finds nothing changed since the last server's
    stream = events(server)
    edit(site, FIRST, "Kleister", "Leim")
    assert stream.next("preview")["changed"] == ["2024/05/01/erster/index.html"]
    assert stream.next("build")["error"] is None
    assert "Am Anfang war der Leim." in text(server, FIRST_URL)


# ---------------------------------------------------------------- in a real browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


class Tab:
    """A browser page that records every console message (CSP violations land there)."""

    def __init__(self, browser: Any, url: str) -> None:
        self.page = browser.new_page()
        self.console: list[str] = []
        self.page.on("console", lambda message: self.console.append(message.text))
        self.page.set_default_timeout(WAIT_S * 1000)
        self.page.goto(url)
        self.page.wait_for_function("() => !!document.querySelector('script[data-since]')")
        # Marks this document: gone after a reload, kept by a stylesheet swap.
        # No need to wait for the script's event stream: it asks for every change since
        # the build this page comes from.
        self.page.evaluate("window.sitegenTestMark = true")

    def reloaded(self) -> bool:
        return not self.page.evaluate("window.sitegenTestMark === true")

    def body(self) -> str:
        return str(self.page.inner_text("main"))


def test_browser_shows_an_edit_without_being_touched(
    make_site: MakeSite, serve: Any, browser: Any
) -> None:
    site = three_posts(make_site)
    server = serve(site)
    tab = Tab(browser, server.url.rstrip("/") + FIRST_URL)
    other = Tab(browser, server.url.rstrip("/") + THIRD_URL)
    assert "Am Anfang war der Kleister." in tab.body()
    edit(site, FIRST, "Kleister", "Leim")
    tab.page.get_by_text("Am Anfang war der Leim.").wait_for()
    assert tab.reloaded()
    other.page.wait_for_timeout(500)
    assert not other.reloaded()  # its own page did not change
    assert not [m for m in tab.console + other.console if "Content Security Policy" in m]


def test_browser_shows_a_save_once_and_pages_it_changed_once_built(
    make_site: MakeSite, serve: Any, browser: Any, events: Any
) -> None:
    site = rich_first_post(make_site)
    server = serve(site)
    stream = events(server)
    tab = Tab(browser, server.url.rstrip("/") + FIRST_URL)
    listing = Tab(browser, server.url.rstrip("/") + "/page/2/")
    edit(site, FIRST, "Kleister", "Leim")
    tab.page.get_by_text("Am Anfang war der Leim.").wait_for()
    tab.page.evaluate("window.sitegenTestMark = true")  # the preview's document
    assert stream.saved()["error"] is None
    listing.page.get_by_text("Am Anfang war der Leim.").wait_for()  # reloaded by the build
    tab.page.wait_for_timeout(500)
    assert not tab.reloaded()  # the built page is the preview: no second reload
    assert not [m for m in tab.console + listing.console if "Content Security Policy" in m]


def test_browser_shows_a_broken_build_over_the_page_until_it_is_fixed(
    make_site: MakeSite, serve: Any, browser: Any
) -> None:
    site = three_posts(make_site)
    server = serve(site)
    tab = Tab(browser, server.url.rstrip("/") + FIRST_URL)
    original = (site / FIRST).read_text()
    (site / FIRST).write_text(original.replace('title = "Erster"', 'title = "Erster'))
    overlay = tab.page.locator("#sitegen-overlay .box")
    overlay.wait_for(state="visible")
    message = tab.page.locator("#sitegen-overlay pre").inner_text()
    assert "2024-05-01-erster.md:2: front matter is not valid TOML" in message
    assert "Am Anfang war der Kleister." in tab.body()  # the last good page, underneath
    assert not tab.reloaded()
    (site / FIRST).write_text(original.replace("Kleister", "Leim"))
    tab.page.get_by_text("Am Anfang war der Leim.").wait_for()
    assert tab.page.locator("#sitegen-overlay").count() == 0
    assert not [m for m in tab.console if "Content Security Policy" in m]


def test_browser_a_page_opened_during_a_failure_shows_it(
    make_site: MakeSite, serve: Any, browser: Any, events: Any
) -> None:
    site = three_posts(make_site)
    server = serve(site)
    stream = events(server)
    edit(site, SECOND, 'title = "Zweiter"', 'title = "Zweiter')
    assert stream.next("build")["error"]
    tab = Tab(browser, server.url.rstrip("/") + THIRD_URL)
    tab.page.locator("#sitegen-overlay .box").wait_for(state="visible")
    edit(site, SECOND, 'title = "Zweiter', 'title = "Zweiter"')
    tab.page.locator("#sitegen-overlay").wait_for(state="detached")


def test_browser_swaps_a_changed_stylesheet_without_reloading(
    make_site: MakeSite, serve: Any, browser: Any
) -> None:
    site = three_posts(
        make_site,
        **{
            "themes/eigen/theme.toml": 'extends = "default"\n',
            "themes/eigen/static/assets/style.css": "body { color: rgb(0, 0, 0); }\n",
        },
    )
    (site / "site.toml").write_text('theme = "eigen"\n' + SITE_TOML)
    server = serve(site)
    tab = Tab(browser, server.url.rstrip("/") + FIRST_URL)
    color = "() => getComputedStyle(document.body).color"
    assert tab.page.evaluate(color) == "rgb(0, 0, 0)"
    (site / "themes/eigen/static/assets/style.css").write_text("body { color: rgb(0, 0, 128); }\n")
    tab.page.wait_for_function(f"() => ({color})() === 'rgb(0, 0, 128)'")
    assert not tab.reloaded()
    assert tab.page.locator("link[rel=stylesheet]").count() == 1


def test_browser_a_missing_page_appears_once_written(
    make_site: MakeSite, serve: Any, browser: Any
) -> None:
    site = three_posts(make_site)
    server = serve(site)
    tab = Tab(browser, server.url.rstrip("/") + "/2024/05/20/neu/")
    assert "Nicht gefunden" in tab.body()
    (site / "content/posts/2024-05-20-neu.md").write_text(
        post("Neu", "2024-05-20T07:00:00+02:00", "Frisch geschrieben.")
    )
    tab.page.get_by_text("Frisch geschrieben.").wait_for()
