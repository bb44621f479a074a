"""Folder handling shared by the index and the model conversion: atomic swaps under a lock, file and
text hashes."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from filelock import FileLock

# Temporary and replaced folders are named after the final one and the process that made them:
# .index.tmp-<pid>-<random>, .index.old-<pid>-<random>.
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?:tmp|old)-(?P<pid>\d+)-")


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def temp_dir_for(final: Path) -> Path:
    """A new empty folder next to `final` to build its replacement in (same filesystem: renames are atomic)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{final.name}.tmp-{os.getpid()}-", dir=final.parent))
    temp.chmod(0o755)  # mkdtemp makes it private; the finished folder is an ordinary one
    return temp


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def remove_leftovers(final: Path) -> None:
    """Delete temporary/replaced folders of `final` left by processes that died (a crash mid-build)."""
    for path in final.parent.glob(f".{final.name}.*-*"):
        match = _LEFTOVER.match(path.name)
        if match and match["name"] == final.name and int(match["pid"]) != os.getpid() and not _alive(int(match["pid"])):
            shutil.rmtree(path, ignore_errors=True)


def replace_dir(temp: Path, final: Path) -> None:
    """Move the finished folder `temp` to `final`, replacing any existing `final` by renames only, so a
    crash never leaves a half-written `final`. Swaps are serialised across threads and processes by a
    lock file next to `final`, so two builders finishing together cannot trip over each other."""
    with FileLock(str(final.parent / f".{final.name}-swap.lock")):  # kept: deleting lock files is racy
        remove_leftovers(final)
        old = None
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{final.name}.old-{os.getpid()}-", dir=final.parent))
            os.replace(final, old / final.name)
        os.replace(temp, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
