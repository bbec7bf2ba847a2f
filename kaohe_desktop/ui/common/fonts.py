"""Registering the shipped CJK fonts, so Chinese renders on a PC without Chinese fonts and
a rare character in a name (𠮷 U+20BB7, 䶮 U+4DAE) is never an empty box in the window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from kaohe_desktop.resources import resource

UI_FONT_FILE = "wqy-microhei.ttc"
# tried in this order for a character the UI font lacks (Qt falls back per character
# through a QFont's families): the wide Song face, then the rare-character subsets
FALLBACK_FILES = ("uming.ttc", "hanazono-a-rare.ttf", "hanazono-b-rare.ttf",
                  "babelstone-gh-rare.ttf")


def _add(file: str) -> list[str]:
    # from the file, not its bytes: Qt maps it instead of holding 30 MB in memory
    path = Path(str(resource("fonts", file)))
    if not path.exists():
        return []
    font_id = QFontDatabase.addApplicationFont(str(path))
    return QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []


def install_cjk_font(app: QApplication, point_size: int = 10) -> str:
    """Load the fonts from resources/fonts and make the UI font, with its fallbacks, the
    application font; returns the UI font's family."""
    families = _add(UI_FONT_FILE)
    if not families:
        return app.font().family()
    fallbacks = [f for file in FALLBACK_FILES for f in _add(file)[:1]]
    font = QFont(families[0], point_size)
    font.setFamilies([families[0], *fallbacks])
    app.setFont(font)
    return families[0]
