"""Text normalisation for matching, shared by every stage above ingest."""
from __future__ import annotations


def squash(text: str) -> str:
    """Remove every whitespace character (str.isspace, so also the ideographic space \\u3000).

    The plans indent paragraphs with \\u3000 and break lines mid-sentence; removing whitespace makes
    a span match regardless of how a chunk or answer happens to be laid out. For matching only,
    never for quoting.
    """
    return "".join(ch for ch in text if not ch.isspace())
