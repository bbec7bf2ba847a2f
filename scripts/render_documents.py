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
from datetime import date
from pathlib import Path

from kaohe_desktop.reports.certificates import Certificate, write_certificates
from kaohe_desktop.services import documents as docs
from kaohe_desktop.services.database import open_db
from kaohe_desktop.services.demo import load_demo
from kaohe_desktop.services.roster import update_unit
from kaohe_desktop.services.standings import ranking_table

LONG_NAME = "芙蓉区芙蓉街道光明社区党群服务中心便民服务站第一综合服务分站"  # 30 characters


def render(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp())
    db = open_db(work / "demo.db")
    try:
        ids = load_demo(db)
        year = ids["year"]
        worst = ranking_table(db, year).rows[-1].subject_code
        update_unit(db, worst, name=LONG_NAME)  # the weakest station: notices for it
        opts = docs.DocumentOptions(issued=date(2024, 12, 20), contact="王伟 0731-85551234")
        pdfs: list[Path] = []
        pdfs += docs.run(docs.certificates_job(db, year, out, opts))
        pdfs.append(write_certificates(out / "荣誉证书_长名称.pdf",
                                       [Certificate(LONG_NAME, 2024, date(2024, 12, 20))]))
        pdfs += docs.run(docs.notices_job(db, year, out, opts, subjects=[worst],
                                          kinds=["rectify", "talk", "criticise"]))
        pdfs += docs.run(docs.sheets_job(db, year, out, subjects=[worst]))
        pdfs += docs.run(docs.sheets_job(db, year, out, filled=True, subjects=["FR02", worst]))
        pdfs += docs.run(docs.publicity_job(db, year, out, opts))
        pdfs += docs.run(docs.attendance_job(db, "2024-11", out, opts=opts))
    finally:
        db.close()
        shutil.rmtree(work, ignore_errors=True)
    pngs = []
    if shutil.which("pdftoppm") is None:
        print("pdftoppm not found (apt-get install poppler-utils); PDFs only", file=sys.stderr)
        return pdfs
    for pdf in pdfs:
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(pdf.with_suffix(""))], check=True)
        pngs += sorted(out.glob(pdf.stem + "-*.png"))
    return pngs


if __name__ == "__main__":
    for p in render(Path(sys.argv[1] if len(sys.argv) > 1 else "build/documents")):
        print(p)
