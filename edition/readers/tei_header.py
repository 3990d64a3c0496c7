"""The TEI header and the document's languages: metadata, the header's lists of persons, places,
organisations and works, charDecl glyphs, tagsDecl renditions, and the diplomatic reading that
rebuilds the OCR source from the manuscript's corrections."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from lxml import etree

from ..langtag import bcp47, primary
from ..model import Entity, Metadata
from ..processing import ProcessingModel, css_class, safe_css
from ..xmlsafe import NS, TEI_NS, XML_NS

XML_ID = f"{{{XML_NS}}}id"
XML_LANG = f"{{{XML_NS}}}lang"
_ENTITY_LISTS = (("listPerson", "person", "person"), ("listPlace", "place", "place"),
                 ("listOrg", "org", "org"), ("listBibl", "bibl", "work"))
_NAME_TAG = {"person": "persName", "place": "placeName", "org": "orgName", "work": "title"}

# generated content of a before/after rendition: one quoted string without escapes
_GENERATED = re.compile(r"""content\s*:\s*("[^"\\<>{}\n]*"|'[^'\\<>{}\n]*')\s*;?""")  # nothing that could end a <style>
Report = Callable[..., None]  # problem(element, message, hint="", severity="error")


def local_name(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def document_language(root: etree._Element) -> str:
    """The manuscript's language: TEI/@xml:lang, text/@xml:lang, or the first of langUsage."""
    text = root.find("tei:text", NS)
    for value in (root.get(XML_LANG), text.get(XML_LANG) if text is not None else None):
        if value:
            return bcp47(value)
    found = root.xpath("tei:teiHeader/tei:profileDesc/tei:langUsage/tei:language[1]/@ident", namespaces=NS)
    return bcp47(str(found[0])) if found else ""


def header_text(root: etree._Element, xpath: str, default: str = "") -> str:
    found = root.xpath(xpath, namespaces=NS)
    if not found:
        return default
    value = found[0]
    return " ".join(("".join(value.itertext()) if isinstance(value, etree._Element) else str(value)).split())

_STMT = "tei:teiHeader/tei:fileDesc/tei:titleStmt/"


def header_title(root: etree._Element) -> str:
    """The document's title: the main one, else the analytic one (a letter's, not its series'),
    else the first that is not a series title."""
    for xpath in ("tei:title[@type='main']", "tei:title[@level='a']", "tei:title[not(@level='s')]", "tei:title"):
        found = root.xpath(_STMT + xpath, namespaces=NS)
        if found and " ".join("".join(found[0].itertext()).split()):
            return " ".join("".join(found[0].itertext()).split())
    return ""


def header_authors(root: etree._Element) -> str:
    """The authors the titleStmt names, joined with "; ": each one's first name form, never its
    identifiers (idno)."""
    return header_names(root, "tei:author")


def header_names(root: etree._Element, xpath: str) -> str:
    """The persons the titleStmt names at ``xpath`` (authors, editors), joined with "; ": each
    one's first name form (a persName, else a name, else its text), never its idno."""
    names = []
    for author in root.xpath(_STMT + xpath, namespaces=NS):
        forms = author.findall("tei:persName", NS) or author.findall("tei:name", NS)
        langs = [f.get(XML_LANG) for f in forms]
        # several name forms in as many languages are one person's; otherwise each is a person
        people = forms[:1] if len(set(langs)) == len(langs) else forms
        for el in people or [author]:
            text = " ".join(str(t) for t in el.xpath(".//text()[not(ancestor::tei:idno)]", namespaces=NS)).split()
            if text:
                names.append(" ".join(text))
    return "; ".join(names)


def metadata(root: etree._Element, language: str, stem: str) -> Metadata:
    """The book's metadata from the teiHeader (title, identifier, editor, rights, dates, status)."""
    h = "tei:teiHeader/tei:fileDesc/"
    status = header_text(root, "tei:teiHeader/tei:revisionDesc/@status", "draft")
    first_div = root.find(".//tei:body/tei:div", NS)
    label = header_text(first_div, "tei:head/tei:seg[@type='number']") if first_div is not None else ""
    title = header_title(root)
    identifier = (header_text(root, h + "tei:publicationStmt/tei:idno[@type='URN']")
                  or header_text(root, h + "tei:publicationStmt/tei:idno"))
    if not identifier:  # stable for the document, never the same for two titles
        identifier = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'tei:' + stem + ':' + title)}"
    described = root.xpath(h + "tei:sourceDesc", namespaces=NS)
    source = (header_text(root, h + "tei:sourceDesc/tei:bibl/tei:note[@type='description']")
              # its parts (notes, bibls, paragraphs) are pieces of text apart, not run together
              or (" ".join(" ".join(t.split()) for t in described[0].itertext() if t.strip()) if described else ""))
    return Metadata(
        title=title,
        chapter_label=label,
        language=language,
        identifier=identifier,
        editor=(header_names(root, "tei:editor") or header_names(root, "tei:respStmt/tei:name")
                or header_text(root, h + "tei:publicationStmt/tei:publisher")),
        source_description=source[:600],
        rights=header_text(root, h + "tei:publicationStmt/tei:availability"),
        date=(header_text(root, h + "tei:publicationStmt/tei:date/@when")
              or header_text(root, h + "tei:publicationStmt/tei:date")),
        version=header_text(root, h + "tei:editionStmt/tei:edition/@n", "0"),
        author=header_authors(root),
        status=status,
        proofreading_complete=status == "proofread",
    )

def entities(root: etree._Element, language: str, problem: Report) -> tuple[Entity, ...]:
    """The persons, places, organisations and works the header lists (or a register in the back
    matter or standOff), named in ``language``."""
    out: list[Entity] = []
    header = root.find("tei:teiHeader", NS)
    if header is None:
        problem(root, "no teiHeader", "a TEI document starts with <teiHeader>")
        return ()
    lang = primary(language)

    def lang_of(n: etree._Element) -> str:  # a name's language, as BCP 47 writes it
        return bcp47(n.get(XML_LANG) or language)

    # the header's lists, and registers kept in the text's back matter or in standOff
    # (those of the text are its own business: an entry without an id or a name is only text)
    places = [(header, True), *((el, False) for el in root.iterfind("tei:standOff", NS)),
              *((el, False) for el in root.iterfind("tei:text//tei:back", NS))]
    for list_tag, item_tag, kind in _ENTITY_LISTS:
        for item, strict in ((i, strict) for place, strict in places
                             for i in place.iterfind(f".//tei:{list_tag}/tei:{item_tag}", NS)):
            ident = item.get(XML_ID)
            name_tag = _NAME_TAG[kind]
            names = item.findall(f"tei:{name_tag}", NS)
            if not strict and not (ident and names):
                continue
            if not ident:
                problem(item, f"<{item_tag}> without xml:id", "give every entry an xml:id to refer to")
                continue
            own = [n for n in names if primary(lang_of(n)) == lang]
            other = [n for n in names if primary(lang_of(n)) != lang]
            if not names:
                problem(item, f"{kind} '{ident}' has no name", f"add <{name_tag}>…</{name_tag}>")
                continue
            if not own:
                if lang == "th":
                    problem(item, f"{kind} '{ident}' has no Thai name",
                                 f'add <{name_tag} xml:lang="th">…</{name_tag}>')
                    continue
                own = names[:1]
            forms = tuple(dict.fromkeys(" ".join("".join(n.itertext()).split()) for n in own))
            dates = " - ".join(d.get("when", "") for d in item if local_name(d) in ("birth", "death"))
            spellings = tuple((lang_of(n), n.get("type", ""),
                               " ".join("".join(n.itertext()).split())) for n in names)
            latin = " ".join("".join(other[0].itertext()).split()) if other else ""
            out.append(Entity(ident, kind, forms[0], latin, forms, dates, spellings))
    return tuple(out)


def glyphs(root: etree._Element) -> dict[str, str]:
    """charDecl: each glyph or char id -> the character it stands for (its standard mapping)."""
    out = {}
    for decl in root.iterfind(".//tei:charDecl/*", NS):
        ident = decl.get(XML_ID)
        if not ident:
            continue
        mappings = {m.get("type", ""): "".join(m.itertext()) for m in decl.iterfind("tei:mapping", NS)}
        char = (mappings.get("standard") or mappings.get("normalized") or mappings.get("normalised")
                or mappings.get("") or next(iter(mappings.values()), ""))
        if char:
            out[ident] = char
    return out

def renditions(root: etree._Element, model: ProcessingModel, problem: Report) -> dict[str, tuple[str, str]]:
    """tagsDecl renditions: id -> (scope, the CSS they state) (scheme css; TEI Simple's names
    mapped). A rendition scoped ``before`` or ``after`` may state generated content, a string only
    (TEI Simple's quotation marks: ``content: "“"``)."""
    out = {}
    for r in root.iterfind(".//tei:tagsDecl//tei:rendition", NS):
        ident = r.get(XML_ID)
        if not ident:
            continue
        text = " ".join("".join(r.itertext()).split())
        scope = r.get("scope", "") if r.get("scope") in ("before", "after") else ""
        if r.get("scheme", "css") == "css":
            generated = _GENERATED.fullmatch(text) if scope else None
            css = f"content: {generated.group(1)};" if generated else safe_css(text)
            if css is None:
                problem(r, f"rendition '{ident}' is not typographic CSS; it is ignored",
                        "use font, text and margin properties only (and content: \"…\" in a scope before or "
                        "after); no url()", "warning")
                continue
        else:
            css = " ".join(model.renditions.get(f"simple:{t}", model.renditions.get(t, ""))
                           for t in text.split())
        out[ident] = (scope, css)
    return out


def rendition_stylesheet(renditions: dict[str, tuple[str, str]]) -> str:
    """The CSS classes of the manuscript's own renditions."""
    return "".join(f".rendition-{css_class(k)}{'::' + scope if scope else ''} {{ {css} }}\n"
                   for k, (scope, css) in sorted(renditions.items()) if css)


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
        tag = local_name(child)
        if tag == "lb":
            parts.append("\n\n" if child.get("type") == "ocr-block" else "\n")
        elif tag == "choice":
            for part in child:
                if local_name(part) in ("sic", "orig"):
                    parts.append(_diplomatic(part))
        elif tag:
            parts.append(_diplomatic(child))
        parts.append(child.tail or "")
    return "".join(parts)
