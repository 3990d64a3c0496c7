"""Reader for TEI P5 manuscripts: any TEI document, its corrections, notes and header lists.

The reader applies the processing model (:mod:`edition.processing`) once: every element of the
``<text>`` becomes the model node its rule's behaviour says (a chapter, a section, a block, a leaf
of text, an inline), carrying the rule's class and output element, so no writer looks at TEI
element names. An element without a rule gets a default chosen by its content and is reported
once per name. Everything the reader finds wrong is collected as a
:class:`~edition.errors.Problem`, never raised one at a time. Text is never dropped silently:
only a rule's ``omit`` leaves an element out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import EditionError, Problem
from ..model import (
    Block,
    BlockNode,
    Chapter,
    Correction,
    Entity,
    Inline,
    Metadata,
    PageBreak,
    Paragraph,
    Section,
    Target,
)
from ..processing import BEHAVIOURS, HTML_DEFAULT, ProcessingModel, Rule
from ..xmlsafe import NS, TEI_NS, XML_NS, parse_xml
from .tei_header import (
    bcp47,
    document_language,
    header_text,
    local_name,
    rendition_stylesheet,
    source_reading,
)
from .tei_header import entities as read_entities
from .tei_header import metadata as read_metadata
from .tei_inline import InlineReader, SourceNote
from .tei_text import append_to_last, items, last_leaf, prepend, trim_folds

__all__ = ["Manuscript", "SourceNote", "bcp47", "document_language", "read_manuscript",
           "source_reading"]

XML_ID = f"{{{XML_NS}}}id"
XML_LANG = f"{{{XML_NS}}}lang"


_local = local_name




@dataclass
class Manuscript:
    """What the TEI reader gives the resolver."""

    path: Path
    tree: etree._ElementTree
    metadata: Metadata
    chapters: tuple[Chapter, ...]
    entities: tuple[Entity, ...]
    corrections: tuple[Correction, ...]
    notes: tuple[SourceNote, ...] = ()
    stylesheet: str = ""  # the CSS of the manuscript's own renditions (tagsDecl)
    problems: list[Problem] = field(default_factory=list)


def read_manuscript(path: Path, model: ProcessingModel | None = None, language: str = "") -> Manuscript:
    """Read one manuscript with the processing ``model`` (the default table when None);
    ``language`` is the book's when book.yaml names one, else the manuscript's own."""
    from ..processing import load_model

    tree = parse_xml(path)
    root = tree.getroot()
    if root.tag != f"{{{TEI_NS}}}TEI":
        ns = etree.QName(root).namespace
        hint = ("the manuscript must be a TEI P5 document: its root is <TEI xmlns=\"http://www.tei-c.org/ns/1.0\">"
                + (f"; this one is in the namespace {ns}" if ns else "; this one has no namespace"))
        name = etree.QName(root).localname
        message = (f"the root element <{name}> is not in the TEI namespace" if name == "TEI"
                   else f"the root element is <{name}>, not TEI's <TEI>")
        raise EditionError.at(path, root.sourceline, message, hint)
    text = root.find("tei:text", NS)
    if text is None:
        raise EditionError.at(path, root.sourceline, "the TEI document has no <text>",
                              "a manuscript holds its text in <text> after the <teiHeader>")
    reader = _Reader(path, model or load_model(), language or document_language(root) or "en", root)
    entities = read_entities(root, reader.language, reader.problem)
    metadata = read_metadata(root, reader.language, reader.stem)
    chapters = reader.text(text)
    reader.report_unknown()
    return Manuscript(path, tree, metadata, tuple(chapters), entities, tuple(reader.corrections),
                      tuple(reader.notes), rendition_stylesheet(reader.renditions), reader.problems)


class _Reader(InlineReader):
    """The document's structure: front, body and back as chapters, divisions as sections, blocks."""

    def text(self, text: etree._Element) -> list[Chapter]:
        chapters: list[Chapter] = []
        front, body, back = (text.find(f"tei:{n}", NS) for n in ("front", "body", "back"))
        if front is not None and self._significant(front):
            chapters.append(self.matter(front, "front"))
        if body is not None:
            chapters.extend(self.body(body))
        else:
            group = text.find("tei:group", NS)
            if group is not None:
                chapters.extend(self.group(group))
        if back is not None and self._significant(back):
            chapters.append(self.matter(back, "back"))
        if not chapters:
            self.problem(text, "the <text> holds nothing to print", "put the text in <body>")
        return chapters

    def group(self, group: etree._Element) -> list[Chapter]:
        """A group of texts (a collection, an anthology): each text's front, divisions and back
        are parts of the book in turn; the group's own head and prose are a part before them."""
        chapters: list[Chapter] = []
        pending: list[etree._Element] = []
        for child in group:
            if not isinstance(child.tag, str):
                continue
            if _local(child) in ("text", "group"):
                if pending:
                    chapters.append(self.untitled(group, pending))
                    pending = []
                chapters.extend(self.text(child) if _local(child) == "text" else self.group(child))
            else:
                pending.append(child)
        if pending:
            chapters.append(self.untitled(group, pending, include_text=False))
        return chapters

    def _significant(self, el: etree._Element) -> bool:
        return bool("".join(el.itertext()).strip()) or el.find(".//tei:graphic", NS) is not None

    def body(self, body: etree._Element) -> list[Chapter]:
        """Each division at the top of the body is a chapter; anything before the first is a
        chapter of its own, anything between or after them joins the chapter before it."""
        chapters: list[Chapter] = []
        pending: list[etree._Element] = []
        for child in body:
            if not isinstance(child.tag, str):
                continue
            if self.model.rule(child) is not None and self.model.rule(child).behaviour == "section":
                if pending:
                    if chapters:
                        chapters[-1] = self._append(chapters[-1], pending)
                    else:
                        chapters.append(self.untitled(body, pending))
                    pending = []
                chapters.append(self.chapter(child, "body"))
            else:
                pending.append(child)
        if pending or (body.text or "").strip():
            if chapters:
                chapters[-1] = self._append(chapters[-1], pending)
            else:
                chapters.append(self.untitled(body, pending))
        return chapters

    def untitled(self, body: etree._Element, children: list[etree._Element], include_text: bool = True) -> Chapter:
        """Content of the body outside any division: a chapter headed by the body's own head."""
        ident = self.locator(body)
        heads = [c for c in children if _local(c) == "head"]
        head_el = heads[0] if heads else None
        rest = [c for c in children if c is not head_el]
        head = self.head_inlines(head_el, ident) if head_el is not None else ()
        items = ([body.text] if include_text and body.text else []) + [x for c in rest for x in (c, c.tail) if x is not None]
        blocks = tuple(self.blocks_of(body, ident, items))
        sections = (Section(f"{ident}-opening", (), blocks),) if blocks else ()
        title = self._plain(head_el) if head_el is not None else ""
        return Chapter(ident, "", title, head, sections, str(self.path), "body", self._lang(body))

    def _append(self, chapter: Chapter, children: list[etree._Element]) -> Chapter:
        parent = children[0].getparent() if children else None
        if parent is None:
            return chapter
        ident = f"{chapter.id}-after-{len(chapter.sections)}"
        blocks = tuple(self.blocks_of(parent, ident, [x for c in children for x in (c, c.tail) if x is not None]))
        if not blocks:
            return chapter
        from dataclasses import replace

        return replace(chapter, sections=chapter.sections + (Section(ident, (), blocks),))

    def matter(self, el: etree._Element, matter: str) -> Chapter:
        """The manuscript's front or back matter: one part of the book, its divisions sections. It
        has no title of its own (the writers name it "Front matter", "Back matter" in the book's
        language); its divisions keep their heads."""
        ident = self.locator(el)
        sections = self.sections_of(el, ident, level=2)
        return Chapter(ident, "", "", (), tuple(sections), str(self.path), matter, self._lang(el))

    def chapter(self, div: etree._Element, matter: str) -> Chapter:
        ident = self.locator(div)
        heads = [c for c in div if _local(c) == "head"]
        head_el = heads[0] if heads else None
        head = self.head_inlines(head_el, ident) if head_el is not None else ()
        number = header_text(div, "tei:head/tei:seg[@type='number']") if head_el is not None else ""
        title = (header_text(div, "tei:head/tei:seg[@type='title']") if number else "") \
            or (self._plain(head_el) if head_el is not None else "")
        sections = self.sections_of(div, ident, level=2, skip=head_el)
        return Chapter(ident, number, title, head, tuple(sections), str(self.path), matter, self._lang(div))

    def sections_of(self, div: etree._Element, ident: str, level: int,
                    skip: etree._Element | None = None) -> list[Section]:
        """A division's content as sections: the blocks before its first inner division (the
        opening), then each inner division, then blocks after one (a section without a head)."""
        sections: list[Section] = []
        run: list = []

        def flush() -> None:
            nonlocal run
            section_id = f"{ident}-opening" if not sections else f"{ident}-after-{len(sections)}"
            blocks = tuple(self.blocks_of(div, section_id, run, level))
            if blocks:
                sections.append(Section(section_id, (), blocks, level))
            run = []

        for item in items(div, skip):
            if isinstance(item, etree._Element) and isinstance(item.tag, str) \
                    and (self.model.rule(item) or Rule("", "")).behaviour == "section":
                flush()
                sections.append(self.section(item, level))
            else:
                run.append(item)
        flush()
        return sections

    def section(self, div: etree._Element, level: int) -> Section:
        ident = self.locator(div)
        heads = [c for c in div if _local(c) == "head"]
        head_el = heads[0] if heads else None
        head = self.head_inlines(head_el, ident) if head_el is not None else ()
        blocks = tuple(self.blocks_of(div, ident, items(div, head_el), level))
        return Section(ident, head, blocks, level, self._lang(div))

    def head_inlines(self, head: etree._Element, owner: str) -> tuple[Inline, ...]:
        self._leaf = owner
        return self.leaf_inlines(head)

    def _plain(self, el: etree._Element) -> str:
        from ..inlines import reading_text

        saved = (self._leaf, len(self.corrections), len(self.notes))
        text = " ".join(reading_text(self.leaf_inlines(el)).split())
        # the title is a plain copy of the head: its corrections and notes are counted there
        self._leaf = saved[0]
        del self.corrections[saved[1]:]
        del self.notes[saved[2]:]
        return text

    # --- blocks -------------------------------------------------------------------------------
    def blocks_of(self, container: etree._Element, ident: str, items: list, level: int = 2) -> list[BlockNode]:
        """The blocks of ``items`` (text and nodes of ``container``'s content, :func:`_items`):
        block elements become blocks; runs of text and inline elements between them become leaves
        of their own (``ident.t1`` ...). A page break or an anchor alone between two blocks opens
        the next leaf; a note alone there is called at the end of the leaf before it."""
        out: list[BlockNode] = []
        run: list = []
        carried: list[Inline] = []

        def flush() -> None:
            nonlocal run, carried
            visible = any(isinstance(r, str) and r.strip() or isinstance(r, etree._Element) and self._visible(r)
                          for r in run)
            if visible:
                self._leaf = self._anonymous_id(ident)
                inlines = tuple(carried) + self._content_inlines(run)
                carried = []
                line = next((r.sourceline for r in run if isinstance(r, etree._Element)), container.sourceline) or 0
                out.append(Paragraph(self._leaf, trim_folds(inlines), line, "block", "", "div"))
            else:
                for r in run:
                    if isinstance(r, etree._Element):
                        for marker in self._markers(r, out):
                            carried.append(marker)
            run = []

        for item in items:
            if isinstance(item, str):
                run.append(item)
            elif not isinstance(item.tag, str):
                continue
            elif self._is_block(item):
                flush()
                made = self.block(item, level)
                if carried and made:
                    made[0] = prepend(made[0], tuple(carried))
                    carried = []
                out.extend(made)
            else:
                run.append(item)
        flush()
        if carried:
            self._leaf = self._anonymous_id(ident)
            out.append(Paragraph(self._leaf, tuple(carried), container.sourceline or 0, "block", "", "div"))
        return out

    def _visible(self, el: etree._Element) -> bool:
        return self.rule(el, inline_context=True).behaviour not in (
            "omit", "description", "page-break", "anchor", "line-break", "note")

    def _markers(self, el: etree._Element, before: list[BlockNode]) -> list[Inline]:
        """What an invisible element between blocks leaves: a page break or an anchor for the next
        leaf; a note is called at the end of the last leaf before it (or the next when none)."""
        rule = self.rule(el, inline_context=True)
        if rule.behaviour == "page-break":
            return [PageBreak(el.get("n", ""), el.get(XML_ID, ""))]
        if rule.behaviour == "anchor" and el.get(XML_ID):
            return [Target(el.get(XML_ID))]
        if rule.behaviour == "note":
            last = last_leaf(before)
            if last is None:
                return [self.note(el)]
            saved = self._leaf
            self._leaf = last.id
            call = self.note(el)
            self._leaf = saved
            before[:] = append_to_last(before, call)
        return []

    def block(self, el: etree._Element, level: int) -> list[BlockNode]:
        rule = self.rule(el, inline_context=False)
        b = rule.behaviour
        classes, style = self._presentation(el, rule)
        html = rule.html or HTML_DEFAULT.get(b, "div")
        ident = self.locator(el)
        if b == "section":  # a division inside a block (floatingText's body): a section below
            return [self.section(el, min(level + 1, 6))]
        if b == "graphic":
            return [Paragraph(ident, (self.image(el),), el.sourceline or 0, "graphic", rule.cls, "div", classes)]
        if b == "figure":
            children: list[BlockNode] = []
            alt = " ".join(" ".join("".join(d.itertext()).split()) for d in el.iterfind("tei:figDesc", NS))
            for child in el:
                if not isinstance(child.tag, str):
                    continue
                name = _local(child)
                child_rule = self.model.rule(child)
                if child_rule is not None and child_rule.behaviour == "graphic":
                    children.append(Paragraph(self.locator(child), (self.image(child, alt),), child.sourceline or 0,
                                              "graphic", "graphic", "div"))
                elif name == "head":
                    self._leaf = self.locator(child)
                    children.append(Paragraph(self._leaf, self.leaf_inlines(child), child.sourceline or 0,
                                              "heading", "caption", "figcaption"))
                elif child_rule is not None and child_rule.behaviour == "description":
                    continue
                else:
                    children.extend(self.blocks_of(el, ident, [child], level))
            return [Block("figure", tuple(children), ident, rule.cls, "figure", classes, self._lang(el), style)]
        if b in ("list", "table", "row"):
            children = self.blocks_of(el, ident, items(el), level)
            if b == "table":
                children = [self._caption(c) for c in children]
            return [Block(b, tuple(children), ident, rule.cls, html, classes, self._lang(el), style,
                          self._attrs(el))]
        if b == "note":  # a note standing between blocks: set in the flow, as a block of its own
            children = self.blocks_of(el, ident, items(el), level)
            return [Block("block", tuple(children), ident, "note-block", "div", classes, self._lang(el), style)]
        if BEHAVIOURS[b] == "block":
            if self._has_blocks(el):
                children = self.blocks_of(el, ident, items(el), level)
                return [Block(b, tuple(children), ident, rule.cls, "div" if html == "p" else html, classes,
                              self._lang(el), style, self._attrs(el))]
            self._leaf = ident
            inlines = self.leaf_inlines(el, rule)
            return [Paragraph(ident, inlines, el.sourceline or 0, b, rule.cls, html, classes, self._lang(el), style,
                              self._attrs(el))]
        return []
