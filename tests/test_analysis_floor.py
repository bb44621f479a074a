"""The analytical question set (eval/bank/dev/a1.jsonl) through the whole Answerer: at least 0.9 of the
items lead with their conclusion and hold every key, and no item whose figures cannot be compared is
ranked. Loads the model (the session runtime)."""
from __future__ import annotations

from pathlib import Path

import pytest

from carbonqa.answer.models import Answer, AnswerRequest
from carbonqa.eval.metrics import conclusion_first, has_all_keys
from carbonqa.eval.qa_models import QAItem, load_qa

A1 = Path(__file__).resolve().parents[1] / "eval" / "bank" / "dev" / "a1.jsonl"
FLOOR = 0.9


@pytest.fixture(scope="module")
def answered(runtime) -> list[tuple[QAItem, Answer]]:
    items = [item for item in load_qa(A1) if item.analysis is not None]
    return [(item, runtime.answerer.ask(AnswerRequest(question=item.question, history=item.history)))
            for item in items]


def leads_with_conclusion(item: QAItem, answer: Answer) -> bool:
    """Every key in the answer and the conclusion in its first line; for incomparable figures, the
    first line says they cannot be compared."""
    if answer.refused:
        return False
    if item.analysis.conclusion:
        return conclusion_first(item.analysis.conclusion, item.answer_keys, answer.answer)
    return has_all_keys(item.answer_keys, answer.answer) and answer.answer.startswith("无法直接比较")


def test_the_analytical_set_leads_with_its_conclusions(answered):
    assert len(answered) >= 50
    failed = [item.id for item, answer in answered if not leads_with_conclusion(item, answer)]
    share = 1 - len(failed) / len(answered)
    assert share >= FLOOR, f"{share:.3f} < {FLOOR}: {failed}"


def test_incomparable_figures_are_never_ranked(answered):
    incomparable = [(item, answer) for item, answer in answered if not item.analysis.conclusion]
    assert incomparable
    for item, answer in incomparable:
        assert answer.analysis is not None, item.id
        assert not answer.analysis.comparable and answer.analysis.reason, item.id
        assert answer.analysis.winners == [] and answer.analysis.ranking == {}, item.id
