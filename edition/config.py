"""The book manifest (book.yaml) and the print configuration (styles/print.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import EditionError
from .langtag import HINT, is_language_tag
from .model import Metadata
from .parts import BACK_SECTIONS, FRONT_SECTIONS
from .yamlfile import load_yaml

TRIMS_DEFAULT = ("A5", "B5", "6x9in")
CSS_UNITS_PX = {"px": 1.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4, "pt": 96 / 72, "pc": 16.0}
MARKS = ("crop", "cross")
SOURCE_PAGES = ("margin", "inline", "none")
# what an edition folder holds besides its outputs: what a copy of the project must take along
PROJECT_SOURCES = ("book.yaml", "processing.yaml", "manuscript", "annotations", "styles")


def css_px(length: str, field: str) -> float:
    """A CSS length of styles/print.yaml (``3mm``, ``0.125in``...) in CSS pixels."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(px|in|cm|mm|pt|pc)\s*", length)
    if not match:
        raise EditionError.at("styles/print.yaml", None, f"{field}: '{length}' is not a length",
                              f"write {field} as a number and a unit: {', '.join(CSS_UNITS_PX)} (e.g. 3mm)")
    return float(match.group(1)) * CSS_UNITS_PX[match.group(2)]


@dataclass(frozen=True)
class Cluster:
    """Where the book's jobs may run besides this machine (book.yaml ``cluster:``): a Dask
    scheduler's address, and the TLS files that prove who may use it."""

    scheduler: str | None = None
    ca: Path | None = None  # the certificate authority that signed the scheduler's and workers' certificates
    cert: Path | None = None  # this client's certificate and key
    key: Path | None = None


@dataclass(frozen=True)
class Book:
    root: Path
    name: str
    chapters: tuple[Path, ...]
    annotations: Path
    wordlist: Path | None
    front: tuple[str, ...]
    back: tuple[str, ...]
    cluster: Cluster = Cluster()
    schema: Path | None = None  # the edition's own RELAX NG schema, checked besides tei_all
    # the book's own title, author and language (BCP 47); where given they are the edition's,
    # whatever its manuscripts' headers say
    title: str = ""
    author: str = ""
    language: str = ""


@dataclass(frozen=True)
class PrintConfig:
    trim: str
    width: str
    height: str
    bleed: str
    margins: dict[str, str]
    font_size: str
    line_height: float
    justify: bool
    footnote_max_chars: int
    trims: dict[str, dict[str, str]]
    marks: tuple[str, ...] = ("crop",)  # printer's marks of the printer's PDF: crop, cross
    source_pages: str = "margin"  # the source's page breaks (TEI pb): margin | inline | none

    @property
    def bleed_px(self) -> float:
        """The bleed in CSS pixels (1/96 in), as WeasyPrint counts it."""
        return css_px(self.bleed, "bleed")

    def with_trim(self, trim: str) -> PrintConfig:
        if trim not in self.trims:
            raise EditionError.at("styles/print.yaml", None, f"unknown trim size '{trim}'",
                                  f"use one of {', '.join(self.trims)} or add it under trims:")
        size = self.trims[trim]
        return replace(self, trim=trim, width=size["width"], height=size["height"])


def load_book(root: Path, files: bool = True) -> Book:
    """Read book.yaml. ``files``: check that the files it names exist (off while a revision is
    being exported, before they are)."""
    path = root / "book.yaml"
    data = load_yaml(path)
    line = getattr(data, "line", None)
    try:
        chapters = tuple(root / c for c in data["chapters"])
        wordlist = root / data["wordlist"] if data.get("wordlist") else None
        front = tuple(str(s) for s in data.get("front", FRONT_SECTIONS))
        back = tuple(str(s) for s in data.get("back", BACK_SECTIONS))
        cluster = _cluster(data.get("cluster") or {}, root, path, line)
        schema = root / data["schema"] if data.get("schema") else None
        title, author, language = (_text_field(data, key, path) for key in ("title", "author", "language"))
        book = Book(root, str(data["name"]), chapters, root / data["annotations"], wordlist, front, back, cluster,
                    schema, title, author, language)
    except (KeyError, TypeError) as exc:
        raise EditionError.at(path, line, f"book manifest is missing {exc}",
                              "book.yaml needs name, chapters and annotations") from exc
    for field_name, given, known in (("front", book.front, FRONT_SECTIONS), ("back", book.back, BACK_SECTIONS)):
        unknown = [s for s in given if s not in known]
        if unknown:
            raise EditionError.at(path, line, f"{field_name}: unknown section {', '.join(unknown)}",
                                  f"{field_name} lists some of: {', '.join(known)}")
    if files and book.schema is not None and not book.schema.is_file():
        raise EditionError.at(path, line, f"schema: {book.schema} is not a file",
                              "name the edition's RELAX NG schema (.rng), or remove schema:")
    if book.language and not is_language_tag(book.language):
        raise EditionError.at(path, _key_line(data, "language"), f"language: '{book.language}' is not a BCP 47 "
                              "language tag", f"write {HINT}")
    if "index" in book.back and book.back[-1] != "index":
        raise EditionError.at(path, line, "back: the index must come last",
                              "move index to the end of back: (its page numbers point into everything before it)")
    return book


def _key_line(data, key: str) -> int | None:
    return getattr(data, "key_lines", {}).get(key, getattr(data, "line", None))


def _text_field(data, key: str, path: Path) -> str:
    """An optional text of book.yaml: a string (a number is read as one), or for ``author`` a list of
    names, joined by "; "."""
    value = data.get(key)
    if value is None:
        return ""
    if key == "author" and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "; ".join(" ".join(v.split()) for v in value)
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return " ".join(str(value).split())
    raise EditionError.at(path, _key_line(data, key), f"{key}: must be a text",
                          f"write {key}: followed by the text" + (" (or a list of names)" if key == "author" else ""))


def with_book_metadata(metadata: Metadata, book: Book) -> Metadata:
    """The edition's metadata, with the title, author and language book.yaml gives in place of the
    first manuscript's."""
    given = {k: v for k, v in (("title", book.title), ("author", book.author), ("language", book.language)) if v}
    return replace(metadata, **given) if given else metadata


def _cluster(data, root: Path, path: Path, line: int | None) -> Cluster:
    if not isinstance(data, dict) or set(data) - {"scheduler", "tls"}:
        raise EditionError.at(path, line, "cluster: takes scheduler: and tls: (ca, cert, key)",
                              "see the README, 'Beyond one machine'")
    tls = data.get("tls") or {}
    if not isinstance(tls, dict) or set(tls) - {"ca", "cert", "key"}:
        raise EditionError.at(path, line, "cluster: tls: takes ca:, cert: and key: (PEM files)",
                              "see the README, 'Beyond one machine'")
    files = {k: root / str(v) for k, v in tls.items()}
    for name, file in files.items():
        if not file.is_file():
            raise EditionError.at(path, line, f"cluster: tls: {name}: {file} is not a file",
                                  "name the PEM files of the cluster's certificate authority and of this client")
    scheduler = data.get("scheduler")
    return Cluster(str(scheduler) if scheduler else None, files.get("ca"), files.get("cert"), files.get("key"))


def load_print_config(root: Path, trim: str | None = None) -> PrintConfig:
    path = root / "styles" / "print.yaml"
    data = load_yaml(path)
    try:
        base = PrintConfig(str(data["trim"]), "", "", str(data["bleed"]), dict(data["margins"]),
                           str(data["font_size"]), float(data["line_height"]), bool(data["justify"]),
                           int(data["footnote_max_chars"]), dict(data["trims"]),
                           tuple(str(data.get("marks", "crop")).split()), str(data.get("source_pages", "margin")))
    except (KeyError, TypeError, ValueError) as exc:
        raise EditionError.at(path, getattr(data, "line", None), f"print configuration: bad or missing {exc}",
                              "see the comments in styles/print.yaml") from exc
    css_px(base.bleed, "bleed")  # a bad length is reported here, not when the printer's PDF is written
    if not set(base.marks) <= set(MARKS) and base.marks != ("none",):
        raise EditionError.at(path, getattr(data, "line", None), f"marks: '{' '.join(base.marks)}' is not crop, cross, "
                              "'crop cross' or none", "set marks: crop (the printer's crop marks)")
    if base.source_pages not in SOURCE_PAGES:
        raise EditionError.at(path, getattr(data, "line", None), f"source_pages: '{base.source_pages}' is not "
                              + ", ".join(SOURCE_PAGES), "set source_pages: margin (the source's page numbers in the margin)")
    if base.marks == ("none",):
        base = replace(base, marks=())
    return base.with_trim(trim or base.trim)
