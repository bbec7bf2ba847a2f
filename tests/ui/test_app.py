"""Application start: Chinese Qt dialogs, the shipped font, opening a database."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox

from kaohe_desktop.services import roster
from kaohe_desktop.ui import app as app_module


def test_make_app_loads_the_chinese_qt_translation_and_font(qapp):
    app = app_module.make_app()
    assert app is qapp
    # qtbase_zh_CN translates Qt's own buttons
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    assert "WenQuanYi" in app.font().family() or "文泉驿" in app.font().family()


def test_empty_database_offers_demo_data(qapp, tmp_path, monkeypatch):
    asked = []

    def answer(*args, **kwargs):
        asked.append(args[2])
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    db = app_module._open(str(tmp_path / "新 建" / "k.db"), demo=False)
    assert asked and "演示数据" in asked[0]
    assert len(roster.list_units(db)) == 12
    db.close()


def test_a_file_that_is_not_a_database_is_reported(qapp, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a[2]))
    bad = tmp_path / "not.db"
    bad.write_text("这不是数据库", encoding="utf-8")
    assert app_module._open(str(bad), demo=False) is None
    assert shown and str(bad) in shown[0]


def test_start_up_fills_the_overview_then_loads_the_database_layer(tmp_path):
    """The real `kaohe --db FILE` start-up, as bench/startup_bench.py times it."""
    import os
    import subprocess
    import sys

    from kaohe_desktop.services.database import open_db
    from kaohe_desktop.services.demo import load_demo

    target = tmp_path / "演示 库.db"
    db = open_db(target)
    load_demo(db)
    db.close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", app_module.STARTUP_REPORT_ENV: "1",
           "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data")}
    out = subprocess.run([sys.executable, "-m", "kaohe_desktop", "--db", str(target)],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    stages = [line.split()[0] for line in out.stdout.splitlines()]
    assert stages == ["shown", "filled", "ready"]
    times = [float(line.split()[1]) for line in out.stdout.splitlines()]
    assert times == sorted(times)
