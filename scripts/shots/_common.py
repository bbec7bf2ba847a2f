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
