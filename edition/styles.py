"""The edition's styles (``styles/``: print.css, epub.css, the print templates, print.yaml) as
data: read once by the build and sent whole to every worker, so a worker on another machine renders
with the project's own templates and stylesheets, not with whatever its disk holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import EditionError

SUFFIXES = (".css", ".j2", ".html", ".yaml")


@dataclass(frozen=True)
class Styles:
    files: tuple[tuple[str, str], ...]  # (path relative to styles/, text)

    def text(self, name: str) -> str:
        for path, text in self.files:
            if path == name:
                return text
        raise EditionError.at(f"styles/{name}", None, "missing from the edition's styles",
                              "restore it from the project template (`build.py new` writes the default styles)")

    def environment(self):
        return _environment(self.files)


@lru_cache(maxsize=8)
def _environment(files: tuple[tuple[str, str], ...]):
    from jinja2 import DictLoader, Environment, StrictUndefined, select_autoescape

    templates = {path.removeprefix("templates/"): text for path, text in files if path.startswith("templates/")}
    return Environment(loader=DictLoader(templates), autoescape=select_autoescape(
        enabled_extensions=("html", "j2", "xhtml"), default_for_string=True, default=True),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def load_styles(folder: Path) -> Styles:
    files = sorted((str(p.relative_to(folder)), p.read_text(encoding="utf-8"))
                   for p in folder.rglob("*") if p.is_file() and p.suffix in SUFFIXES)
    return Styles(tuple(files))
