"""Write an eval run to a folder: report.md, metrics.json, plots (PNG) and the raw predictions."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from matplotlib.figure import Figure

from carbonqa.eval.metrics import (
    BOOTSTRAP_RESAMPLES,
    BOOTSTRAP_SEED,
    GROUPINGS,
    K_MAX,
    PASSAGE_OVERLAP,
    RECALL_KS,
    WALL_CLOCK,
    Estimate,
    ItemScore,
    Summary,
    group_by,
    headline,
    latency_percentiles,
    predicted_outcome,
    recall_at,
    score_all,
    summarize,
    summarize_by_type,
)
from carbonqa.eval.qa_models import Prediction, QAItem, write_jsonl
from carbonqa.eval.run import EvalRun

DEFAULT_REPORT_DIR = Path(__file__).resolve().parents[1] / "reports" / "latest"
SNIPPET_CHARS = 60


def fmt_metric(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


RETRIEVAL_HEADER = [f"R@{k}" for k in RECALL_KS] + ["MRR@10", "nDCG@10"]
ANSWER_HEADER = ["key acc", "cite P", "cite R", "refusal acc", "false refusal", "outcome acc"]


def _retrieval_cells(s: Summary) -> list[str]:
    return [fmt_metric(s.recall[k]) for k in RECALL_KS] + [fmt_metric(s.mrr), fmt_metric(s.ndcg)]


def _answer_cells(s: Summary) -> list[str]:
    return [
        fmt_metric(s.answer_key_accuracy),
        fmt_metric(s.citation_precision),
        fmt_metric(s.citation_recall),
        fmt_metric(s.refusal_accuracy),
        fmt_metric(s.false_refusal_rate),
        fmt_metric(s.outcome_accuracy),
    ]


HEADLINE_LABELS = {
    "answer_key_accuracy": "key acc",
    "paraphrase": "paraphrase",
    "refusal_accuracy": "refusal acc",
    "false_refusal_rate": "false refusal",
    "citation_precision": "cite P",
    "recall_at_5": "R@5",
    "crag": "CRAG",
    "candidate_oracle": "candidate oracle",
    "conclusion_first": "conclusion first",
}
HEADLINE_NOTE = [
    f"Each cell is the metric and its bootstrap 95% interval (percentiles of {BOOTSTRAP_RESAMPLES:,} resamples"
    f" of the group's items, seed {BOOTSTRAP_SEED}: the same predictions give the same intervals).",
    "- **key acc**: answerable items answered (not refused) with every answer key; **paraphrase**: the same"
    " over paraphrase items. This answer-key criterion is what \"right\" means below.",
    "- **refusal acc**: unanswerable items refused; **false refusal**: answerable items refused;"
    " **cite P**: citation precision; **R@5**: every gold span in the top 5 retrieved clauses.",
    "- **CRAG**: +1 right, 0 refused, −1 wrong; for an unanswerable item +1 refused, −1 answered (mean over"
    " items, from −1 to +1).",
    "- **candidate oracle**: answerable items whose every answer key lies in a sentence the answer stage"
    " scored (the content sentences of the clauses it retrieved) that is a gold evidence passage (holds a"
    f" gold span, lies inside one, or shares {PASSAGE_OVERLAP}+ characters with one at their edges)."
    " Structure items (by type or tag) and notice items are left out: they are answered from headings and"
    " the notice, not from scored sentences.",
    "- **conclusion first**: analytical items with a conclusion: every conclusion string in the answer's"
    " first line and every answer key in the answer (items tagged incomparable have none and are left out).",
]


def fmt_estimate(e: Estimate) -> str:
    if e.value is None:
        return "—"
    return f"{e.value:.3f} [{e.low:.3f}, {e.high:.3f}]"


def _headline_table(groups: dict[str, list[ItemScore]]) -> list[str]:
    rows = []
    for group, scores in groups.items():
        estimates = headline(scores)
        rows.append([_cell(group), str(len(scores)), *(fmt_estimate(estimates[name]) for name in HEADLINE_LABELS)])
    return _table(["group", "n", *HEADLINE_LABELS.values()], rows)


def _headline_section(scores: list[ItemScore]) -> list[str]:
    """The headline metrics overall, then per split, writer, tag and analysis operation (a grouping
    whose one group is every item would repeat the overall row, and is left out)."""
    lines = ["## Headline metrics with 95% intervals", "", *HEADLINE_NOTE, "",
             *_headline_table({"overall": scores}), ""]
    for label, keys in GROUPINGS.items():
        groups = group_by(scores, keys)
        if groups and not (len(groups) == 1 and len(next(iter(groups.values()))) == len(scores)):
            lines += [f"### By {label}", "", *_headline_table(groups), ""]
    return lines


def headline_metrics(scores: list[ItemScore]) -> dict:
    """The headline estimates overall and per group, for metrics.json."""
    def dump(group: list[ItemScore]) -> dict:
        return {name: e.model_dump() for name, e in headline(group).items()}

    return {"overall": dump(scores)} | {
        label: {group: dump(members) for group, members in group_by(scores, keys).items()}
        for label, keys in GROUPINGS.items()
    }


def _worst_first(scores: list[ItemScore]) -> list[ItemScore]:
    """Wrong answers before right ones; within each, retrieval misses and late hits first."""

    def badness(s: ItemScore) -> tuple[bool, float]:
        reciprocal = 1.0 if not s.answerable else (1.0 / s.first_hit_rank if s.first_hit_rank else 0.0)
        return (bool(s.correct), reciprocal)

    return sorted(scores, key=badness)


def _plot_recall(curves: dict[str, list[ItemScore]], path: Path) -> None:
    ks = list(range(1, K_MAX + 1))
    fig = Figure(figsize=(6, 4))  # a bare Figure renders PNG with Agg, no pyplot or display needed
    ax = fig.subplots()
    for n, (label, scores) in enumerate(curves.items()):
        # The answer run (first) is drawn thick and dashed: its retrieval often equals one ablation row.
        style = {"linestyle": "--", "linewidth": 3, "alpha": 0.6} if n == 0 else {"marker": "o"}
        ax.plot(ks, [recall_at(scores, k) or 0.0 for k in ks], label=label, **style)
    ax.set(xlabel="k", ylabel="Recall@k", title="Recall@k per retrieval configuration", ylim=(0, 1.02))
    ax.set_xticks(ks)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def _plot_latency(preds: list[Prediction], path: Path) -> None:
    fig = Figure(figsize=(6, 4))
    ax = fig.subplots()
    ax.hist([p.latency_ms for p in preds if p.latency_ms is not None], bins=30)
    ax.set(xlabel="latency per question (ms)", ylabel="questions", title="Answer latency")
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def _latency_section(preds: list[Prediction]) -> list[str]:
    rows = [[stage, f"{p50:.1f}", f"{p95:.1f}"] for stage, (p50, p95) in latency_percentiles(preds).items()]
    return ["## Latency (ms)", "", *_table(["stage", "p50", "p95"], rows), ""]


def _ablation_section(runs: dict[str, tuple[list[Prediction], list[ItemScore]]]) -> list[str]:
    rows = []
    for label, (preds, scores) in runs.items():
        s = summarize(scores)  # retrieval-only predictions leave the answer metrics at None
        p50 = latency_percentiles(preds).get(WALL_CLOCK, (None, None))[0]
        rows.append([label, *_retrieval_cells(s), *_answer_cells(s), "—" if p50 is None else f"{p50:.1f}"])
    return [
        "## Ablation",
        "",
        "The first row is the answer run; the others run retrieval alone (top 10), so they have no answer"
        " metrics and their latency is the search call only.",
        "",
        *_table(["config", *RETRIEVAL_HEADER, *ANSWER_HEADER, "p50 ms"], rows),
        "",
    ]


def _items_section(items: list[QAItem], preds: list[Prediction], scores: list[ItemScore]) -> list[str]:
    by_id = {p.id: p for p in preds}
    by_item = {i.id: i for i in items}
    rows = []
    for s in _worst_first(scores):
        pred = by_id[s.id]
        answer = ("(refused) " if pred.refused else "") + (pred.answer or "")
        expected = by_item[s.id].expected_outcome
        rows.append([
            s.id,
            s.type,
            "✓" if s.correct else "✗",
            f"{predicted_outcome(pred).value}{'' if s.outcome_correct else ' ≠ ' + expected.value}",
            _cell(by_item[s.id].question),
            "—" if not s.answerable else str(s.first_hit_rank or "miss"),
            _cell(", ".join(pred.retrieved_ids[:3])),
            _cell(answer[:SNIPPET_CHARS]),
        ])
    header = ["id", "type", "ok", "outcome", "question", "first hit", "top-3 retrieved", "answer"]
    return ["## Items, worst first", "", *_table(header, rows), ""]


def write_report(run: EvalRun, items: list[QAItem], out_dir: Path, about: dict[str, str]) -> Summary | None:
    """Write everything for one run; returns the overall summary, or None when the set has no gold."""
    out_dir.mkdir(parents=True, exist_ok=True)
    write_jsonl(out_dir / "predictions.jsonl", run.predictions)
    for label, preds in run.ablation.items():
        write_jsonl(out_dir / f"predictions-{label.replace(' ', '-')}.jsonl", preds)

    default_label = f"answer run ({run.mode.value}, {run.fusion.value})"
    lines = [
        "# carbonqa eval report",
        "",
        f"- generated: {datetime.now().isoformat(timespec='seconds')}",
        *(f"- {key}: {value}" for key, value in about.items()),
        f"- items: {len(items)}, with gold: {sum(1 for i in items if i.has_gold)}",
        f"- {default_label}",
        "",
    ]
    scores = score_all(items, run.predictions)
    if not scores:
        lines += ["No item has gold answers: predictions only, no metrics.", "", *_latency_section(run.predictions)]
        (out_dir / "report.md").write_text("\n".join(lines), encoding="utf-8")
        return None

    by_type = summarize_by_type(scores)
    rows = [[group, str(s.n), *_retrieval_cells(s), *_answer_cells(s)] for group, s in by_type.items()]
    lines += [
        "## Metrics",
        "",
        "Retrieval metrics are over answerable items; refusals count as wrong answers.",
        "",
        *_table(["group", "n", *RETRIEVAL_HEADER, *ANSWER_HEADER], rows),
        "",
        *_headline_section(scores),
        *_latency_section(run.predictions),
        "![latency histogram](latency_hist.png)",
        "",
    ]
    _plot_latency(run.predictions, out_dir / "latency_hist.png")

    runs = {default_label: (run.predictions, scores)} | {
        label: (preds, score_all(items, preds)) for label, preds in run.ablation.items()
    }
    if run.ablation:
        lines += _ablation_section(runs)
    _plot_recall({label: label_scores for label, (_, label_scores) in runs.items()}, out_dir / "recall_at_k.png")
    lines += ["![Recall@k](recall_at_k.png)", "", *_items_section(items, run.predictions, scores)]
    (out_dir / "report.md").write_text("\n".join(lines), encoding="utf-8")

    latency = latency_percentiles(run.predictions)
    metrics = {
        "by_type": {group: s.model_dump() for group, s in by_type.items()},
        "headline": headline_metrics(scores),
        "latency_ms": {stage: {"p50": p50, "p95": p95} for stage, (p50, p95) in latency.items()},
        "ablation": {label: summarize(label_scores).model_dump() for label, (_, label_scores) in runs.items()},
    }
    (out_dir / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2), encoding="utf-8")
    return by_type["overall"]
