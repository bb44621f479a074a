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
    return resolve_followup(read(question), previous, REGIONS, read) or question.strip()


@pytest.mark.parametrize(
    ("question", "history", "understood"),
    [
        # A region alone takes the previous question's topic and year.
        ("那佛山呢？", [ZHUHAI_SHARE], "佛山市2025年非化石能源消费比重目标是多少？"),
        ("江门的呢", [ZHUHAI_SHARE], "江门市2025年非化石能源消费比重目标是多少？"),
        ("那全省呢？", [ZHUHAI_SHARE], "广东省2025年非化石能源消费比重目标是多少？"),
        ("全省层面呢", [ZHUHAI_SHARE], "广东省2025年非化石能源消费比重目标是多少？"),
        ("珠海那边呢", ["佛山2025年新型储能装机多少"], "珠海市2025年新型储能装机多少"),
        # A year alone replaces the year; without one in the previous question it is added.
        ("2030年呢？", [ZHUHAI_SHARE], "珠海市2030年非化石能源消费比重目标是多少？"),
        ("那2030呢", ["碳达峰目标是什么？"], "2030年碳达峰目标是什么？"),
        ("那30年呢", ["珠海25年光伏装机多少"], "珠海2030年光伏装机多少"),  # short years as staff type them
        ("到十五五末呢", ["珠海25年光伏装机多少"], "珠海2030年光伏装机多少"),  # a period stands for its last year
        ("2030年呢", ["珠海十四五末光伏装机多少"], "珠海2030年光伏装机多少"),
        # A region where the previous question named none is put in front.
        ("广东呢", ["碳达峰目标是什么？"], "广东省碳达峰目标是什么？"),
        # A city takes a city's place; the province it was measured against stays.
        ("那江门呢？", ["珠海2025年高技术制造业占比比省里高几个百分点"], "江门市2025年高技术制造业占比比省里高几个百分点"),
        ("珠海呢？", ["云浮2030年森林覆盖率比全省高几个百分点"], "珠海市2030年森林覆盖率比全省高几个百分点"),
        # Several places joined by a connector are replaced as one.
        ("那江门和云浮呢", ["珠海和佛山的新能源汽车目标分别是多少"], "江门市、云浮市的新能源汽车目标分别是多少"),
        # A place without a plan is substituted too, so the answer can say there is no plan for it.
        ("那深圳呢？", ["珠海市碳达峰目标是什么？"], "深圳碳达峰目标是什么？"),
        # A chain: each earlier follow-up is resolved first.
        ("2030年呢？", [ZHUHAI_SHARE, "那佛山呢？"], "佛山市2030年非化石能源消费比重目标是多少？"),
        # A new topic pointing back inherits the previous regions (and year unless it names one), and with no
        # asking words of its own, the previous question's.
        ("那交通领域呢？", ["珠海市2025年的能源目标是什么"], "珠海市2025年交通领域是什么"),
        ("那2030年的交通目标呢？", ["珠海市2025年的能源目标是什么"], "珠海市2030年的交通目标是什么"),
        ("组织实施部分呢", ["佛山碳达峰方案有几个保障措施"], "佛山市组织实施部分有几个保障措施"),
        ("能源绿色低碳转型那块呢", ["珠海交通运输绿色低碳行动谁牵头"], "珠海市能源绿色低碳转型那块谁牵头"),
        ("那生物质发电呢，装机多大", ["珠海2025年风电装机目标多少"], "珠海市2025年生物质发电呢，装机多大"),
        # Another question naming no place is asked of the previous question's plans (without its year).
        ("新能源汽车推广有哪些措施？", ["珠海市碳达峰目标是什么？"], "珠海市新能源汽车推广有哪些措施？"),
        ("文号是多少", ["江门碳达峰方案什么时候印发的"], "江门市文号是多少"),
        ("湿地公园要建几个？", ["云浮2025年湿地保护率是多少"], "云浮市湿地公园要建几个？"),
        # A word standing for the previous topic takes it: another facet of it without its year and the figure
        # asked; asked of another plan, the same subject there.
        ("这块工作主要是哪个部门负责？", ["珠海2030年装配式建筑比例目标多少"], "珠海装配式建筑目标，这块工作主要是哪个部门负责？"),
        ("这个谁负责", ["珠海交通运输绿色低碳行动主要有哪些任务"], "珠海交通运输绿色低碳行动主要任务，这个谁负责"),
        ("它的文号是多少？", ["云浮市碳达峰实施方案是哪天印发的？"], "云浮市碳达峰实施方案，它的文号是多少？"),
        ("下面具体有哪几条", ["广东省方案第14个行动是什么"], "广东省方案第14个行动，下面具体有哪几条"),
        ("云浮有没有定这个数", ["佛山2030年绿色出行比例目标是多少"], "云浮市2030年绿色出行比例目标，云浮有没有定这个数"),
        ("各市在这方面的目标呢", ["珠海2030年森林覆盖率目标是多少"], "2030年森林覆盖率目标，各市在这方面的目标呢"),
        ("这是到哪一年的目标", ["江门供水管网漏损率要控制在多少以内"], "江门供水管网漏损率要控制在以内，这是到哪一年的目标"),
        ("全省那个数是多少", ["十四五期间佛山新增的天然气发电装机是多少"],
         "十四五期间广东省新增的天然气发电装机，全省那个数是多少"),
        # 这些 closing the follow-up's own list names its topic: a new topic, asked as before.
        ("那钢铁、石化这些重点行业呢？", ["珠海数据中心绿色技术改造由哪些部门负责"], "珠海市钢铁、石化这些重点行业哪些部门负责"),
        # A follow-up asking something with no topic of its own (谁牵头, 具体数字, 哪个市最高) asks it of the
        # previous question's topic: its figure and year kept when it asks a figure, its plans when it asks
        # across plans or names others.
        ("谁牵头", ["珠海交通运输绿色低碳行动有哪些任务"], "珠海交通运输绿色低碳行动任务，谁牵头"),
        ("具体数字是多少", ["珠海2025年新能源汽车推广有什么要求"], "珠海2025年新能源汽车推广要求，具体数字是多少"),
        ("时间节点呢", ["珠海出租车全部换成新能源有什么要求"], "珠海出租车全部换成新能源要求，时间节点呢"),
        ("四个市里谁的最高", ["珠海2030年森林覆盖率目标是多少"], "2030年森林覆盖率目标，四个市里谁的最高"),
        ("珠海定了没有", ["云浮2025年单位GDP能耗下降多少"], "珠海市2025年单位GDP能耗下降，珠海定了没有"),
        ("其他城市呢", ["珠海2030年森林覆盖率目标是多少"], "2030年森林覆盖率目标，其他城市呢"),
        ("还有别的吗", ["珠海交通运输绿色低碳行动有哪些任务"], "珠海交通运输绿色低碳行动任务，别的吗"),
        ("乙烯呢？", ["广东2030年原油加工单位产品碳排放要比2020年降多少"], "广东省2030年乙烯多少"),  # not the base year
        # A place after a question across plans asks it of that plan alone.
        ("珠海呢", ["各市2030年森林覆盖率目标分别是多少"], "珠海市2030年森林覆盖率目标分别是多少"),
        # A place alone with nothing but asking words asks the same there ("省里定的多少").
        ("省里定的多少", ["佛山新型储能装机规模 十四五末 多少"], "广东省新型储能装机规模 十四五末 多少"),
        # A leading "那佛山呢，" asks the previous question there, then the rest of the follow-up.
        ("那佛山呢，谁牵头", ["珠海交通运输绿色低碳行动有哪些任务"], "佛山市交通运输绿色低碳行动有哪些任务，谁牵头"),
        # ... unless the rest names a topic of its own: that, asked there.
        ("那江门呢，绿色低碳产品有补贴吗？", ["佛山建充电桩、加氢站有没有补贴政策？"], "江门市绿色低碳产品有补贴吗？"),
        # Another position after a question on a plan's parts asks it of the same list: in place of the
        # earlier position, or after the earlier question.
        ("第二个呢", ["云浮方案里十五大行动第一个是什么"], "云浮方案里十五大行动第二个是什么"),
        ("那第十个是啥", ["广东省方案有几大行动"], "广东省方案有几大行动，第十个是啥"),
        ("第三条具体讲什么", ["江门碳达峰方案的保障措施有哪些？"], "江门碳达峰方案的保障措施有哪些，第三条具体讲什么"),
        # ... also when it asks more of that position ("第三条里面有没有……").
        ("第三条里面有没有2025年的目标？", ["江门交通运输绿色低碳行动下面有几条"],
         "江门交通运输绿色低碳行动下面有几条，第三条里面有没有2025年的目标？"),
        # A comparison with another plan asks the previous question of both: its topic, then the comparison.
        ("那跟佛山比谁定得高", ["珠海建成区绿地率30年要到多少"], "珠海建成区绿地率2030年要到，跟佛山比谁定得高"),
        ("跟江门差几个点", ["佛山十四五末星级绿色建筑占比目标多少"], "佛山十四五末星级绿色建筑占比目标，跟江门差几个点"),
        ("那云浮比珠海高多少", ["佛山十四五末星级绿色建筑占比目标多少"], "十四五末星级绿色建筑占比目标，云浮比珠海高多少"),
        ("比云浮高还是低", ["江门2030年森林覆盖率目标是多少"], "江门2030年森林覆盖率目标，比云浮高还是低"),
        ("和珠海比呢", ["佛山2030年森林覆盖率目标是多少"], "佛山2030年森林覆盖率目标，和珠海比呢"),
        ("江门比珠海高多少", ["珠海2030年森林覆盖率目标是多少"], "2030年森林覆盖率目标，江门比珠海高多少"),
        ("差多少", ["珠海和江门2030年森林覆盖率目标分别是多少"], "珠海和江门2030年森林覆盖率目标，差多少"),
        # A plan measured against the province: the plan is swapped, the province stays.
        ("那江门呢？", ["珠海2025年高技术制造业占规上工业增加值比重比省里高几个百分点"],
         "江门市2025年高技术制造业占规上工业增加值比重比省里高几个百分点"),
        ("珠海呢？", ["云浮2030年森林覆盖率比全省高几个百分点"], "珠海市2030年森林覆盖率比全省高几个百分点"),
        # Plans named by their first characters are written out before they are swapped.
        ("那云和江呢", ["珠和江25年能耗强度降幅差几个点"], "江门市、云浮市2025年能耗强度降幅差几个点"),
        # One place after asking which of several plans is highest joins them.
        ("那云呢", ["森林率2030，江和珠哪个高"], "森林率2030年，珠海市、江门市、云浮市哪个高"),
        ("那江门呢", ["森林率2030，江和珠哪个高"], "森林率2030年，珠海市、江门市哪个高"),
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
        ("  佛山市的碳达峰目标是什么？ ", []),
        ("佛山哪个行动最多", ["珠海建成区绿地率30年要到多少"]),  # a comparison naming its own topic
        ("哪些城市提到了氢能", ["珠海市碳达峰目标是什么？"]),  # asks across plans: not of the previous one
        ("各市的森林覆盖率目标分别是多少", ["珠海2030年森林覆盖率目标是多少"]),
        ("佛山市2025年单位GDP能耗下降多少", ["珠海2025年光伏装机多少"]),  # names its own place and topic
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
    named = resolve_followup(read("那佛山比省级 benchmark 高多少个点？"), previous, REGIONS, read, concluded)
    assert named == "2030年森林覆盖率，佛山比省级 benchmark 高多少个点？"  # read again, English and all
    pointed = resolve_followup(read("它比省级目标高多少？"), previous, REGIONS, read, concluded)
    assert pointed == "2030年森林覆盖率，云浮市比省级目标高多少？"
    assert resolve_followup(read("比全省高出几个百分点"), previous, REGIONS, read, concluded) == \
        "2030年森林覆盖率，云浮市比全省高出几个百分点"
    # without a conclusion to point at, the follow-up is left as asked
    assert resolve_followup(read("它比省级目标高多少？"), previous, REGIONS, read) is None


@pytest.mark.parametrize(("question", "history", "understood"), [
    # another computation without its indicator: of the previous indicator, years and plans
    ("那最低的呢", ["森林覆盖率谁最高"], "森林覆盖率，最低的呢"),
    ("最低的是哪个", ["2025年星级绿色建筑占比哪个市最高"], "各市2025年星级绿色建筑占比，最低的是哪个"),
    ("那超过40%的有哪些", ["星级绿建占比谁最高"], "星级绿建占比，超过40%的有哪些"),
    ("有几个市给了数", ["星级绿建占比谁最高"], "星级绿建占比，有几个市给了数"),
    ("超过60%的呢", ["森林覆盖率超过40%的有哪些"], "森林覆盖率，超过60%的呢"),
    # another indicator alone: the previous computation of it
    ("那森林蓄积量呢", ["森林覆盖率谁最高"], "森林蓄积量谁最高"),
    ("那森林蓄积量呢", ["有几个市给了森林覆盖率目标"], "有几个市给了森林蓄积量目标"),
])
def test_a_followup_after_an_analytical_question_asks_of_its_indicator_or_its_computation(question, history,
                                                                                            understood):
    assert understand(question, history) == understood
