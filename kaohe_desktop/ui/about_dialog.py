"""关于: version, where the data is, and the licences of everything the program ships.

The licence list names what installer/kaohe.spec bundles; a library added to the program
belongs here too. Versions come from the installed distributions' metadata (the spec copies
it into the bundle); a library not installed (an optional one) is left out of the list.
"""

from __future__ import annotations

import html
import platform
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop import __version__
from kaohe_desktop.resources import resource

from .common.icon import app_icon

FONT_NAME = "文泉驿微米黑（WenQuanYi Micro Hei）"
FONT_LICENCE_FILE = "wqy-microhei.COPYRIGHT.txt"


@dataclass(frozen=True)
class Component:
    name: str
    licence: str
    distribution: str = ""  # for the version; "" when it has none to look up
    optional: bool = False  # listed only when installed


COMPONENTS: tuple[Component, ...] = (
    Component("Python", "PSF-2.0"),
    Component("Qt 6", "LGPL-3.0"),
    Component("PySide6 / Shiboken6", "LGPL-3.0", "PySide6_Essentials"),
    Component("PySide6 附加模块（图表）", "LGPL-3.0", "PySide6_Addons", optional=True),
    Component("SQLAlchemy", "MIT", "SQLAlchemy"),
    Component("greenlet", "MIT、PSF-2.0", "greenlet"),
    Component("typing_extensions", "PSF-2.0", "typing_extensions"),
    Component("Alembic", "MIT", "alembic"),
    Component("Mako", "MIT", "Mako"),
    Component("MarkupSafe", "BSD-3-Clause", "MarkupSafe"),
    Component("openpyxl", "MIT", "openpyxl"),
    Component("et_xmlfile", "MIT", "et_xmlfile"),
    Component("defusedxml", "PSF-2.0", "defusedxml", optional=True),
    Component("python-calamine", "MIT", "python-calamine"),
    Component("platformdirs", "MIT", "platformdirs"),
    Component("chinese-calendar", "MIT", "chinesecalendar", optional=True),
    Component("ReportLab", "BSD-3-Clause", "reportlab", optional=True),
    Component("cryptography（单位签名密钥）", "Apache-2.0 或 BSD-3-Clause", "cryptography"),
    Component("cffi", "MIT", "cffi"),
    Component("pycparser", "BSD-3-Clause", "pycparser", optional=True),
    Component("PyInstaller 启动程序", "GPL-2.0（含打包例外，不约束本程序）"),
)


def _version(component: Component) -> str | None:
    """The installed version, "" when unknown, None when an optional one is missing."""
    if component.name == "Python":
        return platform.python_version()
    if component.name == "Qt 6":
        return qVersion()
    if not component.distribution:
        return ""
    try:
        return metadata.version(component.distribution)
    except metadata.PackageNotFoundError:
        return None if component.optional else ""


def fonts_html() -> str:
    """Which fonts the 公文 use on this PC (installed or bundled) and every bundled font
    with its licence (resources/fonts/README.md has the sources)."""
    from kaohe_desktop.reports.fonts import BUNDLED, gongwen_fonts

    rows = "".join(f"<li>{html.escape(choice.describe())}</li>" for choice in gongwen_fonts().all())
    bundled = "".join(f"<li>{html.escape(spec.family)}：{html.escape(spec.file)}，"
                      f"{html.escape(FONT_LICENCES.get(key, ''))}</li>" for key, spec in BUNDLED.items())
    return ("<h4>公文字体（本机）</h4><ul>" + rows + "</ul>"
            "<h4>随附字体</h4><ul>" + bundled + "</ul>"
            "<p>本机装有仿宋、黑体、楷体、宋体或方正小标宋简体时优先使用本机字体；个别生僻字逐字改用含有该字的字体。</p>")


FONT_LICENCES = {
    "song": "Arphic Public License",
    "sans": "Apache-2.0 或 GPL-3.0（含字体例外）",
    "fang": "GPL-3.0（含字体例外）；由 OpenType 转为 TrueType",
    "kai": "Arphic Public License",
    "rare_a": "花园字体许可（Hanazono Font License）或 SIL OFL 1.1；子集",
    "rare_b": "花园字体许可（Hanazono Font License）或 SIL OFL 1.1；子集",
}


def licences_html() -> str:
    """The scrollable text: this program, each component, the fonts, then the UI font's
    licence in full."""
    rows = []
    for component in COMPONENTS:
        version = _version(component)
        if version is None:
            continue
        rows.append(f"<tr><td>{html.escape(component.name)}</td><td>{html.escape(version)}</td>"
                    f"<td>{html.escape(component.licence)}</td></tr>")
    font_text = resource("fonts", FONT_LICENCE_FILE).read_text(encoding="utf-8")
    return (
        "<h4>本程序</h4><p>便民服务站考核，MIT 许可。</p>"
        "<h4>随附的程序库</h4>"
        "<table cellspacing='0' cellpadding='3' border='1'>"
        "<tr><th>组件</th><th>版本</th><th>许可</th></tr>" + "".join(rows) + "</table>"
        "<p>Qt 和 PySide6 以动态链接库形式随附在程序文件夹中，用户可按 LGPL-3.0 自行替换；"
        "其源代码可从 Qt 项目（qt.io）取得。</p>"
        + fonts_html() +
        f"<h4>界面字体：{html.escape(FONT_NAME)}</h4>"
        "<p>界面和 PDF 文件使用此字体，随附在 resources/fonts 中。许可全文：</p>"
        f"<pre style='white-space: pre-wrap'>{html.escape(font_text)}</pre>"
    )


class AboutDialog(QDialog):
    """Built with what it shows, so a test can construct it without a window or settings."""

    def __init__(self, data_folder: Path, database: str, station: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_folder = Path(data_folder)
        self.setWindowTitle("关于便民服务站考核")
        self.setWindowIcon(app_icon())

        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(64, 64))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        facts = [f"<h2>便民服务站考核</h2><p>版本 {html.escape(__version__)}</p>"]
        if station:
            facts.append(f"<p>使用单位：{html.escape(station)}</p>")
        facts.append("<p>社区、村便民服务站（室）考核管理：名册、评分、考勤、排名与证书。离线运行。</p>")
        header = QLabel("".join(facts))
        header.setWordWrap(True)
        paths = QLabel(f"数据文件夹：{html.escape(str(self.data_folder))}<br>"
                       f"数据库：{html.escape(database)}")
        paths.setObjectName("paths")
        paths.setWordWrap(True)
        paths.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.licences = QTextBrowser()
        self.licences.setObjectName("licences")
        self.licences.setOpenExternalLinks(False)
        self.licences.setHtml(licences_html())

        open_folder = QPushButton("打开数据文件夹")
        open_folder.setObjectName("open_folder")
        open_folder.clicked.connect(self.open_data_folder)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(open_folder, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(icon)
        top.addWidget(header, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(paths)
        layout.addWidget(QLabel("许可"))
        layout.addWidget(self.licences, 1)
        layout.addWidget(buttons)
        self.resize(640, 560)

    def open_data_folder(self) -> bool:
        self.data_folder.mkdir(parents=True, exist_ok=True)
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.data_folder)))
