"""Service records (issue 17): 办件, 好差评 ratings and complaints as the platforms export
them, one row per record number (re-importing adds nothing), plus a yearly cost per unit,
the column mappings users chose for unknown layouts, and the monthly counts kept at import
for the measures. Registered on the same metadata as models.py, which re-exports them.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, DecimalText

# ----------------------------------------------------------------------------- service records
# (issue 17) 办件, 好差评 ratings and complaints as the platforms export them, one row per
# record number (re-importing adds nothing), plus a yearly cost per unit and the column
# mappings users chose for unknown layouts.


class ServiceRequest(Base):
    """One 办件. `accepted` False for 不予受理 / 退件: kept (the file had it) but counted nowhere."""

    __tablename__ = "service_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    no: Mapped[str] = mapped_column(String(100), unique=True)
    matter: Mapped[str] = mapped_column(String(300), default="")
    instant: Mapped[bool] = mapped_column(Boolean, default=False)
    limit_days: Mapped[int | None] = mapped_column(Integer)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    accepted_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    status: Mapped[str] = mapped_column(String(50), default="")
    accepted: Mapped[bool] = mapped_column(Boolean, default=True)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("service_import.id"))


class ServiceRating(Base):
    """One 好差评 rating; level 1 (非常不满意) … 5 (非常满意)."""

    __tablename__ = "service_rating"
    id: Mapped[int] = mapped_column(primary_key=True)
    no: Mapped[str] = mapped_column(String(100), unique=True)
    request_no: Mapped[str] = mapped_column(String(100), default="")
    channel: Mapped[str] = mapped_column(String(50), default="")
    level: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text, default="")
    rated_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    rect_note: Mapped[str] = mapped_column(Text, default="")
    rect_done_at: Mapped[datetime | None] = mapped_column(DateTime)
    visit_at: Mapped[datetime | None] = mapped_column(DateTime)
    visit_result: Mapped[str] = mapped_column(String(200), default="")
    import_id: Mapped[int | None] = mapped_column(ForeignKey("service_import.id"))


class ServiceComplaint(Base):
    """One complaint; `valid` when 核实结果 is 属实 or 部分属实."""

    __tablename__ = "service_complaint"
    id: Mapped[int] = mapped_column(primary_key=True)
    no: Mapped[str] = mapped_column(String(100), unique=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    source: Mapped[str] = mapped_column(String(100), default="")
    content: Mapped[str] = mapped_column(Text, default="")
    verdict: Mapped[str] = mapped_column(String(50), default="")
    valid: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("service_import.id"))


class ServiceImport(Base):
    """One committed import of a service file: the audit records this row (the records
    themselves, 100,000 a year, are written in bulk and not one audit row each)."""

    __tablename__ = "service_import"
    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    imported_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    rows: Mapped[int] = mapped_column(Integer)
    added: Mapped[int] = mapped_column(Integer)


class ServiceCost(Base):
    """A unit's yearly cost (元), for 人均成本."""

    __tablename__ = "service_cost"
    __table_args__ = (UniqueConstraint("unit_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    year: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(DecimalText)


class ServiceMapping(Base):
    """A column mapping chosen for a service layout the reader did not know, by header shape."""

    __tablename__ = "service_mapping"
    id: Mapped[int] = mapped_column(primary_key=True)
    signature: Mapped[str] = mapped_column(String(500), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    mapping: Mapped[str] = mapped_column(Text)  # JSON field → header text


# Each person's and unit's service counts per month (a cache of the records: see
# store/service_queries.py), and the digest of the calendar they were counted with.
SERVICE_COUNTS = ("requests", "finished", "on_time", "days_sum", "days_n", "ratings", "satisfied",
                  "level_sum", "bad", "bad_in_time", "visited", "complaints", "valid",
                  "instant_minutes", "instant_n")
service_month = Table(
    "service_month", Base.metadata, Column("id", Integer, primary_key=True),
    Column("kind", String(10), nullable=False), Column("subject_id", Integer, nullable=False),
    Column("year", Integer, nullable=False), Column("month", Integer, nullable=False),
    *(Column(name, Integer, nullable=False, default=0) for name in SERVICE_COUNTS),
    UniqueConstraint("kind", "subject_id", "year", "month"))
service_month_state = Table("service_month_state", Base.metadata,
                            Column("id", Integer, primary_key=True),
                            Column("digest", String(64), nullable=False))
