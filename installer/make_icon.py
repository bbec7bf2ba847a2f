"""Draw the application icon: a red seal with a white 考, from the shipped font.

    python installer/make_icon.py          # writes resources/icons/kaohe.{svg,png,ico}

The outputs are committed; run this again only to change the design. The glyph is taken
from resources/fonts (WenQuanYi Micro Hei) and written into the SVG as an outline, so the
SVG needs no font. The .ico holds 16–256 px images (32-bit BMP below 256, PNG at 256, the
layout Windows and makensis both read). Runs headless (QT_QPA_PLATFORM=offscreen).
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
)

ROOT = Path(__file__).resolve().parent.parent
FONT = ROOT / "resources" / "fonts" / "wqy-microhei.ttc"
OUT = ROOT / "resources" / "icons"
SEAL_RED = "#c8161d"  # 中国红, the colour of an official seal
CHARACTER = "考"
VIEW = 256.0  # the design is drawn on a 256 × 256 canvas
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
GLYPH_STROKE = 5.0  # the font has no bold face: the outline is stroked to thicken it


def glyph_path() -> QPainterPath:
    """The outline of 考, centred on the canvas and about 60 % of its height."""
    font_id = QFontDatabase.addApplicationFont(str(FONT))
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    font = QFont(family)
    font.setPixelSize(150)
    path = QPainterPath()
    path.addText(0, 0, font, CHARACTER)
    box = path.boundingRect()
    path.translate(VIEW / 2 - box.center().x(), VIEW / 2 - box.center().y())
    path.setFillRule(Qt.FillRule.WindingFill)
    return path


def render(size: int, glyph: QPainterPath) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / VIEW, size / VIEW)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(SEAL_RED))
    p.drawEllipse(QPointF(128, 128), 124, 124)
    if size >= 32:  # the inner ring of a seal; at 16–24 px it would only blur the glyph
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(QColor("white"), 7))
        p.drawEllipse(QPointF(128, 128), 108, 108)
        p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("white"))
    pen = QPen(QColor("white"), GLYPH_STROKE)  # a seal's stroke is bolder than the font's
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.drawPath(glyph)
    p.end()
    return image


def svg_path_data(path: QPainterPath) -> str:
    """SVG `d` for a QPainterPath (MoveTo, LineTo, cubic CurveTo + two CurveToData)."""
    parts: list[str] = []
    i = 0
    while i < path.elementCount():
        e = path.elementAt(i)
        if e.type == QPainterPath.ElementType.MoveToElement:
            parts.append(f"M{e.x:.2f} {e.y:.2f}")
        elif e.type == QPainterPath.ElementType.LineToElement:
            parts.append(f"L{e.x:.2f} {e.y:.2f}")
        elif e.type == QPainterPath.ElementType.CurveToElement:
            c2, end = path.elementAt(i + 1), path.elementAt(i + 2)
            parts.append(f"C{e.x:.2f} {e.y:.2f} {c2.x:.2f} {c2.y:.2f} {end.x:.2f} {end.y:.2f}")
            i += 2
        i += 1
    return " ".join(parts) + " Z"


def svg(glyph: QPainterPath) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">\n'
        "  <title>便民服务站考核</title>\n"
        f'  <circle cx="128" cy="128" r="124" fill="{SEAL_RED}"/>\n'
        '  <circle cx="128" cy="128" r="108" fill="none" stroke="#ffffff" stroke-width="7"/>\n'
        f'  <path fill="#ffffff" fill-rule="nonzero" stroke="#ffffff" stroke-width="{GLYPH_STROKE:g}"'
        f' stroke-linejoin="round" d="{svg_path_data(glyph)}"/>\n'
        "</svg>\n"
    )


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def bmp_entry(image: QImage) -> bytes:
    """An ICO image as a 32-bit DIB: header with doubled height, BGRA rows bottom-up, AND mask."""
    size = image.width()
    image = image.convertToFormat(QImage.Format.Format_ARGB32)  # B, G, R, A in memory
    rows = [bytes(image.constScanLine(y))[: size * 4] for y in range(size)]
    mask_row = ((size + 31) // 32) * 4
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, size * size * 4, 0, 0, 0, 0)
    return header + b"".join(reversed(rows)) + b"\0" * (mask_row * size)


def ico(images: list[QImage]) -> bytes:
    entries = [png_bytes(im) if im.width() >= 256 else bmp_entry(im) for im in images]
    out = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    for im, data in zip(images, entries, strict=True):
        side = im.width() if im.width() < 256 else 0  # 0 means 256
        out += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return out + b"".join(entries)


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    glyph = glyph_path()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "kaohe.svg").write_text(svg(glyph), encoding="utf-8")
    render(256, glyph).save(str(OUT / "kaohe.png"), "PNG")
    (OUT / "kaohe.ico").write_bytes(ico([render(s, glyph) for s in ICO_SIZES]))
    for name in ("kaohe.svg", "kaohe.png", "kaohe.ico"):
        print(f"{OUT / name}  {(OUT / name).stat().st_size:,} 字节")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
