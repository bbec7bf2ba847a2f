"""Shared setup for the command-line tests.

The CLI runs in-process (`kaohe_desktop.cli.main`) on a fresh SQLite file per test — or a
fresh PostgreSQL database when KAOHE_TEST_DATABASE_URL is set (tests/backends.py): then
`db_path` is a `ServerDb` whose str() is the URL and whose `.parent` is the test's folder.
The database is inspected with a plain driver connection (stdlib `sqlite3`, or psycopg),
workbooks are real .xlsx files written with openpyxl. No mocks.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from backends import ServerDb, raw_connect, table_rows
from openpyxl import Workbook, load_workbook

from kaohe_desktop.cli import main

UNITS = [
    ("FR01", "东风社区便民服务站"),
    ("FR02", "向阳社区便民服务站"),
    ("FR03", "红旗社区便民服务站"),
    ("FR04", "新华社区便民服务站"),
]
AREA = "芙蓉街道"


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]

    def json(self) -> Any:
        return json.loads(self.out)


class Kaohe:
    """`kaohe --db <file> …` run in-process; output captured with capsys (or, for the
    session-wide prebuilt databases, with redirected sys.stdout/sys.stderr)."""

    def __init__(self, db: Path | ServerDb, capsys: pytest.CaptureFixture[str] | None = None) -> None:
        self.db = db
        self.capsys = capsys

    def _main(self, argv: list[str]) -> int:
        try:
            return main(argv)
        except SystemExit as exc:  # argparse errors and --version
            return exc.code if isinstance(exc.code, int) else 1

    def __call__(self, *args: object) -> Result:
        argv = ["--db", str(self.db), *(str(a) for a in args)]
        if self.capsys is None:
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = self._main(argv)
            return Result(code, out.getvalue(), err.getvalue())
        self.capsys.readouterr()  # drop anything printed before
        code = self._main(argv)
        out, err = self.capsys.readouterr()
        return Result(code, out, err)

    def ok(self, *args: object) -> Result:
        r = self(*args)
        assert r.code == 0, f"kaohe {' '.join(map(str, args))} → {r.code}\n{r.err}"
        assert "Traceback" not in r.err
        return r

    def json(self, *args: object) -> Any:
        return self.ok(*args, "--json").json()


class Prebuilt:
    """Databases (and files beside them) built once per session by CLI commands, then
    copied for each test that wants one: the tests stay independent but fast."""

    def __init__(self, root: Path, server: Any = None) -> None:
        self.root = root
        self.server = server  # tests/backends.Server on a PostgreSQL run
        self.built: dict[str, Any] = {}
        self.databases: dict[str, ServerDb] = {}

    def restore(self, name: str, build: Callable[[Kaohe, Path], Any], db: Path | ServerDb) -> Any:
        folder = self.root / name
        if name not in self.built:
            folder.mkdir()
            where: Path | ServerDb = folder / "kaohe.db"
            if isinstance(db, ServerDb):
                where = self.databases[name] = ServerDb(self.server.fresh(), folder)
            self.built[name] = build(Kaohe(where), folder)
        if isinstance(db, ServerDb):
            self.server.copy(self.databases[name].url, db.url)
        else:
            src, dst = sqlite3.connect(folder / "kaohe.db"), sqlite3.connect(db)
            try:
                src.backup(dst)
            finally:
                src.close()
                dst.close()
        for f in folder.iterdir():
            if f.is_file() and not f.name.startswith("kaohe.db"):
                shutil.copy2(f, db.parent / f.name)
        return self.built[name]


@pytest.fixture(scope="session")
def prebuilt(tmp_path_factory: pytest.TempPathFactory, pg_server) -> Prebuilt:
    return Prebuilt(tmp_path_factory.mktemp("prebuilt"), pg_server)


@pytest.fixture
def db_path(tmp_path: Path, db_target) -> Path | ServerDb:
    """The test's database: a file path, or (PostgreSQL run) a fresh server database."""
    return ServerDb(db_target, tmp_path) if "://" in str(db_target) else db_target


@pytest.fixture
def kaohe(db_path: Path, capsys: pytest.CaptureFixture[str]) -> Kaohe:
    return Kaohe(db_path, capsys)


def table_snapshot(db: Path | ServerDb) -> dict[str, list[tuple]]:
    """Every row of every table."""
    if isinstance(db, ServerDb):
        return table_rows(db)
    assert db.is_file() and db.stat().st_size > 0, f"no database yet at {db}: run a command first"
    con = sqlite3.connect(db)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name")]
        return {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
                for t in tables}
    finally:
        con.close()


@pytest.fixture
def snapshot(db_path: Path) -> Callable[[], dict[str, list[tuple]]]:
    return lambda: table_snapshot(db_path)


def count_rows(db: Path | ServerDb, table: str) -> int:
    con = raw_connect(db)
    try:
        return con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def rows_in(db_path: Path) -> Callable[[str], int]:
    return lambda table: count_rows(db_path, table)


@dataclass(frozen=True)
class Small:
    """An assessment of 4 units (CY2019, 2024, one group 第一组 of role 上级)."""

    id: int
    units: list[tuple[str, str]]


TEMPLATE = "评分表模板.xlsx"


def build_units4(k: Kaohe, folder: Path) -> list[tuple[str, str]]:
    for code, name in UNITS:
        k.ok("unit", "add", name, "--code", code, "--area", AREA)
    return list(UNITS)


def build_small(k: Kaohe, folder: Path) -> Small:
    build_units4(k, folder)
    r = k.ok("assessment", "create", "--rubric", "CY2019", "--period", "2024",
             "--subjects", "units", "--group", "第一组:上级")
    small = Small(int(r.out.strip().splitlines()[0]), list(UNITS))
    k.ok("scores", "template", small.id, folder / TEMPLATE)
    return small


@pytest.fixture
def units4(prebuilt: Prebuilt, db_path: Path) -> list[tuple[str, str]]:
    """Four units FR01…FR04 in 芙蓉街道, added with `kaohe unit add`."""
    return prebuilt.restore("units4", build_units4, db_path)


@pytest.fixture
def small(prebuilt: Prebuilt, db_path: Path) -> Small:
    """The four units and a draft CY2019 assessment of them (2024, group 第一组:上级);
    its blank score template lies beside the database (fixture `template`)."""
    return prebuilt.restore("small", build_small, db_path)


# ----------------------------------------------------------------------------- workbooks


def write_rows(path: Path, rows: Sequence[Sequence[object]], title: str = "Sheet1") -> Path:
    """A one-sheet workbook with exactly these rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def fill_template(template: Path, out: Path,
                  values: dict[tuple[str, str], object]) -> Path:
    """Fill (subject code, item code) → value into a score template from `kaohe scores
    template`, found by the 编号 column and the item code that starts each header."""
    wb = load_workbook(template)
    ws = wb["评分表"]
    columns = {}
    for cell in ws[2]:
        if cell.value and cell.column > 2 and cell.value != "合计":
            columns[str(cell.value).split(" ", 1)[0]] = cell.column
    rows = {ws.cell(r, 1).value: r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value}
    for (subject, item), value in values.items():
        ws.cell(rows[subject], columns[item], value)
    wb.save(out)
    return out


@pytest.fixture
def template(small: Small, db_path: Path) -> Path:
    """The blank template `kaohe scores template` wrote for the `small` assessment."""
    return db_path.parent / TEMPLATE


class Books:
    """Workbook helpers for the tests (conftest modules cannot be imported by name)."""

    write_rows = staticmethod(write_rows)
    fill_template = staticmethod(fill_template)


@pytest.fixture
def books() -> type[Books]:
    return Books


@pytest.fixture(scope="session")
def build_small_fn() -> Callable[[Kaohe, Path], Small]:
    """`build_small` for test modules building their own prebuilt databases on it."""
    return build_small
