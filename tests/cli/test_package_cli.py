"""`kaohe package …` end to end in-process: a township and two villages, each its own
SQLite file, exchanging real .kaohe files; refused packages exit 2 and write nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from package_data import edit_manifest, flip_byte, rewrite_member

from tests.cli.conftest import Kaohe, table_snapshot


def one_package(folder: Path) -> Path:
    [path] = sorted(folder.glob("*.kaohe"))
    return path


@pytest.fixture
def offices(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    town = Kaohe(tmp_path / "town.db", capsys)
    town.ok("settings", "set", "issuer", "城关镇便民服务中心")
    for code, name in (("V01", "东村便民服务室"), ("V02", "西村便民服务室")):
        town.ok("unit", "add", name, "--code", code, "--area", "城关镇")
        town.ok("staff", "add", f"{name[:2]}一号", "--unit", code, "--code", f"{code}-01")
    town.ok("assessment", "create", "--rubric", "CY2019", "--period", "2024", "--subjects", "units",
            "--group", "第一组:上级")
    (tmp_path / "usb").mkdir()
    town.ok("package", "export", "--out", tmp_path / "usb", "--assessment", "1")
    handed = one_package(tmp_path / "usb")
    villages = {}
    for code, name in (("V01", "东村便民服务室"), ("V02", "西村便民服务室")):
        v = Kaohe(tmp_path / f"{code}.db", capsys)
        v.ok("settings", "set", "issuer", name)
        v.ok("package", "import", handed)
        villages[code] = v
    return town, villages, tmp_path


def send(village: Kaohe, folder: Path) -> Path:
    folder.mkdir()
    village.ok("package", "export", "--out", folder, "--year", "2024")
    return one_package(folder)


def test_import_json_counts_twice_conflicts_resolve_and_received(offices):
    town, villages, tmp = offices
    a, b = villages["V01"], villages["V02"]
    a.ok("scores", "set", "1", "V01", "1.1", "18", "--assessor", "张三", "--group", "第一组")
    b.ok("scores", "set", "1", "V02", "1.1", "17", "--assessor", "张三", "--group", "第一组")
    b.ok("scores", "set", "1", "V01", "1.1", "19", "--assessor", "张三", "--group", "第一组")
    from_a, from_b = send(a, tmp / "usb-a"), send(b, tmp / "usb-b")

    preview = town.json("package", "import", from_a, "--dry-run")
    assert preview["dry_run"] and preview["totals"]["new"] == 2  # the seat and the score
    assert preview["kinds"]["scores"] == {"new": 1, "updated": 0, "unchanged": 0, "conflicts": 0}
    merged = town.json("package", "import", from_a)
    assert merged["kinds"] == preview["kinds"]
    before = table_snapshot(town.db)
    twice = town.json("package", "import", from_a)
    assert twice["already_merged"] and twice["totals"]["new"] == 0
    assert table_snapshot(town.db) == before

    text = town.ok("package", "import", from_b).out
    assert "冲突：" in text and "东村便民服务室" in text and "西村便民服务室" in text
    [conflict] = town.json("package", "conflicts")
    assert conflict["ours"]["values"]["value"] == "18"
    assert conflict["theirs"]["values"]["value"] == "19"
    assert conflict["theirs"]["author"] == "张三（第一组）"
    shown = town.ok("package", "conflicts").out
    assert "本库 18（张三（第一组），东村便民服务室" in shown and "数据包 19" in shown

    refused = town("package", "resolve", conflict["id"], "--keep", "mine")
    assert refused.code == 2
    town.ok("package", "resolve", conflict["id"], "--keep", "theirs")
    assert town.json("package", "conflicts") == []
    drill = town.ok("drill", "1", "V01").out
    assert "19" in drill
    assert town.ok("audit", "verify").code == 0

    received = town.json("package", "received", "--year", "2024")
    assert sorted(o["office"] for o in received["offices"]) == ["东村便民服务室", "西村便民服务室"]
    assert received["missing_units"] == []
    listing = town.ok("package", "received", "--year", "2024").out
    assert "东村便民服务室：1 个数据包" in listing


@pytest.mark.parametrize("how", ["damaged", "altered", "newer"])
def test_a_refused_package_exits_2_names_why_and_writes_nothing(offices, how):
    town, villages, tmp = offices
    a = villages["V01"]
    a.ok("scores", "set", "1", "V01", "1.1", "18", "--assessor", "张三", "--group", "第一组")
    good = send(a, tmp / "usb-a")
    bad, expected = {
        "damaged": (lambda: flip_byte(good, "records/scores.json"), "records/scores.json"),
        "altered": (lambda: rewrite_member(good, "records/units.json",
                                           lambda d: d.replace("东村".encode(), "南村".encode())),
                    "records/units.json 与清单中的校验值不符"),
        "newer": (lambda: edit_manifest(good, a.db, schema_revision="0099_later"), "0099_later"),
    }[how]
    path = bad()
    before = table_snapshot(town.db)
    for extra in ((), ("--dry-run",), ("--json",)):
        r = town("package", "import", path, *extra)
        assert r.code == 2, r.err
        assert expected in r.err and str(path) in r.err and "未写入任何数据" in r.err
        assert "Traceback" not in r.err
    assert table_snapshot(town.db) == before


def test_export_needs_the_office_name_and_an_existing_folder(tmp_path: Path, capsys):
    k = Kaohe(tmp_path / "k.db", capsys)
    k.ok("demo")
    r = k("package", "export", "--out", tmp_path / "nowhere")
    assert r.code == 2 and "目标文件夹不存在" in r.err
    blank = Kaohe(tmp_path / "blank.db", capsys)
    blank.ok("unit", "add", "某站", "--code", "X1")
    (tmp_path / "usb").mkdir()
    r = blank("package", "export", "--out", tmp_path / "usb")
    assert r.code == 2 and "kaohe settings set issuer" in r.err
    r = k("package", "export", "--out", tmp_path / "usb", "--year", "2024", "--assessment", "1")
    assert r.code == 2


def test_a_village_with_its_own_codes_is_mapped_onto_the_township_roster(offices, capsys):
    """A village PC set up on its own gave 东村便民服务室 the code C01 and its worker
    C01-01; the township knows them as V01 and V01-01. The preview names each mismatch
    with the code to map to; --map-unit/--map-staff merge onto the township's records
    instead of adding a second station; a mapping to a code the township lacks is refused."""
    town, _villages, tmp = offices
    own = Kaohe(tmp / "own.db", capsys)
    own.ok("settings", "set", "issuer", "东村便民服务室")
    own.ok("unit", "add", "东村便民服务室", "--code", "C01", "--area", "城关镇")
    own.ok("staff", "add", "东村一号", "--unit", "C01", "--code", "C01-01")
    own.ok("assessment", "create", "--rubric", "CY2019", "--period", "2024", "--subjects", "units",
           "--group", "第一组:上级")
    own.ok("scores", "set", "1", "C01", "1.1", "18", "--assessor", "张三", "--group", "第一组")
    package = send(own, tmp / "usb-own")

    preview = town.json("package", "import", package, "--dry-run")
    assert {(m["kind"], m["code"], m["suggested"]) for m in preview["mismatches"]} == \
        {("unit", "C01", "V01"), ("staff", "C01-01", "V01-01")}
    assert "--map-unit C01=V01" in town.ok("package", "import", package, "--dry-run").out

    before = table_snapshot(town.db)
    r = town("package", "import", package, "--map-unit", "C01=V09")
    assert r.code == 2 and "V09" in r.err and "本机名册中没有这个编号" in r.err
    assert table_snapshot(town.db) == before

    merged = town.json("package", "import", package, "--map-unit", "C01=V01",
                       "--map-staff", "C01-01=V01-01")
    assert merged["mismatches"] == [] and merged["kinds"]["units"]["new"] == 0
    assert merged["kinds"]["staff"]["new"] == 0
    assert sorted(u["code"] for u in town.json("unit", "list")) == ["V01", "V02"]
    ranked = {r["subject_code"]: r for r in town.json("rank", "2")}
    assert set(ranked) == {"V01"} and ranked["V01"]["items"]["1.1"] == 18
