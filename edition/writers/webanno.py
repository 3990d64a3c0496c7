"""W3C Web Annotation (JSON-LD) writer: the edition's annotations for other tools
(Hypothesis, TEI Publisher), each targeting its paragraph with a TextQuoteSelector and a
TextPositionSelector into the edition's reading text."""

from __future__ import annotations

import json

from ..inlines import reading_text
from ..model import Citation, Edition, Span, Text
from ..render import bibl_citation_label

MOTIVATION = {"footnote": "commenting", "endnote": "commenting", "commentary": "commenting", "gloss": "describing"}


def _plain(edition: Edition, nodes) -> str:
    out = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, Span) and node.role == "citations":
            out.append("(" + "; ".join(bibl_citation_label(edition, c) for c in node.children) + ")")
        elif isinstance(node, Span):
            out.append(_plain(edition, node.children))
        elif isinstance(node, Citation):
            out.append(f"({bibl_citation_label(edition, node)})")
    return "".join(out)


def annotation_collection(edition: Edition) -> dict:
    base = edition.metadata.identifier
    source = edition.chapters[0].source_file.rsplit("/", 1)[-1] if edition.chapters else "manuscript.xml"
    texts = {p.id: reading_text(p.inlines) for p in edition.leaves()}
    items = []
    for note in edition.notes:
        if note.annotation.set == "manuscript":
            continue  # a note of the manuscript itself, not a stand-off annotation
        ann, anchor = note.annotation, note.anchor
        text = texts[anchor.paragraph]
        item = {
            "id": f"{base}#annotation-{ann.id}",
            "type": "Annotation",
            "motivation": MOTIVATION[ann.type],
            "creator": {"id": f"{base}{ann.resp}", "type": "Organization", "name": edition.metadata.editor},
            "body": {"type": "TextualBody", "value": _plain(edition, ann.body), "format": "text/plain",
                     "language": "th"},
            "target": {
                "source": f"{source}#{anchor.paragraph}",
                "selector": [
                    {"type": "TextQuoteSelector", "exact": text[anchor.start:anchor.end],
                     "prefix": text[max(0, anchor.start - 32):anchor.start], "suffix": text[anchor.end:anchor.end + 32]},
                    {"type": "TextPositionSelector", "start": anchor.start, "end": anchor.end},
                ],
            },
        }
        if note.number:
            item["label"] = note.label
        items.append(item)
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": f"{base}#annotations",
        "type": "AnnotationCollection",
        "label": f"{edition.metadata.title}: หมายเหตุบรรณาธิการ",
        "total": len(items),
        "first": {"type": "AnnotationPage", "items": items},
    }


def to_json(edition: Edition) -> str:
    return json.dumps(annotation_collection(edition), ensure_ascii=False, indent=1)
