"""Telling the user something went wrong, in Chinese, without a traceback."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from kaohe_desktop.domain.errors import InputError


def error_text(exc: BaseException) -> str:
    if isinstance(exc, InputError):
        lines = exc.lines()
        more = f"\n……另有 {len(lines) - 20} 处问题" if len(lines) > 20 else ""
        return "\n".join(lines[:20]) + more + "\n\n未写入任何数据。"
    if isinstance(exc, OSError):
        return f"无法读写文件 {exc.filename or ''}：{exc.strerror or exc}"
    return f"发生意外错误：{exc}"


def show_error(parent: QWidget | None, title: str, exc: BaseException) -> None:
    QMessageBox.warning(parent, title, error_text(exc))
