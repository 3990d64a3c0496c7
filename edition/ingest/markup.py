"""Making TEI elements for ingest, and writing them out indented where whitespace is not text."""

from __future__ import annotations

from lxml import etree

from ..xmlsafe import TEI_NS, XML_NS

# elements whose content is text: never indented, whitespace there is the text's
MIXED_CONTENT = {"p", "head", "fw", "bibl", "title", "editor", "note", "item", "label", "persName",
                 "placeName", "orgName", "quote", "seg", "resp", "name", "change", "language", "edition", "authority",
                 "idno", "date", "author", "publisher", "ref"}


def element(tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    """A TEI element; ``xml_lang``/``xml_id`` become ``xml:lang``/``xml:id``."""
    el = etree.Element(f"{{{TEI_NS}}}{tag}", nsmap={None: TEI_NS})
    for key, value in attrs.items():
        name = f"{{{XML_NS}}}{key[4:]}" if key.startswith("xml_") else key
        el.set(name, value)
    if text is not None:
        el.text = text
    return el


def sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = element(tag, text, **attrs)
    parent.append(el)
    return el


def append_text(el: etree._Element, text: str) -> None:
    if len(el):
        el[-1].tail = (el[-1].tail or "") + text
    else:
        el.text = (el.text or "") + text


def indent_structure(el: etree._Element, level: int = 0) -> None:
    """Indent element-only content; never touch mixed content, where whitespace is text."""
    if etree.QName(el).localname in MIXED_CONTENT or (el.text and el.text.strip()):
        return
    if len(el) == 0:
        return
    pad = "\n" + " " * (level + 1)
    el.text = pad
    for child in el:
        if isinstance(child.tag, str):
            indent_structure(child, level + 1)
        child.tail = pad
    el[-1].tail = "\n" + " " * level


def serialise(tei: etree._Element) -> bytes:
    indent_structure(tei)
    return etree.tostring(tei, xml_declaration=True, encoding="UTF-8", pretty_print=True)
