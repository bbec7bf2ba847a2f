"""A 300-notice batch: time, peak memory, and the ratio against a floor measured in the
same run — reportlab drawing the same body text plainly (one drawString per line, same
fonts, no grid, no fallback splitting, no head, no 版记).

    python bench/notices_bench.py [COUNT]
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from kaohe_desktop.reports.fonts import FANG, gongwen_fonts
from kaohe_desktop.reports.notices import LostItem, Notice, paragraphs, write_notices

KINDS = ("rectify", "report", "talk", "criticise", "advice")


def sample(k: int) -> Notice:
    base = Notice("rectify", f"芙街便〔2024〕{k}号", f"第{k}号社区便民服务站",
                  "2024年度社区便民服务站管理考核", "61.25", 12, 300, "不合格", date(2024, 12, 20),
                  "芙蓉街道便民服务中心",
                  due=date(2025, 1, 19), contact="王伟 0731-85551234", address="芙蓉街道人民路8号",
                  rubric_name="社区便民服务站管理考核办法", rule_text="考核不合格的，限期整改",
                  lost_items=tuple(LostItem(f"第{i}项服务制度建设与落实情况", "10", "4.5", "5.5")
                                   for i in range(1, 6)))
    person = k % 3 == 0
    return replace(base, kind=KINDS[k % len(KINDS)], person=person, recipient="王𠮷" if person else "")


def floor(path: Path, notices: list[Notice]) -> None:
    c = Canvas(str(path), pagesize=A4, pageCompression=1, initialFontName=FANG)
    for n in notices:
        y = 700.0
        c.setFont(FANG, 16)
        for text in [n.title, *paragraphs(n)]:
            for start in range(0, len(text), 28):
                if y < 100:
                    c.showPage()
                    c.setFont(FANG, 16)
                    y = 700.0
                c.drawString(79.4, y, text[start:start + 28])
                y -= 29
        c.showPage()
    c.save()


def main(count: int = 300) -> None:
    gongwen_fonts()  # registration is start-up, not the batch
    notices = [sample(k) for k in range(1, count + 1)]
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        floor(Path(tmp) / "floor.pdf", notices)
        t_floor = time.perf_counter() - t0
        t0 = time.perf_counter()
        out = write_notices(Path(tmp) / "notices.pdf", notices)
        t_real = time.perf_counter() - t0
        size = out.stat().st_size
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"{count} notices: {t_real:.2f} s ({t_real / count * 1000:.1f} ms each), "
          f"{size / 1e6:.1f} MB; floor {t_floor:.2f} s; ratio {t_real / t_floor:.2f}×; "
          f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
