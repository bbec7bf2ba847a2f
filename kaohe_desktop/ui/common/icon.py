"""The application icon (resources/icons, drawn by installer/make_icon.py)."""

from __future__ import annotations

from PySide6.QtGui import QIcon, QPixmap

from kaohe_desktop.resources import resource

ICON_FILE = "kaohe.png"  # 256 px; Qt scales it for title bars and the task bar


def app_icon() -> QIcon:
    """The red seal with 考. Read from bytes, so it works wherever the resources live."""
    pixmap = QPixmap()
    pixmap.loadFromData(resource("icons", ICON_FILE).read_bytes(), "PNG")
    return QIcon(pixmap)
