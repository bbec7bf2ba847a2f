"""Save screenshots of 站点与人员 (demo database) and its dialogs as PNGs.

    QT_QPA_PLATFORM=offscreen python scripts/shot_roster.py [out_dir]   (default: shots/)
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import QSettings
from shots.roster import shoot_empty_roster, shoot_roster

from kaohe_desktop.services.database import open_db
from kaohe_desktop.services.demo import load_demo
from kaohe_desktop.ui.app import make_app
from kaohe_desktop.ui.main_window import MainWindow


def main() -> None:
    out_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "shots").resolve()
    make_app()
    with tempfile.TemporaryDirectory() as tmp:
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        db = open_db(Path(tmp) / "demo.db")
        load_demo(db)
        window = MainWindow(db, settings)
        shots = shoot_roster(window, out_dir)
        window.close()
        empty_db = open_db(Path(tmp) / "empty.db")
        empty = MainWindow(empty_db, settings)
        shots.append(shoot_empty_roster(empty, out_dir))
        empty.close()
        db.close()
        empty_db.close()
    for path in shots:
        print(path)


if __name__ == "__main__":
    main()
