"""Untrusted plan files: every attack is refused with a typed error before it costs memory or time,
or stopped by the bounded worker; the caller's memory stays where it was; nothing unhandled escapes.

Every attack file is generated here, as small as it can be while still being the attack.
"""
from __future__ import annotations

import io
import multiprocessing
import random
import signal
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest

from carbonqa.eval.attack_files import (BILLION_LAUGHS, LONG_SENTENCE, MALFORMED, MB, NANSHAN, XXE, docx_bomb,
                                        docx_with_document, html_plan, pdf_bomb, pdf_file, plan_docx, text_page)
from carbonqa.index.store import build_index, save_index
from carbonqa.index.tokenizer import Tokenizer
from carbonqa.ingest.bounded import BoundedParser
from carbonqa.ingest.clean import layout
from carbonqa.ingest.errors import IngestError, LimitExceeded
from carbonqa.ingest.library import PlanLibrary, Upload, checked_name
from carbonqa.ingest.limits import DEFAULT_LIMITS, IngestLimits
from carbonqa.ingest.models import ChunkKind, ParsedPlan
from carbonqa.ingest.pipeline import parse_plan
from carbonqa.ingest.runs import limit_runs
from carbonqa.ingest.sentences import split_sentences
from carbonqa.ingest.table import Table
from carbonqa.ingest.tree import ClauseTree

pytestmark = pytest.mark.unit

REPO_DIR = Path(__file__).resolve().parents[1]
RSS_MARGIN = 40 * MB  # the caller's resident memory may move this much while a worker parses
BOMB = 200 * MB  # over max_unpacked_bytes (100 MB), and over a 256 MiB worker with the parsers loaded
WORKER_MIB = 256


def rss() -> int:
    """This process's resident memory, bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def parse_in_worker(tmp_path: Path, name: str, data: bytes, limits: IngestLimits = DEFAULT_LIMITS):
    """Parse through the bounded worker; returns (plan or error, the caller's RSS change in bytes)."""
    path = tmp_path / name
    path.write_bytes(data)
    del data
    before = rss()
    try:
        result = BoundedParser(limits).parse(path)
    except IngestError as error:
        result = error
    assert multiprocessing.active_children() == []  # the worker is gone, and its memory with it
    return result, rss() - before


def refused(result, limit: str) -> LimitExceeded:
    assert isinstance(result, LimitExceeded), result
    assert result.limit == limit and limit in str(result) and "/ " in str(result)  # 中文 / English, names it
    return result


# Decompression bombs: refused from the sizes the container declares, before anything is unpacked;
# with that check raised out of the way, stopped by the worker's memory limit.

@pytest.fixture(scope="module")
def docx_bomb_file() -> bytes:
    bomb = docx_bomb(BOMB)
    assert len(bomb) < 2 * MB
    return bomb


@pytest.fixture(scope="module")
def pdf_bomb_file() -> bytes:
    bomb = pdf_bomb(BOMB)
    assert len(bomb) < 1 * MB
    return bomb


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_a_decompression_bomb_is_refused_before_it_is_unpacked(tmp_path, request, kind):
    bomb = request.getfixturevalue(f"{kind}_bomb_file")
    path = tmp_path / f"bomb.{kind}"
    path.write_bytes(bomb)
    before = rss()
    with pytest.raises(LimitExceeded) as error:
        parse_plan(path)
    assert rss() - before < RSS_MARGIN  # nothing was unpacked, even in this process
    refused(error.value, "max_unpacked_bytes")
    result, grew = parse_in_worker(tmp_path, path.name, bomb)
    refused(result, "max_unpacked_bytes")
    assert grew < RSS_MARGIN


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_a_bomb_past_the_size_check_is_stopped_by_the_workers_memory_limit(tmp_path, request, kind):
    limits = IngestLimits(max_unpacked_bytes=10**12, parse_memory_mb=WORKER_MIB)
    result, grew = parse_in_worker(tmp_path, f"bomb.{kind}", request.getfixturevalue(f"{kind}_bomb_file"), limits)
    refused(result, "parse_memory_mb")
    assert grew < RSS_MARGIN


def test_a_zip_member_never_unpacks_past_the_size_its_directory_declares(tmp_path, docx_bomb_file):
    lying = bytearray(docx_bomb_file)
    for signature, size_at, name_at in ((b"PK\x01\x02", 24, 46), (b"PK\x03\x04", 22, 30)):  # central, local
        at = lying.find(signature)
        while at != -1:
            if lying[at + name_at:].startswith(b"word/document.xml"):
                lying[at + size_at:at + size_at + 4] = (1000).to_bytes(4, "little")
            at = lying.find(signature, at + 4)
    with zipfile.ZipFile(io.BytesIO(bytes(lying))) as archive:
        assert archive.getinfo("word/document.xml").file_size == 1000  # the lie passes the directory check
    result, grew = parse_in_worker(tmp_path, "lying.docx", bytes(lying))
    assert type(result) is IngestError and "已损坏" in str(result), result  # unpacking stopped at the lie
    assert grew < RSS_MARGIN


# Large PDFs: pages counted before any is read; a page's characters capped; the worker's time bounded.

def test_a_pdf_with_too_many_pages_is_refused_before_reading_them(tmp_path):
    many = pdf_file([b"BT /F1 10 Tf 50 800 Td (x) Tj ET"] * (DEFAULT_LIMITS.max_pdf_pages + 1))
    result, grew = parse_in_worker(tmp_path, "many.pdf", many)
    refused(result, "max_pdf_pages")
    assert grew < RSS_MARGIN


def test_a_pdf_page_with_too_many_characters_is_refused(tmp_path):
    limits = IngestLimits(max_page_chars=1000)
    result, _ = parse_in_worker(tmp_path, "dense.pdf", pdf_file([text_page(lines=40)]), limits)
    assert "page 1" in str(refused(result, "max_page_chars"))


@pytest.mark.parametrize("limit", ["parse_cpu_seconds", "parse_wall_seconds"])
def test_a_slow_pdf_is_stopped_by_the_workers_time_limits(tmp_path, limit):
    # 300 pages of text take pdfplumber far more than a second of CPU time on any machine.
    limits = IngestLimits(**{"parse_cpu_seconds": 1, "parse_wall_seconds": 600} if limit == "parse_cpu_seconds"
                          else {"parse_cpu_seconds": 600, "parse_wall_seconds": 1})
    result, grew = parse_in_worker(tmp_path, "slow.pdf", pdf_file([text_page()] * 300), limits)
    refused(result, limit)
    assert grew < RSS_MARGIN


# Overlong text: a paragraph or sentence over the limit is cut into pieces, with a warning.


def test_a_1_mb_sentence_is_cut_into_pieces_with_a_warning(tmp_path):
    plan, _ = parse_in_worker(tmp_path, "long.html", html_plan("推进" + LONG_SENTENCE + "。"))
    assert not isinstance(plan, Exception), plan
    limits = DEFAULT_LIMITS
    assert any("sentence(s) over 1,000 characters" in warning for warning in plan.warnings)
    assert max(map(len, plan.clean_text.split("\n"))) <= limits.max_paragraph_chars
    longest = max(len(s.text) for chunk in plan.chunks for s in split_sentences(chunk.text))
    assert longest == limits.max_sentence_chars
    assert "推进" + LONG_SENTENCE + "。" in plan.clean_text.replace("\n", "")  # nothing lost, only cut
    # ~350,000 characters under one heading: its body continues in chunks of at most max_chunk_chars.
    assert max(len(chunk.text) for chunk in plan.chunks) <= limits.max_chunk_chars
    assert any("clause(s) over 16,000 characters" in warning for warning in plan.warnings)



def test_a_long_paragraph_is_split_after_sentence_ends_and_a_long_table_read_as_paragraphs():
    limits = IngestLimits(max_paragraph_chars=200, max_sentence_chars=100)
    sentences = [f"第{i}项：加快推进重点行业节能降碳改造。" for i in range(20)]  # 20 sentences of 19 characters
    table = Table("任务表", ["序号", "任务"], [["1", "推进" * 60], ["2", "节能"]])
    doc = layout(["".join(sentences), table])
    cut, warnings = limit_runs(doc, limits)
    lines = cut.text.split("\n")
    assert all(len(line) <= 200 and line.endswith("。") for line in lines[:-5])  # whole sentences per line
    assert "".join(lines[:-5]) == "".join(sentences) and len(lines) - 5 == 2
    row = table.lines[2]  # 122 characters: cut at 100
    assert cut.tables == {} and lines[-5:] == table.lines[:2] + [row[:100], row[100:], "2\t节能"]
    assert len(warnings) == 3 and "read as paragraphs" in warnings[0]
    assert limit_runs(layout(sentences[:3]), limits) == (layout(sentences[:3]), [])  # within the limits: as is


@pytest.mark.parametrize("name, data, limits, limit", [
    ("long.txt", "珠海市碳达峰实施方案\n".encode() * 200, IngestLimits(max_text_chars=1000), "max_text_chars"),
    ("parts.docx", None, IngestLimits(max_zip_members=5), "max_zip_members"),
])
def test_a_file_over_a_size_limit_is_refused_naming_it(tmp_path, name, data, limits, limit):
    path = tmp_path / name
    path.write_bytes(data if data is not None else plan_docx())
    with pytest.raises(LimitExceeded) as error:
        parse_plan(path, limits)
    assert name in str(refused(error.value, limit))


# Sentence texts are stored with their own lengths: the index grows with the text, not with the
# longest sentence times the number of sentences.

class FakeEmbedder:
    """Deterministic 8-dimensional passage vectors; enough for everything but retrieval quality."""

    model_id = model_fingerprint = "fake-8"
    dimension = 8

    def embed_passages(self, texts, show_progress=False):
        rows = [np.frombuffer(zlib.crc32(text.encode()).to_bytes(4, "little") * 2, dtype=np.uint8)[:8]
                for text in texts]
        matrix = np.array(rows, dtype=np.float32).reshape(len(texts), 8) + 1
        return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.iterdir())


def test_indexing_a_plan_with_a_1_mb_sentence_grows_the_index_by_a_few_mb(tmp_path):
    plain = parse_plan(NANSHAN)
    (tmp_path / "long.html").write_bytes(html_plan("推进" + LONG_SENTENCE + "。"))
    long = parse_plan(tmp_path / "long.html")
    base = build_index(plain.chunks, FakeEmbedder(), progress=False)
    save_index(base, tmp_path / "base")
    grown = build_index(plain.chunks + long.chunks, FakeEmbedder(), progress=False)
    save_index(grown, tmp_path / "grown")
    assert len(grown.sentences.texts) - len(base.sentences.texts) > len(LONG_SENTENCE) // 1000  # all pieces kept
    growth = folder_bytes(tmp_path / "grown") - folder_bytes(tmp_path / "base")
    # The text is in chunks.jsonl, tokens.json (quoted token by token) and sentences.npz once each.
    assert growth < 5 * len(LONG_SENTENCE.encode("utf-8")), growth


def run_on_plan(tmp_path: Path, run_chars: int, limits: IngestLimits) -> ParsedPlan:
    """A small plan whose clause （一） holds a run-on "sentence" of `run_chars` characters, then an item."""
    text = (f"某市碳达峰实施方案\n一、主要目标\n（一）能源结构\n推进{LONG_SENTENCE[:run_chars]}。\n"
            f"1.非化石能源\n到2025年，非化石能源消费比重达到20%。\n")
    path = tmp_path / f"run-{run_chars}.txt"
    path.write_text(text, encoding="utf-8")
    return parse_plan(path, limits)


class RecordingEmbedder(FakeEmbedder):
    """Records the length of every text it is given to embed."""

    def __init__(self):
        self.lengths: list[int] = []

    def embed_passages(self, texts, show_progress=False):
        self.lengths += map(len, texts)
        return super().embed_passages(texts, show_progress)


def test_a_long_run_is_spread_over_bounded_chunks_and_the_work_grows_linearly(tmp_path, monkeypatch):
    limits = IngestLimits(max_sentence_chars=100, max_paragraph_chars=500, max_chunk_chars=2_000)
    tokenized: list[int] = []
    tokenize = Tokenizer.tokenize
    monkeypatch.setattr(Tokenizer, "tokenize", lambda self, text: tokenized.append(len(text)) or tokenize(self, text))
    work = {}
    for run_chars in (20_000, 40_000):
        plan = run_on_plan(tmp_path, run_chars, limits)
        tree = ClauseTree(plan.chunks)
        clause = next(chunk for chunk in plan.chunks if chunk.number == "（一）")
        pieces = [child for child in tree.children(clause.id) if child.kind == ChunkKind.paragraph]
        assert all(len(chunk.text) <= limits.max_chunk_chars for chunk in plan.chunks)
        assert len(pieces) >= run_chars // limits.max_chunk_chars
        assert all(piece.parent_id == clause.id and piece.path == clause.path for piece in pieces)
        # The body is all there, in order, before the clause's numbered item; the spans still tile the text.
        assert tree.whole_text(clause.id).replace("\n", "").startswith(f"（一）能源结构推进{LONG_SENTENCE[:run_chars]}。")
        assert tree.children(clause.id)[-1].number == "1." and tree.children(clause.id)[:-1] == pieces
        assert [c.start for c in sorted(plan.chunks, key=lambda c: c.start)][1:] == \
            [c.end + 1 for c in sorted(plan.chunks, key=lambda c: c.start)][:-1]
        tokenized.clear()
        embedder = RecordingEmbedder()
        build_index(plan.chunks, embedder, progress=False)
        # No text handed to BM25 or the embedder is longer than a chunk (plus its title and heading path).
        assert max(tokenized + embedder.lengths) <= limits.max_chunk_chars + 100
        work[run_chars] = (len(pieces), sum(tokenized), sum(embedder.lengths), len(embedder.lengths))
    # Twice the run: twice the chunks continuing the body, characters tokenized and embedded, and texts embedded (within 10%).
    for small, large in zip(work[20_000], work[40_000]):
        assert 1.8 <= large / small <= 2.2, work


# XML: malformed, entity expansion and external entities are errors, never expanded, never a crash.

@pytest.mark.parametrize("name, xml, reasons", [
    ("malformed.docx", MALFORMED, ["XML 有误"]),
    # libxml2 refuses the declarations' amplification itself; a smaller one would be refused for its DTD.
    ("laughs.docx", BILLION_LAUGHS, ["amplification", "DTD"]),
    ("xxe.docx", XXE, ["DTD"]),
])
def test_hostile_xml_in_a_docx_is_a_clear_error(tmp_path, name, xml, reasons):
    result, grew = parse_in_worker(tmp_path, name, docx_with_document(xml))
    assert type(result) is IngestError, result
    assert any(reason in str(result) for reason in reasons), result
    assert "word/document.xml" in str(result) and name in str(result) and "/ " in str(result)
    assert "root:" not in str(result)  # /etc/passwd was not read into anything
    assert grew < RSS_MARGIN


def test_no_file_makes_the_parser_raise_anything_but_an_ingest_error(tmp_path):
    """Damaged copies of a plan in each format (cut short, bytes flipped) give a plan or an IngestError."""
    shuffle = random.Random(24)
    originals = {"plan.docx": plan_docx(), "plan.pdf": pdf_file([text_page(5)] * 2),
                 "plan.html": html_plan("推进绿色低碳发展。")}
    for name, data in originals.items():
        damaged = [data[:len(data) // 2], data[:len(data) - 40]]
        for _ in range(3):
            flipped = bytearray(data)
            for at in shuffle.sample(range(len(data)), 20):
                flipped[at] ^= 0xFF
            damaged.append(bytes(flipped))
        for variant in damaged:
            result, _ = parse_in_worker(tmp_path, name, variant)
            assert isinstance(result, (IngestError, ParsedPlan)), result


# File names: checked by their UTF-8 bytes and their characters' Unicode categories.

@pytest.mark.parametrize("name, reason", [
    ("碳" * 90 + ".txt", "255"),  # 94 characters, 274 bytes: within the character limit, over the byte limit
    ("plan\u202etxt.docx", "U+202E"),  # right-to-left override: displays as "planxcod.txt"
    ("plan\u200b.txt", "U+200B"),  # zero-width space
    ("plan\x07.txt", "U+0007"),
])
def test_a_file_name_over_255_bytes_or_with_invisible_characters_is_refused(tmp_path, name, reason):
    with pytest.raises(IngestError) as error:
        checked_name(name)
    assert reason in str(error.value) and "/ " in str(error.value)
    library = PlanLibrary(REPO_DIR / "data" / "corpus", tmp_path / "library")
    with pytest.raises(IngestError):
        library.stage([Upload(name, NANSHAN.read_bytes())], current=[])
    assert [p.name for p in (tmp_path / "library").iterdir()] == []  # nothing kept, no staging left


def test_ordinary_chinese_file_names_are_kept():
    assert checked_name("南山区碳达峰实施方案（2024年）.docx") == "南山区碳达峰实施方案（2024年）.docx"
    assert checked_name("C:\\Users\\me\\深圳 南山 方案.pdf") == "深圳 南山 方案.pdf"



def test_a_worker_ending_without_a_reply_is_named_by_the_limit_it_most_likely_hit():
    parser = BoundedParser(IngestLimits(parse_memory_mb=300, parse_cpu_seconds=7))
    assert refused(parser._died(-signal.SIGXCPU, Path("/srv/x/slow.pdf")), "parse_cpu_seconds").value == 7
    killed = refused(parser._died(-signal.SIGKILL, Path("/srv/x/big.pdf")), "parse_memory_mb")
    assert "Killed" in str(killed) and "300" in str(killed) and "/srv" not in str(killed)


@pytest.mark.parametrize("name, data", [("empty.txt", b""), ("binary.txt", b"\x00\x01" * 100),
                                        ("blank.html", b"<html><body><nav>menu</nav></body></html>")])
def test_an_error_names_the_file_not_the_folder_it_is_in(tmp_path, name, data):
    result, _ = parse_in_worker(tmp_path, name, data)
    assert isinstance(result, IngestError) and name in str(result), result
    assert str(tmp_path) not in str(result)


def test_the_settings_set_every_limit_the_library_reads_with(tmp_path, monkeypatch):
    from carbonqa.service.runtime import plan_library
    from carbonqa.service.settings import Settings

    monkeypatch.setenv("CARBONQA_INGEST_MAX_PDF_PAGES", "7")
    monkeypatch.setenv("CARBONQA_INGEST_PARSE_WALL_SECONDS", "2.5")
    settings = Settings(library_dir=tmp_path / "library")
    assert settings.ingest_limits == IngestLimits(max_pdf_pages=7, parse_wall_seconds=2.5)
    library = plan_library(settings)
    assert library.limits == settings.ingest_limits and library.uploads.limits == settings.ingest_limits
    assert {f"ingest_{name}" for name in IngestLimits.model_fields} <= set(Settings.model_fields)
