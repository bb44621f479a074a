"""The error types of the ingest stage: bad input, explained in Chinese and English."""
from __future__ import annotations


class IngestError(ValueError):
    """A corpus folder or plan file that cannot be ingested; the message names the folder or file.
    A ValueError, so callers that already report bad input values report this one too."""


class LimitExceeded(IngestError):
    """A plan file over one of the ingest limits (ingest/limits.py): too large once unpacked, too many
    pages, or more memory or time than its parsing may take. `limit` is the setting's name and `value`
    its value, so a caller can say which limit was hit (the service answers 413)."""

    def __init__(self, message: str, limit: str, value: float):
        super().__init__(message)
        self.limit = limit
        self.value = value


def limit_exceeded(limit: str, value: float, what_zh: str, what_en: str, file_name: str) -> LimitExceeded:
    """The error for a file over a limit: what was too large ("PDF 文件的页数" / "the PDF's page count"),
    the limit and how to go on."""
    return LimitExceeded(
        f"{what_zh}超过上限 {value:,}（设置 {limit}），未读取该文件；如确是一份正常的方案，请拆分文件或请管理员调高该设置 / "
        f"{what_en} is over the limit of {value:,} (setting {limit}), so the file was not read; if it is a genuine "
        f"plan, split it or ask the administrator to raise the setting: {file_name}", limit, value)
