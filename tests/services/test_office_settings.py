"""The office's settings: stored in the database, validated, and never another office's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services.office_settings import (
    OfficeSettings,
    office_settings,
    save_office_settings,
    set_office_setting,
)

PACKAGE = Path(__file__).parents[2] / "kaohe_desktop"


def test_set_show_and_clear(db):
    assert office_settings(db) == OfficeSettings()
    set_office_setting(db, "issuer", "  城关镇   便民服务中心 ")
    set_office_setting(db, "prefix", "城便")
    set_office_setting(db, "contact", "张丽 0931-1234567")
    assert office_settings(db) == OfficeSettings("城关镇 便民服务中心", "城便", "张丽 0931-1234567", "")
    set_office_setting(db, "contact", "")
    assert office_settings(db).contact == ""


def test_bad_values_are_refused_and_nothing_is_written(db):
    set_office_setting(db, "issuer", "城关镇便民服务中心")
    with pytest.raises(InputError) as exc:
        save_office_settings(db, {"issuer": "", "prefix": "城〔便〕", "colour": "red"})
    text = " ".join(exc.value.lines())
    assert "发文/发证单位不能为空" in text and "括号" in text and "没有这项设置" in text
    assert office_settings(db).issuer == "城关镇便民服务中心"


def test_the_demo_has_its_own_office(db):
    from kaohe_desktop.services.demo import load_demo

    load_demo(db)
    office = office_settings(db)
    assert office.issuer == "芙蓉街道便民服务中心" and office.prefix == "芙街便"
    assert office.contact and office.address


def test_no_other_office_is_a_default_anywhere():
    """The demo's street may appear in the demo only (and in comments as an example)."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "demo.py" or "migrations" in path.parts:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0]
            if re.search(r"芙蓉|芙街", code) and '"""' not in line and not line.strip().startswith(
                    ("#", "芙")):
                offenders.append(f"{path.relative_to(PACKAGE)}:{n}: {line.strip()}")
    assert offenders == []
