"""One hardened XML parser for every reader: no DTD loading, no entity expansion, no network."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from .errors import EditionError

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NS = {"tei": TEI_NS}


def safe_parser() -> etree.XMLParser:
    # resolve_entities=False keeps entity references unexpanded; load_dtd/no_network stop any fetch;
    # huge_tree=False keeps libxml2's limits against expansion bombs.
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        remove_comments=False,
    )


def parse_xml(path: Path) -> etree._ElementTree:
    """Parse ``path`` safely; refuse DTDs and entities outright with a file:line error."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise EditionError.at(path, None, f"cannot read file: {exc.strerror}", "check the path") from exc
    try:
        tree = etree.fromstring(data, safe_parser()).getroottree()
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        duplicate = re.match(r"ID (\S+) already defined", exc.msg or "")
        if duplicate:
            raise EditionError.at(path, line, f"duplicate xml:id '{duplicate.group(1)}'",
                                  "ids must be unique: rename one of them") from exc
        raise EditionError.at(path, line, f"malformed XML: {exc.msg}", "fix the markup at that line") from exc
    docinfo = tree.docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        raise EditionError.at(
            path, 1, "a DOCTYPE declaration is not allowed (entities could read files or the network)",
            "remove the DOCTYPE; write characters directly in UTF-8",
        )
    for el in tree.iter(etree.Entity):
        raise EditionError.at(path, el.sourceline, f"entity reference &{el.name}; is not allowed",
                              "write the character itself in UTF-8")
    return tree
