"""Which layout a file has, from its content: sheet names, header words, the attlog line
shape — never the file name. The most specific layouts are tried first; the generic
one-row-per-punch layout (zkteco_log) last, so a DingTalk or WeCom sheet is never taken
for a plain punch log.
"""

from __future__ import annotations

from types import ModuleType

from kaohe_desktop.domain.errors import InputError, Problem

from . import (
    dingtalk_raw,
    dingtalk_report,
    template,
    wecom_daily,
    wecom_monthly,
    zkteco_attlog,
    zkteco_log,
    zkteco_usb,
)
from .base import Found
from .container import Source

SHEET_FORMATS: tuple[ModuleType, ...] = (
    template, dingtalk_report, dingtalk_raw, wecom_daily, wecom_monthly, zkteco_usb, zkteco_log)
BY_NAME: dict[str, ModuleType] = {m.FORMAT: m for m in (*SHEET_FORMATS, zkteco_attlog)}


def looked_for() -> str:
    return "；".join(m.WANTS for m in (*SHEET_FORMATS, zkteco_attlog))


def find_format(src: Source) -> Found | None:
    if src.kind == "text":
        return Found(zkteco_attlog.FORMAT) if zkteco_attlog.looks_like(src.lines) else None
    for module in SHEET_FORMATS:
        found = module.find(src)
        if found is not None:
            return found
    return None


def find_named(src: Source, fmt: str) -> Found:
    """The table of format `fmt`; InputError naming the columns it needs when absent."""
    module = BY_NAME.get(fmt)
    if module is None:
        raise ValueError(f"unknown attendance format {fmt!r}")
    if src.kind == "text":
        if module is zkteco_attlog and zkteco_attlog.looks_like(src.lines):
            return Found(fmt)
    elif module is not zkteco_attlog:
        found = module.find(src)
        if found is not None:
            return found
    raise InputError(Problem(f"文件内容不是所选的格式。需要：{module.WANTS}", file=src.name))


def no_layout(src: Source) -> InputError:
    if src.kind == "text":
        from .container import NOT_ATTENDANCE
        return InputError(Problem(NOT_ATTENDANCE, file=src.name))
    return InputError(Problem(
        "找不到可识别的考勤列（表头行应在前 15 行内）。查找过：" + looked_for()
        + "。如果是其他格式，请用“列对应”指定考勤号/姓名、日期、时间各在哪一列", file=src.name))
