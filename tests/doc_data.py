"""Small assessments whose grades are known, for the documents and consequences tests.

FRNL (芙蓉南路社区群众工作站考核办法) with four stations, one per grade, three staff each:
A01 工作优秀 (certificates for the station and its staff), A02 工作良好 (nothing), A03
工作一般 (written report + 诫勉谈话 for the person in charge, who is marked 负责人 in the
roster although another holds the post 站长), A04 工作较差 (通报批评).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from kaohe_desktop.domain.periods import parse_period
from kaohe_desktop.domain.rubric import rubric_to_dict
from kaohe_desktop.services.assessments import GroupSpec, change_state, create_assessment
from kaohe_desktop.services.office_settings import save_office_settings
from kaohe_desktop.services.roster import add_staff, add_unit
from kaohe_desktop.services.rubrics import builtin_rubric, save_rubric
from kaohe_desktop.services.scores import set_score
from kaohe_desktop.store.models import Staff

OFFICE = {"issuer": "测试街道便民服务中心", "prefix": "测街便", "contact": "李明 0731-84446666",
          "address": "测试街道人民路8号"}
# code, name, the five item scores (20/40/20/10/10) → total
STATIONS = [
    ("A01", "东风社区群众工作站", (19, 38, 19, 9.5, 9.5)),  # 95 工作优秀
    ("A02", "向阳社区群众工作站", (17, 34, 17, 8.5, 8.5)),  # 85 工作良好
    ("A03", "红旗社区群众工作站", (14, 28, 14, 7, 7)),  # 70 工作一般
    ("A04", "新华社区群众工作站", (10, 20, 10, 5, 5)),  # 50 工作较差
]
POSTS = ("站长", "窗口受理员", "网格员")
STAFF = {  # unit → three names, in POSTS order
    "A01": ("赵一", "钱二", "孙三"),
    "A02": ("李四", "周五", "吴六"),
    "A03": ("郑七", "王八", "冯九"),
    "A04": ("陈十", "褚十一", "卫十二"),
}
MARKED_HEAD = "A03-02"  # 王八: marked 负责人 in the roster; 郑七 holds the post 站长


def add_stations(db, office: bool = True) -> None:
    for code, name, _ in STATIONS:
        add_unit(db, name, code=code, area="测试街道")
        for k, (person, post) in enumerate(zip(STAFF[code], POSTS, strict=True), start=1):
            add_staff(db, person, code, code=f"{code}-{k:02d}", post=post)
    with db.session() as s:
        s.scalars(select(Staff).where(Staff.code == MARKED_HEAD)).one().head = True
    if office:
        save_office_settings(db, OFFICE)


def frnl_assessment(db, period: str = "2024", approve: bool = True) -> int:
    info = create_assessment(db, "FRNL", parse_period(period), subjects="units",
                             groups=[GroupSpec("第一组", "上级")], name=f"{period}群众工作站考核")
    for code, _, values in STATIONS:
        for item, value in enumerate(values, start=1):
            set_score(db, info.id, code, str(item), Decimal(str(value)), assessor="张三",
                      group="第一组")
    if approve:
        change_state(db, info.id, "submit")
        change_state(db, info.id, "approve")
    return info.id


def staff_rubric(db) -> str:
    """WINDOW-STAFF with consequences a person receives: 不合格 → 整改通知书 and 通报批评 to the
    person, 诫勉谈话 to the unit's 负责人; 优秀 → 荣誉证书."""
    raw = rubric_to_dict(builtin_rubric("WINDOW-STAFF"))
    raw.update(code="WS-TEST", name="窗口人员考核（测试）", version=1, consequences=[
        {"grade": "不合格", "kind": "rectify", "recipient": "subject"},
        {"grade": "不合格", "kind": "criticise", "recipient": "subject"},
        {"grade": "不合格", "kind": "talk", "recipient": "head"},
        {"grade": "优秀", "kind": "certificate", "recipient": "subject", "note": "评为优秀的，予以表彰"},
    ])
    save_rubric(db, raw)
    return "WS-TEST"


def staff_assessment(db, period: str = "2024-10") -> int:
    """A01's three staff: 赵一 优秀 (100), 钱二 合格 (60), 孙三 不合格 (0)."""
    code = staff_rubric(db)
    info = create_assessment(db, code, parse_period(period), subjects=["A01-01", "A01-02", "A01-03"],
                             groups=[GroupSpec("站长评分", "上级")], name=f"{period}窗口人员考核")
    for person, level in (("A01-01", 20), ("A01-02", 12), ("A01-03", 0)):
        for item in range(1, 6):
            set_score(db, info.id, person, str(item), Decimal(level), assessor="张三",
                      group="站长评分")
    change_state(db, info.id, "submit")
    change_state(db, info.id, "approve")
    return info.id
