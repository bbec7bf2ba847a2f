"""Build the program folder with PyInstaller and, where NSIS is installed, the installer.

    python installer/build.py [--dist DIR] [--work DIR] [--no-nsis] [--fast-nsis]

Builds for the machine it runs on: on Windows `dist/kaohe/` holds kaohe.exe (the window)
and kaohe-cli.exe (the command line); on Linux `dist/kaohe/kaohe`. Prints the folder's size
and the time taken. Then, if `makensis` is on PATH (or NSIS is installed in its usual
Windows folder), compiles installer/kaohe.nsi against that folder into
`<dist>/kaohe-setup-<version>.exe`. On Linux that compile is a check of the script (paths,
pages, language strings), not an installer anyone should run: the files in it are Linux ones.

The version is read from pyproject.toml (its dynamic `attr`, kaohe_desktop.__version__),
by text, so building needs neither the package importable nor a second place to edit.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SPEC = HERE / "kaohe.spec"
NSIS_SCRIPT = HERE / "kaohe.nsi"
BUNDLE_NAME = "kaohe"


def read_version(root: Path = ROOT) -> str:
    """`project.version`, or the string its `attr` names (`pkg.__version__` in pkg/__init__.py)."""
    meta = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    if "version" in meta["project"]:
        return meta["project"]["version"]
    attr = meta["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    module, name = attr.rsplit(".", 1)
    base = root / Path(*module.split("."))
    source = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
    found = re.search(rf"^{re.escape(name)}\s*=\s*[\"']([^\"']+)[\"']", source.read_text(encoding="utf-8"),
                      re.MULTILINE)
    if found is None:
        raise SystemExit(f"{source} 中找不到 {name}")
    return found.group(1)


def file_version(version: str) -> str:
    """Four numbers for Windows version resources: 0.1.0 → 0.1.0.0, 1.2rc1 → 1.2.0.0."""
    numbers = [int(n) for n in re.findall(r"\d+", version.split("+")[0].split("rc")[0])][:4]
    return ".".join(str(n) for n in numbers + [0] * (4 - len(numbers)))


def folder_size(folder: Path) -> tuple[int, int]:
    """(bytes, files) under a folder; symlinks counted once, as links."""
    total = count = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
            count += 1
    return total, count


def find_makensis() -> str | None:
    found = shutil.which("makensis")
    if found:
        return found
    for base in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES")):
        if base and (Path(base) / "NSIS" / "makensis.exe").is_file():
            return str(Path(base) / "NSIS" / "makensis.exe")
    return None


def build_bundle(dist: Path, work: Path) -> Path:
    """Run PyInstaller on kaohe.spec; the one-folder program is dist/kaohe."""
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
           "--distpath", str(dist), "--workpath", str(work), str(SPEC)]
    subprocess.run(cmd, check=True, cwd=ROOT)
    return dist / BUNDLE_NAME


def build_installer(bundle: Path, out_dir: Path, version: str, makensis: str, fast: bool = False) -> Path:
    """Compile kaohe.nsi against `bundle`; returns the setup program's path."""
    out = out_dir / f"kaohe-setup-{version}.exe"
    cmd = [makensis, "-V2", "-INPUTCHARSET", "UTF8",
           f"-DVERSION={version}", f"-DFILE_VERSION={file_version(version)}",
           f"-DBUNDLE={bundle}", f"-DOUTFILE={out}",
           f"-DICON={ROOT / 'resources' / 'icons' / 'kaohe.ico'}"]
    if fast:
        cmd.append("-DFAST_COMPRESSION")
    cmd.append(str(NSIS_SCRIPT))
    subprocess.run(cmd, check=True, cwd=HERE)
    return out


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="打包便民服务站考核程序（PyInstaller 单文件夹）和安装程序（NSIS）")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="输出目录（默认 dist/）")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="临时目录（默认 build/）")
    parser.add_argument("--no-nsis", action="store_true", help="只打包程序文件夹，不生成安装程序")
    parser.add_argument("--fast-nsis", action="store_true", help="安装程序用快速压缩（测试用，文件较大）")
    args = parser.parse_args(argv)
    dist, work = args.dist.resolve(), args.work.resolve()
    version = read_version()

    started = time.perf_counter()
    bundle = build_bundle(dist, work)
    took = time.perf_counter() - started
    size, files = folder_size(bundle)
    print(f"程序文件夹：{bundle}")
    print(f"版本 {version}，大小 {_mb(size)}（{files} 个文件），打包用时 {took:.0f} 秒")

    makensis = None if args.no_nsis else find_makensis()
    if makensis:
        started = time.perf_counter()
        setup = build_installer(bundle, dist, version, makensis, fast=args.fast_nsis)
        took = time.perf_counter() - started
        print(f"安装程序：{setup}（{_mb(setup.stat().st_size)}，用时 {took:.0f} 秒）")
        if sys.platform != "win32":
            print("（这是在非 Windows 系统上生成的，只用于检查安装脚本，不能在 Windows 上使用）")
    elif not args.no_nsis:
        print("未找到 makensis，跳过安装程序；安装 NSIS 后再运行本脚本即可生成。")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
