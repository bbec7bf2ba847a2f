"""Evidence files are copied into attachments/ when added, stored as names inside it,
and only files inside it are ever opened (`event add --evidence ../../etc/passwd`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from backends import raw_connect

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services import scores
from kaohe_desktop.services.database import open_db


def _evidence(db_path: Path) -> list[str]:
    conn = raw_connect(db_path)
    try:
        return [r[0] for r in conn.execute("SELECT evidence FROM event ORDER BY id")]
    finally:
        conn.close()


def test_evidence_is_copied_and_only_opened_inside_the_attachments_folder(kaohe: Any, small: Any,
                                                                          db_path: Path, tmp_path: Path):
    photo = tmp_path / "外面" / "照片.jpg"
    photo.parent.mkdir()
    photo.write_bytes(b"\xff\xd8jpeg")
    kaohe.ok("event", "add", small.id, "FR02", "B2", 3, "--matter", "报道", "--evidence", str(photo))
    stored = _evidence(db_path)[-1]
    assert stored.startswith("attachments/") and stored.endswith("照片.jpg")
    photo.unlink()  # the original may go away: the copy is what is kept and opened
    db = open_db(db_path)
    try:
        opened = scores.evidence_path(db, stored)
        assert opened.read_bytes() == b"\xff\xd8jpeg"
        assert opened.is_relative_to(scores.attachments_root(db).resolve())
        for hostile in ("../../../../etc/passwd", "/etc/passwd", "attachments/../kaohe.db",
                        "attachments/1/../../../x", "attachments\\..\\..\\x", "attachments"):
            with pytest.raises(InputError, match="附件"):
                scores.evidence_path(db, hostile)
            with pytest.raises(InputError, match="附件"):
                scores.add_event(db, small.id, "FR02", "B2", 1, matter="另一事项", evidence=hostile)
    finally:
        db.close()


def test_a_traversal_or_missing_evidence_file_is_refused(kaohe: Any, small: Any, db_path: Path):
    before = _evidence(db_path)
    for path in ("../../../../etc/passwd-does-not-exist", str(db_path.parent / "无此文件.jpg"),
                 str(db_path.parent)):
        r = kaohe("event", "add", small.id, "FR02", "B2", 3, "--matter", "报道2", "--evidence", path)
        assert r.code == 2 and "附件" in r.err, r.err
    assert _evidence(db_path) == before


def test_an_old_absolute_reference_is_not_opened(kaohe: Any, small: Any, db_path: Path):
    kaohe.ok("event", "add", small.id, "FR02", "B2", 3, "--matter", "报道")
    conn = raw_connect(db_path)
    conn.execute("UPDATE event SET evidence = '/etc/passwd'")
    conn.commit()
    conn.close()
    db = open_db(db_path)
    try:
        event = scores.list_events(db, small.id)[0]
        with pytest.raises(InputError, match="不在本程序的附件文件夹"):
            scores.evidence_path(db, event.evidence)
    finally:
        db.close()
