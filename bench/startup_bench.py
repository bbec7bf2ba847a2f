"""Start-up time: from launching Python to the main window on screen, on the demo database.

Measured in the same run against a bare PySide6 window (the baseline). Each figure is the
median of several launches of a fresh interpreter running the real `kaohe --db FILE`
start-up; with KAOHE_STARTUP_REPORT set it prints the wall-clock time at which the frame
and then the first page filled from the database were on screen, and quits. The parent
subtracts its own launch time.

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

from kaohe_desktop.ui.app import STARTUP_REPORT_ENV

BARE = """
import sys, time
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
w = QMainWindow(); w.resize(1200, 760); w.show()
app.processEvents()
print(time.time())
"""



def launch_bare() -> float:
    """Seconds from launching Python to a bare PySide6 window on screen."""
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    start = time.time()
    out = subprocess.run([sys.executable, "-c", BARE], capture_output=True, text=True,
                         env=env, check=True).stdout.split()
    return float(out[0]) - start


def launch_app(db_path: str, home: str) -> tuple[float, float, float, int]:
    """The real `kaohe --db FILE` start-up (the same path as the installed command),
    reporting seconds to the frame on screen, to the first page (概览) filled from the
    database, to the database layer loaded (every page usable), and the peak RSS in KB."""
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
           STARTUP_REPORT_ENV: "1", "HOME": home, "XDG_CONFIG_HOME": f"{home}/.config",
           "XDG_DATA_HOME": f"{home}/.local/share"}
    code = ("import resource, sys\n"
            "from kaohe_desktop.launcher import main\n"
            "code = main(['--db', sys.argv[1]])\n"
            "print('rss', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
            "sys.exit(code)")
    start = time.time()
    run = subprocess.run([sys.executable, "-c", code, db_path], capture_output=True,
                         text=True, env=env)
    if run.returncode != 0:
        raise SystemExit(f"the start-up failed (exit {run.returncode}):\n{run.stdout}\n{run.stderr}")
    out = run.stdout
    stages = dict(line.split() for line in out.splitlines() if line.count(" ") == 1)
    return (float(stages["shown"]) - start, float(stages["filled"]) - start,
            float(stages["ready"]) - start, int(stages["rss"]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        db_path = str(Path(tmp) / "demo.db")
        subprocess.run([sys.executable, "-m", "kaohe_desktop", "--db", db_path, "demo"],
                       check=True, capture_output=True)
        launch_app(db_path, tmp)  # warm the file cache, write today's backup, first-run mark
        bare = [launch_bare() for _ in range(runs)]
        app = [launch_app(db_path, tmp) for _ in range(runs)]
    bare_s = statistics.median(bare)
    shown_s = statistics.median(a[0] for a in app)
    filled_s = statistics.median(a[1] for a in app)
    ready_s = statistics.median(a[2] for a in app)
    peak_mb = max(a[3] for a in app) / 1024
    print(f"bare PySide6 window          : {bare_s:.3f} s (median of {runs})")
    print(f"main window on screen        : {shown_s:.3f} s  ({shown_s / bare_s:.1f}× bare)")
    print(f"… 概览 filled from the demo db: {filled_s:.3f} s  ({filled_s / bare_s:.1f}× bare)")
    print(f"… database layer loaded      : {ready_s:.3f} s  ({ready_s / bare_s:.1f}× bare), "
          f"peak RSS {peak_mb:.0f} MB")
    print(f"window on screen < 0.5 s     : {'PASS' if shown_s < 0.5 else 'FAIL'}")
    print(f"filled < 0.5 s               : {'PASS' if filled_s < 0.5 else 'FAIL'}")


if __name__ == "__main__":
    main()
