"""The book manifest (book.yaml) and the print configuration (styles/print.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import EditionError
from .yamlfile import load_yaml

TRIMS_DEFAULT = ("A5", "B5", "6x9in")


@dataclass(frozen=True)
class Book:
    root: Path
    name: str
    chapters: tuple[Path, ...]
    annotations: Path
    wordlist: Path | None
    front: tuple[str, ...]
    back: tuple[str, ...]


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

    def with_trim(self, trim: str) -> PrintConfig:
        if trim not in self.trims:
            raise EditionError.at("styles/print.yaml", None, f"unknown trim size '{trim}'",
                                  f"use one of {', '.join(self.trims)} or add it under trims:")
        size = self.trims[trim]
        return PrintConfig(trim, size["width"], size["height"], self.bleed, self.margins, self.font_size,
                           self.line_height, self.justify, self.footnote_max_chars, self.trims)


def load_book(root: Path) -> Book:
    path = root / "book.yaml"
    data = load_yaml(path)
    line = getattr(data, "line", None)
    try:
        chapters = tuple(root / c for c in data["chapters"])
        wordlist = root / data["wordlist"] if data.get("wordlist") else None
        return Book(root, str(data["name"]), chapters, root / data["annotations"], wordlist,
                    tuple(data.get("front", ())), tuple(data.get("back", ())))
    except (KeyError, TypeError) as exc:
        raise EditionError.at(path, line, f"book manifest is missing {exc}",
                              "book.yaml needs name, chapters and annotations") from exc


def load_print_config(root: Path, trim: str | None = None) -> PrintConfig:
    path = root / "styles" / "print.yaml"
    data = load_yaml(path)
    try:
        base = PrintConfig(str(data["trim"]), "", "", str(data["bleed"]), dict(data["margins"]),
                           str(data["font_size"]), float(data["line_height"]), bool(data["justify"]),
                           int(data["footnote_max_chars"]), dict(data["trims"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise EditionError.at(path, getattr(data, "line", None), f"print configuration: bad or missing {exc}",
                              "see the comments in styles/print.yaml") from exc
    return base.with_trim(trim or base.trim)
