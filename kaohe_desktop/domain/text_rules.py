"""Text a user hands in (codes, names, titles): one rule for every importer.

- NFKC-normalised, so full-width ＦＲ０１ and FR01 are one code, and stripped;
- zero-width and bidirectional-control characters refused: "FR01\u200b" looks like FR01
  but would become a second unit, and a right-to-left override can make a name read
  differently from what is stored;
- other control characters and lone surrogates (which cannot be stored as UTF-8) refused;
- a length limit (the column's size in the schema) named in the message; a long value is
  echoed only as its first 50 characters.
"""

from __future__ import annotations

import unicodedata

ECHO = 50

# Zero-width, joiners, word joiner/invisible operators, BOM, Mongolian vowel separator,
# Arabic letter mark, and every bidirectional embedding/override/isolate/mark.
INVISIBLE = frozenset(
    [*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2065),
     *range(0x2066, 0x206A), 0xFEFF, 0x180E, 0x061C, 0x00AD, 0x034F]
)

# The roster's column sizes (store/models.py): a longer value is refused, naming the limit,
# before it reaches the database. `unit` names a unit by code or name (≤ 200).
ROSTER_LIMITS = {"code": 50, "name": 200, "area": 100, "kind": 50, "phone": 50, "address": 200,
                 "unit": 200, "post": 100, "attendance_no": 50, "head": 10}
STAFF_LIMITS = {**ROSTER_LIMITS, "name": 100}


class TextRefused(ValueError):
    """`reason` says why; `shown` is the value as it may be echoed (≤ 50 characters)."""

    def __init__(self, reason: str, shown: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.shown = shown


def echo(text: str, limit: int = ECHO) -> str:
    """At most `limit` characters of `text` for a message (with … when cut), printable."""
    safe = "".join(ch if ch.isprintable() and ord(ch) not in INVISIBLE
                   and not 0xD800 <= ord(ch) <= 0xDFFF else "�" for ch in text[:limit])
    return safe + ("…" if len(text) > limit else "")


def clean(text: str, *, what: str = "内容", limit: int | None = None,
          multiline: bool = False) -> str:
    """The normalised text, or TextRefused naming what is wrong with it."""
    for ch in text:
        o = ord(ch)
        if o in INVISIBLE:
            raise TextRefused(f"{what}含有不可见字符（U+{o:04X}，零宽或文字方向控制符），"
                              "请删除后重新输入", echo(text))
        if 0xD800 <= o <= 0xDFFF:
            raise TextRefused(f"{what}含有无效字符（孤立的代理项 U+{o:04X}）", echo(text))
        if unicodedata.category(ch) == "Cc" and not (multiline and ch in "\t\r\n"):
            raise TextRefused(f"{what}含有控制字符（U+{o:04X}）", echo(text))
    out = unicodedata.normalize("NFKC", text).strip()
    if limit is not None and len(out) > limit:
        raise TextRefused(f"{what}过长：{len(out)} 个字符，最多 {limit} 个（只显示前 {ECHO} 个）",
                          echo(out))
    return out


def clean_fields(values: dict[str, str | None], labels: dict[str, str],
                 limits: dict[str, int]) -> tuple[dict[str, str | None], list[tuple[str, str, str]]]:
    """`clean` each given value (None stays None: a field left as it is); the cleaned
    values and (label, reason, shown value) for each refused one."""
    out: dict[str, str | None] = {}
    refused = []
    for field, text in values.items():
        if text is None:
            out[field] = None
            continue
        try:
            out[field] = clean(text, what=f"“{labels[field]}”", limit=limits.get(field))
        except TextRefused as exc:
            refused.append((labels[field], exc.reason, exc.shown))
            out[field] = text
    return out, refused


def problem_of(text: str, *, what: str = "内容", limit: int | None = None) -> tuple[str, str] | None:
    """(reason, shown value) when `clean` would refuse `text`, else None."""
    try:
        clean(text, what=what, limit=limit)
    except TextRefused as exc:
        return exc.reason, exc.shown
    return None
