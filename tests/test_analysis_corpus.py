"""Analytical questions over the shipped plans, from the question frame to the cited answer (no model)."""
from __future__ import annotations

import pytest

from carbonqa.answer.analysis_text import analysis_text
from carbonqa.eval.bench_analysis import catalog_of
from carbonqa.index.tokenizer import Tokenizer
from carbonqa.indicators.analysis import IndicatorAnalysis
from carbonqa.indicators.extract import extract_indicators
from carbonqa.ingest.text import squash
from carbonqa.retriever.frame import read_question

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def answer(plans):
    chunks = [chunk for plan in plans for chunk in plan.chunks]
    analysis = IndicatorAnalysis(extract_indicators(chunks), chunks)
    catalog, words, by_id = catalog_of(chunks), Tokenizer(), {chunk.id: chunk for chunk in chunks}

    def ask(question: str) -> tuple[str, list]:
        frame = read_question(question, catalog, words)
        text, book = analysis_text(analysis.run(frame.analysis, frame.text), by_id)
        for citation in book.citations:  # a cited clause holds what is quoted from it
            assert squash(citation.quote) in squash(by_id[citation.chunk_id].text)
        return text.split("\n"), book.citations
    return ask


def test_a_tie_at_the_top_and_a_plan_with_another_years_figure(answer):
    lines, _ = answer("2030年城市生活垃圾资源化利用比例，哪个市最高？")
    assert lines[0].startswith("珠海市、江门市相同：到2030年城市生活垃圾资源化利用比例均为达到65%以上")
    assert any(line.startswith("佛山市：只给出了2025年的数值") for line in lines)


def test_plans_stating_a_target(answer):
    lines, citations = answer("2030年大型公共建筑制冷能效提升目标，哪几个市写了？")
    assert lines[0] == "给出到2030年大型公共建筑制冷能效具体数值的有3个：珠海市、佛山市、江门市。"
    assert {c.region for c in citations} == {"珠海市", "佛山市", "江门市"}


def test_the_same_figure_as_the_province(answer):
    lines, _ = answer("江门2030年单位水泥熟料碳排放降幅比全省高多少？")
    assert lines[0].startswith("江门市与广东省相同")


def test_a_target_stated_in_words_is_not_ranked(answer):
    lines, _ = answer("2030年公共机构人均综合能耗降幅，佛山和云浮谁更高？")
    assert lines[0].startswith("无法直接比较") and "佛山市未给出2030年的数值" in lines[0]
    assert any("完成省下达的指标" in line for line in lines[1:])
