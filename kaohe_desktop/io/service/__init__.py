"""Reading 办件, 好差评 and 投诉 exports (`read_service`)."""

from .reader import FIELDS, KINDS, ParsedService, read_service

__all__ = ["FIELDS", "KINDS", "ParsedService", "read_service"]
