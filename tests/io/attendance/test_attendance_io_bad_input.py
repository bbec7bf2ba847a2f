"""Files and cells that cannot be read: a clear message naming the file, and for a cell the
row, column and value, never a silent guess."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, timedelta

import pytest
from attendance_builders import encrypted_xlsx, xlsx

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.io.attendance import detect_format, read_attendance

HEADER = ["部门", "姓名", "登记号码", "日期时间", "机器号"]


def log(tmp_path, *rows, name="考勤记录.xlsx"):
    return xlsx(tmp_path / name, [HEADER, *[list(r) for r in rows]])


def only_problem(parsed):
    assert len(parsed.problems) == 1, [p.line() for p in parsed.problems]
    return parsed.problems[0]


def test_text_file_renamed_xlsx(tmp_path):
    path = tmp_path / "考勤.xlsx"
    path.write_text("这是一份会议纪要，不是考勤表。\n第二行。\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_attendance(path)
    assert "考勤.xlsx" in str(err.value) and "不是电子表格" in str(err.value)
    assert detect_format(path) == "unknown"


def test_word_document_renamed_xlsx(tmp_path):
    path = tmp_path / "六月考勤.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(InputError) as err:
        read_attendance(path)
    assert "六月考勤.xlsx" in str(err.value) and "Word" in str(err.value)
    with pytest.raises(InputError, match="Word"):
        detect_format(path)


def test_encrypted_workbook(tmp_path):
    path = encrypted_xlsx(tmp_path / "加密.xlsx")
    with pytest.raises(InputError) as err:
        read_attendance(path)
    assert "加密.xlsx" in str(err.value) and "密码" in str(err.value)


def test_encrypted_builder_is_a_real_ole_file(tmp_path):
    olefile = pytest.importorskip("olefile")
    path = encrypted_xlsx(tmp_path / "加密.xlsx")
    assert olefile.isOleFile(str(path))
    with olefile.OleFileIO(str(path)) as ole:
        assert ole.exists("EncryptedPackage") and ole.exists("EncryptionInfo")


@pytest.mark.parametrize("content,words", [
    (b"", "空的"),
    (b"PK\x03\x04broken zip", "损坏"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "不是电子表格"),
])
def test_empty_damaged_or_binary(tmp_path, content, words):
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    with pytest.raises(InputError, match=words):
        read_attendance(path)


def test_truncated_workbook(tmp_path, fixtures):
    data = (fixtures / "zkteco_punch_log.xlsx").read_bytes()
    path = tmp_path / "下载一半.xlsx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as err:
        read_attendance(path)
    assert "下载一半.xlsx" in str(err.value) and "损坏" in str(err.value)


def test_sheet_with_no_recognisable_columns(tmp_path):
    path = xlsx(tmp_path / "名单.xlsx", [["序号", "单位", "电话"], [1, "城关站", "0731-1"]])
    assert detect_format(path) == "unknown"
    with pytest.raises(InputError) as err:
        read_attendance(path)
    message = str(err.value)
    assert "名单.xlsx" in message and "找不到可识别的考勤列" in message
    for looked_for in ("登记号码", "日期时间", "考勤日期", "打卡时间", "账号", "刷卡记录", "列对应"):
        assert looked_for in message


def test_header_without_data(tmp_path):
    path = log(tmp_path)
    with pytest.raises(InputError, match="没有任何考勤数据"):
        read_attendance(path)


def test_impossible_time(tmp_path):
    parsed = read_attendance(log(tmp_path, ["窗口", "周建国", 101, "2024/06/03 08:30:00", 1],
                                 ["窗口", "周建国", 101, "2024/06/03 25:61:00", 1]))
    problem = only_problem(parsed)
    assert (problem.row, problem.column, problem.value) == (3, "D（日期时间）", "2024/06/03 25:61:00")
    assert "时间不存在" in problem.reason
    line = problem.line()
    assert "第 3 行" in line and "列“D（日期时间）”" in line and "25:61" in line and "考勤记录.xlsx" in line
    assert len(parsed.punches) == 1                       # the readable row is still there


def test_impossible_time_in_a_time_cell(tmp_path):
    rows = [["考勤号", "姓名", "日期", "上班打卡", "下班打卡", "请假类型", "请假天数"],
            ["0101", "周建国", "2024-06-03", "08:55", "25:61", "", ""]]
    parsed = read_attendance(xlsx(tmp_path / "t.xlsx", rows, sheet="考勤记录"))
    problem = only_problem(parsed)
    assert (problem.row, problem.column, problem.value) == (2, "E（下班打卡）", "25:61")
    assert parsed.days == []                              # the day is not half-read


def test_text_where_a_time_should_be(tmp_path):
    parsed = read_attendance(log(tmp_path, ["窗口", "吴晓燕", 102, "上午忘记打卡", 1],
                                 ["窗口", "吴晓燕", 102, "2024/06/03 17:40:00", 1]))
    problem = only_problem(parsed)
    assert (problem.row, problem.column, problem.value) == (2, "D（日期时间）", "上午忘记打卡")
    assert "不是日期时间" in problem.reason


def test_future_date(tmp_path):
    tomorrow = datetime.combine(date.today() + timedelta(days=1), datetime.min.time()).replace(hour=8)
    parsed = read_attendance(log(tmp_path, ["窗口", "郑海", 103, "2024/06/03 08:30:00", 1],
                                 ["窗口", "郑海", 103, tomorrow.strftime("%Y/%m/%d %H:%M:%S"), 1]))
    problem = only_problem(parsed)
    assert (problem.row, problem.column) == (3, "D（日期时间）")
    assert problem.value == tomorrow.strftime("%Y/%m/%d %H:%M:%S")
    assert "今天" in problem.reason
    assert [p.at.year for p in parsed.punches] == [2024]


def test_far_past_date(tmp_path):
    parsed = read_attendance(log(tmp_path, ["窗口", "郑海", 103, "1999/12/31 08:30:00", 1],
                                 ["窗口", "郑海", 103, "2024/06/03 08:30:00", 1]))
    problem = only_problem(parsed)
    assert (problem.row, problem.value) == (2, "1999/12/31 08:30:00") and "2000" in problem.reason


def test_one_id_two_names(tmp_path):
    parsed = read_attendance(log(tmp_path,
                                 ["窗口", "周建国", 101, "2024/06/03 08:30:00", 1],
                                 ["窗口", "周建国", 101, "2024/06/03 17:40:00", 1],
                                 ["窗口", "周建华", 101, "2024/06/04 08:30:00", 1],
                                 ["窗口", "周建华", 101, "2024/06/04 17:40:00", 1]))
    problem = only_problem(parsed)                        # once per name, at its first row
    assert (problem.row, problem.column, problem.value) == (4, "B（姓名）", "周建华")
    assert "101" in problem.reason and "第 2 行" in problem.reason and "周建国" in problem.reason


def test_same_person_with_spaced_or_dotted_name_is_not_a_conflict(tmp_path):
    parsed = read_attendance(log(tmp_path,
                                 ["窗口", "买买提·艾力", 104, "2024/06/03 08:30:00", 1],
                                 ["窗口", "买买提•艾力 ", 104, "2024/06/03 17:40:00", 1]))
    assert parsed.problems == []


def test_exact_duplicate_rows_collapse_minute_apart_do_not(tmp_path):
    parsed = read_attendance(log(tmp_path,
                                 ["窗口", "吴晓燕", 102, "2024/06/05 08:41:00", 1],
                                 ["窗口", "吴晓燕", 102, "2024/06/05 08:41:00", 1],
                                 ["窗口", "吴晓燕", 102, "2024/06/05 08:42:00", 1],
                                 ["窗口", "吴晓燕", 102, datetime(2024, 6, 5, 8, 42), 1]))
    assert [p.at.strftime("%H:%M") for p in parsed.punches] == ["08:41", "08:42"]
    assert parsed.problems == []


def test_row_with_time_but_no_person(tmp_path):
    parsed = read_attendance(log(tmp_path, ["窗口", "", "", "2024/06/03 08:30:00", 1],
                                 ["窗口", "郑海", 103, "2024/06/03 17:30:00", 1]))
    problem = only_problem(parsed)
    assert problem.row == 2 and "没有考勤号也没有姓名" in problem.reason


def test_attlog_bad_lines(tmp_path):
    path = tmp_path / "1_attlog.dat"
    path.write_bytes(b"  101\t2024-06-03 08:30:12\t1\t0\t1\t0\r\n"
                     b"  102\t2024-06-03 25:61:00\t1\t0\t1\t0\r\n"
                     b"  103\t2024-06-03 08:31:00\t1\t0\t1\t0\r\n"
                     b"  104\t2024-13-03 08:31:00\t1\t0\t1\t0\r\n"
                     b"  105\t2024-06-03 08:33:00\t1\t0\t1\t0\r\n")
    parsed = read_attendance(path)
    assert parsed.format == "zkteco_attlog"
    assert [(p.row, p.column, p.value) for p in parsed.problems] == [
        (2, "第 2 栏（日期时间）", "2024-06-03 25:61:00"), (4, "第 2 栏（日期时间）", "2024-13-03 08:31:00")]
    assert [p.person_id for p in parsed.punches] == ["101", "103", "105"]


def test_report_cell_problems_name_row_and_column(tmp_path, fixtures):
    from openpyxl import load_workbook
    wb = load_workbook(fixtures / "wecom_daily.xlsx")
    ws = wb["概况统计与打卡明细"]
    ws["AX7"] = "08:61 17:00"            # 打卡时间记录 of one row
    ws["A8"] = "2024/06/31 星期一"        # a date that does not exist
    path = tmp_path / "日报.xlsx"
    wb.save(path)
    parsed = read_attendance(path)
    got = {(p.row, p.column, p.value) for p in parsed.problems}
    assert (7, "AX（打卡时间记录）", "08:61 17:00") in got
    assert (8, "A（时间）", "2024/06/31 星期一") in got
    assert len(parsed.days) == 180 - 2
