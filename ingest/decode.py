"""Raw plan bytes -> text: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK."""
from __future__ import annotations

import codecs
from pathlib import Path

from carbonqa.ingest.errors import IngestError
from carbonqa.ingest.limits import DEFAULT_LIMITS, IngestLimits, check_text_chars

# A decoded text with more control characters than this is a binary file that happened to decode.
MAX_CONTROL_SHARE = 0.01


def decode_plan(data: bytes, path: Path, limits: IngestLimits = DEFAULT_LIMITS) -> str:
    """Decode a plan file's bytes; raise IngestError naming the file if it is empty, binary, undecodable
    or longer than max_text_chars."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _try_decode(data, "utf-16")
    elif b"\x00" in data:
        text = None  # NUL bytes: not UTF-8 or GB text
    else:
        # GB18030 is a superset of GBK and GB2312, so one attempt covers all three.
        text = _try_decode(data, "utf-8-sig") or _try_decode(data, "gb18030")
    if text is None or _control_share(text) > MAX_CONTROL_SHARE:
        raise IngestError(
            f"无法解码文件（不是 UTF-8 或 GB18030/GBK 文本）/ cannot decode file "
            f"(not UTF-8 or GB18030/GBK text): {path.name}"
        )
    if not text.strip():
        raise IngestError(f"文件为空 / file is empty: {path.name}")
    check_text_chars(len(text), limits, path)
    return text


def _try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _control_share(text: str) -> float:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    return controls / max(len(text), 1)
