"""Write planned jobs into the output folder: only what changed, atomically, pruning the rest.

Stale jobs are produced first (in parallel) into a staging folder beside the output;
only when every job has succeeded (and the audit has passed) are the staged files moved
into place, so a failed build leaves the previous output as it was. A second round of
jobs, made from what the first round staged, may join the same staging folder.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import SitegenError
from .model import Job
from .parallel import parallel_map

log = logging.getLogger(__name__)

_MANIFEST_VERSION = 1


@dataclass(frozen=True, slots=True)
class Staged:
    """Jobs produced this build, waiting in the staging folder to be moved into place."""

    folder: Path
    """Mirrors the output folder's layout."""
    out_dir: Path
    files: tuple[str, ...]
    """Outputs whose bytes changed, sorted."""
    ran: frozenset[str]
    """Outputs whose job ran this build (their key changed or their file was missing)."""
    total: int
    """How many jobs the staged rounds hold."""
    previous: dict[str, str]
    """Output -> key, as the last build into this folder left them; empty when unknown."""

    @property
    def complete(self) -> bool:
        """Every output is staged: the staging folder can replace the output folder whole."""
        return len(self.files) == self.total

    def locate(self, output: str) -> Path:
        """The file holding this build's bytes of an output: staged, or already in place."""
        staged = self.folder / output
        return staged if staged.is_file() else self.out_dir / output


@dataclass(frozen=True, slots=True)
class WriteReport:
    written: tuple[str, ...]
    """Outputs whose bytes changed (or are new), sorted."""
    unchanged: int
    pruned: tuple[str, ...]


def check_plan(jobs: list[Job]) -> None:
    """Refuse two jobs that would write the same file."""
    seen: dict[str, Job] = {}
    for job in jobs:
        other = seen.setdefault(job.output, job)
        if other is not job:
            raise SitegenError(f"{job.source} and {other.source} would both write /{job.output}")


def produce(
    jobs: list[Job], out_dir: Path, manifest_path: Path, joining: Staged | None = None
) -> Staged:
    """Run every job whose key changed since the last build; stage the bytes that differ.

    With `joining`, the jobs are a further round staged into that round's folder.
    """
    # A further round reads the manifest the first round read.
    previous = joining.previous if joining is not None else _load_manifest(manifest_path)
    base = f"{out_dir}{os.sep}"
    stale = [
        j for j in jobs if previous.get(j.output) != j.key or not os.path.isfile(base + j.output)
    ]
    if joining is None:
        folder = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=_parent(out_dir)))
    else:
        folder = joining.folder
    folders = _Folders(folder)

    def stage(job: Job) -> str | None:
        data = job.produce()
        if _same_bytes(base + job.output, data):
            return None
        with open(folders.ready(job.output), "wb") as f:
            f.write(data)
        return job.output

    try:
        results = parallel_map(stage, stale, label="writing")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    files = [r for r in results if r is not None]
    ran = {j.output for j in stale}
    if joining is not None:
        files += joining.files
        ran |= joining.ran
    total = len(jobs) + (joining.total if joining else 0)
    return Staged(folder, out_dir, tuple(sorted(files)), frozenset(ran), total, previous)


def discard(staged: Staged) -> None:
    shutil.rmtree(staged.folder, ignore_errors=True)


def write(jobs: list[Job], staged: Staged, out_dir: Path, manifest_path: Path) -> WriteReport:
    """Move staged files into place and prune outputs that no job made."""
    wanted = {j.output for j in jobs}
    if staged.complete and not _foreign(out_dir, wanted):
        # Nothing of the old output survives: swap whole folders instead of moving files.
        pruned = _swap(staged.folder, out_dir, wanted)
    else:
        folders = _Folders(out_dir)
        try:
            for output in staged.files:
                os.replace(staged.folder / output, folders.ready(output))
        finally:
            discard(staged)
        pruned = _prune(out_dir, wanted, staged.previous)
    _save_manifest(manifest_path, {j.output: j.key for j in jobs})
    return WriteReport(staged.files, len(jobs) - len(staged.files), tuple(pruned))


class _Folders:
    """Creates the folders below `root` that outputs need, each once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.made: set[str] = set()

    def ready(self, output: str) -> str:
        parent, _, _ = output.rpartition("/")
        if parent and parent not in self.made:
            os.makedirs(self.root / parent, exist_ok=True)
            self.made.add(parent)
        return f"{self.root}{os.sep}{output}"


def _foreign(out_dir: Path, wanted: set[str]) -> bool:
    """Does the output folder hold hidden entries (a .git of a deploy checkout) we did not make?"""
    try:
        names = os.listdir(out_dir)
    except FileNotFoundError:
        return False
    made = {w.split("/", 1)[0] for w in wanted}
    return any(n.startswith(".") and n not in made for n in names)


def _swap(staging: Path, out_dir: Path, wanted: set[str]) -> list[str]:
    os.chmod(staging, 0o755)  # mkdtemp made it private
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return []
    trash = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
    os.rename(out_dir, trash / "old")
    os.rename(staging, out_dir)
    try:
        prefix = len(str(trash / "old")) + 1
        old = (os.path.join(r, n)[prefix:] for r, _, names in os.walk(trash / "old") for n in names)
        return sorted(rel for rel in (o.replace(os.sep, "/") for o in old) if rel not in wanted)
    finally:
        shutil.rmtree(trash, ignore_errors=True)


def _parent(out_dir: Path) -> Path:
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    return out_dir.parent


def _same_bytes(path: str, data: bytes) -> bool:
    try:
        if os.stat(path).st_size != len(data):
            return False
        with open(path, "rb") as f:
            return f.read() == data
    except OSError:
        return False


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".sitegen-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _prune(out_dir: Path, wanted: set[str], previous: dict[str, str]) -> list[str]:
    """Delete outputs no job made: those of the last build, or all found when it is unknown."""
    if previous:
        gone = sorted(previous.keys() - wanted)
    else:
        prefix = len(str(out_dir)) + 1
        found = (
            os.path.join(root, n)[prefix:] for root, _, names in _walk_own(out_dir) for n in names
        )
        gone = sorted(rel for rel in (f.replace(os.sep, "/") for f in found) if rel not in wanted)
    folders: set[Path] = set()
    for rel in gone:
        path = out_dir / rel
        path.unlink(missing_ok=True)
        folders.update(p for p in path.parents if out_dir in p.parents)
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):  # not empty: other outputs live there
            folder.rmdir()
    return gone


def _walk_own(out_dir: Path) -> Iterator[tuple[str, list[str], list[str]]]:
    """Walk the output folder, leaving out hidden folders at its top (a deploy's .git)."""
    for root, dirs, names in os.walk(out_dir):
        if root == str(out_dir):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
        yield root, dirs, names


def _load_manifest(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != _MANIFEST_VERSION:
        return {}
    outputs = data.get("outputs", {})
    return outputs if isinstance(outputs, dict) else {}


def _save_manifest(path: Path, outputs: dict[str, str]) -> None:
    text = json.dumps({"version": _MANIFEST_VERSION, "outputs": outputs}, separators=(",", ":"))
    _atomic_write(path, text.encode("utf-8"))
