"""Several writers on one assessment (issue 18 §1): each score row is its own, so two
assessors saving the same subject at once lose nothing (two real processes); a save made
from an older version of one value is refused and shown the other's value; a publication
and a save cannot interleave. On the SQLite file and, in CI's second pass, on PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from decimal import Decimal as D

import pytest
from backends import ON_SERVER, where
from sqlalchemy import select

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.periods import parse_period
from kaohe_desktop.services import assessments, roster, scores
from kaohe_desktop.services.assessments import GroupSpec
from kaohe_desktop.services.scores import ScoreConflict
from kaohe_desktop.store.models import Assessment

LEAVES = ["1.1", "1.2.1", "1.2.2", "1.2.3", "1.2.4", "1.3.1", "1.3.2", "1.3.3"]


@pytest.fixture
def assessment(db):
    for i in (1, 2):
        roster.add_unit(db, f"第{i}站", code=f"U{i}", area="城关街道")
    return assessments.create_assessment(db, "CY2019", parse_period("2024"), subjects="units",
                                         groups=[GroupSpec("第一组", "上级")]).id


def test_a_save_from_an_older_version_is_refused_with_the_others_value(db, assessment):
    scores.set_score(db, assessment, "U1", "1.1", 15, assessor="甲")
    value, seen = scores.score_version(db, assessment, "U1", "1.1", "甲")
    assert (value, seen) == (D("15"), 1)
    # two PCs showed version 1; the first saves 18, the second then tries 12
    scores.set_score(db, assessment, "U1", "1.1", 18, assessor="甲", seen_version=seen)
    with pytest.raises(ScoreConflict) as caught:
        scores.set_score(db, assessment, "U1", "1.1", 12, assessor="甲", seen_version=seen)
    text = caught.value.lines()[0]
    assert "已被另一处修改为 18" in text and "第 2 版" in text and "12" in text and "未保存" in text
    assert scores.score_version(db, assessment, "U1", "1.1", "甲") == (D("18"), 2)
    # saved again from the version now shown: accepted
    scores.set_score(db, assessment, "U1", "1.1", 12, assessor="甲", seen_version=2)
    assert scores.score_version(db, assessment, "U1", "1.1", "甲") == (D("12"), 3)
    # one PC thought the item empty while another had already scored it
    scores.set_score(db, assessment, "U2", "1.1", 10, assessor="甲")
    with pytest.raises(ScoreConflict, match="已被另一处修改为 10"):
        scores.set_score(db, assessment, "U2", "1.1", 11, assessor="甲", seen_version=0)
    assert scores.score_version(db, assessment, "U2", "1.1", "甲") == (D("10"), 1)


WRITER = textwrap.dedent("""
    import sys
    from kaohe_desktop.services import scores
    from kaohe_desktop.services.database import open_db
    target, aid, assessor, value = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    db = open_db(target)
    print("ready", flush=True)
    sys.stdin.readline()  # both start together
    for item in sys.argv[5:]:
        for subject in ("U1", "U2"):
            scores.set_score(db, aid, subject, item, value, assessor=assessor, group="第一组")
    db.close()
    print("done", flush=True)
""")


def test_two_assessors_saving_the_same_subjects_at_once_lose_nothing(db, assessment):
    target = str(where(db))
    db.close()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, target, str(assessment), name, value,
                               *LEAVES], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
             for name, value in (("甲", "0.5"), ("乙", "1"))]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    for p in procs:
        out, _ = p.communicate(timeout=120)
        assert p.returncode == 0 and "done" in out
    from kaohe_desktop.services.database import open_db

    again = open_db(target)
    try:
        for name, value in (("甲", D("0.5")), ("乙", D(1))):
            for subject in ("U1", "U2"):
                for item in LEAVES:
                    assert scores.score_version(again, assessment, subject, item, name) == (value, 1)
    finally:
        again.close()


@pytest.mark.skipif(not ON_SERVER, reason="row locks: SQLite has one writer at a time anyway")
def test_a_publication_waits_for_a_save_in_progress_and_later_saves_are_refused(
        db, assessment, leave_out_unfinished):
    scores.set_score(db, assessment, "U1", "1.1", 15, assessor="甲", group="第一组")
    leave_out_unfinished(db, assessment)
    assessments.change_state(db, assessment, "submit")
    # a save in progress: it holds the assessment's share lock until it commits
    saver = db.sessions()
    saver.execute(select(Assessment.state).where(Assessment.id == assessment)
                  .with_for_update(read=True)).scalar_one()
    done: list[object] = []
    approving = threading.Thread(target=lambda: done.append(
        assessments.change_state(db, assessment, "approve")))
    approving.start()
    time.sleep(1.0)
    assert not done, "the approval must wait for the save in progress"
    saver.commit()
    saver.close()
    approving.join(timeout=30)
    assert done and done[0].state == "reviewed"
    with pytest.raises(InputError, match="已锁定"):
        scores.set_score(db, assessment, "U1", "1.1", 16, assessor="甲", group="第一组")
