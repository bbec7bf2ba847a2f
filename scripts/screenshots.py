"""Screenshots of every page on a demo database, for looking at what users see.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots.py [OUT_DIR]
    QT_QPA_PLATFORM=offscreen python scripts/screenshots.py --manual

`--manual` writes the pictures of the built-in manual instead (resources/help/img, one
per page, named as the manual's HTML files name them): 860×540 shown unscaled, 256 colours, so the
program carries well under 3 MB of them.

Writes one PNG per page of the main window, then whatever the per-page scripts in
scripts/shots/ add (dialogs, wizard pages). Runs offscreen; the shipped CJK font is
registered by make_app(), so the pictures show what a PC without Chinese fonts shows.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings

from kaohe_desktop.services.database import open_db
from kaohe_desktop.services.demo import load_demo
from kaohe_desktop.ui.app import make_app
from kaohe_desktop.ui.main_window import MainWindow

SHOTS = Path(__file__).resolve().parent / "shots"
MANUAL_IMAGES = Path(__file__).resolve().parents[1] / "resources" / "help" / "img"


def manual_images(window: MainWindow, app) -> None:
    from PySide6.QtCore import Qt

    from kaohe_desktop.ui.help.topics import PAGE_TOPICS

    MANUAL_IMAGES.mkdir(parents=True, exist_ok=True)
    window.resize(860, 540)  # shown unscaled in the manual: text as sharp as on screen
    for index in range(window.navigation.count()):
        window.navigation.setCurrentRow(index)
        app.processEvents()
        file = PAGE_TOPICS[window.navigation.item(index).text()].replace(".html", ".png")
        image = window.grab().toImage()
        image = image.convertToFormat(image.Format.Format_Indexed8,
                                      Qt.ImageConversionFlag.ThresholdDither)
        image.save(str(MANUAL_IMAGES / file), "PNG", 0)  # 0: smallest file
    print(f"manual images in {MANUAL_IMAGES}")


def main() -> None:
    manual = "--manual" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--manual"]
    out = Path(args[0] if args else "screenshots")
    if not manual:
        out.mkdir(parents=True, exist_ok=True)
    app = make_app()
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "demo.db")
        load_demo(db)
        window = MainWindow(db, QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        window.resize(1280, 800)
        window.show()
        if manual:
            manual_images(window, app)
            window.close()
            db.close()
            return
        for index in range(window.navigation.count()):
            window.navigation.setCurrentRow(index)
            app.processEvents()
            name = window.navigation.item(index).text()
            window.grab().save(str(out / f"page-{index}-{name}.png"))
        sys.path.insert(0, str(SHOTS))  # the shot scripts share scripts/shots/_common.py
        for script in sorted(SHOTS.glob("[!_]*.py")):
            spec = importlib.util.spec_from_file_location(f"shots_{script.stem}", script)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            shoot = getattr(module, f"shoot_{script.stem}", None)
            if shoot is not None:
                shoot(window, out)
        window.close()
        db.close()
    print(f"screenshots in {out.resolve()}")


if __name__ == "__main__":
    main()
