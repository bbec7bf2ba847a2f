"""The audit record's hash chain: the canonical form of a row and its hash.

Each row's hash is SHA-256 over the previous row's hash followed by the row's fields,
each written as `<length>:<text>` (the length in characters), in a fixed order. The
length prefixes make the encoding unambiguous without escaping, so verifying a million
rows costs one string join and one hash per row, nothing re-encoded: before and after
are stored as the canonical JSON text that was hashed.

Also here: which tables and fields the verifier compares with the record (a value
changed with another tool is caught even though no audit row was touched), and their
keys. Plain Python, so the migration that writes the first (genesis) row uses the very
same functions as the services.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

GENESIS_PREV = "0" * 64
LOCAL_USER = "本机用户"  # the actor of a database without accounts, and of migrated data
SYSTEM = "系统"  # the program itself (built-in rubrics)

# table → the fields the verifier compares between the record and the table, and how a
# row's key is formed (scores by their natural key, so bulk inserts need no ids back)
WATCHED: Mapping[str, tuple[str, ...]] = {
    "score": ("value",),
    "score_override": ("value",),
    "event": ("amount", "subject_id"),
    "assessment": ("state",),
}
KEY_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "score": ("subject_id", "assessor_id", "item_code"),
    "score_override": ("subject_id", "item_code"),
    "subject_item_na": ("subject_id", "item_code"),
}


def plain(value: Any) -> Any:
    """A JSON-ready form of a stored value, as text where the database keeps text:
    decimals exactly as DecimalText stores them."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str | float):
        return value
    return str(value)


def canonical_json(data: Mapping[str, Any] | None) -> str:
    """Sorted keys, no spaces, non-ASCII kept: the same mapping always gives the same text."""
    if data is None:
        return ""
    return json.dumps({k: plain(v) for k, v in data.items()}, ensure_ascii=False,
                      sort_keys=True, separators=(",", ":"))


def row_hash(prev_hash: str, at: str, actor: str, action: str, table: str, key: str,
             assessment_id: str, subject_id: str, before: str, after: str, reason: str) -> str:
    """SHA-256 (hex) of the previous hash and the row's fields, length-prefixed."""
    text = (f"{prev_hash}{len(at)}:{at}{len(actor)}:{actor}{len(action)}:{action}"
            f"{len(table)}:{table}{len(key)}:{key}{len(assessment_id)}:{assessment_id}"
            f"{len(subject_id)}:{subject_id}{len(before)}:{before}{len(after)}:{after}"
            f"{len(reason)}:{reason}")
    return hashlib.sha256(text.encode()).hexdigest()


def now_text() -> str:
    return datetime.now().isoformat(timespec="seconds")
