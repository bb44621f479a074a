"""Follow-up resolution for multi-turn /ask (answer/followup.py), without the model."""
from __future__ import annotations

import pytest

from carbonqa.answer.followup import resolve_followup, resolve_history
from carbonqa.index.tokenizer import Tokenizer
from carbonqa.retriever.frame import read_question
from carbonqa.retriever.regions import RegionCatalog

pytestmark = pytest.mark.unit
REGIONS = RegionCatalog(["珠海市", "广东省", "佛山市", "江门市", "云浮市"])
ZHUHAI_SHARE = "珠海市2025年非化石能源消费比重目标是多少？"
WORDS = Tokenizer()


def understand(question: str, history: list[str]) -> str:
    """The question as the Answerer understands it after `history`."""
    def read(text):
        return read_question(text.strip(), REGIONS, WORDS)

    previous = resolve_history(history, read, REGIONS)
    return resolve_followup(read(question), previous, REGIONS) or question.strip()


@pytest.mark.parametrize(
    ("question", "history", "understood"),
    [
        # A region alone takes the previous question's topic and year.
        ("那佛山呢？", [ZHUHAI_SHARE], "佛山市2025年非化石能源消费比重目标是多少？"),
        ("江门的呢", [ZHUHAI_SHARE], "江门市2025年非化石能源消费比重目标是多少？"),
        ("那全省呢？", [ZHUHAI_SHARE], "广东省2025年非化石能源消费比重目标是多少？"),
        # A year alone replaces the year; without one in the previous question it is added.
        ("2030年呢？", [ZHUHAI_SHARE], "珠海市2030年非化石能源消费比重目标是多少？"),
        ("那2030呢", ["碳达峰目标是什么？"], "2030年碳达峰目标是什么？"),
        ("那30年呢", ["珠海25年光伏装机多少"], "珠海2030年光伏装机多少"),  # short years as staff type them
        ("到十五五末呢", ["珠海25年光伏装机多少"], "珠海2030年光伏装机多少"),  # a period stands for its last year
        ("2030年呢", ["珠海十四五末光伏装机多少"], "珠海2030年光伏装机多少"),
        # A region where the previous question named none is put in front.
        ("广东呢", ["碳达峰目标是什么？"], "广东省碳达峰目标是什么？"),
        # Several places joined by a connector are replaced as one.
        ("那江门和云浮呢", ["珠海和佛山的新能源汽车目标分别是多少"], "江门市、云浮市的新能源汽车目标分别是多少"),
        # A place without a plan is substituted too, so the answer can say there is no plan for it.
        ("那深圳呢？", ["珠海市碳达峰目标是什么？"], "深圳碳达峰目标是什么？"),
        # A chain: each earlier follow-up is resolved first.
        ("2030年呢？", [ZHUHAI_SHARE, "那佛山呢？"], "佛山市2030年非化石能源消费比重目标是多少？"),
        # A new topic pointing back inherits the previous regions (and year unless it names one).
        ("那交通领域呢？", ["珠海市2025年的能源目标是什么"], "珠海市2025年交通领域呢？"),
        ("那2030年的交通目标呢？", ["珠海市2025年的能源目标是什么"], "珠海市2030年的交通目标呢？"),
        # Another position after a question on a plan's parts asks it of the same list: in place of the
        # earlier position, or after the earlier question.
        ("第二个呢", ["云浮方案里十五大行动第一个是什么"], "云浮方案里十五大行动第二个是什么"),
        ("那第十个是啥", ["广东省方案有几大行动"], "广东省方案有几大行动，第十个是啥"),
        ("第三条具体讲什么", ["江门碳达峰方案的保障措施有哪些？"], "江门碳达峰方案的保障措施有哪些，第三条具体讲什么"),
        # A comparison with another plan asks the previous question of both: its topic, then the comparison.
        ("那跟佛山比谁定得高", ["珠海建成区绿地率30年要到多少"], "珠海建成区绿地率2030年要到，跟佛山比谁定得高"),
        ("跟江门差几个点", ["佛山十四五末星级绿色建筑占比目标多少"], "佛山十四五末星级绿色建筑占比目标，跟江门差几个点"),
        ("那云浮比珠海高多少", ["佛山十四五末星级绿色建筑占比目标多少"], "十四五末星级绿色建筑占比目标，云浮比珠海高多少"),
        # Names of one length are replaced in a fixed order: 广东省 before 省方案, in every process.
        ("那江门呢？", ["广东省方案里，2025年单位GDP能耗要比2020年下降百分之几？"],
         "江门市方案里，2025年单位GDP能耗要比2020年下降百分之几？"),
    ],
)
def test_follow_ups_are_completed_from_history(question, history, understood):
    assert understand(question, history) == understood


@pytest.mark.parametrize(
    ("question", "history"),
    [
        ("那佛山呢？", []),  # nothing to follow
        ("佛山市的碳达峰目标是什么？", ["珠海市碳达峰目标是什么？"]),  # a full question stands alone
        ("新能源汽车推广有哪些措施？", ["珠海市碳达峰目标是什么？"]),  # a new topic that does not point back
        ("  佛山市的碳达峰目标是什么？ ", []),
        ("第三条里面有没有2025年的目标？", ["江门交通运输绿色低碳行动下面有几条"]),  # says more than a position
        ("佛山哪个行动最多", ["珠海建成区绿地率30年要到多少"]),  # a comparison naming its own topic
    ],
)
def test_standalone_questions_are_kept(question, history):
    assert understand(question, history) == question.strip()


def test_a_comparison_after_an_analytical_question_naming_no_plan_asks_of_its_indicator():
    def read(text):
        return read_question(text.strip(), REGIONS, WORDS)

    def concluded(frame):  # stands in for the answerer's computed conclusion
        return ["云浮市"] if frame.analysis else []

    previous = resolve_history(["2030年森林覆盖率哪个城市最高？"], read, REGIONS, concluded)
    named = resolve_followup(read("那佛山比省级 benchmark 高多少个点？"), previous, REGIONS, concluded)
    assert named == "2030年森林覆盖率，佛山比省级 benchmark 高多少个点？"  # read again, English and all
    pointed = resolve_followup(read("它比省级目标高多少？"), previous, REGIONS, concluded)
    assert pointed == "2030年森林覆盖率，云浮市比省级目标高多少？"
    assert resolve_followup(read("比全省高出几个百分点"), previous, REGIONS, concluded) == \
        "2030年森林覆盖率，云浮市比全省高出几个百分点"
    # without a conclusion to point at, the follow-up is left as asked
    assert resolve_followup(read("它比省级目标高多少？"), previous, REGIONS) is None
