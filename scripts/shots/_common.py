"""What every screenshot script needs: let Qt settle, save a widget, open a page."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def save(widget: QWidget, out_dir: Path, name: str) -> Path:
    settle()
    path = out_dir / f"{name}.png"
    widget.grab().save(str(path))
    return path


def run_alone(shoot) -> None:
    """Run one shot script by itself: a demo database in a temp folder, the main window,
    the PNGs into the folder named on the command line (default ./shots)."""
    import os
    import sys
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings

    from kaohe_desktop.services.database import open_db
    from kaohe_desktop.services.demo import load_demo
    from kaohe_desktop.ui.app import make_app
    from kaohe_desktop.ui.main_window import MainWindow

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("shots")
    app = make_app()
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "demo.db")
        load_demo(db)
        window = MainWindow(db, QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        for path in shoot(window, out):
            print(path)
        window.close()
        db.close()
    app.quit()


def leave_out_unfinished(db, assessment_id: int) -> None:
    """Mark every subject not fully scored 不参评, as an administrator would, so a partly
    scored demo assessment can be taken through review for a picture."""
    from kaohe_desktop.services import ranking, subject_marks

    for r in ranking.rank_assessment(db, assessment_id):
        if not r.complete and not r.excluded:
            subject_marks.exclude_subject(db, assessment_id, r.subject_code, reason="截图：未评完，不参评")
