"""Indicator extraction against the hand-written gold table: precision and recall by plan and indicator.

    python -m carbonqa.eval.bench_indicators [--gold eval/indicators_gold.jsonl] [--corpus data/corpus] [--misses]

A gold row and an extracted record match when they cite the same clause and state the same year,
value and unit (each record is used once). The indicator name is scored separately: of the matched
pairs, the share where the extractor's normalised name equals the gold name.
"""
from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from pathlib import Path

from pydantic import BaseModel

from carbonqa.indicators.extract import extract_indicators
from carbonqa.indicators.models import Indicator
from carbonqa.ingest.pipeline import load_corpus

GOLD = Path(__file__).resolve().parent / "indicators_gold.jsonl"
CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


class GoldIndicator(BaseModel):
    """One target as read from a plan by hand; `quote` is a verbatim span of the clause holding it."""

    doc_id: str
    region: str
    clause_id: str
    indicator: str
    year: int
    value: float
    unit: str
    direction: str
    qualifiers: list[str]
    base_year: int | None
    quote: str


class Tally(BaseModel):
    matched: int = 0
    extracted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0


class IndicatorScores(BaseModel):
    overall: Tally
    by_plan: dict[str, Tally]
    by_indicator: dict[str, Tally]
    name_agreement: float
    missed: list[GoldIndicator]
    spurious: list[Indicator]
    misnamed: list[tuple[str, str]]  # (gold name, extracted name)


def read_gold(path: Path = GOLD) -> list[GoldIndicator]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [GoldIndicator.model_validate_json(line) for line in lines if line.strip()]


def key(row: GoldIndicator | Indicator) -> tuple:
    return row.clause_id, row.year, row.value, row.unit


def score(gold: list[GoldIndicator], extracted: list[Indicator]) -> IndicatorScores:
    """Match gold rows to records (multiset on clause, year, value, unit) and tally by plan and indicator."""
    # Only plans the gold table covers are scored, so a plan added later does not count as false positives.
    docs = {g.doc_id for g in gold}
    extracted = [r for r in extracted if r.doc_id in docs]
    pool: dict[tuple, list[Indicator]] = defaultdict(list)
    for record in extracted:
        pool[key(record)].append(record)
    overall, by_plan, by_indicator = Tally(), defaultdict(Tally), defaultdict(Tally)
    missed, misnamed, same_name = [], [], 0
    for row in gold:
        for tally in (overall, by_plan[row.region], by_indicator[row.indicator]):
            tally.gold += 1
        candidates = pool.get(key(row))
        if not candidates:
            missed.append(row)
            continue
        record = next((r for r in candidates if r.indicator == row.indicator), candidates[0])
        candidates.remove(record)
        for tally in (overall, by_plan[row.region], by_indicator[row.indicator]):
            tally.matched += 1
            tally.extracted += 1
        if record.indicator == row.indicator:
            same_name += 1
        else:
            misnamed.append((row.indicator, record.indicator))
    spurious = [r for rest in pool.values() for r in rest]
    for record in spurious:
        for tally in (overall, by_plan[record.region], by_indicator[record.indicator]):
            tally.extracted += 1
    return IndicatorScores(overall=overall, by_plan=dict(by_plan), by_indicator=dict(by_indicator),
                           name_agreement=same_name / overall.matched if overall.matched else 0.0,
                           missed=missed, spurious=spurious, misnamed=misnamed)


def table(title: str, rows: dict[str, Tally]) -> str:
    lines = [f"| {title} | gold | extracted | matched | precision | recall |", "|---|---|---|---|---|---|"]
    for name, t in rows.items():
        lines.append(f"| {name} | {t.gold} | {t.extracted} | {t.matched} | {t.precision:.3f} | {t.recall:.3f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--misses", action="store_true", help="list missed, spurious and misnamed records")
    args = parser.parse_args(argv)
    plans = load_corpus(args.corpus)
    order = {plan.meta.region: i for i, plan in enumerate(sorted(plans, key=lambda p: p.meta.level != "省"))}
    scores = score(read_gold(args.gold), extract_indicators(c for plan in plans for c in plan.chunks))
    o = scores.overall
    print(f"overall: gold {o.gold}, extracted {o.extracted}, matched {o.matched}, "
          f"precision {o.precision:.3f}, recall {o.recall:.3f}, name agreement {scores.name_agreement:.3f}\n")
    print(table("plan", dict(sorted(scores.by_plan.items(), key=lambda kv: order.get(kv[0], 99)))), end="\n\n")
    counts = Counter({name: t.gold + t.extracted for name, t in scores.by_indicator.items()})
    print(table("indicator", {name: scores.by_indicator[name] for name, _ in counts.most_common()}))
    if args.misses:
        print("\nmissed:", *(f"  {g.clause_id} {g.year} {g.indicator} {g.value:g}{g.unit}" for g in scores.missed), sep="\n")
        print("spurious:", *(f"  {r.clause_id} {r.year} {r.indicator} {r.value_text}{r.unit}" for r in scores.spurious),
              sep="\n")
        print("misnamed (gold -> extracted):", *(f"  {g} -> {e}" for g, e in scores.misnamed), sep="\n")


if __name__ == "__main__":
    main()
