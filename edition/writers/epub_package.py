"""The EPUB package: pandoc run on each part of the book and on its headings, the parts put
into the package of the headings, and the package finished with what pandoc cannot do in its
sandbox or at all.

pandoc runs with ``--sandbox`` (it reads nothing but its input), so the stylesheet and the subset
fonts are added here; so are the truthful accessibility metadata. The archive is rewritten with
fixed timestamps and ``mimetype`` first and stored, so identical inputs give identical files.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..cache import Cache, content_key
from ..fonts import FACES, find_font
from ..labels import labels_for
from ..model import Edition
from ..parts import Part
from ..styles import Styles
from ..xmlsafe import safe_parser
from .epub import pandoc_document, part_blocks
from .epub_inline import MEDIA_TYPES, J, book_media

OPF_NS = "http://www.idpf.org/2007/opf"
DC_NS = "http://purl.org/dc/elements/1.1/"
FIXED_TIME = (2000, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Accessibility:
    access_modes: tuple[str, ...] = ("textual",)
    sufficient: tuple[str, ...] = ("textual",)
    features: tuple[str, ...] = ("structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability")
    hazards: tuple[str, ...] = ("none",)
    summary: str = ""


def _opf_path(files: dict[str, bytes]) -> str:
    container = etree.fromstring(files["META-INF/container.xml"], safe_parser())
    rootfile = container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile")
    return rootfile.get("full-path")


XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
LANDMARKS = (  # epub:type of a landmark -> the id the writer gives that part (bodymatter: the first chapter's)
    ("endnotes", "notes"), ("glossary", "glossary"),
    ("bibliography", "bibliography"), ("appendix", "corrections"), ("index", "index"),
)
# the label of each landmark (epub:type -> the key in edition/labels.py), in the book's language
LANDMARK_LABELS = {"titlepage": "titlepage", "toc": "contents", "bodymatter": "bodymatter",
                   "endnotes": "notes", "glossary": "glossary", "bibliography": "bibliography",
                   "appendix": "landmark-appendix", "index": "index"}


def _ids_by_file(files: dict[str, bytes], base: str) -> dict[str, str]:
    """id -> href of the content document that holds it (relative to the package document)."""
    found = {}
    for name, data in files.items():
        if name.endswith(".xhtml") and name.startswith(base) and not name.endswith("nav.xhtml"):
            for m in re.finditer(rb'\sid="([^"]+)"', data):
                found.setdefault(m.group(1).decode(), name[len(base):])
    return found




def _subset(font: bytes, text: str, cache: Cache | None = None) -> bytes:
    """Subset a font to the characters the book uses, keeping every OpenType layout feature
    (Thai mark placement lives in GPOS/GSUB). With ``cache``, a subset made before for the same
    font, characters and fontTools is read from there (subsetting is most of the EPUB's time)."""
    import fontTools

    key = content_key(fontTools.version, font, "".join(sorted(set(text))))
    if cache is not None and (data := cache.get_bytes("epub-fonts", key, ".ttf")) is not None:
        return data
    data = _subset_font(font, text)
    if cache is not None:
        cache.put_bytes("epub-fonts", key, data, ".ttf")
    return data


def _subset_font(font: bytes, text: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    ttf = TTFont(io.BytesIO(font), recalcTimestamp=False)  # no build time in the file
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(ttf)
    out = io.BytesIO()
    ttf.save(out)
    return out.getvalue()


def _nav_lists(nav: bytes, ids: dict[str, str], pages: list[tuple[int, str]], body_id: str | None,
               labels) -> bytes:
    root = etree.fromstring(nav, safe_parser())
    body = root.find(f"{{{XHTML_NS}}}body")
    for old in list(body):
        if old.get(f"{{{EPUB_NS}}}type") in ("landmarks", "page-list"):
            body.remove(old)

    def nav_list(kind: str, label: str, items: list[tuple[str, str, str | None]]) -> None:
        nav_el = etree.SubElement(body, f"{{{XHTML_NS}}}nav", id=kind, hidden="hidden")
        nav_el.set(f"{{{EPUB_NS}}}type", kind)
        if kind == "page-list":
            nav_el.set("role", "doc-pagelist")
        nav_el.set("aria-label", label)
        ol = etree.SubElement(nav_el, f"{{{XHTML_NS}}}ol")
        for href, text, etype in items:
            a = etree.SubElement(etree.SubElement(ol, f"{{{XHTML_NS}}}li"), f"{{{XHTML_NS}}}a", href=href)
            if etype:
                a.set(f"{{{EPUB_NS}}}type", etype)
            a.text = text

    marks = [("text/title_page.xhtml", labels[LANDMARK_LABELS["titlepage"]], "titlepage"),
             ("#toc", labels[LANDMARK_LABELS["toc"]], "toc")]
    marks += [(f"{ids[i]}#{i}", labels[LANDMARK_LABELS[t]], t) for t, i in (("bodymatter", body_id), *LANDMARKS)
              if i in ids]
    nav_list("landmarks", labels["landmarks"], marks)
    if pages:
        nav_list("page-list", labels["page-list"], [(href, str(n), None) for n, href in pages])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


CONTENT_FILE = re.compile(r"ch(\d{3})\.xhtml")
LOCAL_HREF = re.compile(rb'href="(?:ch\d{3}\.xhtml)?#([^"]+)"')


def _zip_files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def _content_files(files: dict[str, bytes], base: str) -> list[str]:
    """The content documents pandoc cut a document into (``text/ch001.xhtml`` …), in order."""
    return sorted(n for n in files if n.startswith(base) and CONTENT_FILE.fullmatch(n.rsplit("/", 1)[-1]))


def assemble(skeleton: bytes, parts: list[bytes]) -> bytes:
    """One EPUB from pandoc's EPUBs of the parts of a book and of its headings alone.

    The headings' EPUB gives the package: content.opf, nav.xhtml and toc.ncx with the contents,
    the title page, one content document per level-1 heading, numbered as pandoc numbers them for
    the whole book. Each of those documents is replaced by the part's own, renamed in turn, and
    every link to an id is pointed at the document that holds it, as pandoc points the links of a
    whole document (a link to an id found nowhere stays ``#id``, as pandoc leaves it)."""
    files = _zip_files(skeleton)
    opf_name = _opf_path(files)
    base = opf_name.rsplit("/", 1)[0] + "/" if "/" in opf_name else ""
    slots = _content_files(files, base)
    texts: list[bytes] = []
    for part in parts:
        part_files = _zip_files(part)
        texts.extend(part_files[n] for n in _content_files(part_files, base))
        files.update({n: d for n, d in part_files.items() if n.startswith(base + "media/")})
    if len(texts) != len(slots):
        raise ValueError(f"the parts make {len(texts)} content documents, the headings {len(slots)}")
    documents = list(zip(slots, texts, strict=True))
    holder = {}  # id -> the content document (its name in the text folder) that holds it
    for name, data in documents:
        for m in re.finditer(rb'\sid="([^"]+)"', data):
            holder.setdefault(m.group(1), name.rsplit("/", 1)[-1].encode())

    def link(m: re.Match) -> bytes:
        ident = m.group(1)
        return b'href="' + (holder[ident] if ident in holder else b"") + b"#" + ident + b'"'

    for name, data in documents:  # pandoc titles a content document by its file name
        data = re.sub(rb"<title>ch\d{3}\.xhtml</title>", f"<title>{name.rsplit('/', 1)[-1]}</title>".encode(),
                      data, count=1)
        files[name] = LOCAL_HREF.sub(link, data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:  # stored: `finish` writes the archive that is kept
        out.writestr("mimetype", files.pop("mimetype"))
        for name, data in files.items():
            out.writestr(name, data)
    return buffer.getvalue()


def finish(package: bytes, css: str, fonts: dict[str, bytes], a11y: Accessibility,
           extra_meta: dict[str, str] | None = None, page_source: str | None = None,
           cover: bytes | None = None, body_id: str | None = None, font_cache: Cache | None = None,
           language: str = "en", epoch: int | None = None) -> bytes:
    """The EPUB pandoc wrote (``package``), finished: stylesheet, subset fonts, landmarks and
    page-list, accessibility metadata, cover; an archive with fixed timestamps."""
    files = _zip_files(package)
    opf_name = _opf_path(files)
    base = opf_name.rsplit("/", 1)[0] + "/" if "/" in opf_name else ""
    opf = etree.fromstring(files[opf_name], safe_parser())
    manifest = opf.find(f"{{{OPF_NS}}}manifest")
    metadata = opf.find(f"{{{OPF_NS}}}metadata")

    ids = _ids_by_file(files, base)
    pages = sorted((int(i[5:]), f"{href}#{i}") for i, href in ids.items() if re.fullmatch(r"page-\d+", i))
    nav_item = next(i for i in manifest if "nav" in (i.get("properties") or "").split())
    nav_name = base + nav_item.get("href")
    nav_dir = nav_item.get("href").rsplit("/", 1)[0] + "/" if "/" in nav_item.get("href") else ""
    rel = {i: h[len(nav_dir):] if h.startswith(nav_dir) else h for i, h in ids.items()}
    labels = labels_for(language)
    files[nav_name] = _nav_lists(files[nav_name], rel, [(n, h[len(nav_dir):] if h.startswith(nav_dir) else h)
                                                         for n, h in pages], body_id, labels)
    if epoch is not None:  # pandoc in --sandbox knows no clock: its dates are 1970's
        _set_dates(metadata, epoch)
    book_title = (metadata.findtext("{http://purl.org/dc/elements/1.1/}title") or "").encode()
    for name in [n for n in files if n.endswith(".xhtml")]:
        files[name] = re.sub(rb"<title>ch\d+\.xhtml</title>", b"<title>" + book_title + b"</title>", files[name])
        # the manuscript's images sit in media/ beside text/ (pandoc prefixes raw HTML's paths)
        files[name] = re.sub(rb'src="(?:\.\./)+media/', b'src="../media/', files[name])
        # pandoc writes lang=; readers that hyphenate and speak by xml:lang get it too
        files[name] = re.sub(rb'(<[a-zA-Z][^>]*?\s)lang="([^"]+)"(?![^>]*xml:lang)', rb'\1lang="\2" xml:lang="\2"',
                             files[name])
    used = "".join(re.sub(r"<[^>]+>", "", d.decode("utf-8")) for n, d in files.items() if n.endswith(".xhtml"))
    # the page-list's title and numbers count as used whether this EPUB has a page-list or not, so
    # an EPUB made before the pages are known (pipeline: while the book is laid out) subsets alike
    used += labels["page-list"] + "0123456789"
    fonts = {name: _subset(data, used, font_cache) for name, data in fonts.items()}
    if cover is not None:
        files[base + "images/cover.png"] = cover
        etree.SubElement(manifest, f"{{{OPF_NS}}}item", id="cover-image", href="images/cover.png",
                         properties="cover-image", **{"media-type": "image/png"})

    for name in sorted(n for n in files if n.startswith(base + "media/")):  # the manuscript's images
        href = name[len(base):]
        if not any(i.get("href") == href for i in manifest):
            etree.SubElement(manifest, f"{{{OPF_NS}}}item", id=f"media-{href[6:].split('.')[0]}", href=href,
                             **{"media-type": MEDIA_TYPES[name.rsplit('.', 1)[-1].lower()]})

    css_item = next(i for i in manifest if i.get("media-type") == "text/css")
    files[base + css_item.get("href")] = css.encode("utf-8")
    for name, data in sorted(fonts.items()):
        href = f"fonts/{name}"
        files[base + href] = data
        if not any(i.get("href") == href for i in manifest):
            etree.SubElement(manifest, f"{{{OPF_NS}}}item", id=f"font-{name.split('.')[0]}", href=href,
                             **{"media-type": "font/ttf"})

    for meta in list(metadata):
        prop = meta.get("property", "")
        if prop.startswith("schema:access"):
            metadata.remove(meta)
    def add(prop: str, value: str) -> None:
        el = etree.SubElement(metadata, f"{{{OPF_NS}}}meta", property=prop)
        el.text = value
    for v in a11y.access_modes:
        add("schema:accessMode", v)
    for v in a11y.sufficient:
        add("schema:accessModeSufficient", v)
    for v in a11y.features:
        add("schema:accessibilityFeature", v)
    for v in a11y.hazards:
        add("schema:accessibilityHazard", v)
    if a11y.summary:
        add("schema:accessibilitySummary", a11y.summary)
    for prop, value in (extra_meta or {}).items():
        add(prop, value)
    if page_source and pages:
        add("pageBreakSource", page_source)
    files[opf_name] = etree.tostring(opf, xml_declaration=True, encoding="UTF-8")

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        info = zipfile.ZipInfo("mimetype", FIXED_TIME)
        out.writestr(info, b"application/epub+zip", compress_type=zipfile.ZIP_STORED)
        for name in sorted(n for n in files if n != "mimetype"):
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.external_attr = 0o644 << 16
            out.writestr(info, files[name], compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


# --- pandoc, once per part and once on the headings -----------------------------------------------

A11Y_SUMMARY_IMAGES = ("The text, its notes and back matter are text, with a navigable table of contents and "
                       "headings; every image carries the text alternative the manuscript gives it.")
A11Y_SUMMARY = ("This edition is text only: the chapter, its notes, glossary, bibliography, corrections "
                "apparatus and person index are all text, with a navigable table of contents, headings, "
                "pop-up footnotes with back-links and Thai line-break opportunities.")


def part_epub(edition: Edition, part: Part, meta: J, page_starts, work: Path, epoch: int) -> bytes:
    """pandoc's EPUB of one part of the book, as :func:`assemble_epub` puts it into the book's
    package: made by the part's own task, beside the layouts (``work``: a scratch folder)."""
    blocks = part_blocks(edition, part, page_starts)
    made = _pandoc(_write_json(pandoc_document(meta, blocks), work / f"part-{os.getpid()}-{part.id}"),
                   _pandoc_env(epoch))
    media = book_media(edition)
    if not media:
        return made
    files = _zip_files(made)  # the part's images go with it, for the book's package
    base = _opf_path(files).rsplit("/", 1)[0] + "/"
    files.update({f"{base}media/{name}": data for name, data in media.items()})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.writestr("mimetype", files.pop("mimetype"))
        for name, data in files.items():
            out.writestr(name, data)
    return buffer.getvalue()


def assemble_epub(meta: J, headings: list[J], part_epubs: list[bytes], work: Path, epoch: int) -> bytes:
    """The book's EPUB as pandoc writes it for the whole book, from pandoc's EPUBs of its parts and
    one pandoc call on its headings alone, which gives the package (file names, contents, title
    page): neither pandoc nor this process ever holds the whole book."""
    skeleton = _pandoc(_write_json(pandoc_document(meta, headings), work / f"headings-{os.getpid()}"),
                       _pandoc_env(epoch))
    return assemble(skeleton, part_epubs)


def finish_epub(package: bytes, edition: Edition, styles: Styles, page_starts, cover: bytes | None,
                font_cache: Cache | None, epoch: int | None = None) -> bytes:
    """The finished EPUB: stylesheet, subset fonts, accessibility metadata, the page-list of the
    printed pages (with ``page_starts`` from the reading PDF; ``pageBreakSource`` names that PDF)
    and ``cover``, a PNG."""
    font_data = {f.name: f.read_bytes() for f in font_files()}
    features = Accessibility().features + (("pageBreakMarkers", "pageNavigation") if page_starts else ())
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        media = any("/media/" in n for n in z.namelist())
    a11y = Accessibility(features=features, summary=A11Y_SUMMARY)
    if media:  # images, each with its text alternative from the manuscript (figDesc, desc)
        a11y = Accessibility(("textual", "visual"), ("textual",), features + ("alternativeText",), ("none",),
                             A11Y_SUMMARY_IMAGES)
    return finish(package, edition.stylesheet + styles.text("epub.css"), font_data, a11y,
                  page_source=edition.metadata.identifier_for("reading") if page_starts else None,
                  cover=cover, body_id=edition.chapters[0].id if edition.chapters else None, font_cache=font_cache,
                  language=edition.metadata.language, epoch=epoch)


def _set_dates(metadata: etree._Element, epoch: int) -> None:
    """The package's last modification (and its date, where the manuscript gives none) at
    SOURCE_DATE_EPOCH, the date every output of the build carries."""
    from datetime import UTC, datetime

    stamp = datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for el in metadata.iter(f"{{{OPF_NS}}}meta"):
        if el.get("property") == "dcterms:modified":
            el.text = stamp
    for el in metadata.iter(f"{{{DC_NS}}}date"):
        if (el.text or "").startswith("1970-01-01"):
            el.text = stamp


def _pandoc_env(epoch: int) -> dict[str, str]:
    return {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}


# --sandbox: pandoc reads nothing but its input; stylesheet and fonts are added by `finish`.
PANDOC_ARGS = ("--sandbox", "--split-level=1", "--toc", "--toc-depth=2", "--epub-title-page=true")


def _write_json(doc: J, stem: Path) -> Path:
    path = stem.with_suffix(".json")
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _pandoc(source: Path, env: dict[str, str]) -> bytes:
    """pandoc's EPUB of the pandoc JSON document ``source`` (its JSON and EPUB files removed)."""
    import subprocess

    import pypandoc

    out = source.with_suffix(".epub")
    proc = subprocess.run([pypandoc.get_pandoc_path(), str(source), "--from=json", "--to=epub3",
                           f"--output={out}", *PANDOC_ARGS], env=env, capture_output=True, text=True)
    source.unlink()
    if proc.returncode:
        raise RuntimeError(f"pandoc failed on {source.name}: {proc.stderr.strip()[:500]}")
    data = out.read_bytes()
    out.unlink()
    return data


def font_files() -> list[Path]:
    return [find_font(f.file) for f in FACES]
