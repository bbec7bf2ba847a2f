"""Make the bundled fallback fonts in resources/fonts from Debian's packages (run once).

    apt-get install texlive-lang-chinese fonts-arphic-gkai00mp fonts-hanazono fonts-babelstone-han
    pip install -e ".[build]"          # fontTools
    python scripts/build_fonts.py [RESOURCES_FONTS_DIR]

- FandolFang-Regular.ttf: the Fandol 仿宋 (GPL-3.0 with the font exception) is OpenType
  with CFF outlines, which reportlab cannot embed; its cubic outlines are converted to
  TrueType quadratics (cu2qu, at most 2/1000 em off — invisible at 16 pt).
- gkai00mp.ttf: AR PL KaitiM GB (楷体, Arphic Public License), copied as it is.
- hanazono-a-rare.ttf / hanazono-b-rare.ttf: HanaMinA/HanaMinB (花園明朝, Hanazono Font
  License — modification allowed — or OFL) reduced to the ideographs AR PL UMing (already
  shipped) lacks: CJK Extension A and the rest of the BMP ideographs from A; Extensions
  B–F from B.
- babelstone-gh-rare.ttf: BabelStone Han (Arphic Public License) reduced to Extensions G
  and H, which Hanazono predates; it has about 5,300 of their 9,131 characters. A name
  needing one it lacks stops the job naming the character unless an installed font has it.

The program never runs this: fontTools is a build-time tool only.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

FANDOL = Path("/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol")
GKAI = Path("/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf")
HANAZONO = Path("/usr/share/fonts/truetype/hanazono")
BMP_IDEOGRAPHS = ((0x2E80, 0x2FDF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
EXT_B_TO_F = ((0x20000, 0x2A6DF), (0x2A700, 0x2EBEF), (0x2F800, 0x2FA1F))
EXT_G_TO_H = ((0x30000, 0x323AF),)
BABELSTONE = Path("/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf")


def otf_to_ttf(src: Path, dst: Path, max_err: float = 2.0) -> None:
    """CFF outlines → glyf, keeping metrics, cmap and names."""
    font = TTFont(str(src))
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0  # no glyph names: CID names would only add bytes
    font.sfntVersion = "\x00\x01\x00\x00"
    font.save(str(dst))  # recalculates bounding boxes and maxp's point counts


def subset_font(src: Path, codes: list[int], dst: Path) -> None:
    opts = subset.Options()
    opts.layout_features = []
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    opts.hinting = False
    opts.glyph_names = False
    opts.drop_tables += ["vhea", "vmtx", "GSUB", "GPOS", "VORG", "BASE", "DSIG", "FFTM"]
    font = TTFont(str(src))
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=codes)
    sub.subset(font)
    font.save(str(dst))


def _in(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(a <= code <= b for a, b in ranges)


def build(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    otf_to_ttf(FANDOL / "FandolFang-Regular.otf", out / "FandolFang-Regular.ttf")
    shutil.copyfile(GKAI, out / "gkai00mp.ttf")
    uming = set(TTFont(str(out / "uming.ttc"), fontNumber=0).getBestCmap())
    a = TTFont(str(HANAZONO / "HanaMinA.ttf")).getBestCmap()
    b = TTFont(str(HANAZONO / "HanaMinB.ttf")).getBestCmap()
    subset_font(HANAZONO / "HanaMinA.ttf",
                sorted(c for c in a if c not in uming and _in(c, BMP_IDEOGRAPHS)),
                out / "hanazono-a-rare.ttf")
    subset_font(HANAZONO / "HanaMinB.ttf",
                sorted(c for c in b if c not in uming and _in(c, EXT_B_TO_F)),
                out / "hanazono-b-rare.ttf")
    build_ext_g_h(out)
    return [out / n for n in ("FandolFang-Regular.ttf", "gkai00mp.ttf", "hanazono-a-rare.ttf",
                              "hanazono-b-rare.ttf", "babelstone-gh-rare.ttf")]


def build_ext_g_h(out: Path) -> Path:
    """Extensions G and H (2020, 2022), which no Hanazono font has: BabelStone Han's
    glyphs for them (about 5,300 of 9,131), the widest free coverage Debian ships."""
    codes = TTFont(str(BABELSTONE), lazy=True).getBestCmap()
    dst = out / "babelstone-gh-rare.ttf"
    subset_font(BABELSTONE, sorted(c for c in codes if _in(c, EXT_G_TO_H)), dst)
    return dst


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[1] / "resources" / "fonts"
    for path in build(target):
        print(path, path.stat().st_size)
