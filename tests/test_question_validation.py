"""retriever/validation.py: the one check every question passes (API and CLI), without the model."""
from __future__ import annotations

import pytest

from retriever.validation import QuestionError, validate_question

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  珠海的碳达峰目标是什么？\n", "珠海的碳达峰目标是什么？"),
        ("碳达峰\t目标\r\n是什么", "碳达峰\t目标\r\n是什么"),  # tabs and line breaks are ordinary text
        ("\u3000碳" * 5, "碳\u3000碳\u3000碳\u3000碳\u3000碳"),  # ideographic spaces are stripped at the ends
        ("碳" * 20, "碳" * 20),  # exactly at the limit
        ("2030", "2030"),
        ("\u200b碳达峰", "\u200b碳达峰"),  # a zero-width space is a format character, not a control one
    ],
)
def test_acceptable_questions_are_stripped(text, expected):
    assert validate_question(text, max_chars=20) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "问题不能为空 / question must not be empty"),
        (" \n\t\u3000", "问题不能为空 / question must not be empty"),
        ("碳" * 21, "问题过长：最多 20 个字符 / question too long: at most 20 characters"),
        ("？？？", "问题中没有文字 / question contains no words"),
        ("…… —— ！", "问题中没有文字 / question contains no words"),
        ("碳达\x00峰", "问题包含控制字符 / question contains control characters"),
        ("碳达峰\x1b[31m", "问题包含控制字符 / question contains control characters"),
        ("碳达峰\x7f", "问题包含控制字符 / question contains control characters"),
    ],
)
def test_unacceptable_questions_say_why(text, message):
    with pytest.raises(QuestionError) as caught:
        validate_question(text, max_chars=20)
    assert str(caught.value) == message


def test_length_is_counted_after_stripping():
    assert validate_question("  " + "碳" * 20 + "  ", max_chars=20) == "碳" * 20
