"""Registering the shipped CJK font, so Chinese renders on a PC without Chinese fonts."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from kaohe_desktop.resources import resource

UI_FONT_FILE = "wqy-microhei.ttc"


def install_cjk_font(app: QApplication, point_size: int = 10) -> str:
    """Load the font from resources/fonts and make it the application font; its family."""
    data = resource("fonts", UI_FONT_FILE).read_bytes()
    font_id = QFontDatabase.addApplicationFontFromData(data)
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        return app.font().family()
    font = QFont(families[0], point_size)
    app.setFont(font)
    return families[0]
