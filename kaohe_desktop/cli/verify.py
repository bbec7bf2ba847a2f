"""Checking a printed document and handing out the key to check it with:

    kaohe verify CODE [--public-key FILE] [--json]
    kaohe key export [--out FILE]

CODE is the short code printed beside the QR code (KH000017-ABCD-EFGH-IJKL-MNOP) or what
the QR code holds (`-` reads it from standard input; the one-line form with “ | ” works
as an argument). A genuine document exits 0 and prints what it states; anything else
exits 2 saying why. With `--public-key` (another office's `kaohe key export`) a QR code
is checked offline without any database; a short code is checked against the register
of the database given with --db.

Neither command needs a login: a code states only what the paper already shows, and a
public key is public.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kaohe_desktop.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    AddCommand,
    add_group,
    print_json,
    print_problems,
)
from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services import office_key
from kaohe_desktop.services.database import Database
from kaohe_desktop.services.verification import VerifyResult, verify_code


def _code(args: argparse.Namespace) -> str:
    return sys.stdin.read() if args.code == "-" else args.code


def _report(result: VerifyResult, args: argparse.Namespace) -> int:
    if args.json:
        print_json(result.to_dict())
    else:
        head = "真实" if result.genuine else "不能证实为真"
        print(f"{head}：{result.reason}", file=sys.stdout if result.genuine else sys.stderr)
        if result.statement is not None:
            if not result.genuine:
                print("其上所称（未经证实）：")
            for label, value in result.statement.lines():
                print(f"  {label}  {value}")
    return EXIT_OK if result.genuine else EXIT_BAD_INPUT


def cmd_verify(db: Database, args: argparse.Namespace) -> None:
    key = office_key.load_public_key(args.public_key) if args.public_key else None
    code = _report(verify_code(_code(args), db=db, public_key=key), args)
    if code:
        raise SystemExit(code)


def verify_offline(args: argparse.Namespace) -> int | None:
    """A QR code checked with a given public key needs no database: the exit code, or
    None to go on through the database."""
    if not args.public_key:
        return None
    text = args.code = _code(args)  # standard input is read once
    if not text.strip().startswith("KAOHE-VERIFY") or getattr(args, "db", None):
        return None
    try:
        return _report(verify_code(text, public_key=office_key.load_public_key(args.public_key)), args)
    except InputError as exc:
        print_problems(exc)
        return EXIT_BAD_INPUT


def cmd_key_export(db: Database, args: argparse.Namespace) -> None:
    if args.out is None:
        sys.stdout.write(office_key.public_key_pem(db).decode())
        return
    path = office_key.export_public_key(db, args.out)
    if args.json:
        print_json({"public_key": str(path), "key_file": str(office_key.key_path(db))})
        return
    print(f"已导出本单位核验公钥：{path}（私钥不导出，仍在 {office_key.key_path(db)}）")


def add_verify_commands(sub: Any, add: AddCommand) -> None:
    """`kaohe verify` and `kaohe key export`."""
    sp = add(sub, "verify", cmd_verify, "核验文件：核验码或二维码全文是否为本单位（或给定公钥的单位）签发")
    sp.add_argument("code", help="核验码（KH000017-ABCD-EFGH-IJKL-MNOP）或二维码全文；- 从标准输入读")
    sp.add_argument("--public-key", type=Path,
                    help="其他单位导出的公钥文件（kaohe key export），离线核验二维码")
    sp.set_defaults(no_login=True, standalone=verify_offline)
    grp = add_group(sub, "key", "单位签名密钥：导出公钥")
    sp = add(grp, "export", cmd_key_export, "导出本单位的核验公钥（PEM），供他人离线核验")
    sp.add_argument("--out", type=Path, help="写到这个文件（不写则打印）")
    sp.set_defaults(no_login=True)
