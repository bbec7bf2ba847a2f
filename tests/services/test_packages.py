"""Data packages between offline PCs (issue 18 §2) through the services, on real SQLite
files and real zip files: a township hands an assessment to two villages, they score it
offline, and their packages come back — merged twice, a newer one, two that disagree,
and packages damaged, altered, too new or a zip bomb."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from decimal import Decimal as D
from pathlib import Path

import pytest
from package_data import (
    PNG,
    edit_manifest,
    export,
    flip_byte,
    photo,
    rewrite_member,
    score_village,
    township,
    village,
)

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.io.package_format import open_package
from kaohe_desktop.services import scores
from kaohe_desktop.services.audit import audit_log, verify
from kaohe_desktop.services.package_conflicts import arrivals, list_conflicts, resolve_conflict
from kaohe_desktop.services.package_import import import_package
from kaohe_desktop.store.schema_head import SCHEMA_HEAD


@pytest.fixture
def world(tmp_path: Path):
    """The township, its package, and villages V01 and V02 made from it."""
    town, aid = township(tmp_path / "town")
    handed = export(town, tmp_path / "usb-town", assessment_id=aid)
    a = village(tmp_path / "a", "V01", handed)
    b = village(tmp_path / "b", "V02", handed)
    return town, aid, a, b, tmp_path


def table_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        conn.close()


def value_of(db, subject: str, item: str) -> D:
    """The one score of `subject`'s `item` in assessment 1, read with plain sqlite3."""
    conn = sqlite3.connect(db.path)
    try:
        [(value,)] = conn.execute(
            "SELECT score.value FROM score JOIN subject ON subject.id = score.subject_id "
            "JOIN unit ON unit.id = subject.unit_id WHERE score.assessment_id = 1 "
            "AND unit.code = ? AND score.item_code = ?", (subject, item)).fetchall()
    finally:
        conn.close()
    return D(value)


def test_manifest_names_every_member_with_its_digest(world):
    _town, _aid, a, _b, tmp = world
    score_village(a, "V01", {"1.1": "18"}, evidence=photo(tmp / "files"))
    path = export(a, tmp / "usb-a", assessment_id=1)
    assert path.suffix == ".kaohe" and path.name.startswith("东村便民服务室-考核1-")
    package = open_package(path)
    m = package.manifest
    assert m["format"] == "kaohe-package" and m["format_version"] == 1
    assert m["office"]["name"] == "东村便民服务室" and m["signature"]["algorithm"] == "Ed25519"
    assert m["schema_revision"] == SCHEMA_HEAD
    assert m["counts"]["scores"] == 1 and m["counts"]["events"] == 1
    with zipfile.ZipFile(path) as zf:
        members = set(zf.namelist()) - {"manifest.json"}
        attachment = next(n for n in members if n.startswith("attachments/"))
        assert zf.read(attachment) == PNG
    assert members == set(m["members"])
    scores_json = package.records("scores")
    assert scores_json[0][1:6] == ["V01", "第一组", "张三", "1.1", "18"]


def test_merge_counts_then_the_same_package_twice_adds_nothing(world):
    town, _aid, a, _b, tmp = world
    score_village(a, "V01", {"1.1": "18", "1.2.1": "2"}, evidence=photo(tmp / "files"))
    path = export(a, tmp / "usb-a", assessment_id=1)

    preview = import_package(town, path, dry_run=True)
    assert table_counts(town.path)["package_receipt"] == 0  # a preview writes nothing
    merged = import_package(town, path)
    assert {k: t.as_dict() for k, t in preview.counts.items()} == \
        {k: t.as_dict() for k, t in merged.counts.items()}
    assert merged.counts["scores"].new == 2 and merged.counts["events"].new == 1
    assert merged.counts["units"].unchanged == 2 and merged.counts["assessments"].unchanged == 1
    assert merged.totals()["conflicts"] == 0
    after_first = table_counts(town.path)

    again = import_package(town, path)
    assert again.already is not None
    assert again.totals()["new"] == again.totals()["updated"] == again.totals()["conflicts"] == 0
    assert table_counts(town.path) == after_first  # not even an audit row
    assert value_of(town, "V01", "1.1") == D("18")
    # the photo arrived beside the township's database, byte for byte
    event = scores.list_events(town, 1)[0]
    assert scores.evidence_path(town, event.evidence).read_bytes() == PNG
    report = verify(town)
    assert report.ok, report.problems
    assert any(e.table == "score" and e.action == "insert" for e in audit_log(town, assessment_id=1))


def test_a_newer_package_from_the_same_village_updates_what_changed(world):
    town, _aid, a, _b, tmp = world
    score_village(a, "V01", {"1.1": "18", "1.2.1": "2"})
    import_package(town, export(a, tmp / "usb-1", assessment_id=1))
    scores.set_score(a, 1, "V01", "1.1", "16.5", assessor="张三", group="第一组")
    newer = import_package(town, export(a, tmp / "usb-2", assessment_id=1))
    assert newer.counts["scores"].updated == 1 and newer.counts["scores"].unchanged == 1
    assert newer.totals()["conflicts"] == 0
    assert value_of(town, "V01", "1.1") == D("16.5")
    # the older package arriving late changes nothing back
    late = import_package(town, next((tmp / "usb-1").glob("*.kaohe")))
    assert late.counts["scores"].updated == 0 and value_of(town, "V01", "1.1") == D("16.5")
    assert verify(town).ok


def test_a_value_changed_here_is_never_overwritten_by_the_village(world):
    """The township corrects a merged score: the village's next package, still carrying
    its old value, changes nothing; a new value from the village is a conflict."""
    town, _aid, a, _b, tmp = world
    score_village(a, "V01", {"1.1": "18", "1.2.1": "2"})
    import_package(town, export(a, tmp / "usb-1", assessment_id=1))
    scores.set_score(town, 1, "V01", "1.1", "15", assessor="张三", group="第一组")
    scores.set_score(a, 1, "V01", "1.2.1", "1.5", assessor="张三", group="第一组")
    second = import_package(town, export(a, tmp / "usb-2", assessment_id=1))
    assert second.counts["scores"].updated == 1 and second.counts["scores"].conflicts == 0
    assert value_of(town, "V01", "1.1") == D("15") and value_of(town, "V01", "1.2.1") == D("1.5")
    scores.set_score(a, 1, "V01", "1.1", "17", assessor="张三", group="第一组")
    third = import_package(town, export(a, tmp / "usb-3", assessment_id=1))
    assert third.counts["scores"].conflicts == 1 and value_of(town, "V01", "1.1") == D("15")
    [c] = list_conflicts(town)
    assert c.ours["values"]["value"] == "15" and c.theirs["values"]["value"] == "17"
    assert c.ours["office"] == "城关镇便民服务中心" and c.theirs["office"] == "东村便民服务室"


def test_two_villages_disagreeing_on_one_score_make_a_conflict_not_an_overwrite(world):
    town, _aid, a, b, tmp = world
    score_village(a, "V01", {"1.1": "18"})
    score_village(b, "V02", {"1.1": "17"})
    scores.set_score(b, 1, "V01", "1.1", "19", assessor="张三", group="第一组")  # B scores V01 too
    import_package(town, export(a, tmp / "usb-a", assessment_id=1))
    path_b = export(b, tmp / "usb-b", assessment_id=1)
    merged = import_package(town, path_b)
    assert merged.counts["scores"].new == 1 and merged.counts["scores"].conflicts == 1
    assert value_of(town, "V01", "1.1") == D("18")  # never silently overwritten
    [c] = list_conflicts(town)
    assert "V01" in c.label and "1.1" in c.label and "张三" in c.label
    assert c.ours["values"]["value"] == "18" and c.ours["office"] == "东村便民服务室"
    assert c.theirs["values"]["value"] == "19" and c.theirs["office"] == "西村便民服务室"
    assert c.ours["at"] and c.theirs["at"]

    again = import_package(town, path_b)  # the same disagreement is not raised twice
    assert again.totals()["conflicts"] == 0 and len(list_conflicts(town)) == 1

    done = resolve_conflict(town, c.id, "theirs")
    assert done.resolution == "theirs" and value_of(town, "V01", "1.1") == D("19")
    assert list_conflicts(town) == []
    with pytest.raises(InputError, match="已于"):
        resolve_conflict(town, c.id, "ours")
    assert import_package(town, path_b).totals()["conflicts"] == 0
    report = verify(town)
    assert report.ok, report.problems
    assert any(e.table == "package_conflict" and e.action == "update" for e in audit_log(town))


def test_keep_ours_leaves_the_value_and_records_the_choice(world):
    town, _aid, a, b, tmp = world
    score_village(a, "V01", {"1.1": "18"})
    scores.set_score(b, 1, "V01", "1.1", "12", assessor="张三", group="第一组")
    import_package(town, export(a, tmp / "usb-a", assessment_id=1))
    import_package(town, export(b, tmp / "usb-b", assessment_id=1))
    [c] = list_conflicts(town)
    resolve_conflict(town, c.id, "ours")
    assert value_of(town, "V01", "1.1") == D("18")
    assert [x.resolution for x in list_conflicts(town, include_resolved=True)] == ["ours"]


def _refused(db, path: Path, match: str) -> None:
    before = table_counts(db.path)
    with pytest.raises(InputError, match=match) as refused:
        import_package(db, path)
    assert table_counts(db.path) == before
    assert str(path) in refused.value.lines()[0]


def test_a_damaged_package_is_refused_whole_naming_the_member(world):
    town, _aid, a, _b, tmp = world
    score_village(a, "V01", {"1.1": "18"})
    path = export(a, tmp / "usb-a", assessment_id=1)
    _refused(town, flip_byte(path, "records/scores.json"), "records/scores.json")


def test_an_altered_member_is_refused_naming_it(world):
    town, _aid, a, _b, tmp = world
    score_village(a, "V01", {"1.1": "18"})
    path = export(a, tmp / "usb-a", assessment_id=1)
    altered = rewrite_member(path, "records/scores.json", lambda d: d.replace(b'"18"', b'"20"'))
    _refused(town, altered, r"records/scores\.json 与清单中的校验值不符")
    # an added member that the manifest does not list
    extra = tmp / "extra.kaohe"
    extra.write_bytes(path.read_bytes())
    with zipfile.ZipFile(extra, "a") as zf:
        zf.writestr("records/more.json", "[]")
    _refused(town, extra, "records/more.json 不在清单中")
    _refused(town, edit_manifest(path, members={}), "不在清单中")


def test_a_package_from_a_newer_schema_is_refused_with_the_version_needed(world):
    town, _aid, a, _b, tmp = world
    path = export(a, tmp / "usb-a", assessment_id=1)
    _refused(town, edit_manifest(path, a, schema_revision="0042_future_things"),
             "0042_future_things")
    _refused(town, edit_manifest(path, a, format_version=9), "格式版本 9")


def test_a_zip_bomb_is_refused_before_it_is_inflated(world, tmp_path: Path):
    town = world[0]
    bomb = tmp_path / "bomb.kaohe"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps({"format": "kaohe-package", "format_version": 1}))
        zf.writestr("records/punches.json", b"\0" * (40 * 1024 * 1024))
    assert bomb.stat().st_size < 200_000
    _refused(town, bomb, "压缩炸弹")
    not_zip = tmp_path / "text.kaohe"
    not_zip.write_text("这不是数据包")
    _refused(town, not_zip, "压缩结构损坏")


def test_received_lists_each_village_and_what_is_missing(world):
    town, _aid, a, _b, tmp = world
    score_village(a, "V01", {"1.1": "18"})
    import_package(town, export(a, tmp / "usb-a", assessment_id=1))
    result = arrivals(town, 2024)
    [office] = result.offices
    assert office.office == "东村便民服务室" and len(office.packages) == 1
    assert office.units == ["V01", "V02"]  # the assessment covers both stations
    assert office.missing_months == []  # a yearly assessment covers the year
    late = arrivals(town, 2025)
    assert late.offices[0].missing_months[0] == "2025-01"


def test_the_township_own_package_is_not_merged_into_itself(world):
    town, _aid, _a, _b, tmp = world
    path = next((tmp / "usb-town").glob("*.kaohe"))
    with pytest.raises(InputError, match="本数据库自己导出"):
        import_package(town, path)


def test_packages_are_signed_with_the_office_key_and_a_forgery_is_refused(world, tmp_path):
    """Each package is signed with its office's Ed25519 key (services/office_key.py); a
    manifest changed afterwards — even with its member digests intact — fails the
    signature, and the package is refused whole."""
    from kaohe_desktop.services import office_key
    from kaohe_desktop.services.package_signing import fingerprint

    town, _aid, a, _b, tmp = world
    score_village(a, "V01", {"1.1": "18"})
    path = export(a, tmp / "usb-a", assessment_id=1)
    signature = open_package(path).manifest["signature"]
    assert signature["algorithm"] == "Ed25519"
    assert signature["fingerprint"] == fingerprint(office_key.public_key_pem(a))
    forged = edit_manifest(path, office={"uuid": "00000000-0000-0000-0000-000000000000",
                                         "name": "冒名村"})
    _refused(town, forged, "签名")
    report = import_package(town, path)
    assert report.signed and report.counts["scores"].new == 1
