"""The one build cache: entries keyed by the content they were made from, never by time.

A key is the hash of everything an entry follows from (the code digest is part of every key the
build makes, so two versions of the code never share an entry). A cache changes how long a build
takes, never what it writes: a warm build and a cold one write the same bytes.

Entries live in namespaces (``justify``, ``layout``, ``part``, ``epub-part``, ``epub-fonts``,
``validation`` ...) under one folder, ``build/cache``. Entries are written whole
(:func:`edition.files.write_whole`), so parallel workers may share the folder. Nothing prunes it;
``make clean`` empties it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from .files import write_whole

FORMAT = "2"  # of the cache's layout and keys: entries of another format are never read


def content_key(*parts: object) -> str:
    """A stable key for ``parts``: strings and bytes as they are, anything else by its ``repr``
    (frozen dataclasses, tuples and dicts of them have deterministic reprs)."""
    h = hashlib.sha256(FORMAT.encode())
    for part in parts:
        if isinstance(part, bytes):
            data = part
        elif isinstance(part, str):
            data = part.encode("utf-8")
        else:
            data = repr(part).encode("utf-8")
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()[:40]


@dataclass(frozen=True)
class Cache:
    """A content-keyed store in ``folder`` (picklable: workers get the path and share it when they
    run on this machine)."""

    folder: Path

    def path(self, namespace: str, key: str, suffix: str = "") -> Path:
        return self.folder / namespace / f"{key}{suffix}"

    def get_bytes(self, namespace: str, key: str, suffix: str = "") -> bytes | None:
        try:
            return self.path(namespace, key, suffix).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None

    def put_bytes(self, namespace: str, key: str, data: bytes, suffix: str = "") -> Path:
        return write_whole(self.path(namespace, key, suffix), data)

    def get_json(self, namespace: str, key: str):
        data = self.get_bytes(namespace, key, ".json")
        return None if data is None else json.loads(data)

    def put_json(self, namespace: str, key: str, value) -> Path:
        return self.put_bytes(namespace, key, json.dumps(value, ensure_ascii=False).encode("utf-8"), ".json")

    def usable(self) -> bool:
        """Whether this process can write here (a worker on another machine cannot)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            probe = write_whole(self.folder / ".probe", b"")
            probe.unlink(missing_ok=True)
            return True
        except OSError:
            return False
