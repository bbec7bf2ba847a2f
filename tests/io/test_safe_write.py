"""USB-safe writing: a full, read-only or vanished target leaves no half-written file."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.io import safe_write as sw
from kaohe_desktop.io.tally_workbook import TallySheet, write_tally

SHEETS = [TallySheet("汇总", "t", ("名次", "单位"), [(1, "东风社区便民服务站")])]


def _write_pdf(path: Path) -> None:
    path.write_bytes(b"%PDF-1.4\n...\n%%EOF\n")


def test_writes_and_verifies(tmp_path):
    out = sw.safe_write(tmp_path / "a.xlsx", lambda p: write_tally(p, SHEETS))
    assert out.exists() and [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]
    sw.safe_write(tmp_path / "a.pdf", _write_pdf)
    assert (tmp_path / "a.pdf").read_bytes().endswith(b"%%EOF\n")


def test_full_disk_leaves_the_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "年终汇总.xlsx"
    target.write_bytes(b"old")

    def full(path: Path) -> None:
        with open(path, "wb") as f:
            f.write(b"PK\x03\x04 partial")
            raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(InputError) as info:
        sw.safe_write(target, full)
    assert "已满" in str(info.value) and str(target) in info.value.lines()[0]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_full_disk_during_fsync(tmp_path, monkeypatch):
    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(InputError, match="已满"):
        sw.safe_write(tmp_path / "a.pdf", _write_pdf)
    assert list(tmp_path.iterdir()) == []


def test_read_only_filesystem(tmp_path, monkeypatch):
    real_open = open

    def read_only(path, mode="r", *args, **kwargs):
        if "w" in mode or "+" in mode:
            raise OSError(errno.EROFS, "Read-only file system")
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", read_only)
    with pytest.raises(InputError, match="只读"):
        sw.safe_write(tmp_path / "a.pdf", lambda p: read_only(p, "wb"))
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores permissions")
def test_read_only_folder(tmp_path):
    folder = tmp_path / "usb"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(InputError, match=r"权限|只读"):
            sw.safe_write(folder / "a.xlsx", lambda p: write_tally(p, SHEETS))
    finally:
        folder.chmod(0o700)
    assert list(folder.iterdir()) == []


def test_removed_drive(tmp_path):
    with pytest.raises(InputError, match=r"拔出|不存在"):
        sw.safe_write(tmp_path / "gone" / "a.xlsx", lambda p: write_tally(p, SHEETS))


def test_a_truncated_file_fails_verification(tmp_path):
    def truncated(path: Path) -> None:
        path.write_bytes(b"%PDF-1.4\n...")

    with pytest.raises(InputError, match="校验"):
        sw.safe_write(tmp_path / "a.pdf", truncated)
    assert list(tmp_path.iterdir()) == []

    def broken_xlsx(path: Path) -> None:
        path.write_bytes(b"PK\x03\x04not really")

    with pytest.raises(InputError, match="校验"):
        sw.safe_write(tmp_path / "a.xlsx", broken_xlsx)
    assert list(tmp_path.iterdir()) == []
