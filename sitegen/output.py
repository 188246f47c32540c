"""Write planned jobs into the output folder: the one gate for every output path.

Nothing else opens an output path for writing, replaces or removes one. A build makes a
complete new tree in a staging folder beside the output: changed files are written,
unchanged ones hard-linked from the old tree (so their bytes, inode and mtime stay, and
the dev server reloads only what changed). Only when every job has succeeded and the
audit has passed does the new tree take the old one's place, in one step (see `swap`),
so a failed, interrupted or killed build leaves the old tree or the new one, never a mix.
A second round of jobs, made from what the first round staged, may join the same tree.
"""

from __future__ import annotations

import bisect
import errno
import json
import logging
import os
import shutil
import stat
import sys
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import swap
from .errors import SitegenError, display_path
from .model import Job
from .parallel import parallel_map
from .paths import output_problem

log = logging.getLogger(__name__)

_MANIFEST_VERSION = 2


@dataclass(frozen=True, slots=True)
class Staged:
    """Jobs produced this build, waiting in the staging folder to be swapped in."""

    folder: Path
    """Mirrors the output folder's layout."""
    out_dir: Path
    files: tuple[str, ...]
    """Outputs whose bytes changed (or are new), sorted; written into the staging folder."""
    ran: frozenset[str]
    """Outputs whose job ran this build (their key changed or their file was missing)."""
    previous: dict[str, str]
    """Output -> key, as the last build into this folder left them; empty when unknown."""
    old: dict[str, int]
    """Regular files of the old tree (reached without following a link), hidden tops aside,
    with their inodes (`swap.own_files`)."""
    measured: dict[str, Any] = field(default_factory=dict)
    """What `produce`'s `measure` made of the bytes of each output whose job ran."""
    reused: swap.Tree = field(default_factory=lambda: swap.Tree({}, (), ()))
    """What the staging folder held when the build claimed it (the spare tree)."""

    def locate(self, output: str) -> Path:
        """The file holding this build's bytes of an output: staged, or already in place."""
        # Not "is it in the staging folder": a reused tree holds older files too.
        i = bisect.bisect_left(self.files, output)
        staged = i < len(self.files) and self.files[i] == output
        return (self.folder if staged else self.out_dir) / output


@dataclass(frozen=True, slots=True)
class WriteReport:
    written: tuple[str, ...]
    """Outputs whose bytes changed (or are new), sorted."""
    unchanged: int
    pruned: tuple[str, ...]


def claim(out_dir: Path, force: bool, explicit: bool) -> None:
    """Refuse an output folder that is a file, cannot be written beside, or is not sitegen's.

    A folder named with --out that holds files sitegen did not write (and no marker of an
    earlier build) would lose them: refused unless `force`. Leftovers of killed builds are
    cleared (or, if the old tree was set aside when the build died, put back).
    """
    shown = display_path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise SitegenError(f"{shown} is a file; the output must be a folder (see --out)")
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise SitegenError(
            f"cannot make the folder {display_path(e.filename or out_dir)}: {e.strerror}"
        ) from None
    if not os.access(out_dir.parent, os.W_OK | os.X_OK):
        raise SitegenError(
            f"cannot write into {display_path(out_dir.parent)} (permission denied): each build "
            f"makes its new tree there, beside {out_dir.name}"
        )
    swap.recover(out_dir)
    if force or not explicit or not out_dir.is_dir() or swap.is_marked(out_dir):
        return
    foreign = sorted(n for n in os.listdir(out_dir) if not n.startswith("."))
    if foreign:
        raise SitegenError(
            f"{shown} holds files sitegen did not write ({', '.join(foreign[:3])}"
            f"{', …' if len(foreign) > 3 else ''}); a build would replace them: choose an empty "
            "or new folder, or pass --force"
        )


def check_plan(jobs: list[Job], checked: Sequence[Job] = ()) -> None:
    """Refuse a path that would leave the output folder, and two jobs writing the same file.

    `checked` are jobs of an earlier round, passed already: a job may not write one of theirs.
    """
    seen: dict[str, Job] = {job.output: job for job in checked}
    for job in jobs:
        problem = output_problem(job.output)
        if problem is not None:
            raise SitegenError(f"{job.source}: cannot write {job.output!r}: {problem}")
        other = seen.setdefault(job.output, job)
        if other is not job:
            raise SitegenError(f"{job.source} and {other.source} would both write /{job.output}")


def produce(
    jobs: list[Job],
    out_dir: Path,
    manifest: str | None,
    joining: Staged | None = None,
    folder: Path | None = None,
    listed: Callable[[], tuple[dict[str, int], swap.Tree]] | None = None,
    measure: Callable[[str, bytes], Any] | None = None,
) -> Staged:
    """Run every job whose key changed since the last build; stage the bytes that differ.

    `manifest` is the last build's (see `manifest_text`), as the store kept it. With
    `joining`, the jobs are a further round staged into that round's folder. `folder`
    is the staging folder the build claimed (`swap.new_staging`), and `listed` gives
    `trees` of it (made while the build planned). `measure` reads each new output's bytes
    where they were made (the audit's facts), so they are neither read back from the disk
    nor sent between processes.
    """
    if joining is None:
        if folder is None:
            folder = swap.new_staging(out_dir)
        old, reused = listed() if listed is not None else trees(out_dir, folder)
        previous = read_manifest(manifest, old)
    else:
        old, previous, folder = joining.old, joining.previous, joining.folder
        reused = joining.reused
    stale = [j for j in jobs if j.output not in old or previous.get(j.output) != j.key]
    folders = _Folders(folder)

    def stage(job: Job) -> tuple[str | None, Any]:
        data = job.produce()
        measured = measure(job.output, data) if measure is not None else None
        if job.output in old and _same_bytes(out_dir / job.output, data):
            return None, measured  # hard-linked at the end: the file keeps its mtime
        target = folders.ready(job.output)
        _clear(target)  # an older file in a reused tree: never written through (hard links)
        _create(target, data)
        return job.output, measured

    try:
        results = parallel_map(stage, stale, label="writing")
    except BaseException:
        _abandon(folder)
        raise
    files = [r for r, _ in results if r is not None]
    ran = {j.output for j in stale}
    made = {j.output: m for j, (_, m) in zip(stale, results, strict=True)} if measure else {}
    if joining is not None:
        files += joining.files
        ran |= joining.ran
        made = {**joining.measured, **made}
    staged_files = tuple(sorted(files))
    return Staged(folder, out_dir, staged_files, frozenset(ran), previous, old, made, reused)


def trees(out_dir: Path, folder: Path) -> tuple[dict[str, int], swap.Tree]:
    """The output folder's files and what the staging folder holds, for `produce`."""
    return swap.own_files(out_dir), swap.listing(folder)


def release(folder: Path) -> None:
    """Give back a staging folder a build claimed and did not swap in (see `_abandon`);
    one the build made and left empty is only removed."""
    try:
        os.rmdir(folder)
    except FileNotFoundError:
        return  # swapped in, or given back already
    except OSError:
        _abandon(folder)  # it holds a tree: the next build's starting point


def discard(staged: Staged) -> None:
    _abandon(staged.folder)


def _abandon(folder: Path) -> None:
    """Keep a staging folder for the next build; on Ctrl-C leave it, to stop at once."""
    if isinstance(sys.exception(), KeyboardInterrupt):
        return  # the next build knows it by its PID and removes it
    swap.keep_spare(folder)


def write(
    jobs: list[Job], staged: Staged, out_dir: Path, forget: Callable[[], None]
) -> WriteReport:
    """Complete the staged tree from the old one, then swap it in whole.

    `forget` is called just before the swap: from then on, no manifest of the old tree
    may vouch for the files in place.
    """
    wanted = {j.output for j in jobs}
    try:
        _complete(staged.folder, out_dir, wanted, staged)
        swap.carry_hidden(out_dir, staged.folder)
        swap.mark(staged.folder, out_dir)
        forget()
        swap.exchange(staged.folder, out_dir)
    except BaseException:
        discard(staged)
        raise
    swap.keep_spare(staged.folder)  # now the old tree: the next build's starting point
    pruned = sorted(staged.old.keys() - wanted)
    return WriteReport(staged.files, len(jobs) - len(staged.files), tuple(pruned))


def _complete(folder: Path, out_dir: Path, wanted: set[str], staged: Staged) -> None:
    """Make the staging folder hold exactly the wanted outputs and nothing else.

    Outputs not written this build are hard links to the old tree's files; a reused
    tree (the one swapped out last time) mostly has them already. What it held when the
    build claimed it (`Staged.reused`, listed while the build planned) says what to remove
    and, by inode, which links are in place, so it is not walked again here.
    """
    written = set(staged.files)
    tree = staged.reused
    root = f"{folder}{os.sep}"
    needed = {""}  # folders some output is below
    for output in wanted:
        parent = output.rpartition("/")[0]
        while parent not in needed:
            needed.add(parent)
            parent = parent.rpartition("/")[0]
    # Staging this build's files changed the tree since it was listed, at their paths
    # and at the folders above them: what is listed there is left alone (a file or a link
    # where a folder is due is replaced by `_Folders`, now or when linking).
    for rel in tree.folders:  # the topmost folders no output is below go whole
        if rel not in needed and rel not in written and rel.rpartition("/")[0] in needed:
            _clear(root + rel)
    for rel in tree.others:  # links, and anything else that is no regular file
        if rel not in written and rel not in needed and rel.rpartition("/")[0] in needed:
            _removing(os.unlink, root + rel)
    for rel in tree.files:
        if rel not in wanted and rel not in needed and rel.rpartition("/")[0] in needed:
            _removing(os.unlink, root + rel)
    folders = _Folders(folder)
    old, have = staged.old, tree.files
    source = str(out_dir)
    for output in sorted(wanted - written):
        inode = have.get(output)
        if inode and inode == old.get(output):
            continue  # the same file as in the old tree (0 is not known, and matches nothing)
        target = folders.ready(output)
        if inode is not None:  # another file: replaced, never written through (hard links)
            _removing(os.unlink, target)
        _link(f"{source}{os.sep}{output}", target)


def _removing(remove: Callable[[str], None], path: str) -> None:
    try:
        remove(path)
    except FileNotFoundError:
        return  # gone already: what was wanted
    except PermissionError:  # a read-only folder of a reused tree: it is ours
        parent = os.path.dirname(path)
        os.chmod(parent, os.lstat(parent).st_mode | 0o700)
        remove(path)


def _clear(path: str) -> None:
    """Remove what a reused tree holds at an output's path (a file, a link or a folder)."""
    swap.remove_entry(Path(path))


class _Folders:
    """Creates the folders below `root` that outputs need, each once, proved inside `root`.

    Every folder on the way is checked to be a real folder, not a link (one lstat each),
    so no path below `root` resolves anywhere else.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.made: set[str] = {""}

    def ready(self, output: str) -> str:
        problem = output_problem(output)
        if problem is not None:
            raise SitegenError(f"cannot write {output!r}: {problem}")
        parent, _, _ = output.rpartition("/")
        if parent not in self.made:
            try:
                self._make(parent)
            except OSError as e:
                raise _failed(e, self.root / output) from None
        return f"{self.root}{os.sep}{output}"

    def _make(self, folder: str) -> None:
        above, _, _ = folder.rpartition("/")
        if above not in self.made:
            self._make(above)
        path = f"{self.root}{os.sep}{folder}"
        try:
            mode: int | None = os.lstat(path).st_mode
        except FileNotFoundError:
            mode = None
        if mode is not None and not stat.S_ISDIR(mode):
            os.unlink(path)  # a reused tree's file or link where a folder is due now
            mode = None
        elif mode is not None and mode & 0o700 != 0o700:
            os.chmod(path, mode | 0o700)  # a reused tree's folder someone made read-only
        if mode is None:
            try:
                os.mkdir(path)
            except FileExistsError:  # another worker made it just now
                if not stat.S_ISDIR(os.lstat(path).st_mode):
                    raise
        self.made.add(folder)


def _create(path: str, data: bytes) -> None:
    # O_EXCL and O_NOFOLLOW: a link planted in the staging folder is never written through.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
    except OSError as e:
        raise _failed(e, Path(path)) from None


def _link(source: str, target: str) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError as e:
        if e.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            raise _failed(e, Path(target)) from None
        try:  # a file system without hard links: a copy keeps bytes and mtime
            shutil.copy2(source, target, follow_symlinks=False)
        except OSError as e2:
            raise _failed(e2, Path(target)) from None


def _failed(e: OSError, path: Path) -> SitegenError:
    return SitegenError(f"cannot write {display_path(path)}: {e.strerror or e}")


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        if os.lstat(path).st_size != len(data):
            return False
        with open(path, "rb") as f:
            return f.read() == data
    except OSError:
        return False


def read_manifest(text: str | None, present: Collection[str]) -> dict[str, str]:
    """Output -> key of the last build: a hint, kept only for files found in the output folder."""
    try:
        data = json.loads(text) if text is not None else None
    except (ValueError, RecursionError):
        return {}
    if not isinstance(data, dict) or data.get("version") != _MANIFEST_VERSION:
        return {}
    outputs = data.get("outputs")
    if not isinstance(outputs, dict):
        return {}
    return {k: v for k, v in outputs.items() if k in present and isinstance(v, str)}


def manifest_text(jobs: list[Job]) -> str:
    """The manifest of a build's outputs, for the store."""
    outputs = {j.output: j.key for j in jobs}
    return json.dumps({"version": _MANIFEST_VERSION, "outputs": outputs}, separators=(",", ":"))
