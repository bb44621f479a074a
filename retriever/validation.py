"""What makes a question acceptable, checked once for every entry point (HTTP API and CLI)."""
from __future__ import annotations

import unicodedata

# Tab and line breaks are ordinary in pasted text; other control characters are not.
ALLOWED_CONTROLS = "\t\n\r"


class QuestionError(ValueError):
    """A question that cannot be searched; the message is bilingual and shown to the user as it is."""


def validate_question(text: str, max_chars: int) -> str:
    """The question stripped of surrounding whitespace, or QuestionError saying what is wrong with it."""
    question = text.strip()
    if not question:
        raise QuestionError("问题不能为空 / question must not be empty")
    if len(question) > max_chars:
        raise QuestionError(f"问题过长：最多 {max_chars} 个字符 / "
                            f"question too long: at most {max_chars} characters")
    if any(unicodedata.category(ch) == "Cc" and ch not in ALLOWED_CONTROLS for ch in question):
        raise QuestionError("问题包含控制字符 / question contains control characters")
    if not any(ch.isalnum() for ch in question):
        raise QuestionError("问题中没有文字 / question contains no words")
    return question
