"""Data files shipped with the program: built-in rubrics, fonts, icons, translations."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable


def resource(*parts: str) -> Traversable:
    node = files(__name__)
    for part in parts:
        node = node / part
    return node
