"""Comparing people's names as written in different files and in the roster."""

from __future__ import annotations

# Middle-dot look-alikes in minority names (买买提·艾力): exports and hand-typed rosters
# use any of them
MIDDLE_DOTS = str.maketrans({"•": "·", "・": "·", "‧": "·", "∙": "·", "．": "·", "｡": "·"})


def name_key(name: str) -> str:
    """A name for comparison: spaces and middle-dot variants ignored."""
    return "".join(name.split()).translate(MIDDLE_DOTS)
