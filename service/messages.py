"""Messages the service shows its users: written "中文 / English", split into the two languages, and
of a server-side error only what a client may see."""
from __future__ import annotations

import re

from pydantic import BaseModel


class ErrorMessage(BaseModel):
    zh: str
    en: str


# The "/ " between the two languages of a message: the English half starts with a Latin letter.
LANGUAGE_SEPARATOR = re.compile(r"\s?/ (?=[A-Za-z])")


def bilingual(message: str) -> ErrorMessage:
    """Our messages are written "中文 / English"; split at the first separator (both halves if there is none)."""
    halves = LANGUAGE_SEPARATOR.split(message, maxsplit=1)
    return ErrorMessage(zh=halves[0], en=halves[1]) if len(halves) == 2 else ErrorMessage(zh=message, en=message)


# An absolute file path: "/" starting a word (not "a/b", not the " / " between languages), at least two
# levels deep (so an endpoint such as /readyz named in a message stays).
ABSOLUTE_PATH = re.compile(r"(?<![\w.])/(?:[\w.@+~-]+/)+[\w.@+~-]*")


def public_message(error: Exception, explained: tuple[type[Exception], ...]) -> str:
    """What a client may see of a server-side error: the bilingual message of our own `explained` errors
    with server paths replaced by "…", a generic line for anything else (the log has the details)."""
    if isinstance(error, explained):
        return ABSOLUTE_PATH.sub("…", str(error))
    return "原因见服务器日志 / see the server log for the cause"
