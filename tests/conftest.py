"""Shared test setup. Qt runs offscreen; every test gets its own SQLite file — or its own
PostgreSQL database when KAOHE_TEST_DATABASE_URL is set (tests/backends.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from backends import ON_SERVER, Server, server_admin_url

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if ON_SERVER:  # server backups and attachments go to the data folder: not the user's own
    import tempfile

    os.environ.setdefault("KAOHE_DATA_DIR", tempfile.mkdtemp(prefix="kaohe-data-"))

REFERENCE = Path(__file__).parent / "reference"


def _resources_of_this_checkout() -> None:
    """An editable install made from another checkout (a git worktree) maps
    kaohe_desktop.resources to that checkout's resources/: load this one's instead, so the
    tests see the rubrics and fonts they were written with — here and, through a
    sitecustomize on PYTHONPATH, in the programs the tests start."""
    import importlib.util
    import sys
    import tempfile

    here = Path(__file__).resolve().parents[1] / "resources"
    spec = importlib.util.find_spec("kaohe_desktop.resources")
    if spec is None or spec.origin is None or Path(spec.origin).parent.resolve() == here:
        return
    mine = importlib.util.spec_from_file_location(
        "kaohe_desktop.resources", here / "__init__.py", submodule_search_locations=[str(here)])
    assert mine is not None and mine.loader is not None
    module = importlib.util.module_from_spec(mine)
    sys.modules["kaohe_desktop.resources"] = module
    mine.loader.exec_module(module)
    boot = Path(tempfile.mkdtemp(prefix="kaohe-tests-site-"))
    (boot / "sitecustomize.py").write_text(
        "import importlib.util, sys\n"
        f"_s = importlib.util.spec_from_file_location('kaohe_desktop.resources', "
        f"{str(here / '__init__.py')!r}, submodule_search_locations=[{str(here)!r}])\n"
        "_m = importlib.util.module_from_spec(_s)\n"
        "sys.modules['kaohe_desktop.resources'] = _m\n"
        "_s.loader.exec_module(_m)\n", encoding="utf-8")
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(boot), *filter(None, [os.environ.get("PYTHONPATH", "")])])


_resources_of_this_checkout()


@pytest.fixture(scope="session")
def pg_server():
    """The PostgreSQL server of KAOHE_TEST_DATABASE_URL (None when the tests run on SQLite)."""
    if not ON_SERVER:
        yield None
        return
    server = Server(server_admin_url())
    yield server
    server.close()


@pytest.fixture
def db_target(tmp_path: Path, pg_server):
    """Where the test's database lives: a file in tmp_path, or a fresh server database."""
    if pg_server is None:
        yield tmp_path / "kaohe.db"
        return
    url = pg_server.fresh()
    yield url
    pg_server.drop(url)


@pytest.fixture
def db(db_target):
    from kaohe_desktop.services.database import open_db

    database = open_db(db_target)
    yield database
    database.close()


def pytest_collection_modifyitems(config, items):
    """`@pytest.mark.sqlite_only(reason)` tests are skipped on a PostgreSQL run."""
    if not ON_SERVER:
        return
    for item in items:
        mark = item.get_closest_marker("sqlite_only")
        if mark is not None:
            reason = mark.args[0] if mark.args else mark.kwargs.get("reason", "")
            item.add_marker(pytest.mark.skip(reason=f"只适用于 SQLite 文件：{reason}"))


@pytest.fixture
def leave_out_unfinished():
    """`leave_out_unfinished(db, assessment_id)`: mark every incomplete subject 不参评, as
    an administrator would to take a partly scored assessment through review (tests of
    locking and review that do not care about the scores)."""
    from kaohe_desktop.services import ranking, subject_marks

    def leave_out(db, assessment_id: int) -> list[str]:
        codes = [r.subject_code for r in ranking.rank_assessment(db, assessment_id)
                 if not r.complete and not r.excluded]
        for code in codes:
            subject_marks.exclude_subject(db, assessment_id, code, reason="测试：未评完，不参评")
        return codes

    return leave_out
