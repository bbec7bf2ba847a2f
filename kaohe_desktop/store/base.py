"""The declarative base, its naming convention and the exact-decimal column type, apart
from the models so that models.py and package_models.py (issue 18's tables) both build on
them without importing each other."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import MetaData, String, TypeDecorator
from sqlalchemy.orm import DeclarativeBase


class DecimalText(TypeDecorator[Decimal]):
    """Exact decimals: SQLite has no decimal type and REAL would turn 0.1 into 0.1000…01."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: object) -> str | None:
        return None if value is None else format(value, "f")

    def process_result_value(self, value: str | None, dialect: object) -> Decimal | None:
        return None if value is None else Decimal(value)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def new_uuid() -> str:
    """A record's identity across PCs (data packages): random, never reused."""
    return str(uuid.uuid4())
