"""Verification codes on issued documents: issuing one (register + signature) and
checking one (`kaohe verify`, 工具 → 核验文件…).

`issue_code(db, kind, …)` records what the document states in the register
(`IssuedDocument`), signs the statement with the office key (services/office_key) and
returns the short text and the QR payload to print (domain/verification_code). A reprint
stating the same finds its first entry: the same code, no new row.

`verify_code(text, db=…, public_key=…)` answers whether a code is genuine and what the
document states:

- a QR payload carries the statement and the whole signature: checked with the public
  key alone (the office's own, or another office's exported key) — offline, no register
  needed; when the register of this database has the number too, both must agree;
- a short text carries the number and 80 bits of the signature: checked against the
  register, whose entry is checked in turn with the key (an entry edited with another
  tool fails).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.verification_code import (
    ParsedCode,
    Statement,
    b64,
    parse_code,
    payload,
    serial_text,
    short_text,
    tag,
    unb64,
)
from kaohe_desktop.reports.verification_mark import VerificationMark
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import IssuedDocument

from . import office_key

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


@dataclass(frozen=True)
class Verification:
    """What a document prints: the short text and the QR payload."""

    text: str
    payload: str
    statement: Statement


@dataclass(frozen=True)
class VerifyResult:
    genuine: bool
    reason: str  # why not, or how it was checked
    statement: Statement | None  # what the document states (None when nothing is known)

    def to_dict(self) -> dict[str, object]:
        return {"genuine": self.genuine, "reason": self.reason,
                "statement": self.statement.as_dict() if self.statement else None}


def _content_hash(st: Statement) -> str:
    values = {k: v for k, v in st.as_dict().items() if k != "no"}
    return hashlib.sha256(json.dumps(values, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _stored(row: IssuedDocument) -> tuple[Statement, bytes]:
    return Statement.of(json.loads(row.statement)), unb64(row.signature)


def issue_code(db: Database, kind: str, *, number: str = "", subject: str = "", result: str = "",
               assessment: str = "", on: date | None = None,
               assessment_id: int | None = None) -> Verification:
    """Register and sign what a document states; the code to print on it."""
    fields = Statement.of({"no": "", "kind": kind, "number": number, "subject": subject,
                           "result": result, "assessment": assessment,
                           "date": (on or date.today()).isoformat()})
    digest = _content_hash(fields)
    with db.session() as s:
        row = s.scalar(select(IssuedDocument).where(IssuedDocument.content_hash == digest))
        if row is not None:  # a reprint: the code it was first issued with
            st, sig = _stored(row)
            return Verification(short_text(st.no, sig), payload(st, sig), st)
        row = IssuedDocument(kind=fields.kind, assessment_id=assessment_id, statement="",
                             content_hash=digest, signature="")
        s.add(row)
        s.flush()  # the register number is the row's id, and it is part of what is signed
        st = Statement.of({**fields.as_dict(), "no": serial_text(row.id)})
        sig = office_key.sign(db, st.signed_bytes())
        row.statement = json.dumps(st.as_dict(), ensure_ascii=False, sort_keys=True)
        row.signature = b64(sig)
    return Verification(short_text(st.no, sig), payload(st, sig), st)


def _register_entry(db: Database, no: str) -> IssuedDocument | None:
    digits = no[2:]
    if not digits.isdigit():
        return None
    with db.session() as s:
        row = s.get(IssuedDocument, int(digits))
        if row is not None:
            s.expunge(row)
        return row


def verify_code(text: str, *, db: Database | None = None,
                public_key: Ed25519PublicKey | None = None) -> VerifyResult:
    """Whether the code `text` (short text or QR payload) is genuine, and what the
    document states. `public_key`: another office's key (default: this database's).
    InputError when `text` is no code at all, or a short text is given with no register."""
    code: ParsedCode = parse_code(text)
    if public_key is None:
        if db is None:
            raise InputError(Problem("核验需要单位公钥（--public-key 文件）或本单位的数据库",
                                     column="--public-key"))
        public_key = office_key.public_key_of(db)
    if code.full:
        assert code.statement is not None
        st = code.statement
        if not office_key.verify(public_key, st.signed_bytes(), code.signature):
            return VerifyResult(False, "签名不符：二维码内容被改动，或不是该单位签发", st)
        row = _register_entry(db, st.no) if db is not None else None
        if row is not None:
            known, sig = _stored(row)
            if known != st or sig != code.signature:
                return VerifyResult(False, "签名有效，但与本单位的发文登记不符", st)
        return VerifyResult(True, "二维码签名有效（单位公钥核验）", st)
    if db is None:
        raise InputError(Problem("短核验码须对照签发单位的发文登记核验：请用 --db 指定该单位的数据库，"
                                 "或扫描二维码核验全文", column="核验码", value=text.strip()[:40]))
    row = _register_entry(db, code.no)
    if row is None:
        return VerifyResult(False, f"发文登记中没有编号 {code.no}：不是本单位签发的文件", None)
    st, sig = _stored(row)
    if not office_key.verify(public_key, st.signed_bytes(), sig):
        return VerifyResult(False, f"发文登记中编号 {code.no} 的记录与签名不符（登记被改动）", st)
    if tag(sig) != code.tag:
        return VerifyResult(False, f"核验码与发文登记中编号 {code.no} 的签名不符（伪造或抄错）", None)
    return VerifyResult(True, "核验码与发文登记一致，登记记录签名有效", st)


def mark(v: Verification) -> VerificationMark:
    """What a report draws."""
    return VerificationMark(v.text, v.payload)


def issue_mark(db: Database, kind: str, **fields: object) -> VerificationMark:
    """`issue_code` for a document about to be drawn."""
    return mark(issue_code(db, kind, **fields))  # type: ignore[arg-type]
