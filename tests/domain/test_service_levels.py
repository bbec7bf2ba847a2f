"""The five 好差评 levels as platforms and survey forms write them (issue 17 §1): words,
their synonyms, star counts in digits, Chinese numerals or glyphs, and a word with a note."""

from __future__ import annotations

import pytest

from kaohe_desktop.domain.service_measures import BAD_LEVELS, parse_level


@pytest.mark.parametrize(("text", "level"), [
    ("非常满意", 5), ("满意", 4), ("基本满意", 3), ("不满意", 2), ("非常不满意", 1),
    ("很满意", 5), ("比较满意", 4), ("一般", 3), ("很不满意", 1),
    (5, 5), (1.0, 1), ("5", 5), ("4星", 4), ("3颗星", 3), ("2分", 2), ("五星", 5), ("一星", 1),
    ("四星级", 4), ("★★★★☆", 4), ("★☆☆☆☆", 1),
    ("满意（4星）", 4), ("非常满意(5)", 5), ("非常满意★★★★★", 5), ("评价：不满意", 2),
    ("不满意。", 2), (" 非 常 不 满 意 ", 1),
])
def test_levels_are_read(text, level):
    assert parse_level(text) == level


@pytest.mark.parametrize("text", ["", None, True, 0, 6, 2.5, "6星", "好评", "满意不满意", "☆☆☆☆☆",
                                  "不满意3", "备注"])
def test_anything_else_is_not_a_level(text):
    """Unreadable is None (the import names the cell), never a guess."""
    assert parse_level(text) is None


def test_the_bad_levels_are_the_two_lowest():
    assert {parse_level("不满意"), parse_level("非常不满意")} == set(BAD_LEVELS)
    assert parse_level("很不满意") in BAD_LEVELS and parse_level("一般") not in BAD_LEVELS
