"""Slot agreement (answer/slots.py) on hand-made sentences: right slot, wrong year, wrong unit family,
wrong metric (a neighbouring metric's figure), base year missing, no figure at all; and its use by the
policy and the refusal that names what the plan says instead."""
from __future__ import annotations

import pytest

from carbonqa.answer.evidence import SentenceIndex
from carbonqa.answer.policy import AnswerPolicy
from carbonqa.answer.slots import check_slots, expresses_attribute, most_of
from carbonqa.ingest.models import Chunk, ChunkKind
from carbonqa.ingest.text import squash
from carbonqa.retriever.models import QuestionFrame, RegionQuery, SearchHit

pytestmark = pytest.mark.unit
NAMED = AnswerPolicy().answer_min_coverage


def share(terms: list[str]):
    """A piece's share of the terms, unweighted: enough to tell which piece names the metric."""
    return lambda piece: sum(term in piece for term in terms) / len(terms)


def frame(terms: list[str], region: str = "珠海市", **fields) -> QuestionFrame:
    return QuestionFrame(text="问题", regions=RegionQuery(regions=[region]), terms=terms, wants_figure=True, **fields)


CO2 = ["单位地区生产总值", "二氧化碳", "排放"]
GOALS = "到2025年，单位地区生产总值能源消耗比2020年下降14.5%，单位地区生产总值二氧化碳排放确保完成省下达指标。"


def test_the_right_slot_agrees_on_every_slot_asked():
    asked = frame(["光伏", "装机"], years={2025}, unit="万千瓦", unit_family="power")
    slots = check_slots(asked, "到2025年，光伏发电装机容量达到200万千瓦。", {2025}, "珠海市", share(["光伏", "装机"]), NAMED)
    assert slots.metric and slots.year and slots.unit and slots.region
    assert slots.base_year is None  # not asked
    assert slots.missing == [] and slots.piece == "光伏发电装机容量达到200万千瓦。"


def test_a_neighbouring_metrics_figure_is_a_wrong_metric():
    # The metric asked (二氧化碳排放) is named in a piece of its own that states no figure.
    slots = check_slots(frame(CO2, years={2025}), GOALS, {2025}, "珠海市", share(CO2), NAMED)
    assert not slots.metric and slots.missing == ["metric"]
    assert slots.named_without_figure == "单位地区生产总值二氧化碳排放确保完成省下达指标。"
    # Asked about 能源消耗, the same sentence answers.
    energy = ["单位地区生产总值", "能源消耗"]
    assert check_slots(frame(energy, years={2025}), GOALS, {2025}, "珠海市", share(energy), NAMED).metric


def test_a_topic_prefix_without_a_figure_does_not_outweigh_the_metric():
    # A place framing the figure names less than half of the question: it is no metric of its own.
    terms = ["建成区", "蒸吨", "燃煤锅炉"]
    slots = check_slots(frame(terms), "城市建成区和天然气管网覆盖范围内，禁止新建每小时35蒸吨以下燃煤锅炉。", set(),
                        "珠海市", share(terms), NAMED)
    assert slots.metric
    # "污水资源化利用方面，……再生水利用率" : the first piece names the topic, the second the metric and its figure.
    terms = ["污水", "再生水", "利用率", "城市"]
    slots = check_slots(frame(terms), "实施城镇污水资源化利用，到2030年城市平均再生水利用率达30%。", {2030}, "珠海市",
                        share(terms), NAMED)
    assert slots.metric


def test_a_piece_without_a_figure_naming_the_questions_most_specific_term_names_the_metric():
    # The figure piece names as much of the question, but not its most specific term (二氧化碳): the figure
    # is 能耗's, a neighbouring metric's.
    terms = ["单位地区生产总值", "下降", "二氧化碳", "排放"]
    text = "到2025年，单位地区生产总值能耗下降14%，二氧化碳排放强度下降率确保完成省下达的目标。"
    weights = {"单位地区生产总值": 0.4, "下降": 0.2, "二氧化碳": 0.25, "排放": 0.15}
    weighted = lambda piece: sum(w for t, w in weights.items() if t in piece)  # noqa: E731
    assert check_slots(frame(terms), text, {2025}, "江门市", weighted, NAMED).metric
    slots = check_slots(frame(terms), text, {2025}, "江门市", weighted, NAMED, key_forms=("二氧化碳",))
    assert not slots.metric and slots.named_without_figure == "二氧化碳排放强度下降率确保完成省下达的目标。"
    # Both pieces name it: the share decides as before.
    assert check_slots(frame(terms), text, {2025}, "江门市", weighted, NAMED, key_forms=("下降",)).metric


def test_wrong_year_wrong_unit_family_and_wrong_region():
    asked = frame(["光伏", "装机"], "佛山市", years={2030}, unit="亿千瓦时", unit_family="energy")
    slots = check_slots(asked, "到2025年，光伏发电装机容量达到200万千瓦。", {2025}, "珠海市", share(["光伏", "装机"]), NAMED)
    assert slots.metric
    assert slots.missing == ["year", "unit", "region"]


def test_a_base_year_must_be_the_one_the_figure_is_measured_from():
    terms = ["能源消耗"]
    asked = frame(terms, years={2025, 2015}, base_year=2015)
    assert check_slots(asked, "到2025年，单位地区生产总值能源消耗比2020年下降14.5%。", {2025}, "珠海市",
                       share(terms), NAMED).missing == ["base_year"]
    assert check_slots(asked, "到2025年，单位地区生产总值能源消耗比2015年下降30%。", {2025}, "珠海市",
                       share(terms), NAMED).base_year


def test_a_sentence_without_a_figure_fills_no_slot_of_a_figure():
    slots = check_slots(frame(["新型储能"], unit_family="power"), "因地制宜开展新型储能电站示范及规模化应用。", set(),
                        "珠海市", share(["新型储能"]), NAMED)
    assert slots.missing == ["metric", "unit"] and slots.piece == "" and slots.named_without_figure == ""


def test_the_policy_refuses_a_neighbouring_metrics_figure():
    text = GOALS
    chunk = Chunk(id="z/1", doc_id="z", title="珠海市碳达峰实施方案", region="珠海市", level="市",
                  kind=ChunkKind.clause, text=text, start=0, end=len(text))
    policy = AnswerPolicy(domain_term_min_df=1)
    index = SentenceIndex([chunk], policy=policy)
    asked = frame(["单位", "GDP", "二氧化碳", "排放"], years={2025})
    [candidate] = index.candidates(asked, [SearchHit(chunk=chunk, score=1.0)])
    assert candidate.flat == squash(text) and not candidate.slots.metric
    assert not policy.answers(asked, candidate)
    energy = frame(["单位", "GDP", "能耗"], years={2025})
    [candidate] = index.candidates(energy, [SearchHit(chunk=chunk, score=1.0)])
    assert candidate.slots.metric and policy.answers(energy, candidate)


PUE = "新建大型和超大型数据中心全部达到绿色数据中心要求，绿色低碳等级达到4A级以上，电能利用效率（PUE）不高于1.3。"


def test_a_figure_piece_alone_naming_a_rare_term_asked_states_its_figure_of_the_subject_before_it():
    # The subject (新建大型数据中心) is named in a piece without a figure; the figure asked (PUE's) follows it.
    terms = ["新建", "大型", "数据中心", "PUE"]
    slots = check_slots(frame(terms), PUE, set(), "珠海市", share(terms), NAMED, key_forms=("数据中心",),
                        rare_terms=("PUE",))
    assert slots.metric and slots.piece == "电能利用效率（PUE）不高于1.3。"
    # The subject's piece naming another rare term asked (超大型) takes nothing from the figure piece's PUE.
    wider = [*terms, "超大型"]
    assert check_slots(frame(wider), PUE, set(), "珠海市", share(wider), NAMED, key_forms=("数据中心",),
                       rare_terms=("PUE", "超大型")).metric
    # Without the rare term known, the subject's piece names more of the question: the figure is read as another's.
    assert not check_slots(frame(terms), PUE, set(), "珠海市", share(terms), NAMED, key_forms=("数据中心",)).metric
    # A rare term the piece without a figure names too decides nothing: the neighbouring metric stays refused.
    co2 = ["单位地区生产总值", "二氧化碳", "排放", "碳汇"]
    text = "到2025年，单位地区生产总值能源消耗比2020年下降14.5%，单位地区生产总值二氧化碳排放和碳汇确保完成省下达指标。"
    assert not check_slots(frame(co2), text, {2025}, "珠海市", share(co2), NAMED, rare_terms=("碳汇",)).metric


def test_a_figure_piece_holding_most_of_the_most_specific_term_names_it():
    # The plan writes 二代技术 where the question asks 第二代技术; 第二代 alone is named in a piece without a figure.
    terms = ["水泥", "生产线", "比例", "第二代", "二代", "技术"]
    text = "推广应用第二代新型干法水泥技术与装备，到2025年，符合二代技术标准的水泥生产线比重达到50%左右。"
    slots = check_slots(frame(terms), text, {2025}, "云浮市", share(terms), NAMED, key_forms=("第二代",))
    assert slots.metric and slots.piece == "符合二代技术标准的水泥生产线比重达到50%左右。"
    # The piece without a figure names more of the question by weight, but nothing the figure piece does not name.
    weights = {"第二代": 0.5, "二代": 0.2, "水泥": 0.1, "生产线": 0.1, "比例": 0.1}
    weighted = lambda piece: sum(w for t, w in weights.items() if t in piece)  # noqa: E731
    assert check_slots(frame(list(weights)), text, {2025}, "云浮市", weighted, NAMED).metric
    # A term much shorter than the most specific one (风电 of 海上风电) is a broader thing, not most of it.
    assert most_of(["海上风电", "风电", "海上"], ("海上风电",)) == []
    assert most_of(["水泥厂", "水泥"], ("水泥厂",)) == ["水泥"]


# ---- an attribute asked of the topic: how often, how much money, which level, whether a fee is charged

@pytest.mark.parametrize("attribute, sentence, expressed", [
    ("frequency", "定期编制市级温室气体清单，鼓励各县（市、区）编制温室气体清单。", False),
    ("frequency", "每两年编制一次市级温室气体清单。", True),
    ("frequency", "市级温室气体清单原则上3年一编。", True),
    ("frequency", "开展年度温室气体清单编制。", True),
    ("money", "支持以台山、开平两个功能互补的分区建设江门国家骨干冷链物流基地。", False),
    ("money", "加大对绿色低碳产品的补贴力度。", False),
    ("money", "对获得二星级绿色建筑标识的项目每平方米奖励25元。", True),
    ("money", "冷链物流基地总投资约12.5亿元。", True),
    ("level", "提升城市防洪排涝能力，系统治理城市内涝。", False),
    ("level", "中心城区内涝防治标准达到30年一遇。", True),
    ("level", "新建大型数据中心绿色低碳等级达到4A级以上。", True),
    ("charge", "加强塑料污染全链条治理，整治过度包装。", False),
    ("charge", "商场、超市全面禁止使用不可降解塑料购物袋，推行有偿使用。", True),
    ("clock", "落实居民阶梯电价和峰谷分时电价政策。", False),
    ("clock", "低谷时段为每日0点至8点。", True),
    ("clock", "低谷电价自22:00起执行。", True),
    ("clock", "公共充电桩桩车比达到1:6.4。", False),  # a ratio, not a time of day
])
def test_an_attribute_asked_must_be_expressed_by_the_sentence(attribute, sentence, expressed):
    assert expresses_attribute(frame(["清单"], asked_attribute=attribute), squash(sentence)) is expressed


def test_a_question_asking_no_attribute_needs_none():
    assert expresses_attribute(frame(["清单"]), "定期编制市级温室气体清单。")


def test_the_policy_refuses_a_sentence_on_topic_that_does_not_say_how_often():
    text = "定期编制市级温室气体清单，鼓励各县（市、区）编制温室气体清单。"
    chunk = Chunk(id="z/2", doc_id="z", title="江门市碳达峰实施方案", region="江门市", level="市",
                  kind=ChunkKind.clause, text=text, start=0, end=len(text))
    policy = AnswerPolicy(domain_term_min_df=1)
    index = SentenceIndex([chunk], policy=policy)
    asked = QuestionFrame(text="江门的市级温室气体清单几年编一次？", regions=RegionQuery(regions=["江门市"]),
                          terms=["市级", "温室气体", "清单", "编"], asked_attribute="frequency")
    [candidate] = index.candidates(asked, [SearchHit(chunk=chunk, score=1.0)])
    assert not policy.answers(asked, candidate) and policy.attribute_missing(asked, [candidate])
    plain = asked.model_copy(update={"text": "江门的市级温室气体清单怎么编？", "asked_attribute": None})
    assert policy.answers(plain, candidate)
