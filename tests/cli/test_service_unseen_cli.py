"""`kaohe service import` on exports in layouts no other test has seen
(tests/fixtures/service/unseen): every one found, summarised and previewed without writing;
an unknown layout refused (exit 2) with what it lacks and where to map it; the hotline's
complaints counted per unit after a real import."""

from __future__ import annotations

import pytest
from service_data import FIX, load_roster

UNSEEN = FIX / "unseen"

SUMMARIES = {
    "banjian_shenban_hebing_2024-07.xlsx":
        "办件记录，工作表“办件明细”表头第3–4行（合并表头），2024-07-02～2024-07-10；"
        "共 6 行，新增 6 条，已有 0 条，文件内重复 0 条",
    "banjian_banshiguocheng_2024-07.xlsx":
        "办件记录，工作表“办事过程数据”表头第1行，2024-07-15～2024-07-18；共 5 行，新增 5 条，"
        "已有 0 条，文件内重复 0 条",
    "daiban_laoxitong_2024-08.xls":
        "办件记录，工作表“Sheet1”表头第2行，2024-08-01～2024-08-06；共 4 行，新增 4 条，已有 0 条，"
        "文件内重复 0 条",
    "banjian_wangye_2024-09.xls":
        "办件记录，工作表“表1”表头第2行，2024-09-02～2024-09-20；共 4 行，新增 4 条，已有 0 条，"
        "文件内重复 0 条",
    "banjian_anyue_2024-Q3.xlsx":
        "办件记录，工作表“7月”、“8月”、“9月”表头第2行，2024-07-01～2024-09-27；共 6 行，新增 5 条，"
        "已有 0 条，文件内重复 1 条",
    "donghu_yuebao_2024-09.xlsx":
        "办件记录，工作表“办件”表头第1行，2024-09-10～2024-09-11；共 2 行，新增 2 条，已有 0 条，"
        "文件内重复 0 条；工作表“评价”是好差评记录，未读取，请另行导入（命令行加 --kind ratings）",
    "pingjia_xingji_2024-07.xlsx":
        "好差评记录，工作表“评价明细”表头第2行，2024-07-02～2024-07-23；共 8 行，新增 8 条，"
        "已有 0 条，文件内重复 0 条",
    "haochaping_liangbiao_2024-08.xlsx":
        "好差评记录，工作表“评价明细”表头第1行，2024-08-01～2024-08-08；共 5 行，新增 5 条，"
        "已有 0 条，文件内重复 0 条",
    "pingjia_wps_2024-09.ods":
        "好差评记录，工作表“评价列表”表头第1行，2024-09-05～2024-09-18；共 3 行，新增 3 条，"
        "已有 0 条，文件内重复 0 条",
    "pingjia_xmlbiaoge_2024-08.xls":
        "好差评记录，工作表“评价明细”表头第2行，2024-08-02～2024-08-12；共 3 行，新增 3 条，"
        "已有 0 条，文件内重复 0 条",
    "gongdan_12345_2024-07.xlsx":
        "投诉记录，工作表“工单列表”表头第3行，2024-07-09～2024-07-22；共 7 行，新增 3 条，"
        "已有 0 条，文件内重复 0 条，跳过 4 条非投诉诉求",
    "tousu_taizhang_2024-09.csv":
        "投诉记录，工作表“Sheet1”表头第2行，2024-09-03～2024-09-25；共 4 行，新增 4 条，"
        "已有 0 条，文件内重复 0 条",
}
TABLES = ("service_request", "service_rating", "service_complaint")


@pytest.fixture
def roster(db_path) -> None:
    from kaohe_desktop.services.database import open_db

    db = open_db(str(db_path))
    try:
        load_roster(db)
    finally:
        db.close()


@pytest.mark.parametrize("name", sorted(SUMMARIES))
def test_dry_run_of_each_unseen_layout(kaohe, roster, rows_in, name):
    r = kaohe.ok("service", "import", UNSEEN / name, "--dry-run")
    assert r.out.splitlines() == [f"{name}：{SUMMARIES[name]}", "（试运行，未写入）"]
    assert [rows_in(t) for t in TABLES] == [0, 0, 0]


def test_an_unknown_layout_is_refused_with_what_to_do(kaohe, roster, rows_in):
    r = kaohe("service", "import", UNSEEN / "ziding_geshi.xlsx")
    assert r.code == 2 and "Traceback" not in r.err
    assert r.err_lines == [
        "错误：ziding_geshi.xlsx，值“单据号|日子|打分|谁办的|备注”：没有找到办件、好差评或投诉记录的表头"
        "（需要编号列，如 办件编号/申报号、评价编号、投诉编号，及时间列，如 受理时间、评价时间、投诉时间）；"
        "请在窗口“服务记录”页导入并用“指定列”对应各列（按表头记住，之后命令行导入同样表头的文件也会使用），"
        "或把表头改成上述名称（未写入任何数据）"]
    assert [rows_in(t) for t in TABLES] == [0, 0, 0]


def test_hotline_complaints_imported_and_counted_per_unit(kaohe, roster, rows_in):
    r = kaohe.ok("service", "import", UNSEEN / "gongdan_12345_2024-07.xlsx")
    assert r.out.splitlines()[-1] == "已导入：新增 3 条"
    assert rows_in("service_complaint") == 3
    rows = {u["code"]: (u["complaints"], u["valid_complaints"])
            for u in kaohe.json("service", "measures", "--period", "2024-07", "--by", "unit")}
    assert (rows["HL01"], rows["HL02"], rows["HL03"]) == ((1, 0), (1, 1), (1, 0))
    again = kaohe.ok("service", "import", UNSEEN / "gongdan_12345_2024-07.xlsx")
    assert "新增 0 条，已有 3 条" in again.out and rows_in("service_complaint") == 3


def test_a_later_export_completes_what_an_earlier_left_open(kaohe, roster, tmp_path):
    """June's export had a 办件 still 办理中; July's has it 已办结: the import says so and
    the 办结 is counted."""
    from openpyxl import Workbook

    header = ["办件编号", "事项名称", "受理人", "工号", "受理时间", "承诺时限", "办结时间", "办理状态"]

    def export(name, finished, status):
        wb = Workbook()
        wb.active.append(header)
        wb.active.append(["BJ1", "居住证办理", "林志强", "0101", "2024-06-25 09:00", 5, finished, status])
        wb.save(tmp_path / name)
        return tmp_path / name

    kaohe.ok("service", "import", export("6月.xlsx", None, "办理中"))
    r = kaohe.ok("service", "import", export("7月.xlsx", "2024-07-02 15:00", "已办结"))
    assert "补全已有记录 1 条（办结时间、办理状态）" in r.out.splitlines()[0]
    assert r.out.splitlines()[-1] == "已导入：新增 0 条，补全已有记录 1 条"
    july = {m["code"]: m for m in kaohe.json("service", "measures", "--period", "2024-07")}
    assert (july["0101"]["finished"], july["0101"]["on_time"]) == (1, 1)
