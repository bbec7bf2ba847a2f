"""Rare characters in names show in the window (Qt falls back per character through the
application font's families) and in the 关于 dialog's font list."""

from __future__ import annotations

from PySide6.QtGui import QFontMetrics, QRawFont
from PySide6.QtWidgets import QApplication


def test_rare_characters_have_a_font_in_the_window(qapp):
    font = QApplication.font()
    families = font.families()
    assert len(families) >= 3  # the UI font and its fallbacks
    for ch in ("𠮷", "䶮", "祎", "\U0002CEB0", "\U00030000", "\U00031350"):  # B, A, BMP, F, G, H
        found = False
        for family in families:
            f = font.__class__(family)
            raw = QRawFont.fromFont(f)
            if raw.supportsCharacter(ord(ch)):
                found = True
                break
        assert found, f"no application font has {ch} (U+{ord(ch):04X})"
    assert QFontMetrics(font).horizontalAdvance("王𠮷䶮") > 0


def test_the_about_dialog_names_the_fonts_in_use(qtbot, tmp_path):
    from kaohe_desktop.ui.about_dialog import AboutDialog

    dialog = AboutDialog(tmp_path, "sqlite:///x.db")
    qtbot.addWidget(dialog)
    text = dialog.licences.toPlainText()
    assert "正文：" in text and "FandolFang" in text and "HanaMinB" in text and "GPL-3.0" in text
