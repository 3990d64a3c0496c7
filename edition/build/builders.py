"""The outputs of a build, each a builder with Sphinx's short life cycle: is it ``outdated``,
what does it need from the book (``prepare``), ``write`` it, ``finish``.

Every builder reads the one laid-out book the task graph made (:mod:`edition.build.graph`): the
reading and printer's PDFs, the page data, the EPUB, all from the same layouts. The command line
and the Makefile treat them alike: ``build.py build --only pdf,epub`` names builders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..files import write_whole
from ..model import Edition
from .graph import BookResult


@dataclass
class Request:
    """What the builders of one build need from the book's graph."""

    variants: set[str] = field(default_factory=set)  # PDFs to write: reading, printer
    epub: bool = False
    page_list: bool = False  # the EPUB's page-list (needs the reading PDF's layouts)

    @property
    def layouts(self) -> bool:
        return bool(self.variants)


class Builder:
    """One output (or a few files that belong together) in ``dist/``."""

    name = ""

    def __init__(self, stem: str):
        self.stem = stem

    def files(self) -> list[str]:
        raise NotImplementedError

    def outdated(self, manifest: dict, digest: str, dist: Path) -> bool:
        """Whether the files in ``dist`` are not those of ``digest`` (the inputs of this build)."""
        recorded = manifest.get("outputs", {})
        return any(recorded.get(f) != digest or not (dist / f).exists() for f in self.files())

    def prepare(self, request: Request, formats: tuple[str, ...]) -> None:
        pass

    def write(self, book: BookResult | None, edition: Edition, staging: Path) -> list[Path]:
        raise NotImplementedError

    def finish(self) -> None:
        pass


class ReadingPDF(Builder):
    """The reading and archival PDF (PDF/A-3u, tagged) and the page data it exports."""

    name = "pdf"

    def files(self) -> list[str]:
        return [f"{self.stem}.pdf", f"{self.stem}.pages.json"]

    def prepare(self, request: Request, formats: tuple[str, ...]) -> None:
        request.variants.add("reading")

    def write(self, book, edition, staging):
        pdf = write_whole(staging / f"{self.stem}.pdf", book.pdfs["reading"])
        pages = write_whole(staging / f"{self.stem}.pages.json", book.pages.to_json())
        return [pdf, pages]


class PrinterPDF(Builder):
    """The printer's PDF: PDF/X-4, bleed, marks, the reading PDF's pages line for line."""

    name = "print"

    def files(self) -> list[str]:
        return [f"{self.stem}-print.pdf"]

    def prepare(self, request: Request, formats: tuple[str, ...]) -> None:
        request.variants.add("printer")

    def write(self, book, edition, staging):
        return [write_whole(staging / f"{self.stem}-print.pdf", book.pdfs["printer"])]


class EPUB(Builder):
    """The EPUB 3; with the reading PDF in the same build, a page-list of its printed pages."""

    name = "epub"

    def files(self) -> list[str]:
        return [f"{self.stem}.epub"]

    def prepare(self, request: Request, formats: tuple[str, ...]) -> None:
        request.epub = True
        request.page_list = "pdf" in formats

    def write(self, book, edition, staging):
        return [write_whole(staging / f"{self.stem}.epub", book.epub)]


class WebAnnotations(Builder):
    """The annotations as W3C Web Annotation JSON-LD (written by every build)."""

    name = "jsonld"

    def files(self) -> list[str]:
        return [f"{self.stem}.annotations.jsonld"]

    def write(self, book, edition, staging):
        from ..writers.webanno import to_json

        return [write_whole(staging / f"{self.stem}.annotations.jsonld", to_json(edition) + "\n")]


BUILDERS = {b.name: b for b in (ReadingPDF, PrinterPDF, EPUB, WebAnnotations)}
FORMATS = ("pdf", "print", "epub")  # what `--only` may name (the JSON-LD comes with every build)
