"""Folder handling shared by the index and the model conversion."""
from __future__ import annotations

import os
import shutil
from pathlib import Path


def replace_dir(temp: Path, final: Path) -> None:
    """Move the finished folder `temp` to `final`, replacing any existing `final` by renames only,
    so a crash never leaves a half-written `final`."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        os.replace(final, old)
    os.replace(temp, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
