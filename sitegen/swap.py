"""Replace the output tree by a new one in a single step, and clear what killed builds left.

The new tree is made beside the output folder (same parent, so the same file system)
and exchanged with it by one `renameat2(RENAME_EXCHANGE)` call on Linux: at every
instant the output folder's name holds the old tree or the new one. The output stays a
real folder (not a link to a generation folder), so deploy tools, `--out` paths that
are resolved, and a deploy checkout's `.git` inside it keep working. Where the exchange
is missing (another system, a file system without it) two renames are made with Ctrl-C
held back between them; a build killed right there leaves the old tree set aside, and
the next build puts it back before anything else.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import secrets
import shutil
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import SitegenError, display_path
from .signals import signals_held

MARKER = ".sitegen-output"
"""A file in every tree sitegen made: the folder is sitegen's to replace."""
_MARKER_TEXT = b"sitegen builds this folder; each build replaces everything in it but .git.\n"

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}


def new_staging(out_dir: Path) -> Path:
    """A folder beside the output, named so that a later build knows whose it was.

    It starts as the tree the last build swapped out (the spare), when there is one:
    bringing that up to date touches only what changed, while a new tree costs a folder
    for every page (seconds for a thousand posts on some disks). Renaming the spare
    claims it; a build running at the same time finds none and starts empty.
    """
    name = f".{out_dir.name}.staging-{os.getpid()}-{secrets.token_hex(4)}"
    folder = out_dir.parent / name
    spare = _spare(out_dir)
    try:
        if spare.is_dir() and not spare.is_symlink():
            os.rename(spare, folder)
            os.chmod(folder, 0o755)
            return folder
    except OSError:
        pass
    try:
        folder.mkdir(mode=0o755)
    except OSError as e:
        raise SitegenError(f"cannot make {display_path(folder)}: {e.strerror}") from None
    return folder


def keep_spare(folder: Path) -> None:
    """Keep a tree sitegen made (swapped out, or of a failed build) for the next build."""
    out_name = folder.name[1:].partition(".staging-")[0]
    spare = _spare(folder.parent / out_name)
    try:
        os.rename(folder, spare)
    except OSError:  # another build left one already
        remove_tree(folder)
        return
    # Beside output/ in a site under git: keep it out of `git status`. Unlinked first, as
    # the tree's own .gitignore may be a hard link to the published one; `carry_hidden`
    # drops it before the tree is used again.
    with contextlib.suppress(OSError):
        (spare / ".gitignore").unlink(missing_ok=True)
        (spare / ".gitignore").write_text("*\n")


def _spare(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.spare"


def recover(out_dir: Path) -> None:
    """Clear leftovers of builds that were killed; put back an old tree one left set aside."""
    # Ours: "-PID-" and 8 hex digits; earlier versions' (no PID): mkdtemp's 8 characters.
    pattern = re.compile(
        rf"\.{re.escape(out_dir.name)}\.(staging|previous|old)-(\d+-[0-9a-f]{{8}}|[a-z0-9_]{{8}})"
    )
    try:
        names = sorted(os.listdir(out_dir.parent))
    except OSError:
        return
    for name in names:
        found = pattern.fullmatch(name)
        pid = found.group(2).partition("-")[0] if found else ""
        if found is None or (pid.isdigit() and _alive(int(pid))):
            continue
        path = out_dir.parent / name
        if found.group(1) == "previous" and not os.path.lexists(out_dir):
            os.rename(path, out_dir)  # killed between the two renames of `exchange`
        elif found.group(1) != "old" and not os.path.lexists(_spare(out_dir)):
            os.rename(path, _spare(out_dir))  # any tree of ours will do: builds bring it up to date
        else:
            remove_tree(path)


def is_marked(folder: Path) -> bool:
    return (folder / MARKER).is_file()


def mark(folder: Path, out_dir: Path) -> None:
    """Put the marker into a new tree: the old tree's own file when it says the same."""
    old = out_dir / MARKER
    (folder / MARKER).unlink(missing_ok=True)  # a reused tree's
    with contextlib.suppress(OSError):
        if old.is_file() and not old.is_symlink() and old.read_bytes() == _MARKER_TEXT:
            _link_or_copy(str(old), str(folder / MARKER))  # a stable mtime, as every file
            return
    (folder / MARKER).write_bytes(_MARKER_TEXT)


@dataclass(frozen=True, slots=True)
class Tree:
    """What a tree of ours holds, reached without following a link; hidden tops aside."""

    files: dict[str, int]
    """Regular files -> inode (0 below a folder on another device: it matches no file)."""
    folders: tuple[str, ...]
    others: tuple[str, ...]
    """Links and anything else that is neither a regular file nor a folder."""


def own_files(out_dir: Path) -> dict[str, int]:
    """Regular files below the output folder, reached without following a link: path -> inode.

    Hidden entries at the top (a deploy's .git, the marker) are not outputs.
    """
    return listing(out_dir).files


def listing(root: Path) -> Tree:
    """Everything below `root` but hidden entries at its top, by path below it.

    Inodes come with each folder's listing (no call per file); one call a folder checks
    that it is on the root's device (a mount point inside would mix up inodes).
    """
    files: dict[str, int] = {}
    folders: list[str] = []
    others: list[str] = []
    try:
        device = os.lstat(root).st_dev
    except OSError:
        return Tree(files, (), ())
    stack = [("", str(root), True)]
    while stack:
        prefix, folder, same = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if not prefix and entry.name.startswith("."):
                continue
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                folders.append(rel)
                stack.append((f"{rel}/", entry.path, same and device_of(entry) == device))
            elif entry.is_file(follow_symlinks=False):
                files[rel] = entry.inode() if same else 0
            else:
                others.append(rel)
    return Tree(files, tuple(folders), tuple(others))


def device_of(entry: os.DirEntry[str]) -> int:
    try:
        return entry.stat(follow_symlinks=False).st_dev
    except OSError:
        return -1


def carry_hidden(out_dir: Path, staging: Path) -> None:
    """Give the new tree the old one's hidden entries at the top that no output makes (.git).

    Hard links, not moves: a build killed at any instant leaves the old tree whole.
    """
    for name in os.listdir(staging):
        if name.startswith(".") and name != MARKER:  # what a reused tree carried last time
            remove_entry(staging / name)
    try:
        names = [n for n in os.listdir(out_dir) if n.startswith(".")]
    except FileNotFoundError:
        return
    for name in names:
        if name == MARKER:
            continue  # outputs never start with "." (paths.output_problem)
        source = out_dir / name
        if source.is_dir() and not source.is_symlink():
            shutil.copytree(source, staging / name, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(str(source), str(staging / name))


def exchange(new: Path, out_dir: Path) -> None:
    """Put the tree at `new` in place of the output folder in one step; the old one to `new`."""
    try:
        if not os.path.lexists(out_dir):
            os.rename(new, out_dir)
            os.mkdir(new)  # the caller removes the "old tree" here
            return
        if _rename_exchange(new, out_dir):
            return
        aside = out_dir.parent / f".{out_dir.name}.previous-{os.getpid()}-{secrets.token_hex(4)}"
        with signals_held():
            os.rename(out_dir, aside)
            os.rename(new, out_dir)
        os.rename(aside, new)
    except OSError as e:
        if e.errno in (errno.EBUSY, errno.EXDEV):
            raise SitegenError(
                f"{display_path(out_dir)} is a mount point: a build swaps the whole folder, so "
                "build into a folder inside it (--out DIR/site)"
            ) from None
        raise SitegenError(f"cannot put the new tree in place of {out_dir}: {e.strerror}") from None


def remove_tree(path: Path) -> None:
    """Delete a tree sitegen made, read-only folders in it included; never follow a link."""

    def retry(func: object, failed: str, _info: object) -> None:
        # A folder without write permission: allow deleting its entries, then try again.
        with contextlib.suppress(OSError):
            parent = os.path.dirname(failed)
            os.chmod(parent, os.lstat(parent).st_mode | stat.S_IWUSR | stat.S_IXUSR)
            if os.path.isdir(failed) and not os.path.islink(failed):
                shutil.rmtree(failed, ignore_errors=True)
            else:
                os.unlink(failed)

    if os.path.lexists(path):
        shutil.rmtree(path, onerror=retry)


def remove_entry(path: Path) -> None:
    """Remove a file, a link (not what it points to) or a whole folder."""
    if path.is_dir() and not path.is_symlink():
        remove_tree(path)
    else:
        path.unlink(missing_ok=True)


def write_atomically(path: Path, data: bytes) -> None:
    """Replace a cache file by a complete new one."""
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


def _link_or_copy(source: str, target: str) -> str:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)
    return target


def _rename_exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    done = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(b))


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
