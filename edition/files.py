"""Files other processes may read while they are written: the caches of a book's parallel jobs."""

from __future__ import annotations

import os
from pathlib import Path


def write_whole(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all: into a temporary file named for this
    process, then renamed over ``path`` (a reader sees the old file or the new one, never part)."""
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    if isinstance(data, str):
        tmp.write_text(data, encoding="utf-8")
    else:
        tmp.write_bytes(data)
    tmp.replace(path)
