"""The office's settings from the command line:

    kaohe settings show [--json]
    kaohe settings set issuer|prefix|contact|address VALUE

They head every certificate, notice and 公示 list (services/office_settings.py).
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from kaohe_desktop.cli.common import AddCommand, add_group, pad, print_json
from kaohe_desktop.services.database import Database
from kaohe_desktop.services.office_settings import (
    SETTING_NAMES,
    how_to_set,
    office_settings,
    set_office_setting,
)


def cmd_show(db: Database, args: argparse.Namespace) -> None:
    settings = asdict(office_settings(db))
    if args.json:
        print_json(settings)
        return
    for key, name in SETTING_NAMES.items():
        value = settings[key] or f"（未设置；{how_to_set(key)}）"
        print(f"{pad(key, 8)}{pad(name, 16)}{value}")


def cmd_set(db: Database, args: argparse.Namespace) -> None:
    settings = asdict(set_office_setting(db, args.key, args.value))
    if args.json:
        print_json(settings)
    else:
        print(f"已设置{SETTING_NAMES[args.key]}：{settings[args.key] or '（已清除）'}")


def add_settings_commands(sub: Any, add: AddCommand) -> None:
    """`kaohe settings show|set`."""
    grp = add_group(sub, "settings", "单位信息：发文/发证单位、文号前缀、联系人及电话、地址")
    add(grp, "show", cmd_show, "显示单位信息")
    sp = add(grp, "set", cmd_set, "设置一项单位信息（联系人、地址可设为空字符串以清除）")
    sp.add_argument("key", choices=list(SETTING_NAMES),
                    help="issuer 发文/发证单位，prefix 文号前缀，contact 联系人及电话，address 地址")
    sp.add_argument("value")
