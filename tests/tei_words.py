"""The words of a TEI document's ``<text>`` as a reader should find them in any rendering, and how
many of them a rendering (a PDF's or an EPUB's text) actually contains.

Deliberately independent of the project's reader and processing model: this is the yardstick the
builder is measured against, so it shares none of its code (only lxml, ``regex`` and, for Thai,
PyThaiNLP's dictionary segmenter).

The words of a TEI document:

- only ``<text>`` (the teiHeader, ``standOff`` and ``facsimile`` are left out);
- of a ``choice`` one reading: ``corr`` over ``sic``, ``reg`` over ``orig``, ``expan`` over ``abbr``
  (otherwise its first child);
- ``lb``, ``pb``, ``cb`` and ``milestone`` with ``break="no"`` join the text on either side
  (whitespace around them included); without it they act as a line end (a space, or the end of a
  hyphenated line, rejoined as on the output side);
- phrase-level elements (``hi``, ``persName``, ``c``, ``g``, ``add``, ...) join their text to the
  text around them (``Aus<c>s</c>chnitt`` is one word); every other element (paragraphs, heads,
  notes, cells, speakers, ``space``, ...) separates words, since a rendering puts it apart;
- the text of everything else is included, notes, stage directions, ``fw`` and ``figDesc``
  among them (``exclude`` can leave named elements out).

Words are Unicode word tokens: NFC, case-folded, runs of letters and marks, or of digits (so "wee'l" is
two words, "Sea-dog" too, whatever quotes or dashes a rendering uses; and a note call's number set
against a word, which a PDF's or an EPUB's text joins to it ("Novembre1"), is a word of its own,
as a reader sees it). Format characters a
rendering may add for line breaking (U+200B, U+2060, U+FEFF, soft hyphen) are dropped, and
ligatures and super- or subscript digits read as the letters and digits they are.

Thai has no spaces between words. A Thai run (whitespace between two Thai characters removed, on
both sides alike, so that a PDF line break inside a run does not split it) is segmented with
PyThaiNLP's ``newmm`` dictionary segmenter. Character n-grams were the other choice, and
dictionary-free; on chapter 3 both find the outputs complete (words: PDF 99.99 %, EPUB 100 %;
trigrams: 99.89 %, 99.93 %). Words were chosen because they are the unit the criterion speaks of
and a reader looks for, and a missing word reads better in a report than a missing trigram; and
because n-grams lose n-1 units at every character a rendering puts inside a run (an editor's note
call in Thai digits), made up only by chance surpluses elsewhere: bigrams are so common that the
surplus hides nearly anything (99.997 %), and trigrams miss 26 (EPUB) to 40 (PDF) where nothing
is lost. Segmentation can differ where a run is cut differently on the two sides, at a page break
inside a paragraph: one word a break at most (chapter 3 has one, "ดินแดง" split across two pages).

Coverage is a multiset measure: each word occurrence in the TEI consumes one occurrence of the
same word in the output, so words the output has in surplus (running heads, labels, the
apparatus) make up only for missing occurrences of those same words.
"""

from __future__ import annotations

import re as _re
import subprocess
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath

import regex
from lxml import etree

TEI = "http://www.tei-c.org/ns/1.0"
XHTML = "http://www.w3.org/1999/xhtml"

# Phrase-level TEI elements: no word boundary at their start or end.
INLINE = frozenset("""
    abbr add addName affiliation am app author bloc c choice corr country damage date del distinct
    district docDate email emph ex expan foreign forename g genName geogFeat geogName gloss handShift
    hi idno lem measure mentioned mod name nameLink num orgName orig persName pc placeName
    ptr pubPlace publisher q quote redo ref reg region restore retrace roleName rs said secl seg
    settlement sic soCalled subst supplied surname surplus term time title unclear undo unit w m
    anchor biblScope editor gap index interp lang
""".split())
BREAKS = frozenset({"lb", "pb", "cb", "milestone"})
PREFERRED_READINGS = ("corr", "reg", "expan")
JOIN = "\ue000"  # a private-use mark for break="no": whitespace around it goes

HTML_INLINE = frozenset("""
    a abbr b bdi bdo cite code data dfn em i kbd mark q rp rt ruby s samp small span strong sub sup
    time u var wbr del ins font tt big
""".split())
HTML_SKIP = frozenset({"script", "style", "head", "template"})

_DROPPED = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"))
# compatibility forms a rendering may choose either way: ligatures (ﬁ), super- and subscript digits
# (a note call typed as ²⁶ in the TEI and set as a superscript 26)
_COMPATIBLE = _re.compile("[\ufb00-\ufb06\u2070-\u209f\u00b2\u00b3\u00b9]")
_WORD = regex.compile(r"[\p{L}\p{M}]+|\p{N}+")
_THAI_RUN = regex.compile(r"\p{Thai}+(?:\s+\p{Thai}+)*")
_SPACE = regex.compile(r"\s+")
_HYPHENATED = regex.compile(r"([\p{L}\p{M}]+)[-\u2010](?:[ \t]*\n\s*)([\p{L}\p{M}]+)")
_SOFT_HYPHEN_BREAK = regex.compile(r"\u00ad[ \t]*\n\s*")


def _local(el) -> str | None:
    tag = el.tag
    if not isinstance(tag, str):
        return None  # comment or processing instruction
    return tag.rsplit("}", 1)[-1]


# -- the TEI side -----------------------------------------------------------------------------

def tei_text(source: str | bytes | Path | etree._ElementTree | etree._Element,
             exclude: Iterable[str] = ()) -> str:
    """The reading text of a TEI document's ``<text>`` (see the module's rules), one string."""
    root = _root_of(source)
    text_el = root if _local(root) == "text" else root.find(f"{{{TEI}}}text")
    if text_el is None:
        text_el = next(iter(root.iter(f"{{{TEI}}}text")), None)
    if text_el is None:
        raise ValueError("not a TEI document with a <text> (namespace http://www.tei-c.org/ns/1.0)")
    out: list[str] = []
    _walk(text_el, out, frozenset(exclude))
    joined = "".join(out)
    return _re.sub(rf"\s*{JOIN}\s*", "", joined)


def _root_of(source) -> etree._Element:
    if isinstance(source, etree._ElementTree):
        return source.getroot()
    if isinstance(source, etree._Element):
        return source
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    if isinstance(source, Path):
        return etree.parse(str(source), parser).getroot()
    data = source.encode("utf-8") if isinstance(source, str) else source
    return etree.fromstring(data, parser)


def _walk(el, out: list[str], exclude: frozenset[str]) -> None:
    """Append the reading text of ``el``'s content (not its tail) to ``out``."""
    name = _local(el)
    if name == "choice":
        children = [c for c in el if _local(c)]
        chosen = next((c for want in PREFERRED_READINGS for c in children if _local(c) == want),
                      children[0] if children else None)
        if chosen is not None:
            _element(chosen, out, exclude)
        return
    if el.text:
        out.append(el.text)
    for child in el:
        _element(child, out, exclude)
        if child.tail:
            out.append(child.tail)


def _element(child, out: list[str], exclude: frozenset[str]) -> None:
    name = _local(child)
    if name is None:
        return
    if name in BREAKS:
        out.append(JOIN if child.get("break") == "no" else "\n")
        return
    if name in exclude:
        out.append(" ")
        return
    inline = name in INLINE
    if not inline:
        out.append(" ")
    _walk(child, out, exclude)
    if not inline:
        out.append(" ")


def tei_words(source, exclude: Iterable[str] = ()) -> list[str]:
    """The words of a TEI document's ``<text>``, in order (see :func:`words`). A word hyphenated
    across a source line (``Ju-<lb/>gend``, the hyphen kept and no ``break="no"``, as diplomatic
    transcriptions encode it) is one word when the text has it whole elsewhere, as on the output
    side (:func:`rejoin_hyphenation`)."""
    text = tei_text(source, exclude)
    return words(rejoin_hyphenation(text, frozenset(words(text))))


# -- words ------------------------------------------------------------------------------------

def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_DROPPED)
    text = _COMPATIBLE.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return unicodedata.normalize("NFC", text.casefold())


def words(text: str) -> list[str]:
    """Unicode word tokens of ``text``: NFC, case-folded; Thai runs segmented with newmm."""
    text = normalise(text)
    result: list[str] = []
    pos = 0
    for m in _THAI_RUN.finditer(text):
        result += _WORD.findall(text, pos, m.start())
        result += _thai_words(_SPACE.sub("", m.group()))
        pos = m.end()
    result += _WORD.findall(text, pos)
    return result


def _thai_words(run: str) -> list[str]:
    from pythainlp.tokenize import word_tokenize  # imported only when there is Thai

    return [w for w in word_tokenize(run, engine="newmm", keep_whitespace=False) if _WORD.search(w)]


# -- the output side --------------------------------------------------------------------------

def rejoin_hyphenation(text: str, vocabulary: set[str] | frozenset[str]) -> str:
    """Undo end-of-line hyphenation: "hy-\\nphen" becomes "hyphen" when that is a word of
    ``vocabulary`` (normalised words); a soft hyphen at a line end always joins."""
    text = _SOFT_HYPHEN_BREAK.sub("", text)

    def join(m: regex.Match) -> str:
        joined = m.group(1) + m.group(2)
        return joined if normalise(joined) in vocabulary else m.group(0)

    return _HYPHENATED.sub(join, text)


def missing(tei: Sequence[str], output_text: str) -> Counter:
    """Each TEI word the output lacks, with how many of its occurrences are not matched."""
    tei_counts = Counter(tei)
    out_counts = Counter(words(rejoin_hyphenation(output_text, frozenset(tei_counts))))
    return tei_counts - out_counts


def coverage(tei: Sequence[str], output_text: str, examples: int = 20) -> tuple[float, list[str]]:
    """The fraction of the TEI's word occurrences found in ``output_text`` (multiset: each TEI
    occurrence consumes one output occurrence), and up to ``examples`` missing words, the most
    often missing first."""
    if not tei:
        return 1.0, []
    lacking = missing(tei, output_text)
    fraction = 1 - sum(lacking.values()) / len(tei)
    return fraction, [w for w, _ in sorted(lacking.items(), key=lambda kv: (-kv[1], kv[0]))[:examples]]


def pdf_text(pdf: Path) -> str:
    """A PDF's text as ``pdftotext -raw -enc UTF-8`` gives it: in the order it is drawn, line-end
    hyphens kept (pages split by \\f). Poppler's default reading-order mode removes every hyphen at
    a line end ("Sea-|dog" becomes "Seadog", "and-|And" "andAnd"), a guess this measure must not
    depend on; :func:`rejoin_hyphenation` makes its own, checked against the TEI's words."""
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def epub_text(epub: Path) -> str:
    """The text of an EPUB's XHTML content documents in spine order, the navigation document
    left out; block elements separate, inline ones join, ``br`` is a space."""
    with zipfile.ZipFile(epub) as z:
        container = etree.fromstring(z.read("META-INF/container.xml"))
        opf_path = container.find(".//{*}rootfile").get("full-path")
        opf = etree.fromstring(z.read(opf_path))
        base = PurePosixPath(opf_path).parent
        manifest = {item.get("id"): item for item in opf.iter("{*}item")}
        parts = []
        for ref in opf.iter("{*}itemref"):
            item = manifest.get(ref.get("idref"))
            if item is None or "nav" in (item.get("properties") or "").split():
                continue
            if item.get("media-type") not in ("application/xhtml+xml", "text/html"):
                continue
            href = str(base / item.get("href")) if str(base) != "." else item.get("href")
            parts.append(xhtml_text(z.read(_unquote(href))))
    return "\n".join(parts)


def _unquote(href: str) -> str:
    from urllib.parse import unquote

    return unquote(href.split("#", 1)[0])


def xhtml_text(data: bytes) -> str:
    """The text of an XHTML document's body, blocks separated."""
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except etree.XMLSyntaxError:
        root = etree.fromstring(data, etree.HTMLParser())
    body = next(iter(root.iter(f"{{{XHTML}}}body", "body")), root)
    out: list[str] = []
    _walk_html(body, out)
    return "".join(out)


def _walk_html(el, out: list[str]) -> None:
    if el.text:
        out.append(el.text)
    for child in el:
        name = _local(child)
        if name is not None and name not in HTML_SKIP and child.get("hidden") is None:
            if name == "br":
                out.append(" ")
            elif name in HTML_INLINE:
                _walk_html(child, out)
            else:
                out.append(" ")
                _walk_html(child, out)
                out.append(" ")
        if child.tail:
            out.append(child.tail)
