"""Format fidelity: each shipped plan written as .docx, .pdf and .html, read back, compared with its .txt.

    python -m carbonqa.eval.fidelity [--out DIR]

prints, per format and plan: whether the clause tree is the same (chunk ids, parents, kinds, heading
paths, metadata), how many chunk texts are equal exactly, how many differ only in whitespace, and
every other difference. The same comparison is asserted by tests/test_ingest_formats.py.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from carbonqa.eval.plan_formats import FORMATS, write_format
from carbonqa.ingest.models import ParsedPlan
from carbonqa.ingest.pipeline import parse_plan, plan_files
from carbonqa.ingest.text import squash

CORPUS_DIR = Path(__file__).resolve().parents[1] / "data" / "corpus"
META_FIELDS = {"doc_id", "title", "region", "level", "issuer", "doc_number", "issue_date"}


@dataclass
class Fidelity:
    doc_id: str
    fmt: str
    same_tree: bool  # same chunk ids, parents, kinds, heading paths and metadata
    chunks: int
    exact: int  # chunk texts equal character for character
    whitespace_only: list[str] = field(default_factory=list)  # ids whose texts differ only in whitespace
    different: list[str] = field(default_factory=list)  # ids whose texts differ otherwise
    read_seconds: float = 0.0


def tree(plan: ParsedPlan) -> list[tuple]:
    return [(c.id, c.parent_id, c.kind, tuple(c.path)) for c in plan.chunks]


def compare(reference: ParsedPlan, converted: ParsedPlan, fmt: str, read_seconds: float = 0.0) -> Fidelity:
    meta_equal = reference.meta.model_dump(include=META_FIELDS) == converted.meta.model_dump(include=META_FIELDS)
    result = Fidelity(reference.meta.doc_id, fmt, meta_equal and tree(reference) == tree(converted),
                      len(reference.chunks), 0, read_seconds=read_seconds)
    texts = {chunk.id: chunk.text for chunk in converted.chunks}
    for chunk in reference.chunks:
        other = texts.get(chunk.id)
        if other == chunk.text:
            result.exact += 1
        elif other is not None and squash(other) == squash(chunk.text):
            result.whitespace_only.append(chunk.id)
        else:
            result.different.append(chunk.id)
    return result


def convert_and_compare(txt_path: Path, fmt: str, out_dir: Path) -> tuple[Fidelity, ParsedPlan]:
    converted_path = write_format(txt_path, fmt, out_dir / f"{txt_path.stem}.{fmt}")
    started = time.perf_counter()
    converted = parse_plan(converted_path)
    seconds = time.perf_counter() - started
    return compare(parse_plan(txt_path), converted, fmt, seconds), converted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="keep the generated files here (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        out_dir = args.out or Path(temp)
        out_dir.mkdir(parents=True, exist_ok=True)
        print("| format | plan | same tree & ids | chunks | texts equal | whitespace only | other differences | read s |")
        print("|---|---|---|---|---|---|---|---|")
        for fmt in FORMATS:
            for txt_path in plan_files(CORPUS_DIR):
                row, _ = convert_and_compare(txt_path, fmt, out_dir)
                print(f"| {fmt} | {row.doc_id} | {'yes' if row.same_tree else 'NO'} | {row.chunks} | {row.exact} | "
                      f"{len(row.whitespace_only)} {' '.join(row.whitespace_only)} | "
                      f"{len(row.different)} {' '.join(row.different)} | {row.read_seconds:.2f} |")


if __name__ == "__main__":
    main()
