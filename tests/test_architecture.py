"""The layers of the design hold (import-linter) and the code is ruff-clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_layers_point_down():
    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    done = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_is_clean():
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "kaohe_desktop", "tests",
                           "bench", "scripts", "installer"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_sub_package_is_listed_for_installation():
    """pyproject lists the packages by name (resources/ is mapped in): a sub-package left
    out would be missing from a wheel or the installer, not from an editable install."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
                 ["tool"]["setuptools"]["packages"])
    actual = {".".join(p.relative_to(ROOT).parent.parts)
              for p in (ROOT / "kaohe_desktop").rglob("__init__.py")}
    assert actual - listed == set()


def test_no_module_over_600_lines():
    """A module past 600 lines holds more than one thing: split it by what it holds
    (Alembic's generated migrations excepted)."""
    long = [f"{p.relative_to(ROOT)}: {n}" for p in (ROOT / "kaohe_desktop").rglob("*.py")
            if "migrations" not in p.parts and (n := len(p.read_text(encoding="utf-8").splitlines())) > 600]
    assert long == []
