"""`sitegen serve` answers hostile requests instead of dropping them, and only for its own host."""

from __future__ import annotations

import http.client
from typing import Any

import pytest

from sitegen.serve.headers import allowed_host

from .conftest import MakeSite
from .test_serve import FIRST_URL, WAIT_S, origin, serve, three_posts

__all__ = ["serve"]


def ask(server: Any, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(*origin(server), timeout=WAIT_S)
    try:
        conn.putrequest("GET", path, skip_host="Host" in headers)
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_a_rebound_host_name_is_refused_and_local_names_are_served(
    make_site: MakeSite, serve: Any
) -> None:
    server = serve(three_posts(make_site))
    _, port = origin(server)
    for host in (f"evil.example:{port}", "evil.example", f"localhost.evil.example:{port}"):
        status, _ = ask(server, FIRST_URL, {"Host": host})
        assert status == 421, host
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost", f"[::1]:{port}"):
        status, body = ask(server, FIRST_URL, {"Host": host})
        assert status == 200 and b"Erster" in body, host
    assert ask(server, FIRST_URL, {"Host": f"localhost:{port + 1}"})[0] == 421


@pytest.mark.parametrize(
    ("header", "bound", "allowed"),
    [
        ("192.168.1.20:8000", ("0.0.0.0", 8000), True),  # a phone on the LAN, by address
        ("[fe80::1]:8000", ("::", 8000), True),
        ("laptop.local:8000", ("laptop.local", 8000), True),
        ("laptop.local:8000", ("0.0.0.0", 8000), False),
        ("attacker.example:8000", ("127.0.0.1", 8000), False),
        ("127.0.0.1:9000", ("127.0.0.1", 8000), False),
        ("", ("127.0.0.1", 8000), True),  # HTTP/1.0 tools send none; browsers always do
    ],
)
def test_host_rule(header: str, bound: tuple[str, int], allowed: bool) -> None:
    assert allowed_host(header, bound) is allowed


def test_a_300_byte_name_and_a_5000_digit_range_get_answers(
    make_site: MakeSite, serve: Any
) -> None:
    server = serve(three_posts(make_site, **{"content/static/a.txt": "abcdef"}))
    status, body = ask(server, "/" + "a" * 300 + "/index.html", {})
    assert status == 404 and b"<html" in body
    status, body = ask(server, "/a.txt", {"Range": "bytes=" + "9" * 5000 + "-"})
    assert status == 200 and body == b"abcdef"
    status, body = ask(server, "/a.txt", {"Range": "bytes=1-2"})
    assert status == 206 and body == b"bc"
