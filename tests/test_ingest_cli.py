"""`carbonqa ingest` through the installed console script."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from carbonqa.ingest.pipeline import read_chunks_jsonl

CARBONQA = Path(sys.executable).parent / "carbonqa"


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run([str(CARBONQA), *args], capture_output=True, text=True, env=env, timeout=120)


def test_help_lists_ingest():
    result = run("--help")
    assert result.returncode == 0 and "ingest" in result.stdout
    result = run("ingest", "--help")
    assert result.returncode == 0 and "--out" in result.stdout and "--corpus" in result.stdout


def test_ingest_prints_a_summary_and_writes_json_lines(corpus_dir, plans, tmp_path):
    out = tmp_path / "chunks.jsonl"
    result = run("ingest", "--corpus", str(corpus_dir), "--out", str(out))
    assert result.returncode == 0, result.stderr
    for plan in plans:
        assert plan.meta.title in result.stdout and plan.meta.doc_id in result.stdout
    zhuhai_row = next(line for line in result.stdout.splitlines() if "zhuhai-2023" in line)
    cells = [cell.strip() for cell in zhuhai_row.split("│") if cell.strip()]
    assert cells == ["zhuhai-2023", "珠海市碳达峰实施方案", "珠海市", "2023-05-19", "4", "22", "45", "18", "16438"]
    assert "table row 18" in result.stderr  # the truncated row is reported
    chunks = [chunk for plan in plans for chunk in plan.chunks]
    assert read_chunks_jsonl(out) == chunks
    assert f"{len(chunks)} chunks" in result.stdout


def test_bad_corpus_is_a_clear_message_without_traceback(tmp_path):
    result = run("ingest", "--corpus", str(tmp_path / "missing"))
    assert result.returncode == 2
    assert "corpus folder not found" in result.stderr and "语料目录不存在" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout

    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    result = run("ingest", "--corpus", str(tmp_path))
    assert result.returncode == 2
    assert "cannot decode file" in result.stderr and "binary.txt" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
