"""The fonts the edition controls: files named here, loaded through @font-face, nothing else.

They come from Debian's fonts-noto-core and are copied into the build directory, so the renderer
reads only files inside the project. Noto Naskh Arabic and Noto Sans Bengali are here on purpose:
the OCR letters of those scripts appear in `sic` readings in the corrections apparatus.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .errors import EditionError

# EDITION_FONT_DIRS (colon-separated) overrides where the font files are looked for
FONT_DIRS = tuple(Path(d) for d in os.environ.get("EDITION_FONT_DIRS", "/usr/share/fonts/truetype/noto").split(":"))


@dataclass(frozen=True)
class FontFace:
    family: str
    file: str
    weight: str = "normal"
    style: str = "normal"


FACES: tuple[FontFace, ...] = (
    FontFace("Noto Serif Thai", "NotoSerifThai-Regular.ttf"),
    FontFace("Noto Serif Thai", "NotoSerifThai-Bold.ttf", weight="bold"),
    FontFace("Noto Serif", "NotoSerif-Regular.ttf"),
    FontFace("Noto Serif", "NotoSerif-Bold.ttf", weight="bold"),
    FontFace("Noto Serif", "NotoSerif-Italic.ttf", style="italic"),
    FontFace("Noto Naskh Arabic", "NotoNaskhArabic-Regular.ttf"),
    FontFace("Noto Sans Bengali", "NotoSansBengali-Regular.ttf"),
)
FAMILIES = tuple(dict.fromkeys(f.family for f in FACES))


def find_font(name: str) -> Path:
    for directory in FONT_DIRS:
        path = directory / name
        if path.is_file():
            return path
    raise EditionError.at(name, None, "font file not found",
                          "install Debian's fonts-noto-core (apt-get install fonts-noto-core), or run `make`")


PROFILES = {
    # the printer's PDF (PDF/X-4) declares this CMYK output intent (Debian's libgs-common)
    "default_cmyk.icc": (Path("/usr/share/color/icc/ghostscript/default_cmyk.icc"), "libgs-common"),
}


def stage_profiles(target: Path) -> dict[str, Path]:
    """Copy the ICC output profiles into the build folder, like the fonts."""
    target.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, (src, package) in PROFILES.items():
        if not src.is_file():
            raise EditionError.at(str(src), None, "ICC profile not found",
                                  f"install Debian's {package} (apt-get install {package}), or run `make`")
        dst = target / name
        if not dst.exists() or dst.read_bytes() != src.read_bytes():
            tmp = dst.with_suffix(".tmp")
            shutil.copyfile(src, tmp)
            tmp.replace(dst)
        out[name] = dst
    return out


def stage_fonts(target: Path) -> dict[str, Path]:
    """Copy every font file into ``target`` (once) and return name -> path."""
    target.mkdir(parents=True, exist_ok=True)
    out = {}
    for face in FACES:
        src = find_font(face.file)
        dst = target / face.file
        if not dst.exists() or dst.stat().st_size != src.stat().st_size:
            tmp = dst.with_suffix(".tmp")
            shutil.copyfile(src, tmp)
            tmp.replace(dst)
        out[face.file] = dst
    return out
