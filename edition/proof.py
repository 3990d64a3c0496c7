"""Editor's proof: the edition as it stands (NEW), with every note added or changed since OLD
marked in the margin, and a first page listing those changes with the pages they are on.

    python build.py proof OLD [NEW]  ->  dist/<name>-proof.pdf
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from .diff import AnnotationDiff, compare
from .diff_cli import load_snapshot, resolve_spec
from .errors import EditionError

KIND_LABELS = {"added": "เพิ่ม", "changed": "แก้ไข", "moved": "ย้ายที่", "reanchored": "ยึดตำแหน่งใหม่"}


def marked_notes(result: AnnotationDiff) -> dict[str, str]:
    """note id -> what happened to it (added wins over changed over moved over re-anchored)."""
    marks: dict[str, str] = {}
    for kind in ("reanchored", "moved", "changed", "added"):
        for entry in getattr(result, kind):
            marks[entry.id] = kind
    return marks


def write_proof(root: Path, old: str, new: str | None) -> Path:
    from .config import load_book
    from .fonts import stage_fonts, stage_profiles
    from .pipeline import load, require_edition
    from .writers.pdf import write_pdfs

    with tempfile.TemporaryDirectory(prefix="edition-proof-") as tmp:
        old_snapshot = load_snapshot(resolve_spec(old, root), root, Path(tmp) / "old")
        new_snapshot = load_snapshot(resolve_spec(new, root), root, Path(tmp) / "new")
    result = compare(old_snapshot, new_snapshot)
    if new is not None:
        raise EditionError.at(new, None, "a proof is made of the working tree",
                              "check out the revision to proof, then run `build.py proof OLD`")
    book, config, resolution = load(root)
    edition = require_edition(resolution)
    marks = {k: v for k, v in marked_notes(result).items() if any(n.annotation.id == k for n in edition.notes)}
    build_dir = root / "build"
    fonts_dir = build_dir / "fonts"
    stage_fonts(fonts_dir)
    stage_profiles(build_dir / "profiles")
    proof = {"old": old, "marks": marks, "labels": KIND_LABELS}
    target = root / "dist" / f"{load_book(root).name}-proof.pdf"
    target.parent.mkdir(exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    write_pdfs(edition, config, root, fonts_dir, build_dir, {"reading": tmp}, proof=proof)
    tmp.replace(target)
    return target
