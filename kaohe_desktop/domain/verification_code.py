"""Verification codes printed on issued documents: what they say and how they read.

A document's *statement* is what it states, field by field (the register number, the
kind, its own number, the subject, the result, the assessment, the date). Signed bytes
are the statement written as lines::

    KAOHE-VERIFY 1
    编号 KH000017
    文件 荣誉证书
    文号 某街便证〔2024〕1号
    对象 东风社区便民服务站
    结果 优秀
    考核 2024年度社区便民服务站考核
    日期 2025-01-08

The QR code holds those lines plus ``签名 <signature, base64url>``: a phone shows readable
Chinese, and `kaohe verify` checks it offline with the office's public key alone.

The short text (typed or read aloud) is the register number and the first 80 bits of
the signature in base32, in groups of four: ``KH000017-ABCD-EFGH-IJKL-MNOP``. A truncated
Ed25519 signature cannot be checked with the public key by itself, so the short text is
checked against the issuing office's register (which holds the whole signature, checked
in turn with the key). When typed, 0, 1 and 8 are read as O, I and B (base32 has none of
them), case and spaces do not matter.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import InputError, Problem

HEADER = "KAOHE-VERIFY 1"
SIGNATURE_LABEL = "签名"
FIELDS = (("no", "编号"), ("kind", "文件"), ("number", "文号"), ("subject", "对象"),
          ("result", "结果"), ("assessment", "考核"), ("date", "日期"))
LABELS = dict(FIELDS)
KEYS = {label: key for key, label in FIELDS}
TAG_CHARS = 16  # 80 bits of the signature
SERIAL_PREFIX = "KH"

_SHORT = re.compile(r"^(KH\d{6,})[-\s]+([A-Z0-9][-A-Z0-9\s]*)$")


def serial_text(n: int) -> str:
    return f"{SERIAL_PREFIX}{n:06d}"


def clean(value: object) -> str:
    """A field's value on one line (the lines are the format)."""
    return " ".join(str(value or "").split())


@dataclass(frozen=True)
class Statement:
    """What one issued document states."""

    no: str  # the register number, KH000017
    kind: str  # 荣誉证书, 整改通知书, 公示名单, 年终汇总表 …
    number: str = ""  # the document's own number (文号, 证书编号), "" when it has none
    subject: str = ""  # to whom / about whom
    result: str = ""  # grade, total, rank — or for a list, how many and the results digest
    assessment: str = ""
    date: str = ""  # ISO date the document carries

    def as_dict(self) -> dict[str, str]:
        return {key: getattr(self, key) for key, _ in FIELDS}

    def lines(self) -> list[tuple[str, str]]:
        """(label, value) for display, the empty ones left out."""
        return [(label, getattr(self, key)) for key, label in FIELDS if getattr(self, key)]

    def signed_bytes(self) -> bytes:
        body = [HEADER, *(f"{label} {clean(getattr(self, key))}" for key, label in FIELDS)]
        return "\n".join(body).encode("utf-8")

    @classmethod
    def of(cls, values: Mapping[str, object]) -> Statement:
        return cls(**{key: clean(values.get(key, "")) for key, _ in FIELDS})


def b64(sig: bytes) -> str:
    return base64.urlsafe_b64encode(sig).decode().rstrip("=")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def tag(signature: bytes) -> str:
    """The short part of a signature: its first 80 bits in base32."""
    return base64.b32encode(signature).decode()[:TAG_CHARS]


def short_text(no: str, signature: bytes) -> str:
    t = tag(signature)
    return "-".join([no, *(t[k:k + 4] for k in range(0, TAG_CHARS, 4))])


def payload(statement: Statement, signature: bytes) -> str:
    """What the QR code holds: the signed lines and the whole signature."""
    return statement.signed_bytes().decode("utf-8") + f"\n{SIGNATURE_LABEL} {b64(signature)}"


@dataclass(frozen=True)
class ParsedCode:
    """A code as given: a QR payload (statement and whole signature) or a short text
    (register number and tag)."""

    no: str
    tag: str = ""  # short text
    statement: Statement | None = None  # QR payload
    signature: bytes = b""  # QR payload

    @property
    def full(self) -> bool:
        return self.statement is not None


def _bad(text: str, why: str) -> InputError:
    return InputError(Problem(f"不是本程序的核验码：{why}", column="核验码", value=text[:60]))


def parse_code(text: str) -> ParsedCode:
    """A short text or a QR payload; InputError (naming what is wrong) otherwise."""
    raw = text.strip().replace("\r\n", "\n")
    if raw.startswith("KAOHE-VERIFY"):
        raw = raw.replace(" | ", "\n")  # the one-line form a workbook's note holds
        lines = raw.split("\n")
        if lines[0].strip() != HEADER:
            raise _bad(raw, f"首行应为“{HEADER}”")
        values: dict[str, str] = {}
        signature = b""
        for line in lines[1:]:
            label, _, value = line.strip().partition(" ")
            if label == SIGNATURE_LABEL:
                try:
                    signature = unb64(value.strip())
                except ValueError:
                    raise _bad(raw, "签名无法读取") from None
            elif label in KEYS:
                values[KEYS[label]] = value
            elif label:
                raise _bad(raw, f"不认识的一行“{line[:20]}”")
        if not signature or not values.get("no"):
            raise _bad(raw, "缺少编号或签名")
        statement = Statement.of(values)
        return ParsedCode(statement.no, statement=statement, signature=signature)
    short = raw.upper().replace("—", "-").replace("－", "-")
    m = _SHORT.match(short)
    if m is None:
        raise _bad(raw, "应为“KH000017-ABCD-EFGH-IJKL-MNOP”这样的核验码，或扫描二维码得到的全文")
    letters = re.sub(r"[-\s]", "", m.group(2)).translate(str.maketrans("018", "OIB"))
    if len(letters) != TAG_CHARS or not re.fullmatch(r"[A-Z2-7]+", letters):
        raise _bad(raw, f"编号后应有 {TAG_CHARS} 个字母或数字（四个一组）")
    return ParsedCode(m.group(1), tag=letters)
