"""The store (.sitegen-cache/cache.sqlite): reused wherever the site is, trusted for nothing.

The oracle is a build of the same sources in a fresh folder with no cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitegen import audit, cache, images, store, templating
from sitegen.body import Body, Image, Link, Text
from sitegen.codec import decode, encode
from sitegen.errors import BuildErrors

from .conftest import STORE, MakeSite, build_site, fresh_build, kept, post, snapshot, tamper
from .test_images import photo
from .test_output_gate import outside as everything

DATE = "2013-06-26T06:25:00+02:00"


def diary(make_site: MakeSite) -> Path:
    files: dict[str, str | bytes] = {
        f"content/posts/2013-06-{10 + i}-e{i}.md": post(
            f"Eintrag {i}", f"2013-06-{10 + i}T06:25:00+02:00", f"Absatz {i}.", tags=["t"]
        )
        for i in range(5)
    }
    files["content/posts/2013-06-26-hof/index.md"] = post("Hof", DATE, "![Der Hof](hof.jpg)")
    files["content/posts/2013-06-26-hof/hof.jpg"] = photo(900, 600)
    files["content/static/notiz.txt"] = "eine Notiz\n"
    return make_site(files)


class Work:
    """Counts what a build does again: pages rendered, outputs audited, images opened."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.rendered = 0
        self.audited = 0
        render, read = templating.Templates.render, audit.read_output

        def counting_render(*args: object) -> bytes:
            self.rendered += 1
            return render(*args)  # type: ignore[arg-type]

        def counting_read(*args: object) -> object:
            self.audited += 1
            return read(*args)  # type: ignore[arg-type]

        monkeypatch.setattr(templating.Templates, "render", counting_render)
        monkeypatch.setattr(audit, "read_output", counting_read)
        self.opened = images.opened


def variants(site: Path) -> dict[str, tuple[int, int]]:
    """The image cache's files with their inode and mtime: a re-encoded one differs."""
    folder = site / ".sitegen-cache/images"
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.iterdir()}


def test_a_site_copied_elsewhere_with_its_cache_does_nothing_again(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = diary(make_site)
    build_site(site)
    copy = tmp_path / "anderswo" / "site"
    shutil.copytree(site, copy)  # time stamps kept, as `cp -a` or `mv` keep them
    shutil.rmtree(site)
    made = variants(copy)
    work = Work(monkeypatch)
    report = build_site(copy)
    assert report.parsed == 0 and report.written == ()
    assert (work.rendered, work.audited, images.opened) == (0, 0, work.opened)
    assert variants(copy) == made
    assert snapshot(copy / "output") == fresh_build(copy, tmp_path / "fresh")


def test_a_checkout_elsewhere_with_new_time_stamps_parses_and_encodes_nothing(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As in CI: the sources are checked out anew (new mtimes), the cache folder restored.
    site = diary(make_site)
    build_site(site)
    checkout = tmp_path / "checkout"
    shutil.copytree(site, checkout, ignore=shutil.ignore_patterns("output", ".sitegen-cache"))
    shutil.copytree(site / ".sitegen-cache", checkout / ".sitegen-cache")
    for path in (checkout / "content").rglob("*"):
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    made = variants(checkout)
    work = Work(monkeypatch)
    report = build_site(checkout)
    assert report.parsed == 0 and images.opened == work.opened
    assert variants(checkout) == made
    assert snapshot(checkout / "output") == fresh_build(site, tmp_path / "fresh")
    assert build_site(checkout).written == ()


def test_a_long_lived_process_parses_only_what_changed_and_keeps_touched_files(
    make_site: MakeSite, tmp_path: Path
) -> None:
    # As `sitegen serve` builds: one process, which holds the stored posts decoded and
    # reads back only the rows of files that changed.
    site = diary(make_site)
    first, second = site / "content/posts/2013-06-10-e0.md", site / "content/posts/2013-06-11-e1.md"
    cache.forget_others(set())  # a new process: nothing decoded yet
    build_site(site)
    for n in range(3):
        first.write_text(first.read_text() + f"\nNachtrag {n}.\n")
        if n == 1:  # the same bytes with a new time stamp, as `touch` or a checkout leaves them
            stat = second.stat()
            os.utime(second, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
        if n == 2:
            cache.forget_others(set())  # another process reads what the last build stored
        assert build_site(site).parsed == 1, f"edit {n}"
    # Last: a fresh build in this process parses every file, and lets go of what it held.
    assert snapshot(site / "output") == fresh_build(site, tmp_path / "fresh")


def outside(root: Path, site: Path) -> dict[str, bytes | None]:
    """Everything below `root` but the output folder, its spare tree and the caches."""
    return {k: v for k, v in everything(root, site).items() if "/.output." not in k}


def _garbage(path: Path) -> None:
    path.write_bytes(b"\x00garbage" * 512)


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _not_sqlite(path: Path) -> None:
    path.write_text('{"version": 3, "outputs": {"../../victim.txt": "k"}}')


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _other_version(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE meta SET value = 'another version' WHERE name = 'version'")


def _tables_of_another_shape(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("DROP TABLE kept")
        db.execute("CREATE TABLE kept (name BLOB)")
        db.execute("DROP TABLE posts")


def _hostile_rows(path: Path) -> None:
    site = path.parent.parent
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE posts SET data = x'00ff', html = 7")  # every post: a garbage row
        db.execute("UPDATE posts SET data = '[' WHERE key LIKE '%e1.md'")
        db.execute("UPDATE posts SET data = '{\"key\": \"../../x\"}' WHERE key LIKE '%e2.md'")
    tamper(site, "outputs:output", '{"version": 2, "outputs": {"../../victim.txt": "k"}}')
    tamper(site, "stamp:output", b"\x00\xff")
    tamper(site, "images", '{"version": "images-1", "files": {"a": [1, 2, 3, 4, 5]}}')
    tamper(site, "related", "[" * 100_000)
    (facts,) = kept(site, "facts:")
    tamper(site, facts, '{"version": 3, "facts": {"index.html": ["k", [1, 2]]}}')


DAMAGE = {
    "garbage": _garbage,
    "truncated": _truncated,
    "not sqlite": _not_sqlite,
    "empty": _empty,
    "another version": _other_version,
    "tables of another shape": _tables_of_another_shape,
    "hostile rows": _hostile_rows,
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_store_is_only_a_slower_build(
    make_site: MakeSite, tmp_path: Path, damage: str
) -> None:
    site = diary(make_site)
    (tmp_path / "victim.txt").write_text("mine")
    build_site(site)
    post_path = site / "content/posts/2013-06-11-e1.md"
    post_path.write_text(post_path.read_text().replace("Eintrag 1", "Eintrag eins"))
    before = outside(tmp_path, site)
    DAMAGE[damage](site / STORE)
    build_site(site)
    assert outside(tmp_path, site) == before  # the victim too
    assert snapshot(site / "output") == fresh_build(site, tmp_path / "fresh")
    assert build_site(site).parsed == 0  # made anew: the next build reuses it


@pytest.mark.parametrize("kind", ["folder", "link"])
def test_a_store_that_is_not_a_file_is_never_written_through(
    make_site: MakeSite, tmp_path: Path, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    site = diary(make_site)
    victim = tmp_path / "victim.sqlite"
    build_site(site)
    shutil.copy(site / STORE, victim)
    victim_bytes = victim.read_bytes()
    (site / STORE).unlink()
    if kind == "folder":
        (site / STORE).mkdir()
        (site / STORE / "mine.txt").write_text("mine")
    else:
        (site / STORE).symlink_to(victim)
    before = outside(tmp_path, site)
    report = build_site(site)
    assert report.parsed == 6  # nothing read from it
    assert [r.message for r in caplog.records] == [
        f".sitegen-cache/{store.FILE}: not a file; ignored: this build does everything again"
    ] + (
        [
            f".sitegen-cache/{store.FILE}: not saved ({store.FILE} is not a file); the next build "
            "does more work"
        ]
        if kind == "folder"
        else []
    )
    assert outside(tmp_path, site) == before and victim.read_bytes() == victim_bytes
    assert snapshot(site / "output") == fresh_build(site, tmp_path / "fresh")
    if kind == "folder":
        assert (site / STORE / "mine.txt").read_text() == "mine"
    else:
        assert not (site / STORE).is_symlink()  # the link replaced, its target untouched


def test_old_cache_files_are_removed_and_nothing_else(make_site: MakeSite) -> None:
    site = diary(make_site)
    cache = site / ".sitegen-cache"
    old = ["parsed.sqlite", "stamp-1.json", "outputs-2.json", "facts-3.json", "related.json"]
    for name in [*old, "images/index.json", "wordpress-import.json", "notes.txt"]:
        (cache / name).parent.mkdir(parents=True, exist_ok=True)
        (cache / name).write_text("{}")
    (cache / "facts-dir.json").mkdir()
    for name in (".cache-killed.tmp", ".cache-another-build.tmp"):  # half-made stores
        (cache / name).write_bytes(b"")
    os.utime(cache / ".cache-killed.tmp", (1e9, 1e9))
    build_site(site)
    left = {p.relative_to(cache).as_posix() for p in cache.rglob("*")}
    assert not left & {*old, "images/index.json", ".cache-killed.tmp"}
    assert {"wordpress-import.json", "notes.txt", "facts-dir.json", store.FILE} <= left
    assert ".cache-another-build.tmp" in left  # it may be being made right now


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_failed_build_keeps_nothing_and_a_kill_after_the_swap_trusts_nothing(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = diary(make_site)
    build_site(site)
    kept_before = _digest(site / STORE)
    path = site / "content/posts/2013-06-11-e1.md"
    text = path.read_text()
    path.write_text(text.replace("Absatz 1.", '<script src="https://x.example.net/a.js"></script>'))
    with pytest.raises(BuildErrors, match=r"x\.example\.net"):
        build_site(site)
    assert _digest(site / STORE) == kept_before
    # Killed after the new tree is in place, before the store is written:
    path.write_text(text.replace("Eintrag 1", "Eintrag eins"))
    with monkeypatch.context() as patch:
        patch.setattr(store.Store, "commit", lambda self: None)
        build_site(site)
    assert "Eintrag eins" in (site / "output/2013/06/11/e1/index.html").read_text()
    path.write_text(text)  # back to what the store last vouched for
    build_site(site)
    assert snapshot(site / "output") == fresh_build(site, tmp_path / "fresh")


def test_builds_at_once_leave_a_sound_store(make_site: MakeSite, tmp_path: Path) -> None:
    # As `sitegen build` while `sitegen serve` builds into .sitegen-cache/serve.
    site = diary(make_site)
    path = site / "content/posts/2013-06-11-e1.md"
    text = path.read_text()
    for round_ in range(3):
        path.write_text(text.replace("Eintrag 1", f"Eintrag {round_}"))
        runs = [
            subprocess.Popen(
                [sys.executable, "-m", "sitegen", "build", "--site", site, "--out", out],
                stderr=subprocess.PIPE,
                text=True,
            )
            for out in (site / "output", tmp_path / "other")
        ]
        for run in runs:
            _, err = run.communicate(timeout=120)
            assert run.returncode == 0, err
            assert "cache" not in err, err
        with contextlib.closing(sqlite3.connect(site / STORE)) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert build_site(site).parsed == 0
    fresh = fresh_build(site, tmp_path / "fresh")
    assert snapshot(site / "output") == fresh == snapshot(tmp_path / "other")


_WORDS = st.text(max_size=12)
_SEGMENTS = st.one_of(
    st.builds(Text, html=_WORDS),
    st.builds(Link, target=_WORDS, fragment=_WORDS),
    st.builds(Image, target=_WORDS, alt=_WORDS, title=_WORDS),
)


@given(st.lists(_SEGMENTS, max_size=6).map(tuple))
def test_a_stored_body_reads_back_as_it_was(body: Body) -> None:
    """Fields at their defaults are left out of the store; every segment still reads back
    as the same type with the same fields, through JSON as the store keeps it."""
    stored = json.loads(json.dumps(encode(body)))
    assert decode(Body, stored) == body
    assert [type(s) for s in decode(Body, stored)] == [type(s) for s in body]
