"""What one plan file may cost to read: the ingest stage's limits, one settings model.

A plan file can be crafted (or just broken) so that reading it takes gigabytes or minutes: a small
.docx or PDF that unpacks to gigabytes, a PDF of thousands of pages, a "sentence" of a million
characters. Each limit below is checked as early as possible, before the expensive step it guards
(sizes from a zip's central directory before unpacking, a PDF's page count before reading pages),
and an uploaded file is parsed in a worker process bounded by the `parse_*` limits (ingest/bounded.py).

The defaults leave real plans far inside them: the shipped plans have at most ~17,000 characters,
paragraphs of at most 770 characters and sentences of at most 350; a government plan's PDF has tens
of pages of 1,000–2,000 characters each.
"""
from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from carbonqa.ingest.errors import limit_exceeded


class IngestLimits(BaseModel):
    """Bounds on reading one plan file. A file over a limit is refused with a LimitExceeded naming it,
    except paragraphs and sentences, which are cut into pieces (with a warning on the plan)."""

    model_config = ConfigDict(frozen=True)

    # The worker an uploaded file is parsed in (ingest/bounded.py).
    parse_memory_mb: int = Field(default=1024, ge=256, description="address space of the worker parsing one "
                                                                   "uploaded file (RLIMIT_AS), in MiB")
    parse_cpu_seconds: int = Field(default=60, ge=1, description="CPU time the worker may use (RLIMIT_CPU)")
    parse_wall_seconds: float = Field(default=120.0, gt=0, description="wall-clock time before the worker is "
                                                                        "stopped")

    # Before anything is unpacked.
    max_unpacked_bytes: int = Field(default=100_000_000, ge=1,
                                    description="a .docx's members together, as its zip directory declares "
                                                "them, and a PDF's Flate-compressed streams together "
                                                "(images excepted: text extraction never unpacks them)")
    max_zip_members: int = Field(default=1000, ge=1, description="files inside a .docx")
    max_pdf_pages: int = Field(default=500, ge=1, description="pages of a PDF")
    max_page_chars: int = Field(default=20_000, ge=1, description="characters on one PDF page")
    max_text_chars: int = Field(default=2_000_000, ge=1, description="characters of a plan's text as read "
                                                                     "(a .txt, .md or .html file once decoded)")

    # Cut, not refused: a longer run of text is split into pieces of at most this many characters.
    max_paragraph_chars: int = Field(default=5_000, ge=100, description="characters of one paragraph (a line "
                                                                        "of the cleaned text); a longer one is "
                                                                        "split after a sentence end")
    max_sentence_chars: int = Field(default=1_000, ge=100, description="characters of one sentence; a longer "
                                                                       "run without a sentence end is cut at "
                                                                       "the limit")
    # 16,000 characters take at most 64,000 bytes in UTF-8 (4 a character at most), within the 65,535
    # bytes of a Milvus text field (index/milvus_store.py); the longest shipped clause has 770.
    max_chunk_chars: int = Field(default=16_000, ge=100, description="characters of one chunk (a clause's heading "
                                                                     "and body lines); a longer body continues in "
                                                                     "further chunks under the clause")

    @model_validator(mode="after")
    def pieces_fit_their_containers(self) -> IngestLimits:
        if self.max_sentence_chars > self.max_paragraph_chars:
            raise ValueError(f"max_sentence_chars ({self.max_sentence_chars}) must not exceed max_paragraph_chars "
                             f"({self.max_paragraph_chars}): a sentence is part of a paragraph")
        if self.max_paragraph_chars > self.max_chunk_chars:
            raise ValueError(f"max_paragraph_chars ({self.max_paragraph_chars}) must not exceed max_chunk_chars "
                             f"({self.max_chunk_chars}): a paragraph is part of a chunk")
        return self


DEFAULT_LIMITS = IngestLimits()


def check_text_chars(chars: int, limits: IngestLimits, path: Path) -> None:
    """LimitExceeded if a file's text (`chars` characters so far) is over max_text_chars."""
    most = limits.max_text_chars
    if chars > most:
        raise limit_exceeded("max_text_chars", most, "文件的字符数",
                             "the number of characters in the file's text", path.name)
