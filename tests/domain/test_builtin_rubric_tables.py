"""Hold the built-in rubric data files against the reference tables.

The reference is ``tests/reference/rubrics.md``, a copy of
``shared/reference/rubrics.md`` (which restates the rules of the seed text
``shared/seeds/000_6f8db20efcdba259.txt`` as structured facts).  This module
parses the markdown tables of its sections A-D and checks that each JSON file
in ``resources/rubrics/`` matches them item for item: same codes, same titles,
same maxima, parents equal to the sum of their children, and (for CY2019) the
bonus and deduction rules with their amounts and caps.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUBRIC_DIR = ROOT / "resources" / "rubrics"
REFERENCE = ROOT / "tests" / "reference" / "rubrics.md"

# Section letter of rubrics.md -> built-in rubric code (also checked against the heading).
SECTIONS = {"A": "CY2019", "B": "FRNL", "C": "VILLAGE-ATT", "D": "WINDOW-STAFF"}
LEAF_KINDS = {"points", "yesno", "level", "derived"}


# --------------------------------------------------------------------------
# Markdown parsing
# --------------------------------------------------------------------------

def _sections() -> dict[str, dict]:
    """Split rubrics.md into its ``## X.`` sections."""
    text = REFERENCE.read_text(encoding="utf-8")
    out: dict[str, dict] = {}
    parts = re.split(r"^## ", text, flags=re.M)
    for part in parts[1:]:
        heading, _, body = part.partition("\n")
        m = re.match(r"([A-Z])\.\s+(.+)$", heading.strip())
        if not m:
            continue
        letter, rest = m.groups()
        out[letter] = {"heading": rest, "body": body}
    return out


def _tables(body: str) -> list[tuple[list[str], list[list[str]]]]:
    """Every pipe table in *body* as (header cells, data rows)."""
    tables = []
    block: list[str] = []
    for line in [*body.splitlines(), ""]:
        if line.strip().startswith("|"):
            block.append(line.strip())
            continue
        if block:
            rows = [[c.strip() for c in row.strip("|").split("|")] for row in block]
            header, data = rows[0], rows[1:]
            if data and all(re.fullmatch(r":?-+:?", c) for c in data[0]):
                data = data[1:]
            tables.append((header, data))
            block = []
    return tables


def _table(section: dict, header: list[str]) -> list[list[str]]:
    found = [rows for head, rows in _tables(section["body"]) if head == header]
    assert len(found) == 1, f"expected one table {header} in section {section['heading']!r}"
    return found[0]


def _number(text: str):
    value = float(text)
    return int(value) if value.is_integer() else value


def _heading_info(section: dict) -> tuple[str, str, str]:
    """(Chinese name, subject kind, code) from a heading like
    ``名称 (unit rubric, built-in, code `CY2019`)``."""
    m = re.match(r"(.+?) \((unit|staff) rubric, built-in, code `([^`]+)`\)\s*$", section["heading"])
    assert m, f"unexpected heading {section['heading']!r}"
    return m.group(1), m.group(2), m.group(3)


def _with_leafness(items: dict[str, tuple[str, object]]) -> dict[str, tuple[str, object, bool]]:
    """Add 'is leaf' to {code: (title, max)}: a code is a leaf if no other code extends it."""
    return {
        code: (title, mx, not any(other.startswith(code + ".") for other in items))
        for code, (title, mx) in items.items()
    }


def expected_items(letter: str) -> dict[str, tuple[str, object, bool]]:
    """{code: (title, max, is_leaf)} as the reference states it."""
    section = _sections()[letter]
    if letter in ("A", "B"):
        rows = _table(section, ["code", "item", "max"])
        return _with_leafness({code: (item, _number(mx)) for code, item, mx in rows})
    if letter == "C":
        rows = _table(section, ["code", "item", "seed", "default max"])
        # The item cell may carry an English note after " — "; the title is the Chinese part.
        return _with_leafness(
            {code: (item.split(" — ")[0].strip(), _number(mx)) for code, item, _seed, mx in rows}
        )
    if letter == "D":
        names = _window_staff_items(section)
        full = _window_staff_levels(section)[1]
        return {code: (name, full, True) for code, name in names}
    raise KeyError(letter)


def _window_staff_items(section: dict) -> list[tuple[str, str]]:
    line = next(ln for ln in section["body"].splitlines() if ln.startswith("1 "))
    line = line.strip().rstrip(".")
    items = []
    for chunk in line.split(", "):
        code, _, name = chunk.strip().partition(" ")
        items.append((code, name.strip()))
    return items


def _window_staff_levels(section: dict) -> tuple[list[tuple[str, object]], object]:
    """([(level name, points)], full points of an item) from section D's text."""
    body = section["body"]
    names = [n.strip() for n in re.search(r"rated (.+?) \(level", body).group(1).split("/")]
    m = re.search(r"default ([\d /.]+?) of (\d+)", body)
    points = [_number(p) for p in m.group(1).split("/")]
    assert len(names) == len(points)
    return list(zip(names, points, strict=False)), _number(m.group(2))


def _range(cell: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d+)\s*[–-]\s*(\d+)", cell)
    assert m, cell
    return int(m.group(1)), int(m.group(2))


def _amounts(cell: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", cell.split("(")[0])]


# --------------------------------------------------------------------------
# JSON helpers
# --------------------------------------------------------------------------

def load(code: str) -> dict:
    path = RUBRIC_DIR / f"{code}.json"
    raw = path.read_text(encoding="utf-8")
    assert "\\u" not in raw, f"{path.name}: write Chinese text unescaped (ensure_ascii=False)"
    return json.loads(raw)


def walk(items: list[dict]):
    for item in items:
        yield item
        yield from walk(item.get("children", []))


def flatten(doc: dict) -> dict[str, tuple[str, object, bool]]:
    out = {}
    for item in walk(doc["items"]):
        assert item["code"] not in out, f"duplicate item code {item['code']}"
        out[item["code"]] = (item["title"], item["max"], "children" not in item)
    return out


# --------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------

@pytest.mark.parametrize("letter, code", sorted(SECTIONS.items()))
def test_header_matches_reference(letter, code):
    name, subject, ref_code = _heading_info(_sections()[letter])
    doc = load(code)
    assert ref_code == code
    assert doc["code"] == code
    assert doc["name"] == name
    assert doc["subject_kind"] == subject
    assert doc["version"] == 1
    assert doc["full_marks"] == 100
    assert isinstance(doc["source"], str) and doc["source"].strip()
    assert doc["veto"] == []


@pytest.mark.parametrize("letter, code", sorted(SECTIONS.items()))
def test_items_match_reference_table(letter, code):
    expected = expected_items(letter)
    actual = flatten(load(code))
    assert set(actual) == set(expected), "item codes differ from the reference table"
    for item_code in sorted(expected):
        e_title, e_max, e_leaf = expected[item_code]
        a_title, a_max, a_leaf = actual[item_code]
        assert a_title == e_title, f"{code} {item_code}: title"
        assert a_max == e_max, f"{code} {item_code}: max"
        assert type(a_max) is type(e_max), f"{code} {item_code}: max should be {type(e_max).__name__}"
        assert a_leaf == e_leaf, f"{code} {item_code}: leaf/parent"


@pytest.mark.parametrize("code", sorted(SECTIONS.values()))
def test_tree_is_consistent(code):
    doc = load(code)
    assert sum(i["max"] for i in doc["items"]) == doc["full_marks"]
    for item in walk(doc["items"]):
        assert isinstance(item.get("description", ""), str)
        if "children" in item:
            assert "kind" not in item, f"{item['code']}: a parent has no kind"
            assert item["children"], f"{item['code']}: empty children"
            assert item["max"] == sum(c["max"] for c in item["children"]), item["code"]
            for child in item["children"]:
                assert child["code"].startswith(item["code"] + "."), child["code"]
            continue
        assert item["kind"] in LEAF_KINDS, item["code"]
        assert item["max"] > 0, item["code"]
        if item["kind"] == "points":
            assert item["step"] == 0.1, item["code"]
        if item["kind"] == "level":
            points = [lv["points"] for lv in item["levels"]]
            assert points[0] == item["max"], item["code"]
            assert points == sorted(points, reverse=True), item["code"]
        if item["kind"] == "derived":
            assert isinstance(item["rule"], dict) and item["rule"].get("source"), item["code"]


@pytest.mark.parametrize("code", sorted(SECTIONS.values()))
def test_grade_scale_shape(code):
    grades = load(code)["grades"]
    assert grades["mode"] == "threshold"
    mins = [g["min"] for g in grades["scale"]]
    assert mins == sorted(mins, reverse=True) and len(set(mins)) == len(mins)
    assert mins[-1] == 0
    assert len({g["name"] for g in grades["scale"]}) == len(mins)


def test_cy2019_leaves_are_points():
    for item in walk(load("CY2019")["items"]):
        if "children" not in item:
            assert item["kind"] == "points" and item["step"] == 0.1, item["code"]


def test_cy2019_bonus_matches_reference():
    section = _sections()["A"]
    rows = _table(section, ["code", "item", "points"])
    caps = [int(c) for c in re.findall(r"cap(?:ped at| of)\s+\*\*(\d+)\*\*", section["body"])]
    assert len(caps) == 2, "expected bonus and deduction caps in section A"
    bonus = load("CY2019")["bonus"]
    assert bonus["cap"] == caps[0] == 10
    assert "创新工作" in bonus["title"]
    assert [r["code"] for r in bonus["rules"]] == [row[0] for row in rows]
    for rule, (rcode, title, points) in zip(bonus["rules"], rows, strict=False):
        lo, hi = _range(points)
        assert rule["title"] == title, rcode
        assert (rule["min"], rule["max"], rule["step"]) == (lo, hi, 1), rcode


def test_cy2019_deduction_matches_reference():
    section = _sections()["A"]
    rows = _table(section, ["code", "item", "per occurrence"])
    caps = [int(c) for c in re.findall(r"cap(?:ped at| of)\s+\*\*(\d+)\*\*", section["body"])]
    deduction = load("CY2019")["deduction"]
    assert deduction["cap"] == caps[1] == 10
    assert deduction["title"] == "减分事项"
    assert [r["code"] for r in deduction["rules"]] == [row[0] for row in rows]
    for rule, (rcode, title, amounts) in zip(deduction["rules"], rows, strict=False):
        assert rule["title"] == title, rcode
        assert rule["amounts"] == _amounts(amounts), rcode


@pytest.mark.parametrize("code", ["FRNL", "VILLAGE-ATT", "WINDOW-STAFF"])
def test_no_bonus_or_deduction_where_seed_has_none(code):
    doc = load(code)
    for part in ("bonus", "deduction"):
        assert doc[part]["cap"] == 0
        assert doc[part]["rules"] == []
        assert isinstance(doc[part]["title"], str)


def test_frnl_grades_match_reference():
    body = _sections()["B"]["body"]
    names = [n.strip() for n in re.search(r"Grades \(定档\): (.+?)\.", body).group(1).split("/")]
    cuts = [int(n) for n in re.search(r"ship thresholds ([\d /]+?) as", body).group(1).split("/")]
    scale = load("FRNL")["grades"]["scale"]
    assert [g["name"] for g in scale] == names
    assert [g["min"] for g in scale] == [*cuts, 0]


def test_village_att_grades_and_attendance_rule():
    body = _sections()["C"]["body"]
    listed = re.search(r"Grades: five — (.+?)\.", body).group(1).split("、")
    names = [re.sub(r".*（read as (.+)）", r"\1", n.strip()) for n in listed]
    doc = load("VILLAGE-ATT")
    assert [g["name"] for g in doc["grades"]["scale"]] == names
    assert len(names) == 5 and "基本合格" in names
    attendance = next(i for i in doc["items"] if i["code"] == "1")
    assert attendance["kind"] == "derived"
    assert attendance["rule"] == {
        "source": "attendance", "late": 1, "early": 1, "missing": 0.5, "absent_day": 3}
    for item in doc["items"][1:]:
        assert item["kind"] == "points"


def test_window_staff_levels_match_reference():
    levels, full = _window_staff_levels(_sections()["D"])
    for item in load("WINDOW-STAFF")["items"]:
        assert item["kind"] == "level"
        assert item["max"] == full
        assert [(lv["name"], lv["points"]) for lv in item["levels"]] == levels, item["code"]
