"""The one way the edition writes a file: whole or not at all.

Every output, cache entry and rewritten source goes through :func:`write_whole`: the data is
written to a temporary file beside the target (named for this process and thread, so parallel
writers never share one) and renamed over it. A reader, another process or a build killed halfway
sees the old file or the new one, never part of one.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import unicodedata
from pathlib import Path


def write_whole(path: Path, data: str | bytes, mode: int | None = None) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` atomically; ``mode`` sets its permissions."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8")
        else:
            tmp.write_bytes(data)
        if mode is not None:
            tmp.chmod(mode)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def copy_whole(src: Path, path: Path) -> Path:
    """Copy the file ``src`` to ``path`` atomically (as :func:`write_whole`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        shutil.copyfile(src, tmp)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def ascii_slug(name: str) -> str:
    """``name`` as ASCII letters, digits and hyphens, for file names and ids ("" when nothing is left)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_name))
