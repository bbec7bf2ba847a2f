"""The one check every importer makes before opening what the user named.

A name can be a missing file, a folder, or a device or pipe (/dev/zero, a FIFO) whose
size reads as 0 and whose contents never end: reading one would hang the import. Only
a regular file is read.
"""

from __future__ import annotations

from pathlib import Path

from kaohe_desktop.domain.errors import InputError, Problem


def regular_file(path: Path | str) -> Path:
    """`path` as a Path when it names a regular file; InputError in Chinese otherwise."""
    path = Path(path)
    if not path.exists():
        raise InputError(Problem("文件不存在", file=str(path)))
    if path.is_dir():
        raise InputError(Problem("这是文件夹，不是文件", file=str(path)))
    if not path.is_file():
        raise InputError(Problem("这不是普通文件（是设备或管道），无法导入", file=str(path)))
    return path
