"""Files the application writes: atomically (never a partial file where a good one was) and under locks."""
import errno
import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

MIN_FREE = 1 << 20  # bytes: a folder on a disk with less free space is "full" before we start


@contextmanager
def atomic_path(dest):
    """Yield a temporary sibling of dest to write; on success it replaces dest (os.replace is atomic),
    on any failure it is removed and dest is left as it was."""
    dest = Path(dest)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.partial")
    try:
        yield tmp
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def locked(path):
    """Hold an exclusive lock on the file `path` (created if missing) while the block runs."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Unwritable(Exception):
    """A folder we cannot write our files to; the message names it and says what to do. usage: the path
    itself is wrong (it runs through a file), rather than the disk refusing."""

    def __init__(self, message, usage=False):
        super().__init__(message)
        self.usage = usage


def ensure_writable_folder(folder):
    """Make `folder` if missing and check we can write there (a probe file, removed at once) and that its
    disk has MIN_FREE bytes free; raise Unwritable with one line that names the path and what to do."""
    folder = Path(folder)
    for ancestor in [folder, *folder.parents]:
        if ancestor.exists():
            if not ancestor.is_dir():
                raise Unwritable(f"{folder}: {ancestor} is a file, not a folder; choose another folder", usage=True)
            break
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".regviz-probe.{os.getpid()}"
        try:
            probe.write_bytes(b"regviz")
        finally:
            probe.unlink(missing_ok=True)
        stats = os.statvfs(folder)
    except OSError as exc:
        raise Unwritable(describe_write_error(exc, folder)) from None
    if stats.f_bavail * stats.f_frsize < MIN_FREE:
        raise Unwritable(describe_write_error(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), folder))


def describe_write_error(exc, path):
    """One line for an OSError met writing `path`: what happened and what to do (never a temporary name)."""
    advice = {
        errno.EACCES: "choose a folder you can write to, or change its permissions",
        errno.EPERM: "choose a folder you can write to, or change its permissions",
        errno.EROFS: "the disk is mounted read-only: choose a folder on another disk",
        errno.ENOSPC: "the disk is full: free some space, or choose a folder on another disk",
        errno.EDQUOT: "your disk quota is used up: free some space, or choose a folder on another disk",
    }.get(exc.errno, "check the folder, or choose another")
    return f"cannot write to {path}: {(exc.strerror or str(exc)).lower()}; {advice}"
