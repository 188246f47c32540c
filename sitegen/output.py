"""Write planned jobs into the output folder: only what changed, atomically, pruning the rest."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import SitegenError
from .model import Job

log = logging.getLogger(__name__)

_MANIFEST_VERSION = 1


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


def produce(jobs: list[Job], out_dir: Path, manifest_path: Path) -> dict[str, bytes]:
    """Make the bytes of every job whose key changed since the last build."""
    previous = _load_manifest(manifest_path)
    stale = [
        j for j in jobs if previous.get(j.output) != j.key or not (out_dir / j.output).is_file()
    ]
    return {job.output: job.produce() for job in stale}


def write(
    jobs: list[Job], produced: dict[str, bytes], out_dir: Path, manifest_path: Path
) -> WriteReport:
    """Write produced bytes that differ from what is on disk; prune outputs no job made."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for output, data in sorted(produced.items()):
        target = out_dir / output
        if _same_bytes(target, data):
            continue
        _atomic_write(target, data)
        written.append(output)
    wanted = {j.output for j in jobs}
    pruned = _prune(out_dir, wanted)
    _save_manifest(manifest_path, {j.output: j.key for j in jobs})
    return WriteReport(tuple(written), len(jobs) - len(written), tuple(pruned))


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
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


def _prune(out_dir: Path, wanted: set[str]) -> list[str]:
    pruned: list[str] = []
    for root, dirs, files in os.walk(out_dir, topdown=False):
        for name in files:
            path = Path(root, name)
            rel = path.relative_to(out_dir).as_posix()
            if rel not in wanted:
                path.unlink()
                pruned.append(rel)
        for name in dirs:
            folder = Path(root, name)
            if not any(folder.iterdir()):
                folder.rmdir()
    return sorted(pruned)


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
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"version": _MANIFEST_VERSION, "outputs": outputs}, sort_keys=True, indent=0)
    _atomic_write(path, text.encode("utf-8"))
