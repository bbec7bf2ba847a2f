"""Links from a page's empty state into its section of the manual.

A label's rich text carries `help_link(...)`; `connect_help_links(label)` makes a click on
it open the manual there. The manual's window is imported only when a link is clicked.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from .topics import help_link

__all__ = ["connect_help_links", "help_link"]


def connect_help_links(label: QLabel) -> None:
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setOpenExternalLinks(False)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                  | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
    label.linkActivated.connect(lambda link: _open(label, link))


def _open(label: QLabel, link: str) -> None:
    from .help_dialog import open_help_link

    open_help_link(label, link)
