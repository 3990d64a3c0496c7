"""Finishing the EPUB package pandoc wrote: what pandoc cannot do in its sandbox or at all.

pandoc runs with ``--sandbox`` (it reads nothing but its input), so the stylesheet and the subset
fonts are added here; so are the truthful accessibility metadata. The archive is rewritten with
fixed timestamps and ``mimetype`` first and stored, so identical inputs give identical files.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..xmlsafe import safe_parser

OPF_NS = "http://www.idpf.org/2007/opf"
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


def finish(path: Path, css: str, fonts: dict[str, bytes], a11y: Accessibility,
           extra_meta: dict[str, str] | None = None) -> None:
    with zipfile.ZipFile(path) as z:
        files = {n: z.read(n) for n in z.namelist()}
    opf_name = _opf_path(files)
    base = opf_name.rsplit("/", 1)[0] + "/" if "/" in opf_name else ""
    opf = etree.fromstring(files[opf_name], safe_parser())
    manifest = opf.find(f"{{{OPF_NS}}}manifest")
    metadata = opf.find(f"{{{OPF_NS}}}metadata")

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
    files[opf_name] = etree.tostring(opf, xml_declaration=True, encoding="UTF-8")

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        info = zipfile.ZipInfo("mimetype", FIXED_TIME)
        out.writestr(info, b"application/epub+zip", compress_type=zipfile.ZIP_STORED)
        for name in sorted(n for n in files if n != "mimetype"):
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.external_attr = 0o644 << 16
            out.writestr(info, files[name], compress_type=zipfile.ZIP_DEFLATED)
    tmp = path.with_suffix(".finishing")
    tmp.write_bytes(buf.getvalue())
    tmp.replace(path)
