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

# The same steps as kaohe_desktop.ui.app.run_app: the frame first, then the database.
APP = """
import sys, time
from PySide6.QtCore import QSettings
from kaohe_desktop.ui.app import make_app
from kaohe_desktop.ui.main_window import MainWindow
app = make_app()
settings = QSettings(sys.argv[2], QSettings.Format.IniFormat)
w = MainWindow(None, settings); w.show()
app.processEvents()
print(time.time())
from kaohe_desktop.services.database import open_db
w.attach(open_db(sys.argv[1]))
app.processEvents()
print(time.time())
import resource
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def launch(code: str, *args: str) -> tuple[float, float, int]:
    """(seconds to the window on screen, to the page filled from the database, peak KB)."""
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         env=env, check=True).stdout.split()
    shown = float(out[0]) - start
    if len(out) < 3:
        return shown, shown, 0
    return shown, float(out[1]) - start, int(out[2])


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
    shown_s = statistics.median(t for t, _, _ in app)
    filled_s = statistics.median(t for _, t, _ in app)
    peak_mb = max(m for _, _, m in app) / 1024
    print(f"bare PySide6 window          : {bare_s:.3f} s (median of {runs})")
    print(f"main window on screen        : {shown_s:.3f} s  ({shown_s / bare_s:.1f}× bare)")
    print(f"… filled from the demo db    : {filled_s:.3f} s  ({filled_s / bare_s:.1f}× bare), "
          f"peak RSS {peak_mb:.0f} MB")
    print(f"window on screen < 0.5 s     : {'PASS' if shown_s < 0.5 else 'FAIL'}")
    print(f"filled < 0.5 s               : {'PASS' if filled_s < 0.5 else 'FAIL'}")


if __name__ == "__main__":
    main()
