"""The first day, from a wheel: README's "Start your own site" as written, in a fresh venv.

The wheel is built from this checkout and installed, with its dependencies, into a new
virtual environment outside it; nothing of the checkout is on the path. The commands
come from README.md itself, between the `first-day` markers, so README and this test
cannot drift apart.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from sitegen import DISTRIBUTION, __version__

from .conftest import REPO

_BLOCK = re.compile(r"<!-- first-day:.*?-->\n(.*?)<!-- /first-day -->", re.S)


def readme_commands() -> list[str]:
    """The shell lines of README's first-day block, in order."""
    found = _BLOCK.search((REPO / "README.md").read_text(encoding="utf-8"))
    assert found, "README.md lost its <!-- first-day: ... --> block"
    return [line for line in textwrap.dedent(found.group(1)).splitlines() if line.strip()]


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    home: Path
    """A folder outside the checkout to work in."""

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        return {**env, "PATH": f"{self.venv / 'bin'}{os.pathsep}{env['PATH']}"}

    def shell(self, line: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-e", "-c", line],
            cwd=self.home,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=600,
        )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """This checkout's wheel, installed in a fresh venv; its install line from README checked."""
    root = tmp_path_factory.mktemp("first-day")
    wheels = root / "wheels"
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"),
            *("--no-build-isolation", "--wheel-dir", str(wheels), str(REPO)),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("*.whl")
    assert wheel.name.startswith(f"{DISTRIBUTION.replace('-', '_')}-{__version__}-")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    home = root / "home"
    home.mkdir()
    first, *_ = readme_commands()
    assert first == f"pip install {DISTRIBUTION}"
    # The same line, with this checkout's wheel for the release it will become.
    done = Installed(wheel, venv, home)
    result = done.shell(f'pip install --quiet --disable-pip-version-check "{wheel}"')
    assert result.returncode == 0, result.stdout + result.stderr
    return done


def test_the_wheel_is_the_distribution_the_workflow_installs(installed: Installed) -> None:
    where = installed.shell(
        'python -c "import importlib.metadata as m, sitegen; '
        f"print(m.version('{DISTRIBUTION}'), sitegen.__file__)\""
    )
    version, path = where.stdout.split()
    assert version == __version__
    assert Path(path).is_relative_to(installed.venv) and not Path(path).is_relative_to(REPO)
    assert installed.shell("sitegen --version").stdout.strip() == f"sitegen {__version__}"


@pytest.mark.parametrize(
    ("language", "folder", "day", "hello"),
    [("de", "mein-tagebuch", "Tag 1", "hallo"), ("en", "my-diary", "Day 1", "hello")],
)
def test_the_first_day_as_readme_says(
    installed: Installed, language: str, folder: str, day: str, hello: str
) -> None:
    _, *commands = readme_commands()
    if language != "de":
        commands = [
            c.replace("--language de", f"--language {language}").replace("mein-tagebuch", folder)
            for c in commands
        ]
    commands += [
        f'sitegen new "Grüße aus Köln" --site {folder}',
        f'sitegen new "Καλημέρα κόσμε" --site {folder}',
        f"sitegen build --site {folder}",
        f"sitegen check --site {folder}",
    ]
    for command in commands:
        result = installed.shell(command)
        assert result.returncode == 0, f"{command}\n{result.stdout}{result.stderr}"
        assert "Traceback" not in result.stderr
    site = installed.home / folder
    names = {p.name[len("YYYY-MM-DD-") :] for p in (site / "content/posts").iterdir()}
    assert names == {
        f"{hello}.md",
        "mein-erster-eintrag.md",
        "gruesse-aus-koeln.md",
        "kalimera-kosme.md",
    }
    output = site / "output"
    greek = next(output.glob("*/*/*/kalimera-kosme/index.html")).read_text(encoding="utf-8")
    assert "Καλημέρα κόσμε" in greek and day in greek
    assert next(output.glob("*/*/*/gruesse-aus-koeln/index.html")).is_file()
    _serve_once(installed, site, "Καλημέρα κόσμε")


def _serve_once(installed: Installed, site: Path, expected: str) -> None:
    """`sitegen serve` serves the site: its front page lists the entry."""
    process = subprocess.Popen(
        ["sitegen", "serve", "--site", str(site), "--port", "0"],
        cwd=installed.home,
        env=installed.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = next(_served_urls(process))
        parts = urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        connection.request("GET", parts.path)
        response = connection.getresponse()
        assert response.status == 200
        assert expected in response.read().decode("utf-8")
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)
    assert process.returncode == 0


def _served_urls(process: subprocess.Popen[str]) -> Iterator[str]:
    assert process.stdout is not None
    for line in process.stdout:
        if found := re.match(r"serving (\S+)", line):
            yield found.group(1)
    raise AssertionError(
        f"sitegen serve stopped: {process.stderr.read() if process.stderr else ''}"
    )
