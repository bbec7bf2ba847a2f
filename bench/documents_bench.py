"""Printed documents and the year-end tally at scale.

    python bench/documents_bench.py [--certificates 1000] [--units 1000] [--items 35]

1. 1,000 荣誉证书 in one batch PDF: time and bytes per page, against floors drawn in the
   same run — a plain bordered page with four lines in Helvetica, and the same four
   lines in the embedded CJK font. Targets: the real certificate within 3× the CJK
   floor's time and under 10 KB per page on average.
2. The year-end tally workbook for 1,000 units × 35 items (summary, three section
   sheets, events): target under 3 s. Timed on `io.tally_workbook.write_tally` with the
   same sheets `services.tally` builds.
Exits 1 when a target fails.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from kaohe_desktop.io.tally_workbook import TallySheet, write_tally
from kaohe_desktop.reports.certificates import Certificate, write_certificates
from kaohe_desktop.reports.fonts import register


def floor_pdf(path: Path, n: int, font: str) -> None:
    w, h = landscape(A4)
    c = Canvas(str(path), pagesize=(w, h), pageCompression=1)
    for k in range(n):
        c.rect(15 * mm, 15 * mm, w - 30 * mm, h - 30 * mm)
        c.setFont(font, 24)
        for i, text in enumerate(("荣誉证书", f"授予 第{k}号社区便民服务站", "2024年度便民服务工作优秀单位",
                                  "芙蓉街道办事处 二〇二四年十二月")):
            c.drawCentredString(w / 2, h - 60 * mm - i * 30 * mm, text if font != "Helvetica"
                                else f"Certificate line {i} no. {k}")
        c.showPage()
    c.save()


def timed(func, *args) -> float:
    t = time.perf_counter()
    func(*args)
    return time.perf_counter() - t


def bench_certificates(n: int, folder: Path) -> bool:
    song, _ = register()
    certs = [Certificate(f"芙蓉街道第{k:04d}号社区便民服务站", 2024, date(2024, 12, 20)) for k in range(n)]
    write_certificates(folder / "warm.pdf", certs[:5])  # font parsing outside the timing
    rows = []
    for label, func, args in (
        ("Helvetica floor", floor_pdf, (folder / "h.pdf", n, "Helvetica")),
        ("CJK floor", floor_pdf, (folder / "c.pdf", n, song)),
        ("certificate", write_certificates, (folder / "cert.pdf", certs)),
    ):
        seconds = timed(func, *args)
        size = args[0].stat().st_size
        rows.append((label, seconds / n * 1000, size / n / 1024))
        print(f"{label:16s} {seconds:6.2f} s  {seconds / n * 1000:6.3f} ms/page  "
              f"{size / n / 1024:6.2f} KB/page")
    ratio = rows[2][1] / rows[1][1]
    ok = ratio <= 3 and rows[2][2] < 10
    print(f"certificate / CJK floor: {ratio:.2f}× time (target ≤ 3×), {rows[2][2]:.2f} KB/page "
          f"(target < 10) → {'PASS' if ok else 'FAIL'}")
    return ok


def bench_tally(units: int, items: int, folder: Path) -> bool:
    rng = random.Random(1)
    sections = [items // 3, items // 3, items - 2 * (items // 3)]
    heads = ("名次", "编号", "单位", "街道", "一", "二", "三", "加分", "减分", "总分", "等次", "否决")
    summary = TallySheet("汇总", "年终汇总", heads,
                         [(k + 1, f"U{k:04d}", f"第{k}号社区便民服务站", "芙蓉街道",
                           *(round(rng.uniform(10, 40), 2) for _ in range(3)), 1, 0.5,
                           round(rng.uniform(60, 100), 2), "良好", "") for k in range(units)],
                         decimals=tuple(range(4, 10)))
    sheets = [summary]
    for s, count in enumerate(sections):
        sheets.append(TallySheet(f"{s + 1} 分项", "分项", ("名次", "编号", "单位",
                                                       *(f"{s}.{i}" for i in range(count)), "小计"),
                                 [(k + 1, f"U{k:04d}", f"第{k}号社区便民服务站",
                                   *(round(rng.uniform(0, 5), 2) for _ in range(count)), 30.5)
                                  for k in range(units)], decimals=tuple(range(3, 4 + count))))
    sheets.append(TallySheet("加减分事项", "事项", ("编号", "单位", "类别", "规则", "分值", "事项"),
                             [(f"U{k:04d}", "x", "加分", "B1", 3, "=不是公式") for k in range(units // 3)]))
    seconds = timed(write_tally, folder / "tally.xlsx", sheets)
    ok = seconds < 3
    print(f"tally {units} units × {items} items: {seconds:.2f} s (target < 3 s) → {'PASS' if ok else 'FAIL'}")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--certificates", type=int, default=1000)
    ap.add_argument("--units", type=int, default=1000)
    ap.add_argument("--items", type=int, default=35)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ok = bench_certificates(args.certificates, Path(tmp))
        ok = bench_tally(args.units, args.items, Path(tmp)) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
