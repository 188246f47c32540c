"""Nothing a site says (front matter, site.toml, a cache, --out, a link) writes outside output/."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen import cli
from sitegen.errors import SitegenError

from .conftest import SITE_TOML, MakeSite, build_site, kept, post, snapshot, tamper

DATE = "2013-06-26T06:25:00+02:00"


def outside(root: Path, site: Path) -> dict[str, bytes | None]:
    """Everything below `root` but the output folder and the caches: path -> bytes (None: a folder)."""
    found: dict[str, bytes | None] = {}
    skip = {site / "output", site / ".sitegen-cache"}
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if Path(folder, d) not in skip]
        for name in (*dirs, *names):
            path = Path(folder, name)
            rel = path.relative_to(root).as_posix()
            found[rel] = None if path.is_dir() and not path.is_symlink() else _bytes(path)
    return found


def _bytes(path: Path) -> bytes:
    return os.readlink(path).encode() if path.is_symlink() else path.read_bytes()


def one_line_error(capsys: pytest.CaptureFixture[str], *args: str | Path) -> str:
    """Run the CLI in this process; it must fail with exactly one line and no traceback."""
    code = cli.main([str(a) for a in args])
    err = capsys.readouterr().err
    assert code == 1, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err.strip()


def test_a_url_leaving_the_site_is_refused_where_it_is_written(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"content/posts/a.md": post("A", DATE, url="/../../outside/")})
    before = outside(tmp_path, site)
    err = one_line_error(capsys, "build", "--site", site)
    assert "content/posts/a.md:4: url" in err and ".." in err
    assert outside(tmp_path, site) == before
    assert not (tmp_path / "outside").exists()


def test_an_alias_cannot_overwrite_a_file_outside(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = tmp_path / "file.html"
    victim.write_text("mine")
    site = make_site({"content/posts/a.md": post("A", DATE, aliases=["/../../file.html"])})
    assert "content/posts/a.md:4: aliases" in one_line_error(capsys, "build", "--site", site)
    assert victim.read_text() == "mine"


def test_a_page_taking_the_transparency_pages_address_is_refused(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    """The transparency page is planned after every other output is measured; a post
    that claims its address is refused all the same, and the last output stays."""
    site = make_site({"content/posts/a.md": post("A", DATE)})
    build_site(site)
    [page] = [p for p in (site / "output").glob("transparen*/index.html")]
    before = snapshot(site / "output")
    address = f"/{page.parent.name}/"
    (site / "content/posts/b.md").write_text(post("B", DATE, url=address), encoding="utf-8")
    err = one_line_error(capsys, "build", "--site", site)
    assert "content/posts/b.md" in err and f"{address}index.html" in err
    assert snapshot(site / "output") == before


@pytest.mark.parametrize(
    ("permalink", "says"),
    [
        ("/../../{slug}/", "'..'"),
        ("/{slug.__class__}/", "unknown field {slug.__class__}"),
        ("/{slug!r}/", "unknown field {slug!r}"),
        ("/{year:>9999}/{slug}/", "unknown field {year:>9999}"),
        ("/.git/{slug}/", "hidden"),
    ],
)
def test_a_permalink_is_checked_in_site_toml_and_never_evaluated(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], permalink: str, says: str
) -> None:
    toml = SITE_TOML.replace("paginate = 2", f'paginate = 2\npermalink = "{permalink}"')
    site = make_site({"site.toml": toml, "content/posts/a.md": post("A", DATE)})
    code = cli.main(["build", "--site", str(site)])
    err = capsys.readouterr().err
    assert code == 1 and "site.toml: permalink:" in err and says in err, err
    assert "Traceback" not in err and not (site / "output").exists()


def test_a_crafted_manifest_deletes_nothing_outside_and_nothing_sitegen_did_not_write(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site(
        {
            "content/posts/2013-06-26-a.md": post("A", DATE),
            "content/posts/2013-06-27-b.md": post("B", "2013-06-27T06:25:00+02:00"),
        }
    )
    build_site(site)
    victim = tmp_path / "victim.txt"
    victim.write_text("mine")
    data = json.loads(kept(site, "outputs:")["outputs:output"])
    for name in ("../../victim.txt", str(victim), "/etc/hostname", "../output/../x"):
        data["outputs"][name] = "key"
    data["outputs"]["index.html"] = "a key that matches nothing"
    tamper(site, "outputs:output", json.dumps(data))
    (site / "content/posts/2013-06-27-b.md").unlink()  # something to prune
    build_site(site)
    assert victim.read_text() == "mine"
    clean = build_site(site, out_dir=tmp_path / "clean")
    assert snapshot(site / "output") == snapshot(clean.out_dir)


def test_out_into_a_folder_of_other_files_is_refused_unless_forced(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"content/posts/a.md": post("A", DATE)})
    thesis = tmp_path / "thesis"
    thesis.mkdir()
    (thesis / "thesis.tex").write_text("\\chapter{Eins}")
    (thesis / ".latexmkrc").write_text("$pdf_mode = 1;")
    err = one_line_error(capsys, "build", "--site", site, "--out", thesis)
    assert "thesis holds files sitegen did not write (thesis.tex)" in err and "--force" in err
    assert sorted(os.listdir(thesis)) == [".latexmkrc", "thesis.tex"]
    assert cli.main(["build", "--site", str(site), "--out", str(thesis), "--force"]) == 0
    assert not (thesis / "thesis.tex").exists() and (thesis / "index.html").exists()
    assert (thesis / ".latexmkrc").exists()  # hidden entries at the top are carried along
    (site / "content/posts/b.md").write_text(post("B", "2013-06-27T06:25:00+02:00"))
    assert cli.main(["build", "--site", str(site), "--out", str(thesis)]) == 0  # its marker
    capsys.readouterr()


def test_out_at_a_file_or_below_one_is_one_line(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"content/posts/a.md": post("A", DATE)})
    paper = tmp_path / "paper.pdf"
    paper.write_bytes(b"%PDF")
    assert "paper.pdf is a file" in one_line_error(capsys, "build", "--site", site, "--out", paper)
    err = one_line_error(capsys, "build", "--site", site, "--out", paper / "site")
    assert "cannot make the folder" in err and "paper.pdf" in err
    assert paper.read_bytes() == b"%PDF"


@pytest.mark.parametrize(
    ("link", "place"),
    [
        ("content/static/passwd", "static"),
        ("content/posts/2013-06-26-a/passwd.txt", "bundle"),
        ("content/posts/2013-06-26-b.md", "post"),
        ("themes/mine/static/passwd.txt", "theme static"),
        ("themes/mine/templates/base.html", "theme template"),
    ],
)
def test_a_link_out_of_the_site_is_an_error_naming_it(
    make_site: MakeSite,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    link: str,
    place: str,
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0")
    site = make_site(
        {
            "site.toml": SITE_TOML.replace("paginate = 2", 'paginate = 2\ntheme = "mine"'),
            "themes/mine/theme.toml": 'extends = "default"\n',
            "content/posts/2013-06-26-a/index.md": post("A", DATE),
        }
    )
    (site / link).parent.mkdir(parents=True, exist_ok=True)
    (site / link).symlink_to(secret)
    err = one_line_error(capsys, "build", "--site", site)
    assert link in err and "symbolic link" in err, place
    assert not (site / "output").exists()


def test_a_link_inside_the_site_is_followed(make_site: MakeSite) -> None:
    site = make_site({"content/posts/a.md": post("A", DATE), "shared/logo.txt": "logo"})
    (site / "content/static").mkdir(parents=True)
    (site / "content/static/logo.txt").symlink_to(site / "shared/logo.txt")
    build_site(site)
    assert (site / "output/logo.txt").read_text() == "logo"


# Strings as a hostile export or a careless hand would write them: traversal, absolute,
# hidden, encoded, long, odd characters, and plain ones.
_PARTS = st.one_of(
    st.sampled_from(["..", ".", "", "...", ".git", "%2e%2e", "~", "output", "content", "a" * 300]),
    st.sampled_from(["/etc/passwd", "\\..\\x", "C:\\x", "x\0y", "x\ny", "?q=1", "#f", " "]),
    st.text(alphabet="ab./\\-_%~ .é", min_size=1, max_size=12),
)
_PATHS = (
    st.lists(_PARTS, min_size=1, max_size=6)
    .map("/".join)
    .map(lambda p: p.replace('"', "").replace("\\", "\\\\"))
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(url=_PATHS, alias=_PATHS, permalink=_PATHS, slug=_PATHS)
def test_no_address_makes_a_build_touch_anything_outside_output(
    tmp_path_factory: pytest.TempPathFactory, url: str, alias: str, permalink: str, slug: str
) -> None:
    root = tmp_path_factory.mktemp("gate")
    site = root / "site"
    (site / "content/posts").mkdir(parents=True)
    (site / "content/pages").mkdir()
    (root / "file.html").write_text("mine")
    (root / "outside").mkdir()
    toml = SITE_TOML.replace("paginate = 2", f'paginate = 2\npermalink = "/{permalink}/"')
    (site / "site.toml").write_text(toml, encoding="utf-8")
    (site / "content/posts/2013-06-26-a.md").write_text(
        post("A", DATE, url=f"/{url}", aliases=[alias]), encoding="utf-8"
    )
    (site / "content/posts/2013-06-27-b.md").write_text(
        post("B", "2013-06-27T06:25:00+02:00", slug=slug), encoding="utf-8"
    )
    (site / "content/pages/p.md").write_text(
        post("P", DATE, aliases=[f"/{alias}/x.html"]), encoding="utf-8"
    )
    for _ in range(2):  # the second build prunes and swaps over the first one's tree
        before = outside(root, site)
        with contextlib.suppress(SitegenError):
            build_site(site)
        assert outside(root, site) == before
        (site / "content/posts/2013-06-27-b.md").unlink(missing_ok=True)


def test_an_unwritable_output_parent_is_one_line(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({"content/posts/a.md": post("A", DATE)})
    parent = tmp_path / "locked"
    parent.mkdir()
    parent.chmod(0o555)
    result = as_user(["build", "--site", str(site), "--out", str(parent / "out")])
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "locked" in result.stderr, result.stderr
    assert "permission denied" in result.stderr


def as_user(args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run sitegen bound by file permissions, which root ignores unless it drops the power to."""
    command = [sys.executable, "-m", "sitegen", *args]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            if os.environ.get("CI"):
                pytest.fail("setpriv (util-linux) is missing: the permission tests run as root")
            pytest.skip("running as root without setpriv: permissions cannot be tested")
        command = [setpriv, "--bounding-set", "-dac_override,-dac_read_search,-fowner", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_a_tampered_spare_tree_changes_nothing_published(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site(
        {
            "content/posts/2013-06-26-a.md": post("A", DATE),
            "content/posts/2013-06-27-b.md": post("B", "2013-06-27T06:25:00+02:00"),
        }
    )
    build_site(site)
    (site / "content/posts/2013-06-27-b.md").write_text(post("B2", "2013-06-27T06:25:00+02:00"))
    build_site(site)  # the first tree is now the spare
    spare = site / ".output.spare"
    secret = tmp_path / "secret.txt"
    secret.write_text("geheim")
    (spare / "index.html").unlink()
    (spare / "index.html").symlink_to(secret)  # a link where an output goes
    shutil.rmtree(spare / "2013/06/26")
    (spare / "2013/06/26").write_text("a file where a folder goes")
    (spare / "extra.html").write_text("not an output")
    (spare / ".git").mkdir()
    (spare / "404.html").unlink()
    (spare / "404.html").write_text("a new file where an unchanged output goes")
    (spare / "robots.txt").unlink()
    os.link(site / "output/sitemap.xml", spare / "robots.txt")  # a link to another output
    (spare / "2013/extra.html").write_text("not an output, in a folder made read-only")
    (spare / "2013").chmod(0o555)
    (site / "content/posts/2013-06-27-b.md").write_text(post("B3", "2013-06-27T06:25:00+02:00"))
    before = outside(tmp_path, site)
    build_site(site)
    clean = build_site(site, out_dir=tmp_path / "clean")
    assert snapshot(site / "output") == snapshot(clean.out_dir)
    assert secret.read_text() == "geheim"
    assert not (site / "output/.git").exists()
    after = outside(tmp_path, site)
    assert {k: v for k, v in after.items() if ".output.spare" not in k and "clean" not in k} == {
        k: v for k, v in before.items() if ".output.spare" not in k
    }


def test_a_tree_made_whole_again_is_the_fresh_one(make_site: MakeSite, tmp_path: Path) -> None:
    # No spare tree (the first edit after a first build): every output not written again is
    # a link to the old tree's file, in folders made anew.
    site = make_site(
        {
            f"content/posts/2013-06-{day}-p{day}.md": post(
                f"P{day}", f"2013-06-{day}T06:25:00+02:00"
            )
            for day in range(10, 28)
        }
    )
    build_site(site)
    shutil.rmtree(site / ".output.spare", ignore_errors=True)
    old = {p: p.stat().st_ino for p in (site / "output").rglob("*") if p.is_file()}
    (site / "content/posts/2013-06-20-p20.md").write_text(
        post("P20", "2013-06-20T06:25:00+02:00", body="Ein Satz mehr.")
    )
    report = build_site(site)
    clean = build_site(site, out_dir=tmp_path / "clean")
    assert snapshot(site / "output") == snapshot(clean.out_dir)
    linked = [p for p, inode in old.items() if p.exists() and p.stat().st_ino == inode]
    assert len(linked) == len(old) - len(report.written)  # the rest are the old files
