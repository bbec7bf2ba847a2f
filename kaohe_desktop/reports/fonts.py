"""The CJK fonts of every PDF, registered with reportlab once per process.

`SONG` (AR PL UMing CN, a Ming/Song face: 公文 bodies and certificates) and `SANS`
(WenQuanYi Micro Hei: tables and small print). Both ship in `resources/fonts/` with
their licences. They are TrueType (glyf) collections, which reportlab embeds as a
per-document subset (/FontFile2); Noto CJK is CFF and cannot be used here.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from kaohe_desktop.resources import resource

# the package's data folder (importlib.resources: an installed, editable or frozen program)
FONT_DIR = Path(str(resource("fonts")))

SONG = "KaoheSong"
SANS = "KaoheSans"
_FILES = {SONG: ("uming.ttc", 0), SANS: ("wqy-microhei.ttc", 0)}


def register() -> tuple[str, str]:
    """Register both fonts (idempotent); returns (SONG, SANS). When the Song face is
    missing the sans face stands in under both names, so a document still renders."""
    registered = pdfmetrics.getRegisteredFontNames()
    for name, (file, index) in _FILES.items():
        if name in registered:
            continue
        path = FONT_DIR / file
        if not path.exists():
            path = FONT_DIR / _FILES[SANS][0]
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))
    return SONG, SANS


def text_width(text: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font, size)
