"""The office's own words on its documents: issuer (发文/发证单位), 文号 prefix, contact and
address, kept in the database (`setting` table) so every document the database prints
names the office that uses it — never another office by default.

A missing setting is not guessed: `require` refuses with the way to set it (the window's
“文件 → 单位信息” or `kaohe settings set`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import Setting

# key → what it is, in words (in this order in the window and `kaohe settings show`)
SETTING_NAMES: dict[str, str] = {
    "issuer": "发文/发证单位",
    "prefix": "文号前缀",
    "contact": "联系人及电话",
    "address": "地址",
}
EXAMPLES = {"issuer": "某某街道便民服务中心", "prefix": "某街便", "contact": "王伟 0731-85551234",
            "address": "某某街道某某路1号"}
MAX_LENGTH = {"issuer": 100, "prefix": 20, "contact": 100, "address": 200}
# 文号 = prefix + 〔year〕 + n + 号: brackets or digits inside the prefix would garble it
PREFIX_FORBIDDEN = "〔〕[]【】()（）"


@dataclass(frozen=True)
class OfficeSettings:
    issuer: str = ""
    prefix: str = ""
    contact: str = ""
    address: str = ""

    def missing(self, keys: Iterable[str]) -> list[str]:
        return [k for k in keys if not getattr(self, k)]


def how_to_set(key: str) -> str:
    return (f"请在窗口“文件 → 单位信息”中填写，或运行 kaohe settings set {key} "
            f"“{EXAMPLES[key]}”")


def office_settings(db: Database) -> OfficeSettings:
    with db.session() as s:
        stored = {k: v for k, v in s.execute(select(Setting.key, Setting.value))
                  if k in SETTING_NAMES}
    return OfficeSettings(**stored)


def _clean(key: str, value: str) -> tuple[str, Problem | None]:
    text = " ".join(str(value).split())  # one line: it is printed in a single line
    name = SETTING_NAMES[key]
    if key == "prefix" and any(ch in PREFIX_FORBIDDEN or ch.isspace() for ch in text):
        return text, Problem(f"{name}不能含括号或空格（文号自动写作 前缀〔年份〕序号号）",
                             column=key, value=text)
    if len(text) > MAX_LENGTH[key]:
        return text, Problem(f"{name}最长 {MAX_LENGTH[key]} 个字", column=key, value=text)
    if key in ("issuer", "prefix") and not text:
        return text, Problem(f"{name}不能为空", column=key)
    return text, None


def setting_problems(values: Mapping[str, str]) -> tuple[dict[str, str], list[Problem]]:
    """(the cleaned values, what is wrong with them) — the window checks as the user types."""
    problems: list[Problem] = []
    cleaned: dict[str, str] = {}
    for key, value in values.items():
        if key not in SETTING_NAMES:
            problems.append(Problem(f"没有这项设置；可用：{'、'.join(SETTING_NAMES)}",
                                    column="设置", value=key))
            continue
        text, problem = _clean(key, value)
        if problem is not None:
            problems.append(problem)
        cleaned[key] = text
    return cleaned, problems


def save_office_settings(db: Database, values: Mapping[str, str]) -> OfficeSettings:
    """Store some or all settings at once; every problem is reported and nothing written.
    An empty contact or address removes it."""
    cleaned, problems = setting_problems(values)
    if problems:
        raise InputError(problems)
    with db.session() as s:
        for key, text in cleaned.items():
            row = s.get(Setting, key)
            if not text:
                if row is not None:
                    s.delete(row)
            elif row is None:
                s.add(Setting(key=key, value=text))
            else:
                row.value = text
    return office_settings(db)


def set_office_setting(db: Database, key: str, value: str) -> OfficeSettings:
    return save_office_settings(db, {key: value})


def require(settings: OfficeSettings, keys: Iterable[str], what: str) -> None:
    """Refuse `what` (say 通知) while a needed setting is missing, saying how to set it."""
    missing = settings.missing(keys)
    if missing:
        raise InputError([Problem(f"生成{what}前须先设置{SETTING_NAMES[k]}：{how_to_set(k)}",
                                  column=k) for k in missing])
