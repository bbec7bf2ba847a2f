from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from kaohe_desktop.ui.common.fonts import install_cjk_font


@pytest.fixture
def settings(tmp_path):
    """A settings file of the test's own, so tests never share window state."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture(autouse=True)
def cjk_font(qapp):
    install_cjk_font(qapp)
