"""The plan library: the shipped corpus (never changed) plus plans users add, each kept as its original file.

Layout of the library folder (`CARBONQA_LIBRARY_DIR`, default data/library):

    library/<doc_id>/<original file name>      an added plan, exactly the bytes that were uploaded
    library/.removed/<UTC time>-<doc_id>/...   a removed or replaced plan's file, kept, never deleted
    library/.staging-*/                        uploads being checked (removed when the operation ends)

Adding checks every file before anything is kept: a batch with one bad file adds nothing.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from carbonqa.ingest.bounded import BoundedParser
from carbonqa.ingest.errors import IngestError
from carbonqa.ingest.limits import DEFAULT_LIMITS, IngestLimits
from carbonqa.ingest.models import ParsedPlan
from carbonqa.ingest.pipeline import parse_files, plan_files
from carbonqa.ingest.readers import PLAN_SUFFIXES

REMOVED = ".removed"
# A file name as uploaded: no folders, none of the characters Windows forbids, a plan suffix.
UNSAFE_NAME = re.compile(r"[/\\\\:*?\"<>|]")
MAX_NAME_CHARS = 150
MAX_NAME_BYTES = 255  # the longest file name Linux file systems (ext4, XFS, Btrfs) store, in UTF-8 bytes
# Unicode categories no file name needs: controls, format characters (the bidirectional overrides that
# make "txt.exe" display as "exe.txt", zero-width characters), surrogates, private use, unassigned,
# line and paragraph separators.
INVISIBLE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


class PlanLibrary:
    """Which plan files carbonqa answers from, and the file operations behind add and remove."""

    def __init__(self, corpus_dir: Path, library_dir: Path, limits: IngestLimits = DEFAULT_LIMITS):
        self.corpus_dir = Path(corpus_dir)
        self.library_dir = Path(library_dir)
        self.limits = limits
        self.uploads = BoundedParser(limits)  # an uploaded file is parsed in a bounded worker

    def added_files(self) -> list[Path]:
        """The plans added to the library, one folder per plan, sorted by doc id."""
        if not self.library_dir.is_dir():
            return []
        return [file for folder in sorted(self.library_dir.iterdir())
                if folder.is_dir() and not folder.name.startswith(".")
                for file in sorted(folder.iterdir())[:1]
                if file.is_file() and file.suffix.lower() in PLAN_SUFFIXES]

    def load(self) -> list[ParsedPlan]:
        """The shipped plans, then the added ones."""
        return parse_files(plan_files(self.corpus_dir) + self.added_files(), limits=self.limits)

    def is_shipped(self, plan: ParsedPlan) -> bool:
        return (self.corpus_dir / plan.meta.source_file).is_file() and \
            not (self.library_dir / plan.meta.doc_id / plan.meta.source_file).is_file()

    def ordered(self, plans: list[ParsedPlan]) -> list[ParsedPlan]:
        """Plans in library order, as `load` gives them: shipped first, then added ones by doc id."""
        shipped = [plan for plan in plans if self.is_shipped(plan)]
        return shipped + sorted((p for p in plans if not self.is_shipped(p)), key=lambda p: p.meta.doc_id)

    def stage(self, uploads: list[Upload], current: list[ParsedPlan], replace: bool = False) -> "Staged":
        """Check and parse uploaded files in a staging folder; raises IngestError (nothing kept) if any
        file is bad, names a plan already in the library (without `replace`) or repeats another upload."""
        if not uploads:
            raise IngestError("没有上传文件 / no files uploaded")
        self.library_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.library_dir))
        try:
            files = [self._write(staging, upload) for upload in uploads]
            plans = [self.uploads.parse(file) for file in files]
            by_id = {plan.meta.doc_id: plan for plan in current}
            seen: set[str] = set()
            for plan in plans:
                doc_id = plan.meta.doc_id
                if doc_id in seen:
                    raise IngestError(f"上传的文件中有两份相同的方案 {doc_id} / two uploaded files are the same plan "
                                      f"{doc_id}: {plan.meta.source_file}")
                seen.add(doc_id)
                existing = by_id.get(doc_id)
                if existing is not None and self.is_shipped(existing):
                    raise IngestError(f"{doc_id} 是内置方案，不能替换 / {doc_id} is a shipped plan and cannot be "
                                      f"replaced: {plan.meta.source_file}")
                if existing is not None and not replace:
                    raise IngestError(f"文库中已有方案 {doc_id}（《{existing.meta.title}》），如需替换请选择“替换” / "
                                      f"the library already has {doc_id} ({existing.meta.source_file}); add it with "
                                      f"replace to replace it: {plan.meta.source_file}")
            return Staged(self, staging, plans, files)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    def remove(self, doc_id: str, current: list[ParsedPlan]) -> Path:
        """Move an added plan's folder to .removed/ (the original file is kept there); returns where."""
        plan = next((p for p in current if p.meta.doc_id == doc_id), None)
        if plan is None:
            raise KeyError(doc_id)
        if self.is_shipped(plan):
            raise IngestError(f"{doc_id} 是随系统提供的方案，不能删除 / {doc_id} is a shipped plan "
                              f"(data/corpus) and cannot be removed")
        return self.retire(self.library_dir / doc_id) / plan.meta.source_file

    def restore(self, removed_file: Path, doc_id: str) -> None:
        """Undo `remove` (the index update after it failed)."""
        os.replace(removed_file.parent, self.library_dir / doc_id)

    def retire(self, folder: Path) -> Path:
        """Move a plan's folder to .removed/<UTC time>-<doc_id>; returns its new place."""
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.library_dir / REMOVED / f"{stamp}-{folder.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(folder, target)
        return target

    @staticmethod
    def _write(staging: Path, upload: Upload) -> Path:
        name = checked_name(upload.name)
        if Path(name).suffix.lower() not in PLAN_SUFFIXES:
            raise IngestError(f"不支持的文件类型，支持 {' '.join(PLAN_SUFFIXES)} / unsupported file type "
                              f"(supported: {' '.join(PLAN_SUFFIXES)}): {name}")
        folder = staging / str(len(list(staging.iterdir())))  # one folder per upload: names may repeat
        folder.mkdir()
        path = folder / name
        path.write_bytes(upload.data)
        return path


def checked_name(uploaded: str) -> str:
    """The file name an upload is kept under (its last path part, stripped); IngestError if it is not a
    plain, visible name short enough for the file system."""
    name = Path(uploaded.replace("\\", "/")).name.strip()
    hidden = next((ch for ch in name if unicodedata.category(ch) in INVISIBLE_CATEGORIES), None)
    if hidden is not None:
        raise IngestError(f"文件名含有不可见的控制或格式字符 U+{ord(hidden):04X}（{unicodedata.name(hidden, '未命名')}），"
                          f"请重命名 / the file name contains the invisible control or format character "
                          f"U+{ord(hidden):04X} ({unicodedata.name(hidden, 'unnamed')}); rename the file: {uploaded!r}")
    if len(name) > MAX_NAME_CHARS or len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise IngestError(f"文件名过长（最多 {MAX_NAME_CHARS} 个字符、UTF-8 编码 {MAX_NAME_BYTES} 字节），请缩短 / the file "
                          f"name is too long (at most {MAX_NAME_CHARS} characters and {MAX_NAME_BYTES} bytes in "
                          f"UTF-8); shorten it: {uploaded!r}")
    if not name or name.startswith(".") or UNSAFE_NAME.search(name):
        raise IngestError(f"文件名无效（不能为空、以“.”开头或含有 / \\ : * ? \" < > |）/ invalid file name (empty, "
                          f"starting with \".\" or containing / \\ : * ? \" < > |): {uploaded!r}")
    return name


class Staged:
    """Checked uploads waiting in the staging folder: `keep()` moves them into the library,
    `discard()` deletes them. Replaced plans' folders go to .removed/."""

    def __init__(self, library: PlanLibrary, staging: Path, plans: list[ParsedPlan], files: list[Path]):
        self.library = library
        self.staging = staging
        self.plans = plans
        self.files = files  # the staged file of each plan
        self.kept: list[Path] = []
        self.retired: list[tuple[Path, Path]] = []  # (library folder, where its old plan went)

    def keep(self) -> None:
        for plan, source in zip(self.plans, self.files):
            folder = self.library.library_dir / plan.meta.doc_id
            if folder.exists():  # replacing an added plan: its file is kept in .removed/
                self.retired.append((folder, self.library.retire(folder)))
            folder.mkdir()
            os.replace(source, folder / plan.meta.source_file)
            self.kept.append(folder)
        self.discard()

    def undo(self) -> None:
        """Put the library back as it was before `keep()` (the index update after it failed)."""
        for folder in self.kept:
            shutil.rmtree(folder, ignore_errors=True)
        for folder, retired in self.retired:
            os.replace(retired, folder)

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
