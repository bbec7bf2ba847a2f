"""Render every notice kind (and a long one, and one to a person with rare characters) to
PNG at 70 dpi for looking at: python scripts/render_notices.py [OUT_DIR] (default
build/notices). Needs pdftoppm (poppler-utils). scripts/render_documents.py renders the
other documents from the demo data."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

from kaohe_desktop.reports.notices import KIND_TITLES, Deduction, LostItem, Notice, write_notices

LONG = "芙蓉区芙蓉街道光明社区党群服务中心便民服务站第一综合服务分站"
BASE = Notice("rectify", "芙街便〔2024〕5号", LONG, "2024年度社区便民服务站管理考核", "61.25", 12, 12,
              "不合格", date(2024, 12, 20), "芙蓉街道便民服务中心", due=date(2025, 1, 19),
              contact="王伟 0731-85551234",
              address="芙蓉街道人民路8号", rubric_name="社区便民服务站管理考核办法",
              rule_text="考核不合格的，限期整改", copy_to="芙蓉区政务服务中心",
              lost_items=tuple(LostItem(f"第{i}项服务制度建设与落实情况", "10", "4.5", "5.5")
                               for i in range(1, 4)),
              deductions=(Deduction("群众投诉", "2", "2024年6月窗口服务态度被投诉"),),
              talk_at="2025年1月6日上午9时", talk_place="街道办事处三楼会议室")


def render(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    pdfs = [write_notices(out / f"{kind}.pdf", [replace(BASE, kind=kind)]) for kind in KIND_TITLES]
    pdfs.append(write_notices(out / "talk_person_rare.pdf", [replace(
        BASE, kind="talk", person=True, recipient="王𠮷䶮", relation="head", copy_to="")]))
    pdfs.append(write_notices(out / "draft.pdf", [replace(BASE, kind="report", number="", draft=True)]))
    if shutil.which("pdftoppm") is None:
        print("pdftoppm not found (apt-get install poppler-utils); PDFs only", file=sys.stderr)
        return pdfs
    pngs: list[Path] = []
    for pdf in pdfs:
        subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(pdf.with_suffix(""))], check=True)
        pngs += sorted(out.glob(pdf.stem + "-*.png"))
    return pngs


if __name__ == "__main__":
    for p in render(Path(sys.argv[1] if len(sys.argv) > 1 else "build/notices")):
        print(p)
