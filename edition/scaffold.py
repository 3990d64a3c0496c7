"""`build.py new DIR --manuscript FILE.xml`: a new edition folder, ready for `build.py --root DIR`.

DIR gets the manuscript (``manuscript/FILE.xml``) and the images it points at, a ``book.yaml``
whose title, author and language come from the teiHeader, an ``annotations/`` folder holding only
an empty bibliography, a ``processing.yaml`` when the manuscript was made by ``ingest`` (its page
furniture is not printed), and ``styles/``, a copy of the builder's default styles to change as the edition needs. The
folder is made beside DIR under another name and renamed into place when it is complete, so DIR
is either absent, empty, or a whole edition.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .config import load_book
from .errors import EditionError
from .files import ascii_slug
from .ingest.header import INGEST_APPLICATION
from .langtag import HINT, bcp47, is_language_tag
from .parts import BACK_SECTIONS, FRONT_SECTIONS
from .processing import EDITION_TABLE
from .readers.tei_header import header_authors, header_title
from .readers.tei_text import EXTERNAL
from .xmlsafe import NS, TEI_NS, XML_NS, parse_xml

DEFAULT_STYLES = Path(__file__).resolve().parents[1] / "styles"
XML_LANG = f"{{{XML_NS}}}lang"


@dataclass(frozen=True)
class NewEdition:
    """What `new` made, for the command to report."""

    root: Path
    name: str
    title: str
    author: str
    language: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class BookFacts:
    title: str
    author: str
    language: str
    language_from: str  # where the language was found: "TEI/@xml:lang", ..., "--lang"


def new_edition(target: Path, manuscript: Path, lang: str | None = None) -> NewEdition:
    """Make the edition folder ``target`` for ``manuscript`` (see the module's docstring)."""
    if target.exists() or target.is_symlink():
        if not target.is_dir():
            raise EditionError.at(target, None, "exists and is not a folder", "give a new folder for the edition")
        if any(target.iterdir()):
            raise EditionError.at(target, None, "exists and is not empty",
                                  "give a new (or empty) folder for the edition; `new` never writes into another")
    if lang is not None and not is_language_tag(lang):
        raise EditionError.at(manuscript, None, f"--lang {lang!r} is not a BCP 47 language tag", f"give {HINT}")
    tree = parse_xml(manuscript)
    root = tree.getroot()
    if root.tag != f"{{{TEI_NS}}}TEI":
        qname = etree.QName(root)
        where = f"in the namespace {qname.namespace}" if qname.namespace else "in no namespace"
        raise EditionError.at(manuscript, root.sourceline, f"not a TEI P5 document: its root is <{qname.localname}> "
                              f"{where}", f'an edition is made of one TEI document, <TEI xmlns="{TEI_NS}">')
    facts = header_facts(root, manuscript, lang)
    notes = []
    if lang and facts.language_from != "--lang" and facts.language.lower() != lang.lower():
        notes.append(f"the manuscript's {facts.language_from} says {facts.language}; --lang {lang} is not used")
    if not facts.title:
        notes.append("the teiHeader has no title: add title: to book.yaml")
    media, media_notes = local_media(root, manuscript)
    notes.extend(media_notes)
    name = ascii_slug(manuscript.stem) or "edition"
    target = target.absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.new-{os.getpid()}"
    try:
        staging.mkdir()
        (staging / "manuscript").mkdir()
        shutil.copyfile(manuscript, staging / "manuscript" / manuscript.name)
        for source, relative in media:
            (staging / "manuscript" / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, staging / "manuscript" / relative)
        (staging / "book.yaml").write_text(book_yaml(name, manuscript.name, facts), encoding="utf-8")
        (staging / "annotations").mkdir()
        (staging / "annotations" / "bibliography.yaml").write_text(
            "# The works the annotations cite by key ([@key]); each entry's fields: annotations/schema in the builder.\n"
            "entries: []\n", encoding="utf-8")
        if made_by_ingest(root):
            (staging / EDITION_TABLE).write_text(OCR_RULES, encoding="utf-8")
        shutil.copytree(DEFAULT_STYLES, staging / "styles",
                        ignore=shutil.ignore_patterns(".*", "__pycache__", "*.tmp"))
        load_book(staging)  # what `build.py --root DIR` reads first must read
        staging.rename(target)  # replaces an empty folder, refuses one that filled meanwhile
    except OSError as exc:
        raise EditionError.at(target, None, f"cannot make the edition folder: {exc.strerror}",
                              "give a new (or empty) folder in a place you can write to") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return NewEdition(target, name, facts.title, facts.author, facts.language, tuple(notes))


# an edition of an ingested OCR: its running heads and page numbers are the scan's page furniture,
# kept in the manuscript for the round trip to the OCR, not printed
OCR_RULES = """\
# This edition's own rules of the processing model, tried before the builder's defaults
# (edition/data/processing.yaml in the builder), as an ODD customisation would state them.
# Written by `build.py new` because the manuscript was made by `build.py ingest`.
rules:
  # the OCR's running heads and page numbers (fw): kept for the round trip, not printed
  - {element: fw, behaviour: omit}
"""


def made_by_ingest(root: etree._Element) -> bool:
    """Whether the document's header names `build.py ingest` as the software that made it."""
    return bool(root.xpath("tei:teiHeader/tei:encodingDesc/tei:appInfo/tei:application[@ident = $i]",
                           namespaces=NS, i=INGEST_APPLICATION))


def local_media(root: etree._Element, manuscript: Path) -> tuple[list[tuple[Path, Path]], list[str]]:
    """The images the manuscript points at (graphic, media @url) that lie in its folder, to copy
    with it keeping their relative paths; a note for each that cannot come along."""
    found: list[tuple[Path, Path]] = []
    notes: list[str] = []
    folder = manuscript.resolve().parent
    for el in root.iterfind(".//tei:text//*[@url]", NS):
        if etree.QName(el).localname not in ("graphic", "media"):
            continue
        url = el.get("url", "").strip()
        if not url or EXTERNAL.match(url):
            continue  # the build refuses a remote image and says so
        source = (folder / url).resolve()
        if not source.is_file():
            notes.append(f"line {el.sourceline}: image {url} is not a file; the build will leave it out")
        elif not source.is_relative_to(folder):
            notes.append(f"line {el.sourceline}: image {url} lies outside the manuscript's folder; copy it into "
                         "manuscript/ and change @url")
        elif (source, source.relative_to(folder)) not in found:
            found.append((source, source.relative_to(folder)))
    return found, notes


def header_facts(root: etree._Element, manuscript: Path, lang: str | None) -> BookFacts:
    """Title, author and language of a TEI document, as book.yaml takes them."""
    title, author = header_title(root), header_authors(root)
    found = [("TEI/@xml:lang", root), ("text/@xml:lang", root.find("tei:text", NS))]
    usage = root.find("tei:teiHeader/tei:profileDesc/tei:langUsage/tei:language[@ident]", NS)
    for where, el in found + [("langUsage/language/@ident", usage)]:
        value = None if el is None else el.get("ident" if el is usage else XML_LANG)
        if value and value.strip():
            if not is_language_tag(value.strip()):
                raise EditionError.at(manuscript, el.sourceline, f"{where} '{value}' is not a BCP 47 language tag",
                                      f"correct it to {HINT}")
            return BookFacts(title, author, bcp47(value), where)
    if lang:
        return BookFacts(title, author, lang, "--lang")
    raise EditionError.at(manuscript, root.sourceline, "the document does not say its language (no xml:lang on "
                          "<TEI> or <text>, no langUsage)", f"give it with --lang, {HINT}")


def book_yaml(name: str, manuscript_name: str, facts: BookFacts) -> str:
    """The book manifest of a new edition (JSON strings are YAML strings, so any title is safe)."""
    def line(key: str, value: str) -> str:
        return f"{key}: {json.dumps(value, ensure_ascii=False)}\n" if value else f"# {key}: (not in the teiHeader)\n"

    return ("# The book manifest, made by `build.py new` from the manuscript's teiHeader: what the edition\n"
            "# contains and how its outputs are named. title, author and language are the book's own.\n"
            f"name: {json.dumps(name)}  # stem of every output file in dist/\n"
            + line("title", facts.title) + line("author", facts.author)
            + f"language: {json.dumps(facts.language)}\n"
            f"chapters:\n  - {json.dumps('manuscript/' + manuscript_name, ensure_ascii=False)}\n"
            "annotations: annotations\n"
            f"front: [{', '.join(FRONT_SECTIONS)}]\n"
            f"back: [{', '.join(BACK_SECTIONS)}]\n")


def _text(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())
