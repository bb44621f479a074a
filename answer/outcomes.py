"""The outcome vocabulary: the one wording of what a reply does with the question.

Every Answer carries its `status` (models.py) built here, and the chat, its Markdown export, the CLI
and the API docs all show that status, so a reply reads the same wherever it is seen:

- 已回答 / answered: every part of the question is answered, with citations;
- 部分回答 / partly answered: some parts are answered; the status names the parts that are not;
- 未说明 / not stated: the plans do not state it, in one of two kinds: they mention the topic but
  give no figure or no attribute asked of it (an amount, a frequency, a level…), or they do not mention it
  at all (no plan, year or topic; no clause).
"""
from __future__ import annotations

from pydantic import BaseModel, Field

# outcome -> (Chinese label, English label)
LABELS = {
    "answered": ("已回答", "answered"),
    "partial": ("部分回答", "partly answered"),
    "not_stated": ("未说明", "not stated"),
}
# Why a not_stated reply states nothing, by its refusal_reason. Only figure_not_stated and attribute_not_stated
# mean the plans mention the topic; every other reason means they do not mention what was asked.
MENTIONED_WITHOUT_FIGURE = "figure_not_stated"
REASONS = {
    MENTIONED_WITHOUT_FIGURE: "方案提到了相关内容，但没有给出所问的数值",
    "attribute_not_stated": "方案提到了相关内容，但没有给出所问的频次、金额、等级、收费规定或时刻",
    "topic_not_in_plan": "方案未提及此内容",
    "year_not_stated": "方案未提及所问的年份",
    "no_plan_for_region": "没有所问地区的方案",
    "no_supporting_clause": "方案中没有能回答该问题的内容",
}
NOT_STATED_PARTS = "未说明："  # then the parts of a partial reply the plans do not state
SKIPPED_PARTS = "未回答（请分开提问）："  # then the parts of an over-long question left unanswered


class OutcomeStatus(BaseModel):
    """The label a reply is shown with, and what is missing or why."""

    label: str = Field(description="已回答 | 部分回答 | 未说明")
    label_en: str = Field(description="answered | partly answered | not stated")
    detail: str = Field(description="what a partial reply leaves out (未说明：…；未回答（请分开提问）：…) or why a "
                                    "reply is not stated; empty for an answered one")
    text: str = Field(description="the line shown: the label, then the detail after a middle dot")


def outcome_status(outcome: str, unstated: list[str], skipped: list[str], refusal_reason: str | None) -> OutcomeStatus:
    """The status of a reply from its outcome, the parts it leaves out and its refusal reason."""
    label, label_en = LABELS[outcome]
    if outcome == "partial":
        parts = ([NOT_STATED_PARTS + "；".join(unstated)] if unstated else []) + \
                ([SKIPPED_PARTS + "；".join(skipped)] if skipped else [])
        detail = "。".join(parts)
    elif outcome == "not_stated":
        detail = REASONS.get(refusal_reason or "", REASONS["no_supporting_clause"])
    else:
        detail = ""
    return OutcomeStatus(label=label, label_en=label_en, detail=detail,
                         text=f"{label} · {detail}" if detail else label)


def vocabulary_table() -> str:
    """The vocabulary as one line per label, for the API docs."""
    lines = [f"{zh} / {en}" for zh, en in LABELS.values()]
    reasons = "; ".join(f"{key}: {text}" for key, text in REASONS.items())
    return "; ".join(lines) + f". Reasons of 未说明: {reasons}"
