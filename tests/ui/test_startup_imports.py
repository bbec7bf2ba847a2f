"""Start-up speed (issue 15): the window is built and shown before SQLAlchemy is imported
(0.5 s of it), so 概览 appears within about 2× a bare PySide6 window. A menu that imports
a service at build time breaks that silently; this holds it."""

from __future__ import annotations

import os
import subprocess
import sys

CODE = """
import sys
from PySide6.QtCore import QSettings
from kaohe_desktop.ui.app import make_app
from kaohe_desktop.ui.main_window import MainWindow
from kaohe_desktop.services.overview import glance
app = make_app()
w = MainWindow(None, QSettings(sys.argv[1], QSettings.Format.IniFormat))
w.show()
app.processEvents()
print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic', 'openpyxl')))
"""


def test_the_window_shows_without_the_database_layer(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", CODE, str(tmp_path / "s.ini")], capture_output=True,
                         text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
