"""The name-matching measurement's pairs: which records an item's evidence quotes, and how a match is judged."""
from __future__ import annotations

import pytest

from carbonqa.eval.name_matching import NamePair, Outcome, gold_names, judge
from carbonqa.eval.qa_models import QAItem
from carbonqa.indicators.matching import NameMatcher
from test_indicator_analysis import Plans

pytestmark = pytest.mark.unit


def records():
    plans = Plans()
    plans.target("乙市", "森林覆盖率", 2025, "32.2")
    plans.target("乙市", "森林蓄积量", 2025, "249", unit="万立方米")
    plans.target("丙市", "森林覆盖率", 2025, "58")
    return plans.records


def item(evidence: list[str], keys: list[str], docs=("乙市",)) -> QAItem:
    return QAItem(id="x-1", question="乙市森林覆盖率多少", type="number", docs=list(docs), evidence=evidence,
                  answer_keys=keys)


def test_a_span_inside_a_quote_or_holding_one_names_its_record():
    assert gold_names(item(["森林覆盖率达到32.2"], ["32.2%"]), records()) == ["森林覆盖率"]
    assert gold_names(item(["到2025年，森林蓄积量达到249万立方米。"], ["249万立方米"]), records()) == ["森林蓄积量"]
    assert gold_names(item(["全市绿道建设"], ["100公里"]), records()) == []


def test_a_span_holding_several_records_means_those_whose_figure_is_a_key():
    both = "到2025年，森林覆盖率达到32.2%。到2025年，森林蓄积量达到249万立方米。"
    assert gold_names(item([both], ["249万立方米"]), records()) == ["森林蓄积量"]
    assert gold_names(item([both], ["约250"]), records()) == ["森林蓄积量", "森林覆盖率"]


def test_a_match_is_right_only_when_its_first_name_is_asked():
    matcher = NameMatcher(["森林覆盖率", "森林蓄积量"])
    pair = NamePair(id="x-1", question="森林覆盖律哪个市最低", subject="森林覆盖律", analytical=True, gold=["森林覆盖率"])
    assert judge(pair, matcher).outcome is Outcome.right
    assert judge(pair.model_copy(update={"gold": ["森林蓄积量"]}), matcher).outcome is Outcome.wrong
    assert judge(pair.model_copy(update={"subject": "零碳园区"}), matcher).outcome is Outcome.none
