"""What a reply is shown with, on hand-made data (no model): its outcome label from the one vocabulary,
and the asked figure emphasised in its quotes."""
from __future__ import annotations

import pytest

from carbonqa.answer.emphasis import asked_figures, with_emphasis
from carbonqa.answer.models import Answer, Citation, Outcome
from carbonqa.answer.outcomes import LABELS, MENTIONED_WITHOUT_FIGURE, REASONS, outcome_status
from carbonqa.retriever.models import QuestionFrame, RegionQuery

pytestmark = pytest.mark.unit


# ---- the outcome vocabulary ---------------------------------------------------------------------

def reply(**fields) -> Answer:
    return Answer(question="问", understood_as="问", answer="答", **fields)


def test_every_outcome_has_a_label_and_every_reply_carries_it():
    assert set(LABELS) == {outcome.value for outcome in Outcome}
    assert reply().status.text == "已回答"
    assert reply().model_dump()["status"] == {"label": "已回答", "label_en": "answered", "detail": "", "text": "已回答"}


def test_a_partial_reply_names_what_it_leaves_out_without_claiming_it_is_unmentioned():
    status = reply(outcome="partial", unstated=["江门市", "珠海市：星级绿色建筑占比"], skipped=["地热能装机"]).status
    assert status.label == "部分回答"
    assert status.detail == "未说明：江门市；珠海市：星级绿色建筑占比。未回答（请分开提问）：地热能装机"
    assert status.text.startswith("部分回答 · 未说明：江门市")
    assert "未提及" not in status.text  # a plan may mention a part without its figure


def test_not_stated_tells_mentioned_without_a_figure_from_not_mentioned():
    mentioned = reply(outcome="not_stated", refused=True, refusal_reason=MENTIONED_WITHOUT_FIGURE).status
    assert mentioned.text == "未说明 · 方案提到了相关内容，但没有给出所问的数值"
    absent = reply(outcome="not_stated", refused=True, refusal_reason="topic_not_in_plan").status
    assert absent.text == "未说明 · 方案未提及此内容"
    # Every reason the answer stage gives has its wording; an unknown one falls back to the general one.
    assert outcome_status("not_stated", [], [], "something_new").detail == REASONS["no_supporting_clause"]


def test_the_status_is_in_the_answer_schema_the_api_docs_show():
    schema = Answer.model_json_schema(mode="serialization")
    assert "status" in schema["properties"] and "部分回答 / partly answered" in schema["properties"]["status"]["description"]


# ---- the asked figure, emphasised -------------------------------------------------------------------

def frame(**fields) -> QuestionFrame:
    return QuestionFrame(text="", regions=RegionQuery(), wants_figure=True, **fields)


def test_the_figure_of_the_asked_kind_and_year_with_its_qualifier():
    quote = "到2025年，非化石能源消费比重达到20%左右；到2030年，非化石能源消费比重达到25%以上，风电装机达到300万千瓦。"
    asked = frame(years={2030}, unit_family="share", terms=["非化石能源", "比重"])
    assert asked_figures(quote, asked) == ["25%以上"]
    assert asked_figures(quote, frame(years={2025}, unit_family="share", terms=["非化石能源"])) == ["20%左右"]
    assert asked_figures(quote, frame(years={2030}, unit_family="power", terms=["风电"])) == ["300万千瓦"]


def test_a_base_year_is_not_the_year_a_piece_is_about():
    quote = "到2025年，单位地区生产总值能源消耗比2020年下降14.5%，单位地区生产总值二氧化碳排放确保完成省下达指标。"
    asked = frame(years={2025, 2020}, base_year=2020, unit_family="share", terms=["能源消耗"])
    assert asked_figures(quote, asked) == ["14.5%"]


def test_the_piece_naming_the_question_words_wins_over_a_figure_beside_it():
    quote = "到2025年，非化石能源消费比重提升至16%，单位地区生产总值能源消耗比2020年下降15%。"
    assert asked_figures(quote, frame(years={2025}, unit_family="share", terms=["非化石能源", "消费", "比重"])) == ["16%"]


def test_spaces_inside_a_figure_are_kept_as_written():
    assert asked_figures("电网基本具备 5% 以上的尖峰负荷响应能力", frame(unit_family="share")) == ["5% 以上"]
    assert asked_figures("新增装机 200 万千瓦", frame(unit_family="power")) == ["200 万千瓦"]


def test_nothing_is_emphasised_for_a_question_that_asks_no_figure_or_in_related_text():
    quote = "到2025年，非化石能源消费比重达到20%左右。"
    assert asked_figures(quote, QuestionFrame(text="", regions=RegionQuery())) == []
    assert asked_figures(quote, frame(unit_family="power")) == []  # 20% is no answer to 多少万千瓦
    assert asked_figures("2025年前建成2个示范区", frame(years={2025}, unit_family="share")) == []
    cited = Citation(marker=1, chunk_id="x/1", plan_title="方案", region="珠海市", path=[], quote=quote, clause_text=quote)
    related = cited.model_copy(update={"marker": 2, "related": True})
    emphasised = with_emphasis([cited, related], frame(unit_family="share"))
    assert [c.emphasis for c in emphasised] == [["20%左右"], []]
