"""Render every printed document on the demo data and convert the pages to PNG.

    python scripts/render_documents.py [OUT_DIR]   (default: build/documents)

The weakest demo station gets a 30-character name so overflow shows. Needs `pdftoppm`
(Debian: poppler-utils). Look at the PNGs: centred, balanced, no overflow, Chinese
dates right, no empty boxes.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

from kaohe_desktop.domain.numbers import shown
from kaohe_desktop.reports.certificates import Certificate, CertificateTemplate, write_certificates
from kaohe_desktop.reports.notices import Notice, write_notices
from kaohe_desktop.services import documents as docs
from kaohe_desktop.services.database import open_db
from kaohe_desktop.services.demo import load_demo
from kaohe_desktop.services.roster import update_unit
from kaohe_desktop.services.standings import ranking_table

LONG_NAME = "芙蓉区芙蓉街道光明社区党群服务中心便民服务站第一综合服务分站"  # 30 characters


def _sample_seal(path: Path) -> Path:
    """A stand-in for an office's scanned seal: a red ring on a transparent background."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (420, 420), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 410, 410), outline=(205, 30, 30, 230), width=14)
    draw.ellipse((150, 150, 270, 270), fill=(205, 30, 30, 200))
    image.save(path)
    return path


def render(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp())
    db = open_db(work / "demo.db")
    try:
        ids = load_demo(db)
        year = ids["year"]
        worst = ranking_table(db, year).rows[-1].subject_code
        update_unit(db, worst, name=LONG_NAME)  # the weakest station: notices for it
        # the demo's assessments are drafts: certificates and the 公示 list as 草稿 previews
        opts = docs.DocumentOptions(issued=date(2024, 12, 20), draft=True)
        pdfs: list[Path] = []
        pdfs += docs.run(docs.certificates_job(db, ids["monthly"], out, opts))
        pdfs.append(write_certificates(out / "荣誉证书_长名称.pdf",
                                       [Certificate(LONG_NAME, 2024, date(2024, 12, 20),
                                                    issuer="芙蓉街道便民服务中心",
                                                    number="芙街便证〔2024〕1号")]))
        # CY2019 names no documents: the notices are drawn from sample data, one to the
        # unit and one to its person in charge
        row = ranking_table(db, year).rows[-1]
        sample = Notice("report", "芙街便〔2024〕7号", LONG_NAME, "2024年度社区便民服务站管理考核",
                        shown(row.total), row.rank, 12, "工作一般", date(2024, 12, 20),
                        "芙蓉街道便民服务中心", due=date(2025, 1, 19), contact="王伟 0731-85551234",
                        rubric_name="芙蓉南路社区群众工作站考核办法",
                        rule_text="凡被评为“工作一般”的群众工作站，要认真查找问题，分析原因，写出书面报告")
        pdfs.append(write_notices(out / "通知_样例.pdf", [
            sample, replace(sample, kind="talk", number="芙街便〔2024〕8号", person=True,
                            recipient="王伟", relation="head")]))
        seal = _sample_seal(work / "印章.png")  # an office's own scan, printed only when given
        pdfs.append(write_certificates(out / "荣誉证书_加印章图片.pdf",
                                       [Certificate("赵一", 2024, date(2024, 12, 20), person=True,
                                                    issuer="芙蓉街道便民服务中心",
                                                    number="芙街便证〔2024〕2号")],
                                       CertificateTemplate(seal_image=str(seal))))
        pdfs += docs.run(docs.sheets_job(db, year, out, subjects=[worst]))
        pdfs += docs.run(docs.sheets_job(db, year, out, filled=True, subjects=["FR02", worst]))
        pdfs += docs.run(docs.sheets_job(db, ids["monthly"], out, filled=True,
                                         subjects=[ranking_table(db, ids["monthly"]).rows[0].subject_code]))
        pdfs += docs.run(docs.publicity_job(db, year, out, opts))
        # a staff list: whole, since VILLAGE-ATT honours 优秀 and 良好 (not the top grade alone)
        pdfs += docs.run(docs.publicity_job(db, ids["monthly"], out, opts))
        pdfs += docs.run(docs.attendance_job(db, "2024-11", out, opts=replace(opts, draft=False)))
    finally:
        db.close()
        shutil.rmtree(work, ignore_errors=True)
    pngs = []
    if shutil.which("pdftoppm") is None:
        print("pdftoppm not found (apt-get install poppler-utils); PDFs only", file=sys.stderr)
        return pdfs
    for pdf in pdfs:
        subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(pdf.with_suffix(""))], check=True)
        pngs += sorted(out.glob(pdf.stem + "-*.png"))
    return pngs


if __name__ == "__main__":
    for p in render(Path(sys.argv[1] if len(sys.argv) > 1 else "build/documents")):
        print(p)
