"""Start-up time: from launching Python to the main window on screen, on the demo database.

Measured in the same run against a bare PySide6 window (the baseline). Each figure is the
median of several launches of a fresh interpreter; the child prints the wall-clock time
at which its window was first exposed, the parent subtracts its own launch time.

    python bench/startup_bench.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = """
import sys, time
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
w = QMainWindow(); w.resize(1200, 760); w.show()
app.processEvents()
print(time.time())
"""

APP = """
import sys, time
from PySide6.QtCore import QSettings
from kaohe_desktop.ui.app import make_app
from kaohe_desktop.services.database import open_db
from kaohe_desktop.ui.main_window import MainWindow
app = make_app()
db = open_db(sys.argv[1])
settings = QSettings(sys.argv[2], QSettings.Format.IniFormat)
w = MainWindow(db, settings); w.show()
app.processEvents()
print(time.time())
import resource
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def launch(code: str, *args: str) -> tuple[float, int]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         env=env, check=True).stdout.split()
    return float(out[0]) - start, int(out[1]) if len(out) > 1 else 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        db_path = str(Path(tmp) / "demo.db")
        subprocess.run([sys.executable, "-m", "kaohe_desktop", "--db", db_path, "demo"],
                       check=True, capture_output=True)
        ini = str(Path(tmp) / "settings.ini")
        launch(APP, db_path, ini)  # warm the file cache and write today's backup
        bare = [launch(BARE)[0] for _ in range(runs)]
        app = [launch(APP, db_path, ini) for _ in range(runs)]
    bare_s = statistics.median(bare)
    app_s = statistics.median(t for t, _ in app)
    peak_mb = max(m for _, m in app) / 1024
    print(f"bare PySide6 window : {bare_s:.3f} s (median of {runs})")
    print(f"main window on demo : {app_s:.3f} s (median of {runs}), peak RSS {peak_mb:.0f} MB")
    print(f"ratio app / bare    : {app_s / bare_s:.1f}×")
    print(f"target < 0.5 s      : {'PASS' if app_s < 0.5 else 'FAIL'}")


if __name__ == "__main__":
    main()
