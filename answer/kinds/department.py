"""Who is responsible ("由哪个部门牵头", "责任单位有哪些"): answered by a sentence that names a department
or unit (AnswerPolicy.answers requires one, so the responsibility tables answer), else refused here."""
from __future__ import annotations

from carbonqa.answer.kinds.base import Asked, Reply
from carbonqa.answer.kinds.refusal import refusal


class DepartmentNotStated:
    """No retrieved sentence names who is responsible for what is asked."""

    def applies(self, asked: Asked) -> bool:
        return asked.frame.wants_agency

    def answer(self, asked: Asked) -> Reply:
        return refusal(asked.evidence.policy, "方案未写明负责的部门或单位。", "no_supporting_clause", asked.candidates)
