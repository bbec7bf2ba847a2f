"""Property-based fuzzing of every importer through the command line (issue 14): workbooks
mutated at the byte, XML and cell level, and rubric JSON mutated at the text and value
level. Whatever the file: exit 0 or 2, never a traceback, and on refusal the database is
exactly as before. Example counts are modest so the suite stays fast."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from hostile_files import cell_xml, letter, xlsx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.sqlite_only(
    "each example starts from a pristine copy of the SQLite file; the importers check the file "
    "before the database is touched, the same on both")

FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

HEADERS = {
    "unit": ["编号", "名称", "所属街道", "电话"],
    "staff": ["编号", "姓名", "所属单位", "考勤号"],
    "attendance": ["登记号码", "姓名", "日期时间"],
    "scores": ["编号", "名称", "1.1 能够正常运转（20分）", "1.2.1 有专人负责（2分）"],
}

values = st.one_of(
    st.text(max_size=30), st.integers(-10**12, 10**12), st.floats(allow_nan=False),
    st.sampled_from(["FR01", "FR02", "2024-03-01 08:00", "NaN", "inf", "#DIV/0!", "=1+1",
                     "ＦＲ０１", "FR01\u200b", "王\u202e伟", "", " ", "是", "1E+30"]),
)
raw_cells = st.sampled_from([
    '<c r="{ref}"><v>NaN</v></c>', '<c r="{ref}" t="e"><v>#N/A</v></c>',
    '<c r="{ref}"><v>1E+308</v></c>', '<c r="{ref}" t="s"><v>99</v></c>',
    '<c r="{ref}" t="b"><v>7</v></c>', '<c r="{ref}" t="d"><v>not-a-date</v></c>',
    '<c r="{ref}"><v>', '<c r="XFD{row}"><v>1</v></c>',
    '<c r="{ref}" t="inlineStr"><is><t>&#xD800;</t></is></c>',
])


@st.composite
def sheets(draw, header: list[str]) -> str:
    rows = [header, *draw(st.lists(st.lists(values, min_size=0, max_size=len(header) + 1),
                                    max_size=6))]
    out = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, v in enumerate(row, start=1):
            ref = f"{letter(c)}{r}"
            if r > 1 and draw(st.integers(0, 9)) == 0:
                cells.append(draw(raw_cells).format(ref=ref, row=r))
            elif v not in ("", None):
                cells.append(cell_xml(ref, v))
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    return "".join(out)


@st.composite
def mutations(draw) -> tuple[str, int, bytes]:
    """How to damage the saved file: keep, truncate, flip bytes, or drop a zip member."""
    kind = draw(st.sampled_from(["keep", "keep", "truncate", "flip", "drop"]))
    return kind, draw(st.integers(0, 10_000)), draw(st.binary(min_size=1, max_size=8))


def damage(path: Path, how: tuple[str, int, bytes]) -> None:
    kind, at, junk = how
    data = bytearray(path.read_bytes())
    if kind == "truncate":
        path.write_bytes(bytes(data[:at % max(len(data), 1)]))
    elif kind == "flip":
        pos = at % max(len(data) - len(junk), 1)
        data[pos:pos + len(junk)] = junk
        path.write_bytes(bytes(data))
    elif kind == "drop":
        with zipfile.ZipFile(path) as zf:
            members = {i.filename: zf.read(i) for i in zf.infolist()}
        victim = sorted(members)[at % len(members)]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, body in members.items():
                if name != victim:
                    zf.writestr(name, body)


def outcome_ok(k, snapshot, args: list[object]) -> None:
    """`k` is the in-process `kaohe` of tests/cli/conftest.py, `snapshot` its table dump."""
    before = snapshot()
    r = k(*args)
    assert r.code in (0, 2), f"exit {r.code}: {r.err[-2000:]}"
    assert "Traceback" not in r.err, r.err
    if r.code == 2:
        assert r.err.strip(), "a refusal says why"
        assert snapshot() == before, "a refused import changed the database"


@pytest.fixture
def fuzz_db(small, db_path, tmp_path) -> tuple[Path, Path]:
    """A pristine copy of the `small` database that each example starts from."""
    pristine = tmp_path / "pristine.db"
    shutil.copy2(db_path, pristine)
    return pristine, db_path


def _fresh(fuzz_db: tuple[Path, Path]) -> Path:
    pristine, db = fuzz_db
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    shutil.copy2(pristine, db)
    return db


@pytest.mark.parametrize("command", list(HEADERS))
def test_fuzz_workbook_importers(command, small, fuzz_db, tmp_path, kaohe, snapshot):
    path = tmp_path / "fuzz.xlsx"

    @FUZZ
    @given(body=sheets(HEADERS[command]), how=mutations())
    def run(body: str, how: tuple[str, int, bytes]) -> None:
        _fresh(fuzz_db)
        xlsx(path, {"Sheet1" if command != "scores" else "评分表": body})
        damage(path, how)
        if command == "scores":
            outcome_ok(kaohe, snapshot, ["scores", "import", small.id, path, "--assessor", "张三"])
        elif command == "attendance":
            outcome_ok(kaohe, snapshot, ["attendance", "import", path])
        else:
            outcome_ok(kaohe, snapshot, [command, "import", path])

    run()


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**40, 10**40), st.floats(),
              st.text(max_size=20)),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.sampled_from(
                                   ["code", "title", "max", "children", "items", "kind", "levels",
                                    "step", "weight", "rules", "cap", "amounts", "scale", "name",
                                    "min", "version", "bonus", "grades", "consequences"]),
                                   children, max_size=5)),
    max_leaves=20)


def test_fuzz_rubric_import(small, fuzz_db, tmp_path, kaohe, snapshot):
    path = tmp_path / "fuzz.json"
    keys = ["code", "name", "version", "full_marks", "items", "bonus", "deduction", "veto",
            "grades", "consequences", "subject_kind"]

    @FUZZ
    @given(key=st.sampled_from(keys), value=json_values, item_key=st.sampled_from(
        ["code", "title", "max", "children", "kind", "step", "levels", "weight"]),
        cut=st.integers(0, 400), mode=st.sampled_from(["top", "item", "text-cut"]))
    def run(key: str, value: object, item_key: str, cut: int, mode: str) -> None:
        _fresh(fuzz_db)
        base = json.loads((tmp_path / "base.json").read_text(encoding="utf-8"))
        if mode == "top":
            base[key] = value
        elif mode == "item":
            base["items"][0][item_key] = value
        text = json.dumps(base, ensure_ascii=False, allow_nan=True)
        if mode == "text-cut":
            text = text[:cut * 37 % max(len(text), 1)]
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        outcome_ok(kaohe, snapshot, ["rubric", "import", path])

    _fresh(fuzz_db)
    kaohe.ok("rubric", "export", "CY2019", tmp_path / "base.json")
    run()
