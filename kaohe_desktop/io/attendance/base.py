"""What a format's `find` returns: where its table is, so `read` need not look again."""

from __future__ import annotations

from dataclasses import dataclass, field

from .table import Header


@dataclass
class Found:
    format: str
    sheet: str = ""
    header: Header | None = None
    extra: dict[str, object] = field(default_factory=dict)
