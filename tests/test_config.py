"""site.toml: typed settings, every problem reported at once with its dotted path."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.config import load_config
from sitegen.errors import ConfigError

from .conftest import SITE_TOML, MakeSite, run_cli


def test_settings_are_read_with_types(make_site: MakeSite) -> None:
    site = make_site({"site.toml": SITE_TOML + "\n[images]\nwidths = [320, 640]\n"})
    config = load_config(site)
    assert config.title == "Testtagebuch"
    assert config.language == "de"
    assert config.diary.day_zero is not None and config.diary.day_zero.isoformat() == "2011-10-08"
    assert config.images.widths == (320, 640)
    assert config.paginate == 2


def test_base_url_gets_a_trailing_slash_and_gives_the_base_path(make_site: MakeSite) -> None:
    site = make_site(
        {"site.toml": SITE_TOML.replace("https://example.org/", "https://user.github.io/blog")}
    )
    config = load_config(site)
    assert config.base_url == "https://user.github.io/blog/"
    assert config.base_path == "/blog/"


def test_every_problem_is_reported_at_once_with_its_dotted_path(make_site: MakeSite) -> None:
    broken = (
        SITE_TOML.replace('language = "de"', 'language = "de"\ncolour = "blue"').replace(
            "paginate = 2", 'paginate = "zwei"'
        )
        + '\n[images]\nwidths = [480, -1, "big"]\n'
    )
    site = make_site({"site.toml": broken})
    with pytest.raises(ConfigError) as caught:
        load_config(site)
    problems = caught.value.problems
    assert "colour: unknown key" in problems
    assert "paginate: must be a positive integer" in problems
    assert "images.widths[1]: must be a positive integer" in problems
    assert "images.widths[2]: must be a positive integer" in problems
    assert all(
        line.startswith(str(Path(caught.value.path))) for line in str(caught.value).splitlines()
    )


def test_unknown_timezone_and_bad_base_url_are_named(make_site: MakeSite) -> None:
    text = SITE_TOML.replace("Europe/Berlin", "Europe/Atlantis").replace(
        "https://example.org/", "example.org"
    )
    site = make_site({"site.toml": text})
    with pytest.raises(ConfigError) as caught:
        load_config(site)
    message = str(caught.value)
    assert "timezone: unknown time zone 'Europe/Atlantis'" in message
    assert "base_url: must be an absolute http(s) URL" in message


def test_broken_toml_names_file_and_line_without_traceback(make_site: MakeSite) -> None:
    site = make_site({"site.toml": 'title = "x"\nbase_url = \n'})
    result = run_cli("build", "--site", site)
    assert result.returncode == 1
    assert "site.toml:2:" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_site_toml_says_how_to_start(tmp_path: Path) -> None:
    result = run_cli("build", "--site", tmp_path)
    assert result.returncode == 1
    assert "no site.toml" in result.stderr and "sitegen init" in result.stderr
