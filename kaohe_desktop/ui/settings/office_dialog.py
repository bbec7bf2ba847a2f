"""单位信息: the issuer, 文号 prefix, contact and address every document prints.

Reached from 文件 → 单位信息 and from the documents page when a setting is missing;
saved through `services.office_settings` (the same checks as `kaohe settings set`).
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from kaohe_desktop.domain.errors import Problem
from kaohe_desktop.services.office_settings import (
    EXAMPLES,
    SETTING_NAMES,
    office_settings,
    save_office_settings,
    setting_problems,
)

from ..common.form_dialog import FormDialog, line_edit

SHORTCUTS = {"issuer": "&U", "prefix": "&P", "contact": "&C", "address": "&D"}


class OfficeSettingsDialog(FormDialog):
    def __init__(self, db, parent: QWidget | None = None, reason: str = "") -> None:
        super().__init__(parent, "单位信息", lambda values: save_office_settings(db, values))
        current = office_settings(db)
        if reason:  # why the dialog came up (a document needs a setting)
            why = QLabel(reason)
            why.setWordWrap(True)
            self.form.addRow(why)
        self.edits = {}
        for key, name in SETTING_NAMES.items():
            edit = line_edit(getattr(current, key), f"如：{EXAMPLES[key]}")
            edit.setObjectName(key)
            self.edits[key] = edit
            self.form.addRow(f"{name}({SHORTCUTS[key]})：", edit)
            self.watch(edit)
        note = QLabel("证书、通知和公示名单的落款与文号（前缀〔年份〕序号号）都用这些信息。")
        note.setWordWrap(True)
        self.form.addRow(note)
        self.revalidate()

    def values(self) -> dict[str, str]:
        return {key: edit.text() for key, edit in self.edits.items()}

    def problems(self) -> list[Problem]:
        return setting_problems(self.values())[1]
