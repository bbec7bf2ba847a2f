"""The command line: `kaohe` alone opens the window; subcommands run the same use-cases.

This package builds the parser from one module per command group (each registers its
commands with a `add_…_commands(sub, add)` function) and runs the chosen command in
`main`. What the groups share — exit codes, errors, the parser class, printing — is in
`common`.

Exit codes: 0 success, 1 the database or a file could not be used, 2 bad input (one line
per problem on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from kaohe_desktop import __version__
from kaohe_desktop.cli.accounts import add_account_commands, login_from_args
from kaohe_desktop.cli.assessments import add_assessment_commands
from kaohe_desktop.cli.attendance import add_attendance_commands
from kaohe_desktop.cli.audit import add_audit_commands
from kaohe_desktop.cli.backup import add_backup_commands, run_on_file
from kaohe_desktop.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_OK,
    CliError,
    Parser,
    command_adder,
    print_problems,
    shared_options,
)
from kaohe_desktop.cli.demo import add_demo_command
from kaohe_desktop.cli.feedback import add_feedback_command
from kaohe_desktop.cli.packages import add_package_commands
from kaohe_desktop.cli.ranking import add_rank_command, add_ranking_commands
from kaohe_desktop.cli.reports import add_report_commands
from kaohe_desktop.cli.review import add_review_command
from kaohe_desktop.cli.roster import add_roster_commands
from kaohe_desktop.cli.rubrics import add_rubric_commands
from kaohe_desktop.cli.scoring import add_scoring_commands
from kaohe_desktop.cli.service import add_service_commands
from kaohe_desktop.cli.settings import add_settings_commands
from kaohe_desktop.cli.subjects import add_subject_commands
from kaohe_desktop.cli.verify import add_verify_commands
from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services.database import MigrationFailed, open_db
from kaohe_desktop.settings import DB_ENV, default_db_path, is_server_url

__all__ = ["EXIT_BAD_INPUT", "CliError", "build_parser", "main"]

# In this order in `kaohe --help` (and in the "invalid choice" list).
COMMAND_GROUPS = (
    add_demo_command,  # demo
    add_rubric_commands,  # rubric
    add_roster_commands,  # unit, staff
    add_assessment_commands,  # assessment
    add_scoring_commands,  # scores, event
    add_subject_commands,  # subject
    add_rank_command,  # rank
    add_review_command,  # review
    add_attendance_commands,  # attendance
    add_service_commands,  # service
    add_ranking_commands,  # annual, excellent, ranking, drill, grades
    add_report_commands,  # report, export
    add_feedback_command,  # feedback
    add_settings_commands,  # settings
    add_backup_commands,  # backup
    add_account_commands,  # account
    add_audit_commands,  # audit
    add_verify_commands,  # verify, key
    add_package_commands,  # package
)


def build_parser() -> argparse.ArgumentParser:
    p = Parser(prog="kaohe", description="便民服务站考核（不带子命令时打开窗口）",
               parents=[shared_options(defaults=True)])
    p.add_argument("--version", action="version", version=f"kaohe {__version__}")
    p.add_argument("--demo", action="store_true", help="打开演示数据库（没有就新建并装入演示数据）")
    sub = p.add_subparsers(dest="command", parser_class=Parser)
    add = command_adder(shared_options(defaults=False))
    for register in COMMAND_GROUPS:
        register(sub, add)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        from kaohe_desktop.ui.app import run_app  # Qt loads only when the window opens

        return run_app(args.db or os.environ.get(DB_ENV) or None, demo=args.demo)
    if (standalone := getattr(args, "standalone", None)) is not None \
            and (code := standalone(args)) is not None:
        return code  # kaohe verify with a public key: no database at all
    target = args.db or default_db_path()
    if getattr(args, "file_only", False) and not is_server_url(target):  # kaohe backup: also
        # on a file open_db refuses (a server database's backups go through open_db)
        return run_on_file(args, target)
    try:
        db = open_db(target)
    except MigrationFailed as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_FAILED
    except InputError as exc:  # a folder, a text file or a truncated database as --db
        print_problems(exc)
        return EXIT_BAD_INPUT
    try:
        if not getattr(args, "no_login", False):  # kaohe verify, key export: public
            login_from_args(db, args)  # with accounts in the database, every command logs in
        args.func(db, args)
    except InputError as exc:
        print_problems(exc)
        return EXIT_BAD_INPUT
    except CliError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return EXIT_OK
    except OSError as exc:
        print(f"错误：无法读写文件 {exc.filename or ''}：{exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        db.close()
    return EXIT_OK
