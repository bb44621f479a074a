"""The library: its plans and their outlines, the starter questions built from them (`router`), and adding
or removing plans with the admin key (`admin_router`)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, UploadFile

from carbonqa.answer.suggestions import Suggestion
from carbonqa.api.dependencies import app_settings, live_service, ready
from carbonqa.api.errors import ApiError, unknown_plan
from carbonqa.api.openapi import COMMON_ERRORS, LIST_ERRORS, LOOKUP_ERRORS, errors
from carbonqa.api.schemas import LibraryChange
from carbonqa.api.security import require_admin_key
from carbonqa.ingest.errors import IngestError, LimitExceeded
from carbonqa.ingest.library import Upload
from carbonqa.service.live import Ready, Service
from carbonqa.service.messages import public_message
from carbonqa.service.models import PlanOutline, PlanSummary
from carbonqa.service.settings import Settings

router = APIRouter(tags=["corpus"])
admin_router = APIRouter(tags=["library"], dependencies=[Depends(require_admin_key)])


def checked_count(files: list[UploadFile], most: int) -> list[UploadFile]:
    if len(files) > most:
        raise ApiError(413, f"一次最多上传 {most} 个文件 / at most {most} files per upload", field="files")
    return files


def read_limited(file: UploadFile, max_bytes: int) -> bytes:
    """The uploaded file's bytes, or a 413 naming the file if it is over the limit."""
    data = file.file.read(max_bytes + 1)
    if len(data) > max_bytes:
        limit = f"{max_bytes / 1_000_000:g} MB"
        raise ApiError(413, f"文件过大，上限 {limit} / file too large (limit {limit}): {file.filename}", field="files")
    return data


@router.get("/documents", response_model=list[PlanSummary], responses=LIST_ERRORS)
def documents(live: Ready = Depends(ready)) -> list[PlanSummary]:
    """The plans with their metadata and clause counts."""
    return live.view.documents()


@admin_router.post("/documents", response_model=LibraryChange,
                   responses={**COMMON_ERRORS, **errors(400, 401, 403, 409, 422, 429)})
def add_documents(files: list[UploadFile] = File(..., min_length=1,  # an upload without files is a 422
                                                 description="plan files: .txt .md .docx .pdf .html"),
                  replace: bool = Form(False, description="replace an added plan with the same doc id"),
                  live: Ready = Depends(ready),  # a 503 while the library loads
                  service: Service = Depends(live_service),
                  settings: Settings = Depends(app_settings)) -> LibraryChange:
    """Add plans (admin key in X-API-Key). Every file is checked first: one bad file adds nothing.
    Only the new plans' chunks are embedded; questions asked meanwhile are answered from the old library."""
    uploads = [Upload(file.filename or "", read_limited(file, settings.max_upload_bytes))
               for file in checked_count(files, settings.max_upload_files)]
    try:
        added, runtime = service.add_plans(uploads, replace)
    except LimitExceeded as error:  # a limit on reading one file: its size once unpacked, pages, memory, time
        raise ApiError(413, public_message(error, (IngestError,)), field="files", code="limit_exceeded") from error
    except IngestError as error:  # a file that cannot be read as a plan (broken, hostile, a bad name)
        raise ApiError(422, public_message(error, (IngestError,)), field="files") from error
    view = service.live.view
    return LibraryChange(added=[view.summaries[p.meta.doc_id] for p in added], plans=len(runtime.plans),
                         chunks=len(runtime.index.chunks), index=runtime.index_status)


@admin_router.delete("/documents/{doc_id}", response_model=LibraryChange,
                     responses={**LOOKUP_ERRORS, **errors(401, 403, 409)})
def remove_document(doc_id: str, live: Ready = Depends(ready), service: Service = Depends(live_service),
                    settings: Settings = Depends(app_settings)) -> LibraryChange:
    """Remove an added plan (admin key in X-API-Key); its file is kept in the library's .removed/ folder."""
    if doc_id not in live.view.summaries:
        raise unknown_plan(doc_id)
    try:
        kept, runtime = service.remove_plan(doc_id)
    except IngestError as error:
        raise ApiError(409, str(error), field="doc_id") from error
    except KeyError as error:  # removed by another request meanwhile
        raise unknown_plan(doc_id) from error
    return LibraryChange(removed=[doc_id], plans=len(runtime.plans), chunks=len(runtime.index.chunks),
                         index=runtime.index_status, kept_file=str(kept.relative_to(settings.library_path)))


@router.get("/documents/{doc_id}", response_model=PlanOutline, responses=LOOKUP_ERRORS)
def document_outline(doc_id: str, live: Ready = Depends(ready)) -> PlanOutline:
    """The plan's outline: its tree of headings, each with its chunk id."""
    outline = live.view.outline(doc_id)
    if outline is None:
        raise unknown_plan(doc_id)
    return outline


@router.get("/suggestions", response_model=list[Suggestion], responses=LIST_ERRORS)
def suggestions(live: Ready = Depends(ready)) -> list[Suggestion]:
    """Starter questions built from the plans' clause trees: per plan a target, a measure and a
    structure question, then one comparison."""
    return live.starters
