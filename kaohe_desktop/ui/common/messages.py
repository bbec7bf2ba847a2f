"""Telling the user something went wrong, in Chinese, without a traceback.

Every error dialog's text comes from here. A clerk cannot act on a driver's English
("file is not a database", "[Errno 13] Permission denied") or a web link, so such text
never reaches a dialog: an operating-system error is named by its errno in Chinese, and
an unexpected exception is only said to have happened (its English goes to stderr for
whoever supports the office).
"""

from __future__ import annotations

import errno
import re
import sys
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from kaohe_desktop.domain.errors import InputError

# What an OSError means to a clerk, by errno (Linux and Windows share these numbers).
_OS_REASONS = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EACCES: "没有权限（文件可能正被 Excel 等程序打开，或文件夹只读）",
    errno.EPERM: "没有权限（文件可能正被其他程序打开）",
    errno.ENOSPC: "磁盘或 U 盘已满",
    errno.EROFS: "磁盘或 U 盘是只读的",
    errno.EISDIR: "选择的是文件夹，不是文件",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EEXIST: "文件已存在",
    errno.EIO: "读写出错（U 盘可能已拔出）",
    errno.ENAMETOOLONG: "文件名或路径太长",
}
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Service texts written for the command line point at its options; the window has none.
_CLI_HINT = re.compile(r"[，：；]\s*(请检查\s*)?--db[^。；]*")

NOT_OUR_DATABASE = "不是本程序的数据库文件"


def _chinese_only(text: str) -> str:
    """`text` when it is a Chinese sentence; "" when it is a driver's or library's English."""
    text = _CLI_HINT.sub("", text)
    return text if _CJK.search(text) and "http" not in text else ""


def error_text(exc: BaseException) -> str:
    if isinstance(exc, InputError):
        lines = [_CLI_HINT.sub("", line) for line in exc.lines()]
        more = f"\n……另有 {len(lines) - 20} 处问题" if len(lines) > 20 else ""
        # a message that says so itself (another writer, a cancelled wait) is not told twice
        said = any(w in line for line in lines for w in ("没有保存", "未保存", "未写入"))
        return "\n".join(lines[:20]) + more + ("" if said else "\n\n未写入任何数据。")
    if isinstance(exc, OSError):
        reason = _OS_REASONS.get(exc.errno or -1) or _chinese_only(exc.strerror or "") or "无法读写"
        name = exc.filename or ""
        return f"无法读写文件 {name}：{reason}。" if name else f"无法读写文件：{reason}。"
    print(f"unexpected error: {exc!r}", file=sys.stderr)  # for support; the dialog says less
    said = _chinese_only(str(exc))
    return f"发生意外错误，操作没有完成。{said}" if said else "发生意外错误，操作没有完成。"


def database_error_text(target: str | Path, exc: BaseException) -> str:
    """Why a database file could not be opened, in words a clerk can act on."""
    where = str(target)
    if isinstance(exc, InputError):
        reasons = [_CLI_HINT.sub("", p.reason) for p in exc.problems]
        reason = "；".join(r for r in reasons if _chinese_only(r)) or NOT_OUR_DATABASE
    elif isinstance(exc, OSError):
        reason = _OS_REASONS.get(exc.errno or -1, "无法读写")
    else:
        print(f"cannot open {where}: {exc!r}", file=sys.stderr)
        reason = NOT_OUR_DATABASE
    # (…) in a reason is a driver's detail; a clerk needs the sentence, not the parenthesis
    reason = re.sub(r"（[^）]*[A-Za-z][^）]*）", "", reason)
    if NOT_OUR_DATABASE in reason:
        reason = (f"{NOT_OUR_DATABASE}。\n请选择本程序建立的数据库（.db 文件，默认在数据文件夹中），"
                  "或用“文件 → 新建数据库”另建一个。")
    return f"无法打开 {where}\n\n{reason}"


def show_error(parent: QWidget | None, title: str, exc: BaseException) -> None:
    QMessageBox.warning(parent, title, error_text(exc))
