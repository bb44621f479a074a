"""The plans' text: a plan's chunks in document order (the 文库 reader), one chunk with its neighbours
(the chat UI's source panel)."""
from __future__ import annotations

from fastapi import APIRouter, Depends

from carbonqa.api.dependencies import ready
from carbonqa.api.errors import ApiError, unknown_plan
from carbonqa.api.openapi import LOOKUP_ERRORS
from carbonqa.ingest.models import Chunk
from carbonqa.service.live import Ready
from carbonqa.service.models import ChunkContext

router = APIRouter(tags=["corpus"])


@router.get("/documents/{doc_id}/chunks", response_model=list[Chunk], responses=LOOKUP_ERRORS)
def document_text(doc_id: str, live: Ready = Depends(ready)) -> list[Chunk]:
    """The plan's full text as its chunks in document order (the reader of the 文库 page)."""
    chunks = live.view.chunks_of(doc_id)
    if chunks is None:
        raise unknown_plan(doc_id)
    return chunks


@router.get("/chunks/{chunk_id:path}", response_model=ChunkContext, responses=LOOKUP_ERRORS)
def chunk(chunk_id: str, live: Ready = Depends(ready)) -> ChunkContext:
    """One chunk with its parent, previous/next siblings, children and heading path."""
    context = live.view.context(chunk_id)
    if context is None:
        raise ApiError(404, f"未找到条款 {chunk_id} / no chunk with id {chunk_id!r}", field="chunk_id")
    return context
