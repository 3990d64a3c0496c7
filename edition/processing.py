"""The processing model: one table that says how each TEI element renders, for every writer.

After the TEI's processing model (TEI Simple, TEI Publisher's ODD ``model`` elements): a rule maps
an element, with an optional XPath predicate on it, to a *behaviour*; the TEI reader applies the
table once and the model it builds carries behaviours, classes and output elements, so the print
HTML, the pandoc AST behind the EPUB and the reading text render behaviours, never elements. The
default table is ``edition/data/processing.yaml``; an edition's ``processing.yaml`` beside its
``book.yaml`` adds or overrides rules (tried first), as an ODD customisation would.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lxml import etree

from .errors import EditionError, Problem
from .xmlsafe import TEI_NS

DEFAULT_TABLE = Path(__file__).resolve().parent / "data" / "processing.yaml"
EDITION_TABLE = "processing.yaml"

# behaviour -> what it is (block: starts a block of its own in block context)
BEHAVIOURS: dict[str, str] = {
    "section": "block",  # a division: a chapter at the top of the body, a section below
    "heading": "block",  # a division's head; a heading line inside any other block
    "paragraph": "block",  # running text: justified, first line indented
    "block": "block",  # any other block (lg, sp, speaker, opener, titlePage ...): a leaf or a container
    "line": "block",  # a verse line: never justified, never run into the next
    "list": "block",
    "item": "block",  # a list item, a gloss list's label or item
    "table": "block",
    "row": "block",
    "cell": "block",
    "figure": "block",
    "graphic": "block",  # an image (local files only), inline inside running text
    "description": "omit",  # figDesc: a graphic's text alternative, not shown in the text flow
    "inline": "inline",
    "alternate": "inline",  # choice: the edition's reading (corr, reg, expan), the other kept for the apparatus
    "note": "inline",  # a note of the source: a footnote, an endnote (@place)
    "note-call": "inline",  # an author's note call whose note the source does not have
    "link": "inline",  # ref, ptr: a link inside the book; an external target shown as text
    "anchor": "inline",
    "page-break": "inline",  # pb: the source's page number, as a marker (an edition setting)
    "line-break": "inline",
    "gap": "inline",  # an omission: shown as [...]
    "glyph": "inline",  # g: the character its charDecl maps it to
    "space": "inline",
    "inline-text": "inline",  # a fixed text (the rule's text:) in place of the element
    "omit": "omit",
}
HTML_DEFAULT = {"section": "section", "heading": "h2", "paragraph": "p", "block": "div", "line": "div",
                "list": "ul", "item": "li", "table": "table", "row": "tr", "cell": "td", "figure": "figure",
                "inline": "span"}
MARKS = ("quote", "brackets", "braces", "parentheses")

# CSS that the manuscript (@style, a rendition's css) or a table may set: typography only, never
# anything that fetches (url()) or lays out outside the text's own box
_CSS_PROPERTIES = {
    "font-style", "font-weight", "font-variant", "font-size", "font-family", "text-decoration",
    "text-decoration-line", "text-decoration-style", "text-transform", "letter-spacing", "word-spacing",
    "vertical-align", "text-align", "text-indent", "margin", "margin-left", "margin-right", "margin-top",
    "margin-bottom", "padding-left", "padding-right", "line-height", "color", "list-style", "display",
    "break-before", "break-after", "break-inside",
}
_CSS_VALUE = re.compile(r"^[\w\s.,%#'\"+\-()/!]*$")
_UNSAFE = re.compile(r"url\s*\(|expression|@import|\\|image-set|element\s*\(", re.I)


@dataclass(frozen=True)
class Rule:
    element: str
    behaviour: str
    predicate: str = ""
    cls: str = ""
    html: str = ""
    css: str = ""
    marks: str = ""
    text: str = ""
    origin: str = ""  # file:line where the rule is stated


@dataclass(frozen=True)
class ProcessingModel:
    rules: dict[str, tuple[Rule, ...]]
    renditions: dict[str, str]
    digest: str
    _compiled: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def rule(self, el: etree._Element) -> Rule | None:
        """The first rule for ``el`` whose predicate holds (an edition's own rules come first)."""
        name = etree.QName(el).localname
        for rule in self.rules.get(name, ()):
            if not rule.predicate or self._test(rule)(el):
                return rule
        return None

    def _test(self, rule: Rule):
        test = self._compiled.get(rule.predicate)
        if test is None:
            test = self._compiled[rule.predicate] = etree.XPath(f"boolean({rule.predicate})",
                                                                 namespaces={"tei": TEI_NS})
        return test

    def stylesheet(self) -> str:
        """The CSS the table states (rules' css: and renditions), for both outputs."""
        out = []
        seen = set()
        for rules in self.rules.values():
            for rule in rules:
                selector = css_class(rule.cls)
                if rule.css and selector and (selector, rule.css) not in seen:
                    seen.add((selector, rule.css))
                    out.append(f".{selector} {{ {rule.css} }}")
        out.extend(f".{rend_class(token)} {{ {css} }}" for token, css in sorted(self.renditions.items()) if css)
        return "\n".join(out) + "\n"


def css_class(name: str) -> str:
    """A class name CSS can select without escapes."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", name)


def rend_class(token: str) -> str:
    return "rend-" + css_class(token)


def safe_css(css: str) -> str | None:
    """``css`` if every declaration is typographic and fetches nothing; None otherwise."""
    if _UNSAFE.search(css):
        return None
    kept = []
    for decl in css.split(";"):
        if not decl.strip():
            continue
        prop, sep, value = decl.partition(":")
        prop, value = prop.strip().lower(), value.strip()
        if not sep or prop not in _CSS_PROPERTIES or not _CSS_VALUE.match(value):
            return None
        kept.append(f"{prop}: {value};")
    return " ".join(kept)


def load_model(edition_root: Path | None = None) -> ProcessingModel:
    """The default table with the edition's own rules (``processing.yaml`` beside book.yaml) first."""
    files = [DEFAULT_TABLE]
    if edition_root is not None and (edition_root / EDITION_TABLE).is_file():
        files.insert(0, edition_root / EDITION_TABLE)
    return _load(tuple((str(f), f.read_bytes()) for f in files))


@lru_cache(maxsize=8)
def _load(files: tuple[tuple[str, bytes], ...]) -> ProcessingModel:
    from .yamlfile import load_yaml_text

    rules: dict[str, list[Rule]] = {}
    renditions: dict[str, str] = {}
    digest = hashlib.sha256()
    for name, data in reversed(files):  # the default first, so an edition's rules go before its
        digest.update(data)
        table = load_yaml_text(data.decode("utf-8"), name)
        if not isinstance(table, dict) or set(table) - {"rules", "renditions"}:
            raise EditionError.at(name, getattr(table, "line", None), "a processing table has rules: and renditions:",
                                  "see edition/data/processing.yaml for the form")
        own: dict[str, list[Rule]] = {}
        for item in table.get("rules") or []:
            rule = _rule(item, name)
            own.setdefault(rule.element, []).append(rule)
        for element, found in own.items():
            rules[element] = found + rules.get(element, [])
        for token, css in (table.get("renditions") or {}).items():
            safe = safe_css(str(css or ""))
            if safe is None:
                raise EditionError.at(name, getattr(table["renditions"], "key_lines", {}).get(token),
                                      f"rendition '{token}': '{css}' is not a typographic declaration",
                                      "use font, text and margin properties only; no url()")
            renditions[str(token)] = safe
    return ProcessingModel({k: tuple(v) for k, v in rules.items()}, renditions, digest.hexdigest())


def _rule(item, name: str) -> Rule:
    line = getattr(item, "line", None)
    if not isinstance(item, dict) or "element" not in item or "behaviour" not in item:
        raise EditionError.at(name, line, "a rule needs element: and behaviour:",
                              "e.g. {element: l, behaviour: line}")
    unknown = set(item) - {"element", "predicate", "behaviour", "class", "html", "css", "marks", "text"}
    if unknown:
        raise EditionError.at(name, line, f"unknown key {', '.join(sorted(unknown))} in a rule",
                              "a rule takes element, predicate, behaviour, class, html, css, marks, text")
    behaviour = str(item["behaviour"])
    if behaviour not in BEHAVIOURS:
        raise EditionError.at(name, line, f"unknown behaviour '{behaviour}'", f"use one of {', '.join(BEHAVIOURS)}")
    marks = str(item.get("marks") or "")
    if marks and marks not in MARKS:
        raise EditionError.at(name, line, f"unknown marks '{marks}'", f"use one of {', '.join(MARKS)}")
    predicate = str(item.get("predicate") or "")
    if predicate:
        try:
            etree.XPath(f"boolean({predicate})", namespaces={"tei": TEI_NS})
        except etree.XPathSyntaxError as exc:
            raise EditionError.at(name, line, f"predicate '{predicate}' is not XPath: {exc}",
                                  "write an XPath 1.0 test on the element; TEI elements take the prefix tei:") from exc
    css = str(item.get("css") or "")
    if css and safe_css(css) is None:
        raise EditionError.at(name, line, f"css '{css}' is not a typographic declaration",
                              "use font, text and margin properties only; no url()")
    element = str(item["element"])
    cls = item.get("class")
    return Rule(element, behaviour, predicate, element if cls is None else str(cls),
                str(item.get("html") or ""), safe_css(css) or "", marks, str(item.get("text") or ""), f"{name}:{line}")


def unknown_rendition_problems(model: ProcessingModel, tree: etree._ElementTree, path: Path) -> list[Problem]:
    """Each @rend value that the table has no CSS for, once, with the first place it is used."""
    seen: set[str] = set()
    problems = []
    text = tree.getroot().find(f"{{{TEI_NS}}}text")
    for el in (text.iter() if text is not None else ()):
        if not isinstance(el.tag, str):
            continue
        for token in (el.get("rend") or "").split():
            if token not in model.renditions and token not in seen:
                seen.add(token)
                problems.append(Problem(str(path), el.sourceline, f"@rend value '{token}' has no rendition",
                                        f"add '{token}: \"css declarations\"' under renditions: in processing.yaml "
                                        "beside book.yaml", "warning"))
    return problems


def styled_span(role: str, children, lang: str | None = None):
    """A span for markup outside the manuscript (a note body's *emphasis*, a title, a foreign
    word; a bibliography's titles) rendered as the default table renders that TEI element."""
    from .model import Span

    rules = load_model().rules.get(role, ())
    rule = next((r for r in rules if not r.predicate), None)
    if rule is None:
        return Span(role, tuple(children), lang, cls=role)
    return Span(role, tuple(children), lang, cls=rule.cls, html=rule.html or "span")
