"""Bad input ends in one line naming the file (and line), never a traceback."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen import cli

from .conftest import SITE_TOML, MakeSite, post

DATE = "2013-06-26T06:25:00+02:00"
TOML_POST = '+++\ntitle = "A"\ndate = 2013-06-26T06:25:00+02:00\n{}\n+++\n\nText.\n'
YAML_POST = "---\ntitle: A\ndate: 2013-06-26T06:25:00+02:00\n{}\n---\n\nText.\n"


def alias_bomb(levels: int = 9) -> str:
    """The billion laughs: each level lists the one before nine times (9**9 strings)."""
    lines = ["extra:", "  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"  l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]")
    return "\n".join(lines)


CASES: dict[str, tuple[dict[str, str | bytes], str]] = {
    "an impossible date in the name": (
        {"content/posts/2026-02-30-x.md": '+++\ntitle = "X"\n+++\n'},
        "content/posts/2026-02-30-x.md:1: the file name starts with 2026-02-30, which is no date",
    ),
    "year 1": (
        {"content/posts/a.md": post("A", "0001-01-01T00:00:00+02:00")},
        "content/posts/a.md:3: the year 1 is out of range",
    ),
    "5,000-deep TOML": (
        {"content/posts/a.md": TOML_POST.format("x = " + "[" * 5000 + "]" * 5000)},
        "content/posts/a.md:2: front matter nests tables or lists more than 32 deep",
    ),
    "5,000-deep YAML": (
        {"content/posts/a.md": YAML_POST.format("extra: " + "[" * 5000 + "]" * 5000)},
        "content/posts/a.md:2: front matter nests tables or lists more than 32 deep",
    ),
    "a YAML alias bomb in extra": (
        {"content/posts/a.md": YAML_POST.format(alias_bomb())},
        "content/posts/a.md:2: front matter holds more than 20000 values",
    ),
    "cost = 1e308": (
        {
            "content/posts/a.md": post("A", DATE),
            "content/uses.toml": '[[item]]\nname = "Rechner"\ncategory = "Hardware"\n'
            'purpose = "Schreiben"\nsince = 2020-01-01\ncost = 1e308\nper = "month"\n',
        },
        "content/uses.toml:6: item[0].cost: must be a sum below",
    ),
    "cost = nan": (
        {
            "content/posts/a.md": post("A", DATE),
            "content/uses.toml": '[[item]]\nname = "Rechner"\ncategory = "Hardware"\n'
            'purpose = "Schreiben"\nsince = 2020-01-01\ncost = nan\nper = "month"\n',
        },
        "content/uses.toml:6: item[0].cost: must be a sum below",
    ),
    "widths = [] with an image": (
        {
            "site.toml": SITE_TOML + "\n[images]\nwidths = []\n",
            "content/posts/2013-06-26-a/index.md": post("A", DATE, "![Hof](hof.png)"),
        },
        "site.toml: images.widths: must list at least one width",
    ),
    "a 300-byte slug": (
        {"content/posts/a.md": post("A", DATE, slug="a" * 300)},
        "content/posts/a.md:4: slug",
    ),
    "a 300-byte tag": (
        {"content/posts/a.md": post("A", DATE, tags=["t" * 300])},
        "file names end at 255",
    ),
    "a YAML key that is no name": (
        {"content/posts/a.md": "---\ntitle: A\ndate: 2013-06-26\n~: leer\n---\nText.\n"},
        "content/posts/a.md:4: front matter keys are names, not None",
    ),
    "a YAML key that is a number": (
        {"content/posts/a.md": "---\ntitle: A\ndate: 2013-06-26\n5: fünf\n---\nText.\n"},
        "content/posts/a.md:4: front matter keys are names, not 5",
    ),
    "base_url with a password": (
        {
            "site.toml": SITE_TOML.replace(
                "https://example.org/", "https://ada:geheim@example.org/"
            ),
            "content/posts/a.md": post("A", DATE),
        },
        "site.toml: base_url: must not carry a user name or password",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_line(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    files, says = CASES[case]
    site = make_site(files)
    started = time.monotonic()
    code = cli.main(["build", "--site", str(site)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert says in err, err
    assert time.monotonic() - started < 20  # the alias bomb fails fast
    assert not (site / "output").exists()


def test_a_password_in_base_url_is_never_printed(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"content/posts/a.md": post("A", DATE)})
    code = cli.main(["build", "--site", str(site), "--base-url", "https://ada:geheim@example.org/"])
    err = capsys.readouterr().err
    assert code == 1 and "geheim" not in err and "base_url" in err


def test_a_file_name_that_is_not_utf8_is_named(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({})
    name = os.path.join(os.fsencode(site / "content/posts"), b"2013-06-26-\xff\xfe.md")
    with open(name, "w", encoding="utf-8") as f:
        f.write(post("A", DATE))
    code = cli.main(["build", "--site", str(site)])
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "2013-06-26-\\xff\\xfe.md: the file name is not UTF-8" in err


_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\r"), max_size=40)
_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(),
        _TEXT,
        st.dates().map(str),
        st.sampled_from(["0001-01-01", "9999-12-31T23:59:59-12:00", "2013-02-30", "*a", "&a x"]),
    ),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=8,
)
_KEYS = st.sampled_from(
    [
        "title",
        "date",
        "updated",
        "slug",
        "url",
        "aliases",
        "tags",
        "extra",
        "draft",
        "day",
        "cover",
        "audio",
        "description",
        "location",
        "zone",
        "weight",
        "nav",
        "dream",
        "x",
    ]
)
_NAMES = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_characters="/\0"), min_size=1, max_size=40),
    st.sampled_from(["2026-02-30-x", "0000-00-00-a", "9999-99-99", "-", "a" * 250, "index"]),
)


def _front_matter(fence: str, values: dict[str, object]) -> str:
    import json

    if fence == "---":  # JSON is YAML; keys and values as generated
        return "---\n" + json.dumps(values, default=str) + "\n---\n\nText.\n"
    lines = [f"{json.dumps(k)} = {json.dumps(v, default=str)}" for k, v in values.items()]
    return "+++\n" + "\n".join(lines) + "\n+++\n\nText.\n"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=_NAMES,
    fence=st.sampled_from(["+++", "---"]),
    values=st.dictionaries(_KEYS, _VALUES, max_size=6),
    raw=st.booleans(),
    junk=_TEXT,
)
def test_random_front_matter_and_names_never_end_in_a_traceback(
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    name: str,
    fence: str,
    values: dict[str, object],
    raw: bool,
    junk: str,
) -> None:
    site = tmp_path_factory.mktemp("random")
    (site / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    posts = site / "content/posts"
    posts.mkdir(parents=True)
    text = f"{fence}\n{junk}\n{fence}\n" if raw else _front_matter(fence, values)
    try:
        (posts / f"{name}.md").write_text(text, encoding="utf-8")
    except (OSError, ValueError):
        return  # a name this file system refuses: nothing to build
    (posts / "2013-06-26-ok.md").write_text(post("OK", DATE), encoding="utf-8")
    code = cli.main(["build", "--site", str(site)])
    err = capsys.readouterr().err
    assert code in (0, 1)
    assert "Traceback" not in err
    if code == 1:
        assert (err.strip() and "content/posts/" in err) or "site.toml" in err, err


def test_content_path_length_limit_is_named(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    site = make_site(
        {"content/posts/a.md": post("A", DATE, url="/" + "/".join(["abcdefgh"] * 200))}
    )
    code = cli.main(["build", "--site", str(site)])
    err = capsys.readouterr().err
    assert code == 1 and "content/posts/a.md:4: url" in err and "bytes long" in err
