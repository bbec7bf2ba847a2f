"""Refused hostile files, per importer: time and peak memory of each refusal (issue 14).

Builds, in a temporary folder, a 1 GiB zip bomb (.xlsx of a few MB), a far-cell range
(A1 + XFD1048576), a sheet numbered past Excel's rows, a truncated .xls header and, for
rubric import, JSON nested 100,000 deep; then runs `kaohe … import FILE` for unit, staff,
scores, attendance and rubric, each in a fresh interpreter, and prints wall time and
peak resident memory (VmHWM). The floor is the same interpreter running `kaohe unit
list` on the same database, measured in the same run.

    python bench/bomb_bench.py [--inflate-mb 1024]

Targets: every refusal exits 2, under 300 MB and under 5 s. Exits 1 if one fails.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from hostile_files import MB, far_cell_xlsx, tall_xlsx, truncated_xls, xlsx_bomb

CHILD = """
import sys
from kaohe_desktop.cli import main
code = main(sys.argv[1:])
for line in open('/proc/self/status'):
    if line.startswith('VmHWM:'):
        sys.stderr.write('PEAK_KB ' + line.split()[1] + '\\n')
sys.exit(code)
"""

HEADERS = {"unit": ["编号", "名称", "所属街道"], "staff": ["编号", "姓名", "所属单位"],
           "scores": ["编号", "名称", "1.1 能够正常运转（20分）"],
           "attendance": ["登记号码", "姓名", "日期时间"]}


def run(db: Path, *args: object) -> tuple[int, float, float, str]:
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", CHILD, "--db", str(db), *map(str, args)],
                       capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - t
    peak = next((int(x.split()[1]) / 1024 for x in p.stderr.splitlines()
                 if x.startswith("PEAK_KB")), float("nan"))
    reason = next((x for x in p.stderr.splitlines() if x.startswith("错误")), p.stderr[-200:])
    return p.returncode, elapsed, peak, reason


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--inflate-mb", type=int, default=1024)
    opts = ap.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "kaohe.db"
        subprocess.run([sys.executable, "-m", "kaohe_desktop", "--db", str(db), "unit", "add",
                        "东风", "--code", "FR01"], check=True, capture_output=True)
        out = subprocess.run([sys.executable, "-m", "kaohe_desktop", "--db", str(db), "assessment",
                              "create", "--rubric", "CY2019", "--period", "2024", "--subjects",
                              "units"], check=True, capture_output=True, text=True).stdout
        assessment = out.split()[0]
        code, floor_t, floor_m, _ = run(db, "unit", "list")
        print(f"floor (kaohe unit list): {floor_t:.2f} s, {floor_m:.0f} MB")
        print(f"{'importer':<11}{'file':<14}{'size':>9}{'exit':>6}{'time':>8}{'peak':>9}  reason")
        for command, header in HEADERS.items():
            t = time.perf_counter()
            files = {
                "bomb": xlsx_bomb(folder / f"{command}-bomb.xlsx", header, opts.inflate_mb * MB),
                "far-cell": far_cell_xlsx(folder / f"{command}-far.xlsx", header),
                "tall": tall_xlsx(folder / f"{command}-tall.xlsx", header),
                "trunc-xls": truncated_xls(folder / f"{command}-trunc.xls"),
            }
            built = time.perf_counter() - t
            for kind, path in files.items():
                args: list[object] = ([command, "import", path] if command != "scores" else
                                      ["scores", "import", assessment, path, "--assessor", "张三"])
                code, elapsed, peak, reason = run(db, *args)
                good = code == 2 and elapsed < 5 and peak < 300
                ok &= good
                print(f"{command:<11}{kind:<14}{path.stat().st_size / MB:>7.2f}MB{code:>6}"
                      f"{elapsed:>7.2f}s{peak:>7.0f}MB  {'PASS' if good else 'FAIL'} {reason[:70]}")
            print(f"  (files built in {built:.1f} s, not timed)")
        nested = folder / "nested.json"
        nested.write_text("[" * 100_000 + "]" * 100_000)
        big = folder / "wide.json"
        big.write_text(json.dumps({"code": "X", "items": [{"code": str(i), "title": "x", "max": 1}
                                                           for i in range(100_000)]}))
        for kind, path in (("nested", nested), ("100k-items", big)):
            code, elapsed, peak, reason = run(db, "rubric", "import", path)
            good = code == 2 and elapsed < 5 and peak < 300
            ok &= good
            print(f"{'rubric':<11}{kind:<14}{path.stat().st_size / MB:>7.2f}MB{code:>6}"
                  f"{elapsed:>7.2f}s{peak:>7.0f}MB  {'PASS' if good else 'FAIL'} {reason[:70]}")
    print("targets: exit 2, < 5 s, < 300 MB per refused file —", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
