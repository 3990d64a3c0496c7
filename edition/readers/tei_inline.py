"""Reading a TEI leaf's inline content with the processing model: text, highlighting, names,
choices, notes, links, pointers, breaks and images become the model's inline nodes. The base of
the TEI reader (:mod:`edition.readers.tei`), which adds the document's structure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..errors import Problem
from ..langtag import bcp47, primary
from ..model import (
    AuthorNoteCall,
    BlockNode,
    Choice,
    Correction,
    Gap,
    Image,
    Inline,
    LineBreak,
    Link,
    NoteCall,
    PageBreak,
    Paragraph,
    Span,
    Target,
    Text,
)
from ..processing import BEHAVIOURS, ProcessingModel, Rule, css_class, rend_class, safe_css
from ..xmlsafe import NS, XML_NS
from .tei_header import glyphs, local_name, renditions
from .tei_text import (
    CHOICE_PAIRS,
    EXTERNAL,
    FOLD,
    PAIRS,
    QUOTES,
    WHITESPACE_RUN,
    merge_text,
    quoted_in_source,
    trim_folds,
)

XML_ID = f"{{{XML_NS}}}id"
XML_LANG = f"{{{XML_NS}}}lang"
_local = local_name
BOUNDARIES = {"pb", "cb", "milestone", "gb", "lb"}  # when a rule leaves them out, still a word boundary
DIVISIONS = {"div", "div1", "div2", "div3", "div4", "div5", "div6", "div7"}


@dataclass(frozen=True)
class SourceNote:
    """A note of the manuscript itself (TEI ``note``), called where it stands in the text."""

    id: str
    paragraph: str  # the leaf it is called from (a section or chapter id in a heading)
    place: str  # foot | end
    label: str  # the source's own @n, or "" to be numbered
    body: tuple[Inline, ...]
    line: int


class InlineReader:
    """The reader's state (problems, corrections, notes, the leaf being read) and its inline rules."""

    def __init__(self, path: Path, model: ProcessingModel, language: str, root: etree._Element):
        self.path = path
        self.model = model
        self.language = language
        self.root = root
        self.main_text = root.find("tei:text", NS)
        self.problems: list[Problem] = []
        self.corrections: list[Correction] = []
        self.notes: list[SourceNote] = []
        self._leaf = ""  # the id of the leaf being read: what a correction or a note belongs to
        self._unknown: dict[str, tuple[int, str]] = {}
        self._undeclared: set[str] = set()
        self._anonymous: dict[str, int] = {}
        stem = re.sub(r"[^\w.-]", "-", root.get(XML_ID) or path.stem)
        self.stem = stem if re.match(r"[^\W\d]", stem) else f"m{stem}"
        self.glyphs = glyphs(root)
        self.renditions = renditions(root, model, self.problem)

    def problem(self, el: etree._Element, message: str, hint: str = "", severity: str = "error") -> None:
        self.problems.append(Problem(str(self.path), el.sourceline, message, hint, severity))

    # --- locators ---------------------------------------------------------------------------
    def locator(self, el: etree._Element) -> str:
        """The element's xml:id, or a locator that stays the same while the text before it does
        not change structure: the nearest identified ancestor, then each step's element name and
        place among its like-named siblings (``ch1.p3``, ``treasure.div2.div1.p4``).
        docs/locators.md says more."""
        steps: list[str] = []
        node = el
        while node is not None:
            ident = node.get(XML_ID)
            if ident:
                steps.append(ident)
                break
            parent = node.getparent()
            name = _local(node)
            if node is self.main_text:
                steps.append(self.stem)
                break
            if parent is self.main_text and name == "body":
                node = parent
                continue
            if parent is self.main_text and name in ("front", "back"):
                steps.append(name)
            else:
                index = 1 + sum(1 for s in node.itersiblings(preceding=True) if s.tag == node.tag)
                steps.append(f"{name}{index}")
            node = parent
        return ".".join(reversed(steps))

    def _anonymous_id(self, container: str) -> str:
        k = self._anonymous.get(container, 0) + 1
        self._anonymous[container] = k
        return f"{container}.t{k}"

    # --- rules ------------------------------------------------------------------------------
    def rule(self, el: etree._Element, inline_context: bool) -> Rule:
        rule = self.model.rule(el)
        if rule is not None:
            return rule
        name = _local(el)
        if name not in self._unknown:
            blockish = not inline_context and (self._has_blocks(el) or _local(el.getparent()) in DIVISIONS)
            self._unknown[name] = (el.sourceline or 0, "block" if blockish else "inline")
        behaviour = self._unknown[name][1]
        if inline_context:
            behaviour = "inline"
        return Rule(name, behaviour, cls=name, origin="default")

    def report_unknown(self) -> None:
        for name, (line, behaviour) in sorted(self._unknown.items()):
            self.problems.append(Problem(
                str(self.path), line, f"<{name}> has no rule in the processing model; rendered as {behaviour}",
                f"add a rule to processing.yaml beside book.yaml, e.g. "
                f"{{element: {name}, behaviour: {behaviour}}}", "warning"))

    def _is_block(self, el: etree._Element) -> bool:
        rule = self.rule(el, inline_context=False)
        if rule.behaviour == "graphic":  # an image stands as a block unless it is inside a line of text
            return _local(el.getparent()) not in ("p", "ab", "l", "head", "hi", "item", "cell", "label", "seg", "q")
        return BEHAVIOURS[rule.behaviour] == "block"

    def _has_blocks(self, el: etree._Element) -> bool:
        return any(isinstance(c.tag, str) and self.model.rule(c) is not None and self._is_block(c) for c in el)

    def _presentation(self, el: etree._Element, rule: Rule) -> tuple[tuple[str, ...], str]:
        """Classes from @rend and @rendition, and the element's own @style if it is typographic."""
        classes = [rend_class(t) for t in (el.get("rend") or "").split()]
        for token in (el.get("rendition") or "").split():
            if token.startswith("#") and token[1:] in self.renditions:
                classes.append(f"rendition-{css_class(token[1:])}")
            elif token.startswith("simple:"):
                classes.append(rend_class(token))
        style = el.get("style") or ""
        if style:
            safe = safe_css(style)
            if safe is None:
                self.problem(el, f"@style '{style}' is not typographic CSS; it is ignored",
                             "use font, text and margin properties only; no url()", "warning")
            style = safe or ""
        return tuple(classes), style

    def _lang(self, el: etree._Element) -> str | None:
        value = el.get(XML_LANG)
        return bcp47(value) if value else None

    def _effective_lang(self, el: etree._Element) -> str:
        for node in (el, *el.iterancestors()):
            if node.get(XML_LANG):
                return bcp47(node.get(XML_LANG))
        return self.language

    # --- the text: chapters ------------------------------------------------------------------
    @staticmethod
    def _caption(node: BlockNode) -> BlockNode:
        if isinstance(node, Paragraph) and node.behaviour == "heading":
            from dataclasses import replace

            return replace(node, html="caption", cls="caption")
        return node

    def _attrs(self, el: etree._Element) -> tuple[tuple[str, str], ...]:
        if _local(el) != "cell":  # on a table, @rows and @cols only count its rows and columns
            return ()
        out = []
        if el.get("cols", "1") != "1":
            out.append(("colspan", el.get("cols")))
        if el.get("rows", "1") != "1":
            out.append(("rowspan", el.get("rows")))
        return tuple(out)

    def image(self, el: etree._Element, alt: str = "") -> Image:
        url = el.get("url", "")
        if not alt:
            alt = " ".join(" ".join("".join(d.itertext()).split()) for d in el.iterfind("tei:desc", NS))
            parent = el.getparent()
            if not alt and parent is not None:
                alt = " ".join(" ".join("".join(d.itertext()).split()) for d in parent.iterfind("tei:figDesc", NS))
        if EXTERNAL.match(url) and not url.startswith("file:"):
            self.problem(el, f"remote image '{url}' is not fetched",
                         "copy the image into the edition (e.g. manuscript/images/) and point @url at it", "warning")
            return Image("", alt or url)
        base = self.path.parent
        local = (base / url).resolve() if url else None
        if local is None or not local.is_file():
            self.problem(el, f"image '{url}' is not a file", "copy it beside the manuscript or fix @url", "warning")
            return Image("", alt or url)
        return Image(str(local), alt, el.get("width", ""), el.get("height", ""))

    # --- inline content -----------------------------------------------------------------------
    def leaf_inlines(self, el: etree._Element, rule: Rule | None = None) -> tuple[Inline, ...]:
        """A leaf's content: its text and inline children, then a leaf's trim of markup whitespace."""
        nodes = self.inlines(el)
        if rule is not None and rule.marks:
            nodes = self._marked(el, rule, nodes)
        return trim_folds(nodes)

    def _content_inlines(self, run: list) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for r in run:
            if isinstance(r, str):
                out.append(Text(self._norm(r)))
            else:
                out.extend(self.inline(r))
        return merge_text(out)

    def inlines(self, el: etree._Element) -> tuple[Inline, ...]:
        out: list[Inline] = []
        if el.text:
            out.append(Text(self._norm(el.text)))
        for child in el:
            out.extend(self.inline(child))
            if child.tail:
                out.append(Text(self._norm(child.tail)))
        return merge_text(out)

    @staticmethod
    def _norm(text: str) -> str:
        return WHITESPACE_RUN.sub(FOLD, text) if ("\n" in text or "\t" in text) else text

    def inline(self, el: etree._Element) -> tuple[Inline, ...]:
        if not isinstance(el.tag, str):  # comment or processing instruction
            return ()
        rule = self.rule(el, inline_context=True)
        b = rule.behaviour
        anchor: tuple[Inline, ...] = (Target(el.get(XML_ID)),) if el.get(XML_ID) and b in (
            "inline", "link", "gap", "glyph") else ()
        # a page, column or section break of the source parts two words unless it says break="no"
        boundary = (Text(FOLD),) if _local(el) in BOUNDARIES and el.get("break") != "no" else ()
        if b in ("omit", "description"):
            return boundary
        if b == "line-break":
            return (LineBreak(),)
        if b == "inline-text":
            return (Text(rule.text),)
        if b == "page-break":
            return (PageBreak(el.get("n", ""), el.get(XML_ID, "")),) + boundary
        if b == "anchor":
            return (Target(el.get(XML_ID)),) if el.get(XML_ID) else ()
        if b == "alternate":
            return (self.choice(el),)
        if b == "note-call":
            return (AuthorNoteCall(el.get("n", "".join(el.itertext()))),)
        if b == "note":
            return (self.note(el),)
        if b == "gap":
            return anchor + (Gap(el.get("reason", "")),)
        if b == "glyph":
            return anchor + (Text(self.glyph(el)),)
        if b == "space":  # a gap the source leaves: en spaces for its width, a line break for a vertical one
            if el.get("dim") == "vertical":
                return (LineBreak(),)
            try:
                width = max(1, min(12, round(float(el.get("quantity") or el.get("extent", "1").split()[0]))))
            except ValueError:
                width = 1
            # one character's space is a word space (it stretches); a wider one adds en spaces
            return (Text(" " + "\u2002" * (width - 1)),)
        if b == "graphic":
            return (self.image(el),)
        if b == "link":
            return anchor + (self.link(el),)
        classes, style = self._presentation(el, rule)
        if BEHAVIOURS[b] == "block" or b == "section":  # a block inside running text: kept in the line
            children = self._flattened(el)
            return (Span(_local(el), children, self._lang(el), cls=rule.cls, html="span",
                         classes=classes + ("in-line",), style=style),)
        children = self.inlines(el)
        if rule.marks:
            children = self._marked(el, rule, children)
        ref = (el.get("ref") or "").lstrip("#") or None
        when = el.get("when") or el.get("when-iso") or (f"{el.get('from')}/{el.get('to')}" if el.get("from") else None)
        return anchor + (Span(_local(el), children, self._lang(el), ref, when, rule.cls, rule.html or "span",
                              classes, style),)

    def glyph(self, el: etree._Element) -> str:
        """A ``g``: the character charDecl maps it to, else its own content; an undeclared empty one
        (EEBO-TCP's ``char:EOLhyphen``, a line-end hyphen the reading joins) is left out, said once."""
        ref = (el.get("ref") or "").lstrip("#")
        found = self.glyphs.get(ref) or "".join(el.itertext())
        if not found and ref not in self._undeclared:
            self._undeclared.add(ref)
            self.problem(el, f"glyph '{ref}' is not declared in charDecl and has no content; it is left out",
                         "declare it in the header's charDecl with a <mapping>, or give <g> its character",
                         "warning")
        return found

    def _marked(self, el: etree._Element, rule: Rule, children: tuple[Inline, ...]) -> tuple[Inline, ...]:
        scoped = [t for t in el.get("rendition", "").split()
                  if t.startswith("#") and self.renditions.get(t[1:], ("", ""))[0]]
        if scoped:
            return children  # the document's own renditions put its marks before and after
        if rule.marks == "quote" and quoted_in_source(el):
            return children  # the source prints its own marks around it (»<quote>…</quote>«)
        if rule.marks == "quote":
            lang = primary(self._effective_lang(el))
            marks = QUOTES.get(lang, QUOTES["en"])
            depth = sum(1 for a in el.iterancestors() if _local(a) in ("q", "quote", "said", "soCalled")
                        and (self.model.rule(a) or Rule("", "")).marks == "quote")
            opening, closing = marks[0:2] if depth % 2 == 0 else marks[2:4]
        else:
            opening, closing = PAIRS[rule.marks]
        return merge_text([Text(opening), *children, Text(closing)])

    def _flattened(self, el: etree._Element) -> tuple[Inline, ...]:
        """A block's content inside a line: its blocks' inlines, a line break between two."""
        if not self._has_blocks(el):
            return self.inlines(el)
        out: list[Inline] = []
        if (el.text or "").strip():
            out.append(Text(self._norm(el.text)))
        for child in el:
            if not isinstance(child.tag, str):
                continue
            if self._is_block(child):
                if out and not isinstance(out[-1], LineBreak):
                    out.append(LineBreak())
                out.extend(self._flattened(child))
                out.append(LineBreak())
            else:
                out.extend(self.inline(child))
            if child.tail and child.tail.strip():
                out.append(Text(self._norm(child.tail)))
        while out and isinstance(out[-1], LineBreak):
            out.pop()
        return merge_text(out)

    def link(self, el: etree._Element) -> Inline:
        target = (el.get("target") or "").split()[0] if el.get("target") else ""
        children = self.inlines(el)
        if not "".join(str(getattr(c, "text", "")) for c in children).strip():
            children = (Text(self._pointer_text(target)),)  # a ptr, or a ref left empty: never a link without text
        if target.startswith("#"):
            return Link(target[1:], children)
        return Link(target, children, external=True)

    def _pointer_text(self, target: str) -> str:
        """What a ``ptr`` shows: an address as it is; for a place in the document, its head, its
        number or its label (a figure's caption, a note's number), else its first words."""
        if not target.startswith("#"):
            return target
        found = self.root.xpath("//*[@xml:id = $i]", i=target[1:])
        if found:
            el = found[0]
            head = el.find("tei:head", NS)
            if head is not None and "".join(head.itertext()).strip():
                return " ".join("".join(head.itertext()).split())
            if el.get("n"):
                return el.get("n")
            words = "".join(el.itertext()).split()
            if words:
                return " ".join(words[:6]) + ("…" if len(words) > 6 else "")
        return target[1:]

    def note(self, el: etree._Element) -> Inline:
        saved = self._leaf
        ident = el.get(XML_ID) or self.locator(el)
        body = trim_folds(self._flattened(el))
        self._leaf = saved
        place = (el.get("place") or "foot").lower()
        place = "end" if place in ("end", "endnote", "back") else "foot"
        self.notes.append(SourceNote(ident, saved, place, el.get("n", ""), body, el.sourceline or 0))
        return NoteCall(ident)

    def choice(self, el: etree._Element) -> Inline:
        parts = {_local(c): c for c in el if isinstance(c.tag, str)}
        pair = next(((parts[o], parts[r], k) for o, r, k in CHOICE_PAIRS if o in parts and r in parts), None)
        if pair is not None:
            original, reading, kind = pair
        else:
            children = [c for c in el if isinstance(c.tag, str)]
            if not children:
                self.problem(el, "an empty <choice>", "give it sic and corr, orig and reg, or abbr and expan")
                return Text("")
            original, reading, kind = children[-1], children[0], "alternative"
        ident = el.get(XML_ID) or self.locator(el)
        original_text = "".join(self.inlines_text(original))
        reading_text = "".join(self.inlines_text(reading))
        correction = Correction(ident, self._leaf, original_text, reading_text, kind, reading.get("cert", ""),
                                reading.get("resp", ""), el.sourceline or 0)
        self.corrections.append(correction)
        return Choice(correction)

    def inlines_text(self, el: etree._Element) -> str:
        """The plain text of a reading of a choice (its markup rendered as text)."""
        from ..inlines import reading_text

        saved = (len(self.corrections), len(self.notes))
        text = reading_text(trim_folds(self.inlines(el)))
        del self.corrections[saved[0]:]
        del self.notes[saved[1]:]
        return text
