#!/usr/bin/env python3
"""Generate an N-chapter book from the edition's one chapter, with its notes, in a scratch folder.

    python bench/book.py 5 /tmp/book-5          # writes a project there; build it with build.py --root

Chapter k is a copy of manuscript/chapter-03.xml whose ids carry the prefix ``chK-`` (paragraphs,
sections, corrections), numbered and titled as chapter k; every annotation is copied once per
chapter with its id suffixed ``-chK`` and its target moved to that chapter's paragraph, so every
chapter has its notes. ``paragraphs`` keeps only the first paragraphs of each chapter (for tests).
Nothing is written into the repository.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import yaml
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
CHAPTER_IDS = re.compile(r"^(?:ch\d+|p\d{3}|s\d+|c\d+)$")  # ids that belong to the chapter, not the header


def _chapter_copy(source: Path, k: int, paragraphs: int | None) -> bytes:
    tree = etree.parse(str(source))
    root = tree.getroot()
    body = root.find(f".//{TEI}body")
    if paragraphs is not None:
        for i, p in enumerate(body.iter(f"{TEI}p")):
            if i >= paragraphs:
                p.set("drop", "1")
        for p in [p for p in body.iter(f"{TEI}p") if p.get("drop")]:
            p.getparent().remove(p)
        for div in [d for d in body.iter(f"{TEI}div") if d.get("type") == "section"]:
            if div.find(f"{TEI}p") is None:
                div.getparent().remove(div)
    for el in body.iter():
        ident = el.get(XML_ID)
        if ident and CHAPTER_IDS.match(ident):
            el.set(XML_ID, f"ch{k}" if ident.startswith("ch") else f"ch{k}-{ident}")
    chapter = body.find(f"{TEI}div[@type='chapter']")
    chapter.set("n", str(k))
    number = chapter.find(f"{TEI}head/{TEI}seg[@type='number']")
    number.text = f"บทที่ {k}"
    title = chapter.find(f"{TEI}head/{TEI}seg[@type='title']")
    title.text = f"{title.text} (สำเนาที่ {k})"
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def make_book(target: Path, chapters: int, paragraphs: int | None | list[int | None] = None,
              source: Path = ROOT) -> Path:
    """Write a project with ``chapters`` chapters into ``target`` (created; must not exist);
    ``paragraphs``: how many paragraphs each chapter keeps (all of them when None; a list gives
    each chapter its own)."""
    target.mkdir(parents=True)
    shutil.copytree(source / "styles", target / "styles")
    (target / "manuscript").mkdir()
    shutil.copy2(source / "manuscript" / "wordlist.txt", target / "manuscript" / "wordlist.txt")
    names = []
    kept: dict[int, set[str]] = {}
    for k in range(1, chapters + 1):
        name = f"manuscript/chapter-{k:02d}.xml"
        keep = paragraphs[k - 1] if isinstance(paragraphs, list) else paragraphs
        data = _chapter_copy(source / "manuscript" / "chapter-03.xml", k, keep)
        (target / name).write_bytes(data)
        names.append(name)
        kept[k] = set(re.findall(rf'xml:id="ch{k}-(p\d{{3}})"', data.decode("utf-8")))
    ann = target / "annotations"
    ann.mkdir()
    shutil.copytree(source / "annotations" / "schema", ann / "schema")
    shutil.copy2(source / "annotations" / "bibliography.yaml", ann / "bibliography.yaml")
    for path in sorted((source / "annotations").glob("*.yaml")):
        if path.name == "bibliography.yaml":
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        copies = []
        for k in range(1, chapters + 1):
            for a in data["annotations"]:
                if a["target"]["paragraph"] not in kept[k]:
                    continue
                a = dict(a, id=f"{a['id']}-ch{k}", target=dict(a["target"], paragraph=f"ch{k}-{a['target']['paragraph']}"))
                copies.append(a)
        data["annotations"] = copies
        (ann / path.name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000),
                                     encoding="utf-8")
    manifest = {"name": f"book-{chapters}", "chapters": names, "annotations": "annotations",
                "wordlist": "manuscript/wordlist.txt", "front": ["title-page", "imprint", "contents"],
                "back": ["notes", "glossary", "bibliography", "corrections", "index"]}
    (target / "book.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: bench/book.py N TARGET_DIR")
    print(make_book(Path(sys.argv[2]), int(sys.argv[1])))
