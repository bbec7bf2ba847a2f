"""Writing a file where a removed, full or read-only USB drive cannot leave a broken one.

`safe_write(target, produce)`: `produce(tmp_path)` writes a temporary file *in the target
folder* (same filesystem, so the final rename is atomic); the file is flushed and
fsync'ed, read back and checked (size; an .xlsx opens as a zip with a workbook part; a
PDF ends with %%EOF), and only then renamed over the final name. On any failure the
temporary file is removed and an InputError names the path in Chinese; a file already
under the final name is left as it was. A temporary file left by an export that was
killed (power cut, kill -9) is removed by the next export to that folder: its name
carries the writer's process id, and one whose process is gone is nobody's.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

from kaohe_desktop.domain.errors import InputError, Problem

REASONS = {
    errno.ENOSPC: "磁盘（U 盘）已满，请删除一些文件或换一个 U 盘",
    errno.EDQUOT: "磁盘空间配额已用完",
    errno.EROFS: "磁盘（U 盘）是只读的（可能打开了写保护开关）",
    errno.EACCES: "没有写入权限（文件夹只读，或文件正被其他程序打开）",
    errno.EPERM: "没有写入权限",
    errno.ENOENT: "目标文件夹不存在（U 盘可能已被拔出）",
    errno.ENODEV: "设备不存在（U 盘可能已被拔出）",
    errno.EIO: "读写出错（U 盘可能已被拔出或损坏）",
}


def _reason(exc: OSError) -> str:
    return REASONS.get(exc.errno or 0, f"写入失败：{exc.strerror or exc}")


def _fsync(path: Path) -> None:
    with open(path, "rb+") as f:
        f.flush()
        os.fsync(f.fileno())


def verify(path: Path, expected_size: int | None = None) -> None:
    """Read the file back; raise ValueError when it is not whole."""
    size = path.stat().st_size
    if size == 0 or (expected_size is not None and size != expected_size):
        raise ValueError("写入的文件大小不对")
    suffix = path.suffix.lower()
    data_tail = b""
    with open(path, "rb") as f:
        f.seek(max(0, size - 1024))
        data_tail = f.read()
    if suffix in (".xlsx", ".xlsm", ".zip", ".kaohe"):  # .kaohe: a data package
        try:
            z = zipfile.ZipFile(path)
        except zipfile.BadZipFile:
            raise ValueError("不是完整的 zip/xlsx 文件") from None
        with z:
            bad = z.testzip()
            if bad is not None:
                raise ValueError(f"文件损坏：{bad}")
            if suffix in (".xlsx", ".xlsm") and "xl/workbook.xml" not in z.namelist():
                raise ValueError("不是有效的 Excel 工作簿")
    elif suffix == ".pdf" and b"%%EOF" not in data_tail:
        raise ValueError("PDF 文件不完整")


def _tmp_name(target: Path) -> Path:
    return target.with_name(f".{target.stem}.{os.getpid()}.tmp{target.suffix}")


_TMP = re.compile(r"\..+\.(\d+)\.tmp(\.[^.]*)?")


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # os.kill would end it; an open file refuses deletion there
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, someone else's
        return True
    return True


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove the temporary files of exports into `folder` whose process is gone; the
    files removed. On Windows a file still being written is open and cannot be deleted,
    so the attempt is harmless there."""
    removed = []
    try:
        names = [e.name for e in os.scandir(folder) if e.name.startswith(".") and ".tmp" in e.name]
    except OSError:
        return removed
    for name in names:
        m = _TMP.fullmatch(name)
        if m and not _running(int(m.group(1))):
            with contextlib.suppress(OSError):
                (folder / name).unlink()
                removed.append(folder / name)
    return removed


def safe_write(target: Path | str, produce: Callable[[Path], object]) -> Path:
    """Produce `target` through a checked temporary file; returns the final path."""
    target = Path(target)
    folder = target.parent
    if not folder.is_dir():
        raise InputError(Problem(f"无法保存：{REASONS[errno.ENOENT]}", file=str(target)))
    remove_leftovers(folder)
    tmp = _tmp_name(target)
    try:
        produce(tmp)
        _fsync(tmp)
        size = tmp.stat().st_size
        verify(tmp, size)
        os.replace(tmp, target)
        _fsync_dir(folder)
    except OSError as exc:
        _remove(tmp)
        raise InputError(Problem(f"无法保存：{_reason(exc)}", file=str(target))) from None
    except ValueError as exc:
        _remove(tmp)
        raise InputError(Problem(f"保存后校验失败：{exc}", file=str(target))) from None
    except BaseException:
        _remove(tmp)
        raise
    return target


def copy_file(source: Path | str, target: Path | str) -> Path:
    """Copy a finished file (say from the temp folder) onto a USB drive, safely."""
    src = Path(source)

    def produce(tmp: Path) -> None:
        with open(src, "rb") as fin, open(tmp, "wb") as fout:
            while chunk := fin.read(1 << 20):
                fout.write(chunk)

    return safe_write(target, produce)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # Windows cannot open a folder; the rename is durable enough there
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)
