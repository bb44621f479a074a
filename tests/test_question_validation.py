"""retriever/validation.py: the one check every question passes (API and CLI), without the model."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonqa.retriever.validation import QUESTION_PATTERN, QuestionError, matching_form, normalize_text, validate_question

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  珠海的碳达峰目标是什么？\n", "珠海的碳达峰目标是什么？"),  # kept as typed, stripped
        ("碳达峰\t目标\r\n是什么", "碳达峰\t目标\r\n是什么"),  # tabs and line breaks are ordinary text
        ("\u3000碳" * 5, "碳\u3000碳\u3000碳\u3000碳\u3000碳"),
        ("碳" * 20, "碳" * 20),  # exactly at the limit
        ("2030", "2030"),
        ("\u200b碳达峰", "\u200b碳达峰"),  # a zero-width space is a format character, not a control one
        ("珠海２０２５年光伏", "珠海２０２５年光伏"),  # full-width digits are read as digits (matching_form)
        ("\u3000碳\u3000", "碳"),
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
        ("碳达\x00峰", "问题包含无效字符 U+0000（控制字符、代理项或非字符）/ question contains an invalid "
                      "character U+0000 (a control character, surrogate or non-character)"),
        ("碳达峰\x1b[31m", "问题包含无效字符 U+001B"),
        ("碳达峰\x7f", "问题包含无效字符 U+007F"),
        ("\ud800光伏", "问题包含无效字符 U+D800"),  # a lone surrogate, as JSON "\ud800" decodes
        ("光伏\udfff", "问题包含无效字符 U+DFFF"),
        ("光伏\ufdd0", "问题包含无效字符 U+FDD0"),  # non-characters
        ("光伏\uffff", "问题包含无效字符 U+FFFF"),
        ("光伏\U0010fffe", "问题包含无效字符 U+10FFFE"),
    ],
)
def test_unacceptable_questions_say_why(text, message):
    with pytest.raises(QuestionError) as caught:
        validate_question(text, max_chars=20)
    assert str(caught.value).startswith(message)


def test_length_is_counted_as_sent():
    # As the spec's maxLength counts it: surrounding spaces count, NFKC expansion (U+FDFA = 18 chars) does not.
    with pytest.raises(QuestionError, match="问题过长"):
        validate_question("  " + "碳" * 20, max_chars=20)
    assert validate_question("碳\ufdfa", max_chars=2) == "碳\ufdfa"


@pytest.mark.parametrize(("text", "read_as"), [
    ("珠海２０２５年光伏", "珠海2025年光伏"),  # full-width digits are digits
    ("ＰＭ２．５浓度", "PM2.5浓度"),
    ("\u3000碳？", " 碳?"),  # ideographic space and full-width ？
    ("雲浮２０３０年新能源汽車佔比幾多", "云浮2030年新能源汽车占比几多"),  # traditional characters are simplified
    ("點樣申請充電樁", "点样申请充电桩"),
    ("珠海市碳达峰实施方案", "珠海市碳达峰实施方案"),  # simplified text stays as it is
    ("有什么正在推进的智慧型城市项目", "有什么正在推进的智慧型城市项目"),  # not 什幺, not 智能
])
def test_questions_are_matched_in_nfkc_form_and_simplified_characters(text, read_as):
    assert matching_form(text) == read_as


def test_other_texts_are_checked_the_same_way():
    assert normalize_text("珠海") == "珠海"
    with pytest.raises(QuestionError, match="^文本包含无效字符 U[+]D83D"):
        normalize_text("珠\ud83d海")


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
       | st.text(st.sampled_from("碳a1 \t\n？。２\x00\x7f\x85\ufdd0\uffff\U0001fffe"), max_size=6))
def test_the_published_pattern_says_exactly_which_questions_pass(text):
    try:
        validate_question(text, max_chars=30)
        passes = True
    except QuestionError:
        passes = False
    assert passes == bool(re.search(QUESTION_PATTERN, text))
