"""反馈书 for one subject from the ranking's drill-down: after 审议 it is saved into a folder
the user picks and opened in the program's preview (print, open folder); before, only a
草稿 preview in a temporary folder is offered."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services import documents_common as docs
from kaohe_desktop.services.database import Database
from kaohe_desktop.services.feedback import feedback_job

from ..common.messages import error_text
from ..common.pdf_preview import preview_file

_last_folder = [str(Path.home())]  # where the previous letter went, for the next one


def feedback_letter(parent: QWidget, db: Database, assessment_id: int,
                    subject_code: str) -> Path | None:
    """Write and show the subject's letter; returns its file (None: cancelled or refused)."""
    try:
        docs.require_approved(db, assessment_id, "反馈书")
        draft = False
    except InputError:
        if QMessageBox.question(
                parent, "反馈书", "本考核尚未审议通过，反馈书只能在审议通过后正式生成。\n"
                "现在生成带“草稿”水印的预览吗？") != QMessageBox.StandardButton.Yes:
            return None
        draft = True
    if draft:
        folder = tempfile.mkdtemp(prefix="kaohe-feedback-")
    else:
        folder = QFileDialog.getExistingDirectory(parent, "反馈书保存到", _last_folder[0])
        if not folder:
            return None
        _last_folder[0] = folder
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        files = docs.run(feedback_job(db, assessment_id, folder, docs.DocumentOptions(draft=draft),
                                      subjects=[subject_code]))
    except InputError as exc:
        QApplication.restoreOverrideCursor()
        QMessageBox.warning(parent, "不能生成反馈书", error_text(exc))
        return None
    QApplication.restoreOverrideCursor()
    path = Path(files[0])
    preview_file(parent, path)
    return path
