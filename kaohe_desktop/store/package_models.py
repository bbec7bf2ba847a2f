"""Data packages between offline PCs (issue 18 §2): what arrived, where merged records
came from, and the disagreements waiting for a person's choice.

- `PackageReceipt`: one row per package merged — which office (village PC) sent it, when
  it was made and merged, what it covered. A package merged again adds no second row.
- `PackageOrigin`: for each record a package brought (a score by its row id, an
  assessment or event by UUID, a person by code …) the office it came from and the time
  it carried. A later package from the *same* office may update such a record; a
  different value from any other source becomes a conflict instead.
- `PackageConflict`: both values, with their authors, offices and times, until someone
  keeps one (`resolution` "ours" or "theirs").
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class PackageReceipt(Base):
    __tablename__ = "package_receipt"
    id: Mapped[int] = mapped_column(primary_key=True)
    package_uuid: Mapped[str] = mapped_column(String(36), index=True)
    sha256: Mapped[str] = mapped_column(String(64))  # of the whole file
    file_name: Mapped[str] = mapped_column(String(300))
    office_uuid: Mapped[str] = mapped_column(String(36), index=True)
    office_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)  # when the office made it
    received_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    schema: Mapped[str] = mapped_column(String(64))
    # JSON: the unit codes and assessment periods the package covered, its counts
    scope: Mapped[str] = mapped_column(Text)
    counts: Mapped[str] = mapped_column(Text)
    signed: Mapped[bool] = mapped_column(Boolean, default=False)


class PackageOrigin(Base):
    __tablename__ = "package_origin"
    table_name: Mapped[str] = mapped_column(String(30), primary_key=True)
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    office_uuid: Mapped[str] = mapped_column(String(36))
    source_at: Mapped[datetime] = mapped_column(DateTime)  # the record's own time
    # when the package that wrote it was made: which of two copies with the same record
    # time is newer (a score's time has whole seconds)
    package_at: Mapped[datetime] = mapped_column(DateTime)
    # a digest of the values the office sent (services/package_records.values_hash): a
    # record changed here since no longer matches it, and is not overwritten
    values_hash: Mapped[str] = mapped_column(String(32))


class PackageConflict(Base):
    __tablename__ = "package_conflict"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # a package kind: score, staff, event …
    key: Mapped[str] = mapped_column(String(300), index=True)  # the record's natural key
    label: Mapped[str] = mapped_column(Text)  # the record in words
    # JSON {"values": {...}, "author": …, "office": …, "at": …}
    ours: Mapped[str] = mapped_column(Text)
    theirs: Mapped[str] = mapped_column(Text)
    receipt_id: Mapped[int | None] = mapped_column(
        ForeignKey("package_receipt.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolution: Mapped[str] = mapped_column(String(10), default="", server_default="")
    resolved_by: Mapped[str] = mapped_column(String(50), default="", server_default="")
