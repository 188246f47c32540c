"""Killed, interrupted, starved of disk or of permissions: output/ is the old tree or the new one.

The oracle for "old" and "new" is a build of the same content in a fresh folder.
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import SITE_TOML, build_site, post, snapshot
from .test_output_gate import as_user

EPOCH = "1767225600"  # 2026-01-01: builds of the same content give the same bytes
POSTS = 260
"""Enough to parse and write on worker processes (sitegen.parallel.MIN_ITEMS is 200)."""
CHANGED = range(0, POSTS, 9)


def write_site(site: Path, state: str) -> None:
    """State "a" or "b": in "b" every ninth post has a new title (its page, neighbours, lists)."""
    posts = site / "content/posts"
    posts.mkdir(parents=True, exist_ok=True)
    (site / "site.toml").write_text(SITE_TOML.replace("paginate = 2", "paginate = 20"))
    for i in range(POSTS):
        title = f"Eintrag {i}" + (" (neu)" if state == "b" and i in CHANGED else "")
        day = f"2013-{1 + i // 28:02d}-{1 + i % 28:02d}"
        text = post(
            title, f"{day}T06:25:00+02:00", "Ein Absatz mit Worten. " * 60, tags=[f"t{i % 5}"]
        )
        path = posts / f"{day}-e{i}.md"
        if not path.exists() or path.read_text() != text:
            path.write_text(text)


def run(site: Path, **kwargs: object) -> subprocess.Popen[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "SITEGEN_WORKERS": "2"}
    return subprocess.Popen(
        [sys.executable, "-m", "sitegen", "build", "--site", str(site)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,  # a signal to the group reaches workers too, as from a terminal
        **kwargs,  # type: ignore[call-overload]
    )


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """The two states, each built from scratch in a fresh folder."""
    found = {}
    for state in ("a", "b"):
        site = tmp_path_factory.mktemp(f"fresh-{state}")
        write_site(site, state)
        process = run(site)
        assert process.wait(timeout=300) == 0, process.stderr and process.stderr.read()
        found[state] = snapshot(site / "output")
    assert found["a"] != found["b"]
    assert set(found["a"]) == set(found["b"])  # titles change pages, not which pages exist
    return found


def leftovers(site: Path) -> list[str]:
    """What builds left beside output/, but the spare tree each build starts from."""
    return sorted(n for n in os.listdir(site) if n.startswith(".output.") and n != ".output.spare")


def test_a_kill_at_any_instant_leaves_the_old_tree_or_the_new_one(
    tmp_path: Path, trees: dict[str, dict[str, bytes]]
) -> None:
    site = tmp_path / "site"
    write_site(site, "a")
    assert run(site).wait(timeout=300) == 0
    state = "a"
    started = time.monotonic()
    seen: dict[str, int] = {"a": 0, "b": 0}
    timed = run_seconds(site, "b")  # one whole incremental build, to spread the kills over
    write_site(site, "a")
    assert run(site).wait(timeout=300) == 0
    rng = random.Random(14)
    runs = 0
    # Until kills have landed on both sides of the swap (the timing of one build is a guess
    # on a loaded machine), with a bound.
    while runs < 60 and (
        runs < 10 or time.monotonic() - started < 30 or not (seen["a"] and seen["b"])
    ):
        runs += 1
        target = "b" if state == "a" else "a"
        write_site(site, target)
        published = os.stat(site / "output").st_ino
        process = run(site)
        if runs % 3 == 1:  # anywhere in the build
            time.sleep(rng.uniform(0, timed * 1.1))
        elif runs % 3 == 2:  # in the write phase: once the new tree is being made beside the old
            wait_for(staging_or_end(site, process), timed * 3)
            time.sleep(rng.uniform(0, 0.05))
        else:  # the moment the new tree is in place, while the build keeps what it learnt
            wait_for(swapped(site, published, process), timed * 3)
        os.killpg(process.pid, signal.SIGKILL)  # the build and its workers, as `kill -9`
        process.wait(timeout=30)
        now = snapshot(site / "output")
        assert now in (trees["a"], trees["b"]), f"run {runs}: a mix of old and new"
        state = "a" if now == trees["a"] else "b"
        seen[state] += 1
    assert seen["a"] and seen["b"], seen  # kills landed before and after the swap
    write_site(site, "b")
    assert run(site).wait(timeout=300) == 0
    assert snapshot(site / "output") == trees["b"]
    assert leftovers(site) == []  # what killed builds left is gone


def run_seconds(site: Path, state: str) -> float:
    write_site(site, state)
    started = time.monotonic()
    assert run(site).wait(timeout=300) == 0
    return time.monotonic() - started


def staging_or_end(site: Path, process: subprocess.Popen[str]) -> Callable[[], bool]:
    return lambda: bool(leftovers(site)) or process.poll() is not None


def swapped(site: Path, published: int, process: subprocess.Popen[str]) -> Callable[[], bool]:
    """Whether another tree than `published` (an inode) is the output now, or the build ended."""

    def check() -> bool:
        try:
            return os.stat(site / "output").st_ino != published or process.poll() is not None
        except FileNotFoundError:  # never: the swap exchanges the two names at once
            return False

    return check


def wait_for(condition: Callable[[], bool], seconds: float) -> None:
    end = time.monotonic() + seconds
    while not condition() and time.monotonic() < end:
        time.sleep(0.001)


def group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGINT, signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_ends_any_phase_within_two_seconds_in_one_line(
    tmp_path: Path, trees: dict[str, dict[str, bytes]], signum: int
) -> None:
    site = tmp_path / "site"
    write_site(site, "a")
    started = time.monotonic()
    assert run(site).wait(timeout=300) == 0
    full = time.monotonic() - started
    shutil.rmtree(site / ".sitegen-cache")  # everything parsed and written again: long phases
    write_site(site, "b")
    process = run(site)
    # Not while Python itself starts up: it dies of Ctrl-C then, as any program does. The
    # cache folder appears when the build has begun, however busy the machine is.
    begun = time.monotonic()
    wait_for(lambda: (site / ".sitegen-cache").exists() or process.poll() is not None, 60)
    time.sleep(random.uniform(0, 0.7) * max(full - (time.monotonic() - begun), 0))
    sent = time.monotonic()
    os.killpg(process.pid, signum)
    _out, err = process.communicate(timeout=30)
    took = time.monotonic() - sent
    if process.returncode == 0:
        pytest.skip("the build ended before the signal came")  # a fast machine
    assert process.returncode == 128 + signum, err
    assert err == ("interrupted\n" if signum == signal.SIGINT else "stopped\n")
    assert took < 2.0, f"{took:.2f} s to stop"
    assert snapshot(site / "output") in (trees["a"], trees["b"])
    wait_for(lambda: group_gone(process.pid), 5)
    assert group_gone(process.pid)  # no worker lives on
    assert run(site).wait(timeout=300) == 0
    assert snapshot(site / "output") == trees["b"] and leftovers(site) == []


def test_a_full_disk_while_writing_is_one_line_and_leaves_the_old_tree(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "site.toml").write_text(SITE_TOML)
    (site / "content/posts").mkdir(parents=True)
    (site / "content/posts/a.md").write_text(post("A", "2013-06-26T06:25:00+02:00"))
    assert run(site).wait(timeout=120) == 0
    before = snapshot(site / "output")
    (site / "content/static").mkdir()
    (site / "content/static/film.bin").write_bytes(os.urandom(3 * 2**20))
    (site / "content/posts/a.md").write_text(post("A2", "2013-06-26T06:25:00+02:00"))

    def small_disk() -> None:  # writes past 2 MB fail as on a full disk (EFBIG, not ENOSPC)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2 * 2**20, 2 * 2**20))

    process = run(site, preexec_fn=small_disk)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert "film.bin" in err and "File too large" in err
    assert snapshot(site / "output") == before
    assert leftovers(site) == []


def test_read_only_folders_in_the_output_do_not_stop_the_swap(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "site.toml").write_text(SITE_TOML)
    (site / "content/posts").mkdir(parents=True)
    (site / "content/posts/a.md").write_text(post("A", "2013-06-26T06:25:00+02:00"))
    assert as_user(["build", "--site", str(site)]).returncode == 0
    (site / "content/posts/a.md").write_text(post("A2", "2013-06-26T06:25:00+02:00"))
    (site / "output/2013").chmod(0o555)
    (site / "output").chmod(0o555)
    result = as_user(["build", "--site", str(site)])
    assert result.returncode == 0, result.stderr
    assert "A2" in (site / "output/2013/06/26/a/index.html").read_text()
    (site / "content/posts/a.md").write_text(post("A3", "2013-06-26T06:25:00+02:00"))
    result = as_user(["build", "--site", str(site)])  # from the read-only tree swapped out
    assert result.returncode == 0, result.stderr
    assert "A3" in (site / "output/2013/06/26/a/index.html").read_text()
    assert leftovers(site) == []
    clean = build_site(site, out_dir=tmp_path / "clean")
    assert snapshot(site / "output") == snapshot(clean.out_dir)


def test_leftovers_of_killed_builds_are_cleared_and_a_set_aside_tree_put_back(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "site.toml").write_text(SITE_TOML)
    (site / "content/posts").mkdir(parents=True)
    (site / "content/posts/a.md").write_text(post("A", "2013-06-26T06:25:00+02:00"))
    build_site(site)
    tree = snapshot(site / "output")
    dead = 2**22 + 17  # above the kernel's pid_max default: no such process
    for name in (
        f".output.staging-{dead}-0123abcd",
        ".output.staging-k3j_9x2q",
        ".output.old-abcdefgh",
    ):
        (site / name / "x").mkdir(parents=True)
    (site / ".output.keepme").mkdir()  # not ours: never touched
    os.rename(site / "output", site / f".output.previous-{dead}-89abcdef")
    (site / "content/posts/a.md").write_text(post("A2", "2013-06-26T06:25:00+02:00"))
    report = build_site(site)
    assert leftovers(site) == [".output.keepme"]
    assert "2013/06/26/a/index.html" in report.written
    assert set(report.written) < set(tree)  # the put-back tree was the old one: few changed


def test_unchanged_files_keep_their_inode_and_mtime(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "site.toml").write_text(SITE_TOML)
    (site / "content/posts").mkdir(parents=True)
    for day in (26, 27, 28):
        text = post(f"T{day}", f"2013-06-{day}T06:25:00+02:00")
        (site / f"content/posts/2013-06-{day}-t.md").write_text(text)
    build_site(site)
    files = [p for p in (site / "output").rglob("*") if p.is_file()]
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in files}
    (site / "content/posts/2013-06-26-t.md").write_text(
        post("T26", "2013-06-26T06:25:00+02:00", "Anders.")
    )
    report = build_site(site)
    assert "2013/06/26/t/index.html" in report.written  # and the feeds, which show the text
    assert "2013/06/27/t/index.html" not in report.written
    after = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in files}
    changed = {p.relative_to(site / "output").as_posix() for p in files if before[p] != after[p]}
    assert changed == set(report.written)  # what the dev server is told to reload
