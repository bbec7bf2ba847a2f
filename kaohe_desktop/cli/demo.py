"""`kaohe demo`: load the demonstration data into an empty database."""

from __future__ import annotations

import argparse
from typing import Any

from kaohe_desktop.cli.common import AddCommand
from kaohe_desktop.services import roster
from kaohe_desktop.services.database import Database
from kaohe_desktop.services.demo import load_demo


def cmd_demo(db: Database, args: argparse.Namespace) -> None:
    ids = load_demo(db)
    units = len(roster.list_units(db))
    staff = len(roster.list_staff(db))
    print(f"演示数据已装入：{units} 个便民服务站，{staff} 名工作人员，"
          f"年度考核编号 {ids['year']}（可运行 kaohe rank {ids['year']}）")


def add_demo_command(sub: Any, add: AddCommand) -> None:
    """`kaohe demo` on the top-level subparsers."""
    add(sub, "demo", cmd_demo, "装入演示数据（空数据库）")
