"""Reader for the TEI P5 manuscript: the chapter text, its corrections and its header lists.

The processing model of each TEI element lives in ``_INLINE`` (what it becomes in the edition
model); writers decide how a model node looks. Everything the reader finds wrong is collected as a
:class:`~edition.errors.Problem`, never raised one at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import EditionError, Problem
from ..model import (
    AuthorNoteCall,
    Chapter,
    Choice,
    Correction,
    Entity,
    Inline,
    LineBreak,
    Metadata,
    Paragraph,
    Section,
    Span,
    Text,
)
from ..xmlsafe import NS, TEI_NS, XML_NS, parse_xml

XML_ID = f"{{{XML_NS}}}id"
XML_LANG = f"{{{XML_NS}}}lang"
# TEI element -> role of the model Span it becomes (the processing model, stated once).
_SPAN_ROLES = {"persName": "persName", "placeName": "placeName", "orgName": "orgName",
               "title": "title", "foreign": "foreign", "quote": "quote", "q": "quote", "date": "date",
               "emph": "emph", "hi": "emph", "term": "term", "unclear": "unclear"}
_ENTITY_LISTS = (("listPerson", "person", "person"), ("listPlace", "place", "place"),
                 ("listOrg", "org", "org"), ("listBibl", "bibl", "work"))
_NAME_TAG = {"person": "persName", "place": "placeName", "org": "orgName", "work": "title"}


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


@dataclass
class Manuscript:
    """What the TEI reader gives the resolver."""

    path: Path
    tree: etree._ElementTree
    metadata: Metadata
    chapter: Chapter
    entities: tuple[Entity, ...]
    corrections: tuple[Correction, ...]
    problems: list[Problem] = field(default_factory=list)


def read_manuscript(path: Path) -> Manuscript:
    tree = parse_xml(path)
    root = tree.getroot()
    if root.tag != f"{{{TEI_NS}}}TEI":
        raise EditionError.at(path, root.sourceline, f"root element is <{root.tag}>, not TEI <TEI>",
                              "the manuscript must be a TEI P5 document in the TEI namespace")
    reader = _Reader(path)
    entities = reader.entities(root)
    metadata = reader.metadata(root)
    chapter = reader.chapter(root)
    return Manuscript(path, tree, metadata, chapter, entities, tuple(reader.corrections), reader.problems)


class _Reader:
    def __init__(self, path: Path):
        self.path = path
        self.problems: list[Problem] = []
        self.corrections: list[Correction] = []
        self._paragraph = ""

    def problem(self, el: etree._Element, message: str, hint: str = "") -> None:
        self.problems.append(Problem(str(self.path), el.sourceline, message, hint))

    # --- header ---------------------------------------------------------------------------
    def _text(self, root: etree._Element, xpath: str, default: str = "") -> str:
        found = root.xpath(xpath, namespaces=NS)
        if not found:
            return default
        value = found[0]
        return " ".join(("".join(value.itertext()) if isinstance(value, etree._Element) else str(value)).split())

    def metadata(self, root: etree._Element) -> Metadata:
        h = "tei:teiHeader/tei:fileDesc/"
        status = self._text(root, "tei:teiHeader/tei:revisionDesc/@status", "draft")
        chapter_div = root.find(".//tei:body/tei:div[@type='chapter']", NS)
        label = ""
        if chapter_div is not None:
            label = self._text(chapter_div, "tei:head/tei:seg[@type='number']")
        return Metadata(
            title=self._text(root, h + "tei:titleStmt/tei:title[@type='main']"),
            chapter_label=label,
            language=root.get(XML_LANG, "th"),
            identifier=self._text(root, h + "tei:publicationStmt/tei:idno[@type='URN']"),
            editor=self._text(root, h + "tei:titleStmt/tei:editor"),
            source_description=self._text(root, h + "tei:sourceDesc/tei:bibl/tei:note[@type='description']"),
            rights=self._text(root, h + "tei:publicationStmt/tei:availability"),
            date=self._text(root, h + "tei:publicationStmt/tei:date/@when"),
            version=self._text(root, h + "tei:editionStmt/tei:edition/@n", "0"),
            status=status,
            proofreading_complete=status == "proofread",
        )

    def entities(self, root: etree._Element) -> tuple[Entity, ...]:
        out: list[Entity] = []
        header = root.find("tei:teiHeader", NS)
        if header is None:
            self.problem(root, "no teiHeader", "a TEI document starts with <teiHeader>")
            return ()
        for list_tag, item_tag, kind in _ENTITY_LISTS:
            for item in header.iterfind(f".//tei:{list_tag}/tei:{item_tag}", NS):
                ident = item.get(XML_ID)
                if not ident:
                    self.problem(item, f"<{item_tag}> without xml:id", "give every entry an xml:id to refer to")
                    continue
                name_tag = _NAME_TAG[kind]
                names = item.findall(f"tei:{name_tag}", NS)
                thai = [n for n in names if n.get(XML_LANG, "th") == "th"]
                latin = [n for n in names if n.get(XML_LANG, "th") != "th"]
                if not thai:
                    self.problem(item, f"{kind} '{ident}' has no Thai name",
                                 f'add <{name_tag} xml:lang="th">…</{name_tag}>')
                    continue
                forms = tuple(dict.fromkeys("".join(n.itertext()).strip() for n in thai))
                dates = " - ".join(d.get("when", "") for d in item if _local(d) in ("birth", "death"))
                spellings = tuple((n.get(XML_LANG, "th"), n.get("type", ""), " ".join("".join(n.itertext()).split()))
                                  for n in names)
                out.append(Entity(ident, kind, forms[0], "".join(latin[0].itertext()).strip() if latin else "",
                                  forms, dates, spellings))
        return tuple(out)

    # --- body -----------------------------------------------------------------------------
    def chapter(self, root: etree._Element) -> Chapter:
        div = root.find(".//tei:body/tei:div[@type='chapter']", NS)
        if div is None:
            self.problem(root, "no <div type=\"chapter\"> in the body", "wrap the chapter in one div")
            return Chapter("", "", "", (), (), str(self.path))
        head_el = div.find("tei:head", NS)
        head = self.inlines(head_el) if head_el is not None else ()
        number = self._text(div, "tei:head/tei:seg[@type='number']")
        title = self._text(div, "tei:head/tei:seg[@type='title']") or self._text(div, "tei:head")
        sections: list[Section] = []
        opening: list[Paragraph] = []
        for child in div:
            tag = _local(child)
            if tag == "p":
                opening.append(self.paragraph(child))
            elif tag == "div":
                sections.append(self.section(child))
        if opening:
            sections.insert(0, Section(f"{div.get(XML_ID, 'ch')}-opening", (), tuple(opening)))
        return Chapter(div.get(XML_ID, ""), number, title, head, tuple(sections), str(self.path))

    def section(self, div: etree._Element) -> Section:
        head_el = div.find("tei:head", NS)
        ident = div.get(XML_ID)
        if not ident:
            self.problem(div, "section <div> without xml:id", "add xml:id so links and the contents can point at it")
        paragraphs = tuple(self.paragraph(p) for p in div.iterfind("tei:p", NS))
        return Section(ident or "", self.inlines(head_el) if head_el is not None else (), paragraphs)

    def paragraph(self, p: etree._Element) -> Paragraph:
        ident = p.get(XML_ID)
        if not ident:
            self.problem(p, "paragraph without xml:id", "every <p> needs a stable xml:id (p + OCR line, e.g. p008)")
        self._paragraph = ident or ""
        return Paragraph(ident or "", self.inlines(p), p.sourceline or 0)

    def inlines(self, el: etree._Element) -> tuple[Inline, ...]:
        out: list[Inline] = []
        if el.text:
            self._text_node(el, el.text, out)
        for child in el:
            out.extend(self.inline(child))
            if child.tail:
                self._text_node(el, child.tail, out)
        return _merge_text(out)

    def _text_node(self, el: etree._Element, text: str, out: list[Inline]) -> None:
        if "\n" in text or "\t" in text:
            self.problem(el, "a line break or tab inside running text",
                         'write the text on one line; record a wrap as <lb break="no"/> or <lb/>')
            text = text.replace("\n", "").replace("\t", "")
        out.append(Text(text))

    def inline(self, el: etree._Element) -> tuple[Inline, ...]:
        tag = _local(el)
        if not tag:  # comment or processing instruction
            return ()
        if tag == "lb":
            if el.get("break") == "no":
                return ()
            return (LineBreak(),) if el.getparent() is not None and _local(el.getparent()) == "head" else (Text(" "),)
        if tag == "choice":
            return (self.choice(el),)
        if tag == "ref" and el.get("type") == "author-note":
            return (AuthorNoteCall(el.get("n", "".join(el.itertext()))),)
        if tag in ("seg", "fw", "note", "gap"):
            return self.inlines(el) if tag == "seg" else ()
        role = _SPAN_ROLES.get(tag)
        if role is None:
            self.problem(el, f"<{tag}> is not part of this edition's TEI subset",
                         "see manuscript/schema/edition.rng for the elements the edition renders")
            return self.inlines(el)
        return (Span(role, self.inlines(el), lang=el.get(XML_LANG), ref=(el.get("ref") or "").lstrip("#") or None,
                     when=el.get("when") or (f"{el.get('from')}/{el.get('to')}" if el.get("from") else None)),)

    def choice(self, el: etree._Element) -> Choice:
        parts = {_local(c): c for c in el}
        if "sic" in parts and "corr" in parts:
            original, reading, kind = parts["sic"], parts["corr"], "correction"
        elif "orig" in parts and "reg" in parts:
            original, reading, kind = parts["orig"], parts["reg"], "regularisation"
        else:
            self.problem(el, "<choice> needs <sic> with <corr>, or <orig> with <reg>")
            original = reading = el
            kind = "correction"
        ident = el.get(XML_ID) or ""
        if not ident:
            self.problem(el, "<choice> without xml:id", "give every correction an id (c001, c002 …)")
        correction = Correction(ident, self._paragraph, "".join(original.itertext()), "".join(reading.itertext()),
                                kind, reading.get("cert", ""), reading.get("resp", ""), el.sourceline or 0)
        self.corrections.append(correction)
        return Choice(correction)


def _merge_text(nodes: list[Inline]) -> tuple[Inline, ...]:
    """Adjacent text nodes (a joined line wrap leaves two) become one, as the reader sees one text."""
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + node.text)
        elif not (isinstance(node, Text) and not node.text):
            out.append(node)
    return tuple(out)


# --- the diplomatic (source) reading, for the round trip -------------------------------

def source_reading(tree: etree._ElementTree) -> str:
    """Rebuild the OCR text from the manuscript: ``sic``/``orig`` readings, wraps and block joins
    as the OCR had them. Equal to the OCR file when every correction is recorded."""
    body = tree.getroot().find(".//tei:body", NS)
    blocks: list[str] = []
    for el in body.iter(f"{{{TEI_NS}}}head", f"{{{TEI_NS}}}p", f"{{{TEI_NS}}}fw"):
        blocks.append(_diplomatic(el))
    return "\n\n" + "\n\n".join(blocks)


def _diplomatic(el: etree._Element) -> str:
    parts = [el.text or ""]
    for child in el:
        tag = _local(child)
        if tag == "lb":
            parts.append("\n\n" if child.get("type") == "ocr-block" else "\n")
        elif tag == "choice":
            for part in child:
                if _local(part) in ("sic", "orig"):
                    parts.append(_diplomatic(part))
        elif tag:
            parts.append(_diplomatic(child))
        parts.append(child.tail or "")
    return "".join(parts)
