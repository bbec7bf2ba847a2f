"""公文 notices measured from the PDF itself against GB/T 9704-2012 (pdfplumber character
boxes: x0/x1 across, top/bottom down from the page's top edge, in points)."""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from dataclasses import replace
from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from kaohe_desktop.reports.fonts import MissingGlyph
from kaohe_desktop.reports.notices import Deduction, LostItem, Notice, write_notices

MM = 72 / 25.4
TOP, LEFT, BLOCK_W, BLOCK_H = 37 * MM, 28 * MM, 156 * MM, 225 * MM
BOTTOM = TOP + BLOCK_H
PAGE_H = 841.89
RED = (0.86, 0.0, 0.0)
LONG = "芙蓉区芙蓉街道光明社区党群服务中心便民服务站第一综合服务分站"

BASE = Notice(
    "rectify", "芙街便〔2024〕5号", LONG, "2024年度社区便民服务站管理考核", "61.25", 12, 12, "不合格",
    date(2024, 12, 20), "芙蓉街道便民服务中心", due=date(2025, 1, 19), contact="王伟 0731-85551234",
    address="芙蓉街道人民路8号", rubric_name="社区便民服务站管理考核办法", rule_text="考核不合格的，限期整改",
    lost_items=tuple(LostItem(f"第{i}项服务制度建设与落实情况", "10", "4.5", "5.5") for i in range(1, 9)),
    deductions=(Deduction("群众投诉", "2", "2024年6月窗口服务态度被投诉"),), copy_to="芙蓉区政务服务中心")


def lines_of(page) -> list[list[dict]]:
    """The page's characters grouped into lines by their top (rounded)."""
    rows: dict[int, list[dict]] = defaultdict(list)
    for ch in page.chars:
        rows[round(ch["top"])].append(ch)
    return [sorted(rows[k], key=lambda c: c["x0"]) for k in sorted(rows)]


def text(line: list[dict]) -> str:
    return "".join(c["text"] for c in line)


def body_lines(page) -> list[list[dict]]:
    """Lines in 16 pt inside the 版心 (not the page number, not the 版记)."""
    return [ln for ln in lines_of(page)
            if abs(ln[0]["size"] - 16) < 0.1 and ln[0]["top"] >= TOP - 0.5
            and ln[-1]["bottom"] <= BOTTOM + 0.5]


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory) -> Path:
    extra = tuple("这是补充说明的段落，用来把正文拉长到两页以上，以便测量第二页的满页网格和版记位置。" * 3
                  for _ in range(4))
    return write_notices(tmp_path_factory.mktemp("n") / "long.pdf", [replace(BASE, extra=extra)])


def test_a_full_page_is_22_lines_of_28_characters_on_the_grid(long_pdf):
    with pdfplumber.open(long_pdf) as pdf:
        assert len(pdf.pages) % 2 == 0 and len(pdf.pages) >= 4
        full = body_lines(pdf.pages[1])
        assert len(full) == 22
        tops = [ln[0]["top"] for ln in full]
        pitch = BLOCK_H / 22
        assert all(abs(b - a - pitch) < 0.05 for a, b in itertools.pairwise(tops))
        # the 22 line boxes fill the 版心: the first line's glyph box centred in the first
        # line box below the 天头, the last one's in the last above the 版心's foot
        assert abs(tops[0] - (TOP + (pitch - 16) / 2)) < 0.5
        assert abs(full[-1][0]["bottom"] - (BOTTOM - (pitch - 16) / 2)) < 0.5
        # a justified, all-CJK line: 28 characters, the first on the 订口, the 28th ending on
        # the 版心's right edge, stepping 156 mm / 28 (within rounding)
        cjk = [ln for ln in full if len(ln) >= 28 and all(ord(c["text"]) > 0x2E80 for c in ln[:28])
               and abs(ln[0]["x0"] - LEFT) < 0.1]
        assert cjk, "no full line of CJK characters on page 2"
        for ln in cjk:
            xs = [c["x0"] for c in ln[:28]]
            assert abs(xs[0] - LEFT) < 0.1
            assert abs(ln[27]["x1"] - (LEFT + BLOCK_W)) < 0.3
            steps = [b - a for a, b in itertools.pairwise(xs)]
            assert all(abs(s - (BLOCK_W - 16) / 27) < 0.05 for s in steps)
            # anything past the 28th is a hanging closing mark
            assert all(c["text"] in "，。、；：？！）」』》〕】”’" for c in ln[28:])


def test_justified_lines_end_on_the_right_edge_and_paragraphs_start_two_characters_in(long_pdf):
    with pdfplumber.open(long_pdf) as pdf:
        for page in pdf.pages[:3]:
            for ln in body_lines(page):
                x0 = ln[0]["x0"]
                steps = round((x0 - LEFT) / ((BLOCK_W - 16) / 27), 2)
                assert steps in (0.0, 2.0) or x0 > LEFT + 4 * 16, text(ln)  # 署名 and date apart
        lines = body_lines(pdf.pages[0])
        first_para = next(ln for ln in lines if text(ln).startswith("在2024"))
        assert abs(first_para[0]["x0"] - (LEFT + 2 * (BLOCK_W - 16) / 27)) < 0.1
        i = lines.index(first_para)
        assert abs(max(c["x1"] for c in lines[i] if c["text"] not in "，。、；：") - (LEFT + BLOCK_W)) < 0.3


def test_the_head_stands_where_the_standard_puts_it(long_pdf):
    with pdfplumber.open(long_pdf) as pdf:
        page = pdf.pages[0]
        flag = [c for c in page.chars if c["non_stroking_color"] and
                tuple(round(v, 2) for v in c["non_stroking_color"]) == RED]
        assert text(flag) == "芙蓉街道便民服务中心文件"
        flag_top, flag_bottom = min(c["top"] for c in flag), max(c["bottom"] for c in flag)
        assert abs(flag_top - (TOP + 35 * MM)) < 0.5
        assert min(c["x0"] for c in flag) >= LEFT and max(c["x1"] for c in flag) <= LEFT + BLOCK_W
        centre = (min(c["x0"] for c in flag) + max(c["x1"] for c in flag)) / 2
        assert abs(centre - (LEFT + BLOCK_W / 2)) < 1
        pitch = BLOCK_H / 22
        number = next(ln for ln in lines_of(page) if "〔2024〕" in text(ln))
        assert text(number) == "芙街便〔2024〕5号"
        assert abs(number[0]["top"] - flag_bottom - 2 * pitch) < 0.5  # two lines below
        assert abs((number[0]["x0"] + number[-1]["x1"]) / 2 - (LEFT + BLOCK_W / 2)) < 1
        rules = [r for r in page.rects + page.lines if r["stroking_color"] and
                 tuple(round(v, 2) for v in r["stroking_color"]) == RED]
        [rule] = rules
        assert abs(rule["top"] - (number[0]["bottom"] + 4 * MM)) < 0.6
        assert abs(rule["x0"] - LEFT) < 0.1 and abs(rule["x1"] - (LEFT + BLOCK_W)) < 0.1
        title = [ln for ln in lines_of(page) if abs(ln[0]["size"] - 22) < 0.1]
        assert "".join(text(ln) for ln in title) == BASE.title
        assert abs(title[0][0]["top"] - rule["top"] - 2 * pitch) < 0.6  # two lines below the rule
        lengths = [len(ln) for ln in title]
        assert lengths == sorted(lengths)  # a trapezoid, never a lone word below
        for ln in title:
            assert abs((ln[0]["x0"] + ln[-1]["x1"]) / 2 - (LEFT + BLOCK_W / 2)) < 1
        addressee = next(ln for ln in lines_of(page) if text(ln).startswith("芙蓉区芙蓉街道光明社区"))
        assert abs(addressee[0]["top"] - title[-1][0]["bottom"] - pitch) < 0.5  # one line below
        assert abs(addressee[0]["x0"] - LEFT) < 0.1


def test_page_numbers_odd_right_even_left_7mm_below_the_block(long_pdf):
    with pdfplumber.open(long_pdf) as pdf:
        for k, page in enumerate(pdf.pages, start=1):
            foot = [ln for ln in lines_of(page) if ln[0]["top"] > BOTTOM]
            if not foot:
                continue
            [ln] = foot
            assert text(ln).replace(" ", "") == f"—{k}—"
            assert all(abs(c["size"] - 14) < 0.1 for c in ln)
            dash = ln[0]
            assert abs((dash["top"] + dash["bottom"]) / 2 - (BOTTOM + 7 * MM)) < 0.5
            if k % 2:
                assert abs(ln[-1]["x1"] - (LEFT + BLOCK_W - 14)) < 0.3
            else:
                assert abs(ln[0]["x0"] - (LEFT + 14)) < 0.3


def test_the_colophon_sits_at_the_foot_of_the_last_even_page(long_pdf):
    with pdfplumber.open(long_pdf) as pdf:
        last = pdf.pages[-1]
        assert len(pdf.pages) % 2 == 0
        rules = sorted((r for r in last.lines + last.rects if not r["stroking_color"]
                        or tuple(round(v, 2) for v in r["stroking_color"]) != RED), key=lambda r: r["top"])
        assert len(rules) == 3
        assert abs(rules[-1]["top"] - BOTTOM) < 0.6  # the last rule on the 版心's foot
        assert all(abs(r["x0"] - LEFT) < 0.1 and abs(r["x1"] - (LEFT + BLOCK_W)) < 0.1 for r in rules)
        words = {text(ln).replace(" ", ""): ln for ln in lines_of(last)}
        copy = next(ln for t, ln in words.items() if t.startswith("抄送："))
        printed = next(ln for t, ln in words.items() if t.endswith("2024年12月20日印发"))
        assert rules[0]["top"] < copy[0]["top"] < rules[1]["top"] < printed[0]["top"] < rules[2]["top"]
        assert abs(copy[0]["x0"] - (LEFT + 14)) < 0.3 and abs(copy[0]["size"] - 14) < 0.1
        assert abs(printed[0]["x0"] - (LEFT + 14)) < 0.3
        assert abs(printed[-1]["x1"] - (LEFT + BLOCK_W - 14)) < 0.3
        for page in pdf.pages[:-1]:
            assert "印发" not in page.extract_text()


def test_signature_date_and_note(long_pdf):
    with pdfplumber.open(long_pdf) as pdf:
        for page in pdf.pages:
            lines = body_lines(page)
            texts = [text(ln) for ln in lines]
            if "2024年12月20日" not in texts:
                continue
            i = texts.index("2024年12月20日")
            date_line, signer = lines[i], lines[i - 1]
            assert texts[i - 1] == "芙蓉街道便民服务中心"
            step = (BLOCK_W - 16) / 27
            assert abs(date_line[-1]["x1"] - (LEFT + BLOCK_W - 4 * step)) < 0.5  # 右空四字
            mid = (date_line[0]["x0"] + date_line[-1]["x1"]) / 2
            assert abs((signer[0]["x0"] + signer[-1]["x1"]) / 2 - mid) < 1
            assert texts[i + 1].startswith("（联系人：王伟，联系电话：0731-85551234")
            assert abs(lines[i + 1][0]["x0"] - (LEFT + 2 * step)) < 0.1
            # two empty lines for the seal, then body text above them on the same page
            pitch = BLOCK_H / 22
            assert i >= 2 and abs(signer[0]["top"] - lines[i - 2][0]["top"] - 3 * pitch) < 0.5
            break
        else:
            pytest.fail("no 成文日期 found")


@pytest.mark.parametrize("extra_lines", range(0, 30, 1))
def test_the_signature_never_stands_alone_on_a_page(tmp_path, extra_lines):
    extra = ("补充说明" * 7,) * extra_lines  # 28 characters: exactly one line each
    pdf_path = write_notices(tmp_path / "n.pdf", [replace(BASE, lost_items=BASE.lost_items[:2], extra=extra)])
    with pdfplumber.open(pdf_path) as pdf:
        assert len(pdf.pages) % 2 == 0
        for page in pdf.pages:
            texts = [text(ln) for ln in body_lines(page)]
            if "芙蓉街道便民服务中心" in texts:
                k = texts.index("芙蓉街道便民服务中心")
                assert k >= 1 and texts[k + 1] == "2024年12月20日"  # body text above, date below
                assert not texts[0].startswith("芙蓉街道便民服务中心")


def test_no_line_starts_with_a_closing_mark(tmp_path):
    n = replace(BASE, kind="talk", person=True, recipient="王𠮷䶮", relation="head")
    for k in range(12):  # shift the text so closing marks land on every column
        pdf_path = write_notices(tmp_path / f"{k}.pdf", [replace(n, total="6" * (k + 1))])
        with pdfplumber.open(pdf_path) as pdf:
            for page in pdf.pages:
                for ln in body_lines(page):
                    assert ln[0]["text"] not in "，。、；：？！）」』》〕】”’", text(ln)


def test_one_page_notices_get_a_number_and_the_colophon_page(tmp_path):
    short = replace(BASE, lost_items=(), deductions=(), copy_to="")
    pdf_path = write_notices(tmp_path / "short.pdf", [short, replace(short, number="芙街便〔2024〕6号")])
    with pdfplumber.open(pdf_path) as pdf:
        assert len(pdf.pages) == 4  # each padded to an even count
        assert "— 1 —" in pdf.pages[0].extract_text() and "— 1 —" in pdf.pages[2].extract_text()
        assert "印发" in pdf.pages[1].extract_text() and "印发" in pdf.pages[3].extract_text()
        assert "〔2024〕6号" in pdf.pages[2].extract_text()


def test_rare_characters_in_a_name_render_and_extract(tmp_path):
    n = replace(BASE, kind="talk", person=True, recipient="王𠮷䶮", relation="head",
                talk_at="2025年1月6日上午9时", talk_place="街道办事处三楼会议室")
    pdf_path = write_notices(tmp_path / "rare.pdf", [n])
    reader = PdfReader(str(pdf_path))
    text_all = "".join(p.extract_text() for p in reader.pages)
    assert "王𠮷䶮同志：" in text_all.replace("\n", "")
    assert "2025年1月6日上午9时到街道办事处三楼会议室参加谈话" in text_all.replace("\n", "")
    with pdfplumber.open(pdf_path) as pdf:
        chars = [c for c in pdf.pages[0].chars if c["text"] in "𠮷䶮"]
        assert {c["text"] for c in chars} == {"𠮷", "䶮"}
        # drawn from a font that has the glyph, embedded (a TrueType program in the file)
        fonts = {c["text"]: c["fontname"] for c in chars}
        assert "HanaMinB" in fonts["𠮷"]
    from kaohe_desktop.reports.fonts import FANG, missing_characters
    assert missing_characters("王𠮷䶮", FANG) == []


def test_extensions_f_to_h_render_and_extract(tmp_path):
    """One name each from CJK Extension F (U+2CEB0), G (U+30000) and H (U+31350): drawn
    from the bundled HanaMinB and BabelStone Han subsets, and extracted as themselves."""
    name = "李\U0002CEB0\U00030000\U00031350"
    n = replace(BASE, kind="talk", person=True, recipient=name, relation="head")
    pdf_path = write_notices(tmp_path / "ext.pdf", [n])
    text_all = "".join(p.extract_text() for p in PdfReader(str(pdf_path)).pages)
    assert f"{name}同志：" in text_all.replace("\n", "")
    with pdfplumber.open(pdf_path) as pdf:
        fonts = {c["text"]: c["fontname"] for c in pdf.pages[0].chars if c["text"] in name[1:]}
    assert "HanaMinB" in fonts["\U0002CEB0"]
    assert "BabelStone" in fonts["\U00030000"] and "BabelStone" in fonts["\U00031350"]


def test_a_character_no_font_has_stops_the_job_naming_it(tmp_path):
    n = replace(BASE, kind="talk", person=True, recipient="张\U000E0101三", relation="self")
    with pytest.raises(MissingGlyph) as exc:
        write_notices(tmp_path / "bad.pdf", [n])
    message = str(exc.value)
    assert "U+E0101" in message and "张" in message and "芙街便〔2024〕5号" in message
    # a private-use character (no font has it) named in a unit's name, too
    with pytest.raises(MissingGlyph, match=r"U\+F8FF"):
        write_notices(tmp_path / "bad2.pdf", [replace(BASE, unit_name="东风\uf8ff社区")])


def test_pdf_hygiene(long_pdf):
    reader = PdfReader(str(long_pdf))
    info = reader.metadata
    assert info["/Title"] == BASE.title and info["/Author"] == "芙蓉街道便民服务中心"
    assert "整改通知书" in info["/Subject"] and "正文：" in info["/Fonts"] and "仿宋" in info["/Keywords"]
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/PrintScaling"] == "/None"
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            base = str(ref.get_object()["/BaseFont"])
            assert "Helvetica" not in base and re.match(r"/[A-Z]{6}\+", base)


def test_every_kind_titles_as_the_standard_allows(tmp_path):
    kinds = {"rectify": "关于对芙蓉区芙蓉街道光明社区党群服务中心便民服务站第一综合服务分站限期整改的通知",
             "talk": "关于对王伟同志进行诫勉谈话的通知", "criticise": "关于对王伟同志予以通报批评的通报"}
    for kind, title in kinds.items():
        n = replace(BASE, kind=kind, person=kind != "rectify", recipient="王伟" if kind != "rectify" else "")
        assert n.title == title
