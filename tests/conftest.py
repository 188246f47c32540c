"""Shared test helpers: whole sites built from strings."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import pytest

from sitegen.build import BuildOptions, BuildReport, build

REPO = Path(__file__).resolve().parent.parent

SITE_TOML = """\
title = "Testtagebuch"
description = "Ein Tagebuch für Tests"
base_url = "https://example.org/"
language = "de"
timezone = "Europe/Berlin"
paginate = 2

[author]
name = "Ada"

[diary]
day_zero = 2011-10-08
"""


def post(title: str, date: str, body: str = "Ein Absatz.", **fields: object) -> str:
    """A post with TOML front matter."""
    lines = [f'title = "{title}"', f"date = {date}"]
    for key, value in fields.items():
        if isinstance(value, str):
            lines.append(f'{key} = "{value}"')
        elif isinstance(value, bool):
            lines.append(f"{key} = {str(value).lower()}")
        elif isinstance(value, list):
            lines.append(f"{key} = [" + ", ".join(f'"{v}"' for v in value) + "]")
        else:
            lines.append(f"{key} = {value}")
    return "+++\n" + "\n".join(lines) + "\n+++\n\n" + textwrap.dedent(body).strip() + "\n"


MakeSite = Callable[[dict[str, str | bytes]], Path]


@pytest.fixture
def make_site(tmp_path: Path) -> MakeSite:
    """Write a site from {relative path: text}; site.toml defaults to SITE_TOML."""

    def make(files: dict[str, str | bytes]) -> Path:
        site = tmp_path / "site"
        files = {"site.toml": SITE_TOML, **files}
        for rel, data in files.items():
            path = site / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8")
        (site / "content" / "posts").mkdir(parents=True, exist_ok=True)
        return site

    return make


def build_site(site: Path, **options: object) -> BuildReport:
    return build(BuildOptions(site_dir=site, **options))  # type: ignore[arg-type]


STORE = ".sitegen-cache/cache.sqlite"
"""Where a build keeps what the next one may reuse (sitegen.store)."""


def kept(site: Path, prefix: str) -> dict[str, str]:
    """The texts the site's store keeps under names starting with `prefix`."""
    with contextlib.closing(sqlite3.connect(site / STORE)) as db:
        rows = db.execute("SELECT name, data FROM kept WHERE name LIKE ? || '%'", (prefix,))
        return dict(rows.fetchall())


def tamper(site: Path, name: str, data: object) -> None:
    """Make the site's store keep `data` (any SQLite value) under `name`."""
    with contextlib.closing(sqlite3.connect(site / STORE)) as db, db:
        db.execute("INSERT OR REPLACE INTO kept VALUES (?, ?)", (name, data))


def read(site: Path, output: str) -> str:
    return (site / "output" / output).read_text(encoding="utf-8")


def run_cli(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m sitegen` as a user would, in a separate process."""
    return subprocess.run(
        [sys.executable, "-m", "sitegen", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def fresh_build(site: Path, folder: Path, **options: object) -> dict[str, bytes]:
    """Build a copy of the site's sources (no output, no cache) in a new folder; its output."""
    shutil.copytree(site, folder, ignore=shutil.ignore_patterns("output", ".sitegen-cache"))
    build_site(folder, **options)
    return snapshot(folder / "output")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below folder with its bytes (but sitegen's marker, the same in every build)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".sitegen-output"
    }


def under_ci() -> bool:
    """True where CI=true: there .ci/run has installed every tool the tests use."""
    return os.environ.get("CI", "").lower() not in ("", "0", "false")


def missing(what: str, install: str) -> NoReturn:
    """A tool the test needs is not here: fail under CI, else skip saying how to install it."""
    message = f"{what} is missing; install it with: {install}"
    if under_ci():
        pytest.fail(f"{message} (.ci/run does)")
    pytest.skip(message)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/expected")


# Checked as local files, a root-relative stylesheet or image counts as another origin than the
# file: page, so the checker warns that the page's own CSP blocks it. Over HTTP (the only
# way the site is served) it is the same origin; only that warning is filtered.
_FILE_ORIGIN_ARTEFACT = (
    r".*Content Security Policy \(meta tag\): [a-z ]+ “/[^”]*” blocked by “[a-z]+-src”.*"
)


# The checker applies the CSP to every <script>, data blocks included; browsers never run a
# JSON-LD block and so never block or report it (tests/test_diary.py loads one in Chromium).
# Its warning is filtered only while every <script> of the checked pages is such a block.
_DATA_BLOCK_ARTEFACT = r".*Inline script violates Content Security Policy \(meta tag\).*"
_SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)


def only_data_blocks(folder: Path) -> bool:
    """Every <script> in the pages below `folder` is JSON-LD data, never code."""
    return all(
        attrs.strip() == 'type="application/ld+json"'
        for page in folder.rglob("*.html")
        for attrs in _SCRIPT.findall(page.read_text(encoding="utf-8"))
    )


def check_html(*folders: Path) -> str:
    """Run the W3C Nu HTML checker once over every page of built sites; return its report."""
    vnu = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    java = shutil.which("java")
    if java is None:
        missing("Java, which runs the HTML checker", "apt-get install default-jre-headless")
    if not vnu.exists():
        missing("the HTML checker (vnu.jar)", "npm install --no-audit --no-fund")
    ignored = _FILE_ORIGIN_ARTEFACT
    if all(only_data_blocks(folder) for folder in folders):
        ignored = f"{ignored}|{_DATA_BLOCK_ARTEFACT}"
    result = subprocess.run(
        [
            java,
            "-jar",
            str(vnu),
            "--skip-non-html",
            "--format",
            "text",
            "--filterpattern",
            ignored,
            *map(str, folders),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    return (result.stdout + result.stderr).strip()


def make_audio(path: Path, seconds: float, frequency: int = 440) -> Path:
    """A real audio file made with SoX, its format chosen by the suffix (mp3, ogg, flac, wav)."""
    sox = shutil.which("sox")
    if sox is None:
        missing("SoX, which makes the test audio", "apt-get install sox libsox-fmt-mp3")
    path.parent.mkdir(parents=True, exist_ok=True)
    # A low sample rate keeps the files small; the length is what the tests measure.
    subprocess.run(
        [
            sox,
            "-n",
            "-r",
            "16000",
            "-c",
            "1",
            str(path),
            "synth",
            str(seconds),
            "sine",
            str(frequency),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return path
