"""The fonts of every PDF: chosen once per process, with per-character fallback.

Two families of names are registered with reportlab:

- `SONG` (AR PL UMing CN, a Ming/Song face: certificates, small print) and `SANS`
  (WenQuanYi Micro Hei: tables) — bundled in `resources/fonts/`, as before.
- The 公文 faces of GB/T 9704 (`gongwen_fonts()`): 仿宋 (body), 小标宋 (发文机关标志 and
  title), 黑体 (一、 headings), 楷体 (（一） headings) and 宋体 (page numbers). An office PC
  usually has them (Windows: simfang.ttf, simhei.ttf, simkai.ttf, simsun.ttc; 方正小标宋简体
  where installed): the system font folders are searched first and the bundled free fonts
  of the nearest style stand in — FandolFang (仿宋), WenQuanYi Micro Hei (黑体), AR PL KaitiM
  GB (楷体), AR PL UMing (宋体; drawn with a thin outline stroke as 小标宋 when no 小标宋 is
  installed). Which were used goes into the PDF's properties and the 关于 dialog.

Every registered name is a `FallbackTTFont`: a character its own font lacks is drawn from
the next font that has it (the wide Song, then HanaMinA/HanaMinB subsets for CJK
Extensions A–E, after any installed SimSun-ExtB/ExtG), chosen per character. A character
no font has raises `MissingGlyph` naming it and its code point: a name is printed whole
or not at all, never with an empty box.

reportlab writes a supplementary-plane character (𠮷 U+20BB7) into the ToUnicode CMap as
five hex digits, which readers do not decode, so copy, search and screen readers lose
it; `_to_unicode_cmap` writes UTF-16 surrogate pairs instead (patched in below).

All fonts are TrueType (glyf) files, which reportlab embeds as per-document subsets
(/FontFile2); CFF fonts are refused when found in a system folder.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.resources import resource

# the package's data folder (importlib.resources: an installed, editable or frozen program)
FONT_DIR = Path(str(resource("fonts")))

SONG = "KaoheSong"
SANS = "KaoheSans"
FANG = "KaoheFang"  # 公文 body: 仿宋
XBS = "KaoheXiaobiaosong"  # 发文机关标志 and title: 小标宋
HEI = "KaoheHei"  # 一、 headings: 黑体
KAI = "KaoheKai"  # （一） headings: 楷体
PAGE_SONG = "KaoheSongNumbers"  # page numbers: 宋体

# fallback-only faces for rare characters, loaded the first time a character needs them
_RARE_A = "KaoheRareA"
_RARE_B = "KaoheRareB"
_RARE_GH = "KaoheRareGH"
_SYS_EXT = ("KaoheSysExtB", "KaoheSysExtG")

NO_SYSTEM_FONTS = "KAOHE_NO_SYSTEM_FONTS"  # set to 1: bundled fonts only (reproducible)


@dataclass(frozen=True)
class FontFile:
    file: str
    index: int = 0  # face in a .ttc collection
    family: str = ""  # as shown to a user


# bundled in resources/fonts (licences beside them; see resources/fonts/README.md)
BUNDLED = {
    "song": FontFile("uming.ttc", 0, "AR PL UMing CN（文鼎明体）"),
    "sans": FontFile("wqy-microhei.ttc", 0, "WenQuanYi Micro Hei（文泉驿微米黑）"),
    "fang": FontFile("FandolFang-Regular.ttf", 0, "FandolFang（Fandol 仿宋）"),
    "kai": FontFile("gkai00mp.ttf", 0, "AR PL KaitiM GB（文鼎楷体）"),
    "rare_a": FontFile("hanazono-a-rare.ttf", 0, "HanaMinA（花园明朝 A，生僻字）"),
    "rare_b": FontFile("hanazono-b-rare.ttf", 0, "HanaMinB（花园明朝 B，扩展 B–F 区）"),
    "rare_gh": FontFile("babelstone-gh-rare.ttf", 0, "BabelStone Han（扩展 G–H 区）"),
}

# installed fonts looked for by file name (lower case), best first
SYSTEM_CANDIDATES: dict[str, tuple[FontFile, ...]] = {
    "fang": (FontFile("仿宋_gb2312.ttf", 0, "仿宋_GB2312"), FontFile("fangsong_gb2312.ttf", 0, "仿宋_GB2312"),
             FontFile("simfang.ttf", 0, "仿宋（SimFang）"), FontFile("fzfsjw.ttf", 0, "方正仿宋简体")),
    "xbs": (FontFile("fzxbsjw.ttf", 0, "方正小标宋简体"), FontFile("方正小标宋简体.ttf", 0, "方正小标宋简体"),
            FontFile("fzxbsk.ttf", 0, "方正小标宋_GBK"), FontFile("方正小标宋_gbk.ttf", 0, "方正小标宋_GBK")),
    "hei": (FontFile("simhei.ttf", 0, "黑体（SimHei）"), FontFile("fzhtjw.ttf", 0, "方正黑体简体")),
    "kai": (FontFile("楷体_gb2312.ttf", 0, "楷体_GB2312"), FontFile("kaiti_gb2312.ttf", 0, "楷体_GB2312"),
            FontFile("simkai.ttf", 0, "楷体（SimKai）"), FontFile("fzktjw.ttf", 0, "方正楷体简体")),
    "song": (FontFile("simsun.ttc", 0, "宋体（SimSun）"), FontFile("simsun.ttf", 0, "宋体（SimSun）")),
    "ext_b": (FontFile("simsunb.ttf", 0, "SimSun-ExtB"),),
    "ext_g": (FontFile("simsunextg.ttf", 0, "SimSun-ExtG"),),
}


def system_font_dirs() -> list[Path]:
    """Where an office PC keeps its fonts (Windows, then Linux and macOS folders)."""
    dirs: list[Path] = []
    windir = os.environ.get("WINDIR") or os.environ.get("SYSTEMROOT")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    home = Path.home()
    dirs += [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".fonts",
             home / ".local/share/fonts", Path("/Library/Fonts"), home / "Library/Fonts"]
    return [d for d in dirs if d.is_dir()]


@functools.cache
def _installed() -> dict[str, Path]:
    """Lower-case file name → path of every font file in the system folders (one walk)."""
    if os.environ.get(NO_SYSTEM_FONTS, "") not in ("", "0"):
        return {}
    found: dict[str, Path] = {}
    for folder in system_font_dirs():
        for root, _dirs, files in os.walk(folder):
            for name in files:
                if name.lower().endswith((".ttf", ".ttc")):
                    found.setdefault(name.lower(), Path(root) / name)
    return found


@dataclass(frozen=True)
class FontChoice:
    """One role's font as chosen on this machine."""

    role: str  # 正文 / 标志与标题 / 一级标题 / 二级标题 / 页码
    name: str  # the reportlab name to draw with
    family: str
    path: Path
    system: bool  # installed on this PC rather than bundled
    faux_bold: bool = False  # drawn with an outline stroke: a stand-in for 小标宋

    def describe(self) -> str:
        where = "本机字体" if self.system else "随附字体"
        bold = "，描边加粗代替小标宋" if self.faux_bold else ""
        return f"{self.role}：{self.family}（{where}{bold}）"


@dataclass(frozen=True)
class GongwenFonts:
    body: FontChoice  # 仿宋
    head: FontChoice  # 小标宋
    heading1: FontChoice  # 黑体
    heading2: FontChoice  # 楷体
    page: FontChoice  # 宋体

    def all(self) -> tuple[FontChoice, ...]:
        return (self.body, self.head, self.heading1, self.heading2, self.page)

    def summary(self) -> str:
        return "；".join(c.describe() for c in self.all())


class MissingGlyph(InputError):
    """A character that no available font can draw: the job stops rather than print a
    name with a hole in it."""

    def __init__(self, char: str, text: str = "", record: str = "") -> None:
        self.char, self.text, self.record = char, text, record
        self.code_point = f"U+{ord(char):04X}"
        where = f"“{record}”中" if record else (f"“{text}”中" if text else "")
        super().__init__(Problem(
            f"{where}的字符“{char}”（{self.code_point}）在随附字体和本机字体中都没有，无法打印；"
            "请安装含有该字的字体（如 SimSun-ExtB）后重试，或核对该字是否录入有误"))

    def for_record(self, record: str) -> MissingGlyph:
        return MissingGlyph(self.char, self.text, record)


class FallbackTTFont(TTFont):
    """A TrueType font that hands each character it lacks to the first of `fallbacks`
    (registered font names, loaded on first use) that has it.

    reportlab asks a dynamic font to split text into (subset, bytes) runs and for each
    subset's resource name: a fallback's runs carry (its name, its subset) and are
    resolved by that font, which embeds its own subset — so one drawString can mix
    fonts without the caller knowing."""

    def __init__(self, name: str, filename: str, subfontIndex: int = 0,
                 fallbacks: Sequence[str] = ()) -> None:
        super().__init__(name, filename, subfontIndex=subfontIndex, shapable=False)
        self.fallbacks = tuple(fallbacks)
        self._owner: dict[str, str | None] = {}  # char → font name ("" = this font)

    def has(self, ch: str) -> bool:
        return bool(self.face.charToGlyph.get(ord(ch)))

    def owner(self, ch: str, text: str = "") -> str:
        """"" when this font draws `ch`, else the fallback's name; MissingGlyph if none."""
        found = self._owner.get(ch, 0)
        if found == 0:
            found = None
            if self.has(ch) or ch in "\n\r\t":
                found = ""
            else:
                for name in self.fallbacks:
                    font = _font(name)
                    if font is not None and font.face.charToGlyph.get(ord(ch)):
                        found = name
                        break
            self._owner[ch] = found
        if found is None:
            raise MissingGlyph(ch, text)
        return found

    def runs(self, text: str) -> list[tuple[str, str]]:
        """(font name, text) runs: "" for this font."""
        out: list[tuple[str, str]] = []
        for ch in text:
            name = self.owner(ch, text)
            if out and out[-1][0] == name:
                out[-1] = (name, out[-1][1] + ch)
            else:
                out.append((name, ch))
        return out

    def missing(self, text: str) -> list[str]:
        """The characters of `text` no font can draw (empty: all printable)."""
        out = []
        for ch in dict.fromkeys(text):
            try:
                self.owner(ch)
            except MissingGlyph:
                out.append(ch)
        return out

    def stringWidth(self, text: str, size: float, encoding: str = "utf8") -> float:
        total = 0.0
        for name, part in self.runs(text):
            if name:
                total += _font(name).stringWidth(part, size)  # type: ignore[union-attr]
            else:
                total += super().stringWidth(part, size, encoding)
        return total

    def splitString(self, text: Any, doc: Any, encoding: str = "utf-8") -> list[tuple[Any, bytes]]:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        out: list[tuple[Any, bytes]] = []
        for name, part in self.runs(text):
            if name:
                font = _font(name)
                out += [((name, subset), b) for subset, b in font.splitString(part, doc)]  # type: ignore[union-attr]
            else:
                out += super().splitString(part, doc, encoding)
        return out

    def getSubsetInternalName(self, subset: Any, doc: Any) -> str:
        if isinstance(subset, tuple):
            return _font(subset[0]).getSubsetInternalName(subset[1], doc)  # type: ignore[union-attr]
        return super().getSubsetInternalName(subset, doc)


# ----------------------------------------------------------------------------- ToUnicode


def _utf16_hex(code: int) -> str:
    """A code point as the UTF-16BE hex a ToUnicode CMap needs (a surrogate pair above
    U+FFFF, which is what PDF readers decode)."""
    return chr(code).encode("utf-16-be").hex().upper()


def _to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """reportlab's makeToUnicodeCMap with UTF-16 destinations (theirs writes <20BB7>)."""
    cmap = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
    ]
    # a bfchar block holds at most 100 entries (PDF reference, 5.9.2)
    pairs = list(enumerate(subset))
    for start in range(0, len(pairs), 100):
        block = pairs[start:start + 100]
        cmap.append(f"{len(block)} beginbfchar")
        cmap += [f"<{i:02X}> <{_utf16_hex(v)}>" for i, v in block]
        cmap.append("endbfchar")
    cmap += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(cmap)


ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # used by TTFont.addObjects for every subset


# ----------------------------------------------------------------------------- registration

_PATHS: dict[str, tuple[Path, int]] = {}  # registered name → file (for lazy fallbacks)
_CHOICES: GongwenFonts | None = None


def _load(name: str, path: Path, index: int, fallbacks: Sequence[str]) -> TTFont:
    font = FallbackTTFont(name, str(path), subfontIndex=index, fallbacks=fallbacks)
    pdfmetrics.registerFont(font)
    _PATHS[name] = (path, index)
    return font


def _font(name: str) -> TTFont | None:
    """A registered font, registering a lazily loaded fallback face on first use."""
    font = pdfmetrics._fonts.get(name)  # getFont would go looking for a Type 1 font
    if font is not None:
        return font
    spec = _LAZY.get(name)
    if spec is None:
        return None
    path, index = spec
    font = TTFont(name, str(path), subfontIndex=index, shapable=False)
    pdfmetrics.registerFont(font)
    _PATHS[name] = (path, index)
    return font


_LAZY: dict[str, tuple[Path, int]] = {}


def _rare_chain() -> tuple[str, ...]:
    """Installed extension fonts first (they match a Song body better), then the bundle."""
    chain: list[str] = []
    installed = _installed()
    for name, role in zip(_SYS_EXT, ("ext_b", "ext_g"), strict=True):
        for cand in SYSTEM_CANDIDATES[role]:
            path = installed.get(cand.file)
            if path is not None and _usable(path, cand.index):
                _LAZY[name] = (path, cand.index)
                chain.append(name)
                break
    for name, key in ((_RARE_A, "rare_a"), (_RARE_B, "rare_b"), (_RARE_GH, "rare_gh")):
        path = FONT_DIR / BUNDLED[key].file
        if path.exists():
            _LAZY[name] = (path, 0)
            chain.append(name)
    return tuple(chain)


def _usable(path: Path, index: int) -> bool:
    """A TrueType-outline font reportlab can embed (OpenType/CFF files are refused)."""
    try:
        TTFont("_probe", str(path), subfontIndex=index)
    except (TTFError, OSError, ValueError, IndexError):
        return False
    return True


def register() -> tuple[str, str]:
    """Register the bundled Song and Sans faces (idempotent); returns (SONG, SANS).
    When the Song face is missing the sans face stands in under both names."""
    registered = pdfmetrics.getRegisteredFontNames()
    if SONG in registered and SANS in registered:
        return SONG, SANS
    rare = _rare_chain()
    song = FONT_DIR / BUNDLED["song"].file
    sans = FONT_DIR / BUNDLED["sans"].file
    if not song.exists():
        song = sans
    if SONG not in registered:
        _load(SONG, song, 0, rare)
    if SANS not in registered:
        _load(SANS, sans, 0, (SONG, *rare))
    return SONG, SANS


def gongwen_fonts() -> GongwenFonts:
    """The five 公文 faces, system first, bundled otherwise (registered once per process)."""
    global _CHOICES
    if _CHOICES is not None:
        return _CHOICES
    register()
    rare = _rare_chain()
    installed = _installed()

    def pick(role_key: str, name: str, role: str, bundled: str | None,
             then: Sequence[str]) -> FontChoice | None:
        for cand in SYSTEM_CANDIDATES[role_key]:
            path = installed.get(cand.file)
            if path is not None and _usable(path, cand.index):
                _load(name, path, cand.index, (*then, *rare))
                return FontChoice(role, name, cand.family, path, True)
        if bundled is None:
            return None
        spec = BUNDLED[bundled]
        path = FONT_DIR / spec.file
        _load(name, path, spec.index, (*then, *rare))
        return FontChoice(role, name, spec.family, path, False)

    page = pick("song", PAGE_SONG, "页码", "song", (SONG,))
    body = pick("fang", FANG, "正文", "fang", (SONG,))
    heading1 = pick("hei", HEI, "一级标题", "sans", (SONG,))
    heading2 = pick("kai", KAI, "二级标题", "kai", (SONG,))
    head = pick("xbs", XBS, "发文机关标志和标题", None, (SONG,))
    if head is None:  # no 小标宋 installed: the Song face, stroked a little heavier
        assert page is not None
        _load(XBS, page.path, _PATHS[PAGE_SONG][1], (SONG, *rare))
        head = FontChoice("发文机关标志和标题", XBS, page.family, page.path, page.system, faux_bold=True)
    assert body and heading1 and heading2 and page
    _CHOICES = GongwenFonts(body, head, heading1, heading2, page)
    return _CHOICES


def reset() -> None:
    """Forget the choices (tests switching system fonts on and off)."""
    global _CHOICES
    _CHOICES = None
    _installed.cache_clear()
    for name in (FANG, XBS, HEI, KAI, PAGE_SONG):
        font = pdfmetrics._fonts.get(name)
        if font is not None:
            font.unregister()


def font_file(name: str) -> Path | None:
    """The file a registered name was loaded from."""
    found = _PATHS.get(name) or _LAZY.get(name)
    return found[0] if found else None


def describe_font(name: str) -> str:
    """A user-facing family name for a registered font name."""
    path = font_file(name)
    if path is None:
        return name
    for spec in BUNDLED.values():
        if path == FONT_DIR / spec.file:
            return spec.family
    for cands in SYSTEM_CANDIDATES.values():
        for cand in cands:
            if path.name.lower() == cand.file:
                return f"{cand.family}（本机字体）"
    return path.stem


def missing_characters(text: str, font: str) -> list[str]:
    """The characters of `text` that neither `font` nor its fallbacks can draw."""
    f = pdfmetrics.getFont(font)
    if isinstance(f, FallbackTTFont):
        return f.missing(text)
    return [ch for ch in dict.fromkeys(text) if not f.face.charToGlyph.get(ord(ch))]


def require_printable(texts: Iterable[str], font: str, record: str) -> None:
    """Stop before drawing when a character of `texts` cannot be printed, naming it, its
    code point and the record (e.g. a notice's 文号 and addressee)."""
    for text in texts:
        missing = missing_characters(text, font)
        if missing:
            raise MissingGlyph(missing[0], text, record)


def text_width(text: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font, size)
