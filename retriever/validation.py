"""What makes a question acceptable, checked once for every entry point (HTTP API and CLI).

Every user text (questions, history turns, region names) is checked here for characters no text
should hold, before it reaches the tokenizers and the shared embedding batch: a lone surrogate is a
clear 4xx instead of a failure inside a batch shared with other users' questions. A question keeps
the user's own characters (it is shown and stored as typed); it is read in NFKC form and simplified
characters (`matching_form`: full-width digits ２０２５ are 2025, 雲浮 is 云浮), as region names are.

The rules are also written as regular expressions (TEXT_PATTERN, QUESTION_PATTERN) that the OpenAPI
spec publishes; a text matches the pattern exactly when it passes the check (lone surrogates, which
no UTF-8 JSON schema validator can represent, are refused besides).
"""
from __future__ import annotations

import re
import unicodedata

import zhconv

# Control characters other than tab and line breaks (which are ordinary in pasted text), and the
# Unicode non-characters (U+FDD0..U+FDEF and the last two code points of every plane).
FORBIDDEN = ("\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef"
             + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17)))
# What counts as a word character of a question: Latin letters and digits (also full-width, as NFKC
# makes them ASCII) and CJK ideographs.
WORD = "0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TEXT_PATTERN = f"^[^{FORBIDDEN}]*$"
QUESTION_PATTERN = f"^[^{FORBIDDEN}]*[{WORD}][^{FORBIDDEN}]*$"
_BAD = re.compile(f"[{FORBIDDEN}\ud800-\udfff]")
_WORD = re.compile(f"[{WORD}]")


class QuestionError(ValueError):
    """A question that cannot be searched; the message is bilingual and shown to the user as it is."""


class EmptyQueryError(QuestionError):
    """The question is empty or whitespace only."""


def non_empty(question: str) -> str:
    """The question stripped of surrounding whitespace, or EmptyQueryError: the one emptiness check."""
    question = question.strip() if question else ""
    if not question:
        raise EmptyQueryError("问题不能为空 / question must not be empty")
    return question


def check_characters(text: str, label_zh: str = "文本", label_en: str = "text") -> str:
    """The text unchanged, or QuestionError naming the first character no text may hold."""
    bad = _BAD.search(text)
    if bad is not None:
        code = f"U+{ord(bad.group()):04X}"
        raise QuestionError(f"{label_zh}包含无效字符 {code}（控制字符、代理项或非字符）/ {label_en} contains an "
                            f"invalid character {code} (a control character, surrogate or non-character)")
    return text


def matching_form(text: str) -> str:
    """The form text is matched in: NFKC (full-width digits and letters are ASCII, ideographic spaces spaces)
    and simplified characters, as the plans are written (雲浮 -> 云浮). Characters only, not regional words
    (zh-cn would turn the plans' own 智慧型 into 智能); 么 stays as written, for the table also reads it as the
    traditional form of 幺 (什么正在 -> 什幺正在)."""
    return "么".join(zhconv.convert(part, "zh-hans") for part in unicodedata.normalize("NFKC", text).split("么"))


def normalize_text(text: str, label_zh: str = "文本", label_en: str = "text") -> str:
    """text checked and in matching form (region names, earlier answers)."""
    return matching_form(check_characters(text, label_zh, label_en))


def validate_question(text: str, max_chars: int) -> str:
    """The question as typed, stripped of surrounding whitespace, or QuestionError saying what is wrong.

    The length is counted as sent (as the spec's maxLength is).
    """
    question = non_empty(check_characters(text, "问题", "question"))
    if len(text) > max_chars:
        raise QuestionError(f"问题过长：最多 {max_chars} 个字符 / "
                            f"question too long: at most {max_chars} characters")
    if not _WORD.search(text):
        raise QuestionError("问题中没有文字 / question contains no words")
    return question
