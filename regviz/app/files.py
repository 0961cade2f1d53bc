"""Files the application writes: atomically (never a partial file where a good one was) and under locks."""
import fcntl
import os
from contextlib import contextmanager
from pathlib import Path


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
