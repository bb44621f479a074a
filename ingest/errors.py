"""The one error type of the ingest stage: bad input, explained in Chinese and English."""
from __future__ import annotations


class IngestError(ValueError):
    """A corpus folder or plan file that cannot be ingested; the message names the folder or file.
    A ValueError, so callers that already report bad input values report this one too."""
