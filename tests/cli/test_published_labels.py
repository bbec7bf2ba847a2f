"""A published list keeps the names it was published with (issue: durability, item 6).

Renaming a person or moving them to another unit through a roster import after 公示 must
not change a published `rank --json`; a draft follows the roster, and reopening the
published assessment lets it follow the roster again.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl


def _labels(rows: list[dict]) -> dict[str, tuple[str, str]]:
    return {r["subject_code"]: (r["subject_name"], r["area"]) for r in rows}


def _shown(kaohe, aid: int) -> dict[str, tuple[str, str]]:
    return _labels(kaohe.json("ranking", aid))


def _publish(kaohe, aid: int) -> None:
    kaohe.ok("review", aid, "submit")
    kaohe.ok("review", aid, "approve", "--reason", "同意")
    kaohe.ok("review", aid, "publish", "--from", "2025-01-03", "--to", "2025-01-09")


def test_roster_import_after_publishing_leaves_the_published_list_alone(kaohe, tmp_path: Path):
    kaohe.ok("demo")
    ids = {a["period"]: a["id"] for a in kaohe.json("assessment", "list")}
    published, draft = ids["2024-10"], ids["2024-11"]
    _publish(kaohe, published)
    before = kaohe.json("rank", published)
    code = before[0]["subject_code"]
    shown_before = _shown(kaohe, published)
    old_name, old_area = shown_before[code]

    book = tmp_path / "人员.xlsx"
    kaohe.ok("staff", "export", str(book))
    wb = openpyxl.load_workbook(book)
    ws = wb.active
    header = [c.value for c in ws[1]]
    code_col, name_col = header.index("编号"), header.index("姓名")
    unit_col, unit_name_col = header.index("单位编号"), header.index("所属单位")
    other = next(r for r in ws.iter_rows(min_row=2, values_only=True)
                 if r[unit_col] != code.split("-")[0])
    for row in ws.iter_rows(min_row=2):
        if row[code_col].value == code:  # renamed and moved to another station
            row[name_col].value = "改名后"
            row[unit_col].value, row[unit_name_col].value = other[unit_col], other[unit_name_col]
    new_area = other[unit_name_col]
    wb.save(book)
    kaohe.ok("staff", "import", str(book))
    assert any(p["code"] == code and p["name"] == "改名后" for p in kaohe.json("staff", "list"))

    after = kaohe.json("rank", published)
    assert _shown(kaohe, published) == shown_before
    assert [(r["subject_code"], r["total"], r["rank"]) for r in after] == \
        [(r["subject_code"], r["total"], r["rank"]) for r in before]
    assert _shown(kaohe, draft)[code] == ("改名后", new_area) and new_area != old_area
    kaohe.ok("audit", "verify")  # the chain, and the seal of what was printed, still hold

    kaohe.ok("review", published, "reopen", "--reason", "更正姓名", "--admin")
    assert _shown(kaohe, published)[code] == ("改名后", new_area) != (old_name, old_area)

