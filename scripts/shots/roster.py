"""Screenshots of 站点与人员 and its dialogs: `shoot_roster(window, out_dir)`.

The window must be a MainWindow on a demo database (services.demo.load_demo); the page
is driven through its public methods and one staff member is deactivated (a write to
that database) to show greyed rows.
"""

from __future__ import annotations

from pathlib import Path

from _common import save
from openpyxl import Workbook
from PySide6.QtWidgets import QWidget

from kaohe_desktop.services import roster, roster_files
from kaohe_desktop.ui.roster.import_dialog import RosterImportDialog
from kaohe_desktop.ui.roster.models import ALL, Scope


def _dialog_shot(dialog: QWidget, out_dir: Path, name: str) -> Path:
    dialog.show()
    path = save(dialog, out_dir, name)
    dialog.close()
    return path



def _bad_workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["编号", "名称", "所属街道", "类型", "电话", "地址"])
    ws.append(["FR01", "东风社区便民服务站", "芙蓉街道", "", "0731-88886666", ""])
    ws.append(["FR02", "向阳社区便民服务站", "芙蓉街道", "", "", ""])
    ws.append(["FR13", "五一社区便民服务站", "芙蓉街道", "社区便民服务站", "0731-84441234",
               "五一路 8 号"])
    ws.append(["FR14", "", "芙蓉街道", "", "", ""])
    ws.append(["FR15", "解放社区便民服务站", "芙蓉街道", "", "电话待定", ""])
    wb.save(path)
    return path


def shoot_roster(window, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    window.resize(1280, 800)
    window.show()
    page = window.open_page("站点与人员")
    shots = []
    page.select_scope(ALL)
    page.tabs.setCurrentWidget(page.unit_table)
    shots.append(save(window, out_dir, "roster_units"))
    first = page.data.units[0]
    page.select_scope(Scope("unit", first.code))
    page.tabs.setCurrentWidget(page.staff_table)
    shots.append(save(window, out_dir, "roster_unit_staff"))
    page.select_scope(ALL)
    page.filter_edit.setText("王")
    page.apply_filter()
    shots.append(save(window, out_dir, "roster_filter"))
    page.filter_edit.clear()
    inactive = page.data.staff[1]
    roster.set_staff_active(page.db, [inactive.id], False)
    page.changes.changed.emit("roster")
    page.show_inactive.setChecked(True)
    page.select_scope(Scope("unit", first.code))
    page.tabs.setCurrentWidget(page.staff_table)
    page.staff_table.selectRow(3)
    shots.append(save(window, out_dir, "roster_inactive"))
    page.show_inactive.setChecked(False)

    page.add_unit()
    shots.append(_dialog_shot(page.active_dialog, out_dir, "roster_dialog_unit_add"))
    page.edit_unit(first)
    shots.append(_dialog_shot(page.active_dialog, out_dir, "roster_dialog_unit_edit"))
    page.add_staff()
    shots.append(_dialog_shot(page.active_dialog, out_dir, "roster_dialog_staff_add"))
    page.edit_staff(page.data.staff[0])
    shots.append(_dialog_shot(page.active_dialog, out_dir, "roster_dialog_staff_edit"))
    path = _bad_workbook(out_dir / "站点名册-有错误.xlsx")
    steps = roster_files.preview_steps(page.db, "units", path)  # what the window's job runs
    while True:
        try:
            next(steps)
        except StopIteration as done:
            read = done.value
            break
    preview = RosterImportDialog(page, "units", path, read)
    shots.append(_dialog_shot(preview, out_dir, "roster_dialog_import_preview"))
    path.unlink()
    roster.set_staff_active(page.db, [inactive.id], True)  # leave the demo as it was
    page.changes.changed.emit("roster")
    return shots


def shoot_empty_roster(window, out_dir: Path) -> Path:
    """The page on an empty database: what to do next."""
    window.resize(1280, 800)
    window.show()
    page = window.open_page("站点与人员")
    page.refresh()
    return save(window, out_dir, "roster_empty")
