"""The build context: what every step of a build takes from the world (time, environment, paths,
the cache, how to report progress, where the work runs), in one place, in the spirit of pandoc's
``PandocMonad``. Nothing else in a build reads the clock, the environment or a path of its own.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..cache import Cache

PACKAGE = Path(__file__).resolve().parents[1]
DEFAULT_EPOCH = 1764028800  # 2025-11-25, when SOURCE_DATE_EPOCH is not set

Progress = Callable[[str], None]


def code_digest() -> str:
    """The code every output follows from: the package's sources and the pinned environment."""
    h = hashlib.sha256()
    for path in [*sorted(PACKAGE.rglob("*.py")), PACKAGE.parent / "requirements.lock"]:
        if path.is_file():
            h.update(str(path.relative_to(PACKAGE.parent)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


@dataclass(frozen=True)
class BuildContext:
    root: Path
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    progress: Progress = lambda message: None  # noqa: E731
    scheduler: str | None = None  # address of a Dask scheduler (tcp://host:8786, tls://...); None: local

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def dist(self) -> Path:
        return self.root / "dist"

    @property
    def cache(self) -> Cache:
        return Cache(self.build_dir / "cache")

    @property
    def epoch(self) -> int:
        """SOURCE_DATE_EPOCH (or a fixed default): every date an output carries, so rebuilds of
        the same sources are byte-identical."""
        value = self.environ.get("SOURCE_DATE_EPOCH", "")
        return int(value) if value.strip().isdigit() else DEFAULT_EPOCH

    @property
    def date(self) -> datetime:
        return datetime.fromtimestamp(self.epoch, tz=UTC)

    @property
    def jobs(self) -> int:
        """Worker processes of a local build: ``EDITION_JOBS`` or the machine's cores."""
        value = self.environ.get("EDITION_JOBS", "")
        if value.isdigit() and int(value) > 0:
            return int(value)
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)

    @property
    def scheduler_address(self) -> str | None:
        return self.scheduler or self.environ.get("EDITION_SCHEDULER") or None
