"""Which section of the manual belongs to which page: the navigation title → its file.

Links in the pages' empty states read `help:<file>[#anchor]` (e.g. `help:roster.html`);
`help_link` writes one.
"""

from __future__ import annotations

PAGE_TOPICS = {
    "概览": "overview.html",
    "站点与人员": "roster.html",
    "考核细则": "rubrics.html",
    "考核评分": "scoring.html",
    "考勤": "attendance.html",
    "服务记录": "service.html",
    "排名": "ranking.html",
    "打印与导出": "documents.html",
    "数据交换": "exchange.html",
}
# Sections that belong to no page: the 账户 menu and the year's tasks.
EXTRA_TOPICS = {"账户与修改记录": "accounts.html", "一年的工作怎么做": "howto.html"}
HOME = "index.html"
SCHEME = "help:"


def topic_for(page_title: str) -> str:
    """The file (and anchor) for a page title, a topic given as such, or the contents."""
    if page_title in PAGE_TOPICS:
        return PAGE_TOPICS[page_title]
    if page_title.startswith(SCHEME):
        page_title = page_title[len(SCHEME):]
    return page_title if page_title.split("#")[0].endswith(".html") else HOME


def help_link(page_title: str, text: str = "使用说明") -> str:
    """Rich text for an empty state: a link that opens this page's section of the manual."""
    return f"<a href='{SCHEME}{topic_for(page_title)}'>{text}</a>"
