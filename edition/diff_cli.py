"""`build.py diff OLD [NEW]`: what changed in the annotations between two revisions.

OLD and NEW are git revisions of the project (NEW defaults to the working tree), project folders
(with a book.yaml), annotation directories or two annotation files. A git revision is read with
``git ls-tree`` / ``git cat-file`` into a temporary folder (book.yaml, its chapters, its word list
and its annotation directory) and resolved there by the ordinary readers and resolver, so each
revision is anchored in its own manuscript. Annotation directories and files are resolved
against the working tree's manuscript.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .diff import SetInfo, Snapshot, compare, snapshot
from .errors import EditionError, Problem

WORKING_TREE = "working tree"


@dataclass(frozen=True)
class RevisionSpec:
    kind: str  # "git" | "root" (a project folder) | "dir" (annotations) | "file" (one annotation file)
    value: str  # commit id or absolute path
    label: str


def add_parser(subparsers) -> None:
    """Register the `diff` subcommand; its handler is :func:`cmd_diff` (also set as ``handler``)."""
    p = subparsers.add_parser(
        "diff", help="what changed in the annotations between two revisions (git, folders or files)",
        description="Compare the annotations of two revisions, each resolved against its own manuscript: "
                    "added, removed, changed (body, citations, type, resp …), moved, re-anchored and orphaned "
                    "annotations, and set and bibliography metadata. OLD and NEW are git revisions of the "
                    "project, project folders, annotation directories or two annotation files.")
    p.add_argument("old", help="the old revision: a git revision (HEAD~1, a tag, a commit) or a path")
    p.add_argument("new", nargs="?", default=None, help="the new revision (default: the working tree)")
    p.add_argument("--format", dest="diff_format", choices=("text", "json", "html"), default="text",
                   help="text (default; coloured in a terminal), json (see docs/diff.md) or html (one page)")
    p.add_argument("-o", "--output", help="write the report to this file (default: standard output)")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colour the text report (default: only in a terminal)")
    p.add_argument("--exit-code", action="store_true", help="exit with status 1 when there are differences")
    p.set_defaults(handler=cmd_diff)


def cmd_diff(args) -> int:
    root = Path(args.root).resolve()
    old_spec = resolve_spec(args.old, root)
    new_spec = resolve_spec(args.new, root)
    if (old_spec.kind == "file") != (new_spec.kind == "file"):
        raise EditionError.at(args.old if old_spec.kind == "file" else args.new or WORKING_TREE, None,
                              "an annotation file can only be compared with another annotation file",
                              "name two files, or two directories, or two revisions")
    with tempfile.TemporaryDirectory(prefix="edition-diff-") as tmp:
        old = load_snapshot(old_spec, root, Path(tmp) / "old")
        new = load_snapshot(new_spec, root, Path(tmp) / "new")
    result = compare(old, new)
    fmt = getattr(args, "diff_format", "text")
    output = getattr(args, "output", None)
    if fmt == "text":
        _write_text(result, output, getattr(args, "color", "auto"))
    else:
        from .writers.diff_report import to_html, to_json

        _write(to_json(result) if fmt == "json" else to_html(result), output)
    return 1 if getattr(args, "exit_code", False) and not result.empty else 0


def _write(data: str, output: str | None) -> None:
    if output in (None, "-"):
        sys.stdout.write(data)
        sys.stdout.flush()
        return
    out = Path(output)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(data, encoding="utf-8")
    tmp.replace(out)


def _write_text(result, output: str | None, color: str) -> None:
    from rich.console import Console

    from .writers.diff_report import render_text, to_text

    if output not in (None, "-"):
        _write(to_text(result), output)
        return
    options: dict = {"highlight": False, "soft_wrap": True}
    if color == "always":
        options["force_terminal"] = True
    elif color == "never":
        options["color_system"] = None
    render_text(result, Console(file=sys.stdout, **options))


# --- naming a revision -------------------------------------------------------------------

def resolve_spec(arg: str | None, root: Path) -> RevisionSpec:
    """What OLD or NEW names: an existing path first, then a git revision of the project."""
    if arg is None:
        return RevisionSpec("root", str(root), WORKING_TREE)
    path = Path(arg)
    if path.exists():
        if path.is_dir():
            kind = "root" if (path / "book.yaml").is_file() else "dir"
            return RevisionSpec(kind, str(path.resolve()), arg)
        return RevisionSpec("file", str(path.resolve()), arg)
    if not arg.startswith("-"):
        done = _run_git(root, "rev-parse", "--verify", "--quiet", f"{arg}^{{commit}}")
        if done.returncode == 0:
            commit = done.stdout.decode().strip()
            return RevisionSpec("git", commit, f"{arg} ({commit[:7]})" if arg != commit else commit[:12])
    raise EditionError.at(arg, None, f"'{arg}' is neither a git revision of {root} nor an existing path",
                          "name a commit, branch or tag (HEAD~1), a project folder, an annotation "
                          "directory or an annotation file")


def _run_git(root: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=120)
    except FileNotFoundError as exc:
        raise EditionError.at(root, None, "git is not installed", "compare two folders instead") from exc


def _git(root: Path, *args: str) -> bytes:
    done = _run_git(root, *args)
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip() or f"exit status {done.returncode}"
        raise EditionError.at(root, None, f"git {' '.join(args)}: {message}")
    return done.stdout


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def export_revision(root: Path, commit: str, target: Path, label: str) -> Path:
    """Write book.yaml, its chapters, word list and annotation directory at ``commit`` into
    ``target`` (paths as they are relative to ``root``); return ``target``."""
    from .config import load_book
    from .processing import EDITION_TABLE

    target.mkdir(parents=True, exist_ok=True)
    listing = _git(root, "ls-tree", "-z", commit, "--", "book.yaml")
    if not listing.strip(b"\0"):
        raise EditionError.at(f"{label}:book.yaml", None, "the revision has no book.yaml",
                              "name a revision of this project")
    _export_files(root, commit, listing, target)
    book = load_book(target, files=False)  # the files it names are exported next
    wanted = ([*book.chapters, book.annotations] + ([book.wordlist] if book.wordlist else [])
              + ([book.schema] if book.schema else []))
    table = _git(root, "ls-tree", "-z", commit, "--", EDITION_TABLE)  # the edition's processing rules
    if table.strip(b"\0"):
        _export_files(root, commit, table, target)
    for path in wanted:
        if not _inside(path, target):
            raise EditionError.at(f"{label}:book.yaml", None, f"{path} is outside the project")
    relative = [path.resolve().relative_to(target.resolve()).as_posix() for path in wanted]
    _export_files(root, commit, _git(root, "ls-tree", "-r", "-z", commit, "--", *relative), target)
    return target


def _export_files(root: Path, commit: str, listing: bytes, target: Path) -> None:
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, kind, obj = meta.decode().split()
        if kind != "blob" or mode not in ("100644", "100755"):
            continue  # symbolic links and submodules are not sources
        dest = target / name.decode("utf-8", errors="surrogateescape")
        if not _inside(dest, target):
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(_git(root, "cat-file", "blob", obj))


# --- reading a revision ------------------------------------------------------------------

def read_set_headers(files: list[Path]) -> tuple[list[SetInfo], list[Problem]]:
    """Set headers of annotation files, and the problems that would make the diff lie: a file
    that cannot be read or fails its schema (the reader skips it), or an id used twice."""
    from .readers.annotations import BIBLIOGRAPHY_FILE, _schema_problems
    from .yamlfile import load_yaml

    sets: list[SetInfo] = []
    fatal: list[Problem] = []
    seen: dict[str, str] = {}
    for path in files:
        try:
            data = load_yaml(path)
        except EditionError as exc:
            fatal.extend(exc.problems)
            continue
        bibliography = path.name == BIBLIOGRAPHY_FILE
        problems = _schema_problems(path, data, "bibliography.schema.json" if bibliography
                                    else "annotation-set.schema.json")
        if problems:
            fatal.extend(problems)
            continue
        if bibliography:
            continue
        sets.append(SetInfo(str(data["set"]), str(data["title"]), str(data.get("description", "")), str(path)))
        for item in data["annotations"]:
            if item["id"] in seen:
                fatal.append(Problem(str(path), item.line, f"duplicate annotation id '{item['id']}'",
                                     f"already used in {seen[item['id']]}; the diff needs unique ids"))
            seen.setdefault(item["id"], str(path))
    return sets, fatal


def _relabel(problems: list[Problem], folder: Path | None, label: str) -> list[Problem]:
    out = []
    for p in problems:
        file = p.file
        if folder is not None and _inside(Path(file), folder):
            file = f"{label}:{Path(file).resolve().relative_to(folder.resolve()).as_posix()}"
        out.append(Problem(file, p.line, f"{p.message} (in {label})", p.hint, p.severity))
    return out


def load_snapshot(spec: RevisionSpec, root: Path, workdir: Path) -> Snapshot:
    """Read and resolve one revision."""
    from .config import load_book
    from .readers.annotations import (
        BIBLIOGRAPHY_FILE,
        AnnotationSets,
        read_annotation_dir,
        read_annotation_set,
        read_bibliography,
    )
    from .resolve import Sources, read_sources, resolve

    temporary = None
    if spec.kind == "git":
        project = temporary = export_revision(root, spec.value, workdir, spec.label)
    elif spec.kind == "root":
        project = Path(spec.value)
    else:
        project = root  # annotations from the given place, manuscript from the working tree
    book = load_book(project)
    sources = read_sources(book)
    base = project
    if spec.kind in ("git", "root"):
        annotation_dir = book.annotations
        if not annotation_dir.is_dir():
            raise EditionError(_relabel([Problem(str(annotation_dir), None, "annotation directory not found")],
                                        temporary, spec.label))
        files = sorted(annotation_dir.glob("*.yaml"))
    else:
        path = Path(spec.value)
        if spec.kind == "dir":
            sets = read_annotation_dir(path)
            files = sorted(path.glob("*.yaml"))
        else:
            sets = AnnotationSets()
            (read_bibliography if path.name == BIBLIOGRAPHY_FILE else read_annotation_set)(path, sets)
            files = [path]
        base = path.parent
        problems = [p for p in sources.problems if p not in sources.annotations.problems] + sets.problems
        sources = Sources(book, sources.manuscripts, sets, sources.wordlist, problems)
    headers, fatal = read_set_headers(files)
    if fatal:
        raise EditionError(_relabel(fatal, temporary, spec.label))
    if not sources.manuscripts:
        errors = [p for p in sources.problems if p.severity == "error"] or [
            Problem(str(project / "book.yaml"), None, "no manuscript could be read")]
        raise EditionError(_relabel(errors, temporary, spec.label))
    resolution = resolve(sources)
    return snapshot(spec.label, sources, resolution, headers, base)
