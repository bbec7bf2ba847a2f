"""Input problems as data: where (file, sheet, row, column), what (value) and why.

Every import and edit validates in full first and reports a list of these; nothing is
written while the list is non-empty.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    reason: str
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: object = None

    def line(self) -> str:
        """One Chinese line a user can act on, e.g. `a.xlsx，工作表“评分表”，第 5 行，…`."""
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"列“{self.column}”")
        if self.value is not None and self.value != "":
            parts.append(f"值“{self.value}”")
        where = "，".join(parts)
        return f"{where}：{self.reason}" if where else self.reason


class InputError(Exception):
    """Bad input from a user: one or more problems, nothing was written."""

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__(self.problems[0].line() if self.problems else "输入有误")

    def lines(self) -> list[str]:
        return [p.line() for p in self.problems]

    def located(self, **where: object) -> InputError:
        """The same problems with missing location fields filled in (file, sheet …)."""
        out = []
        for p in self.problems:
            fields = {k: v for k, v in where.items() if not getattr(p, k)}
            out.append(Problem(**{**p.__dict__, **fields}))
        return InputError(out)
