"""The domain vocabulary: how the plans and the questions about them are written, in one place.

Every stage reads its domain knowledge from here; nothing else defines these patterns and tables.

- Heading grammar (`HEADING_LABELS`, `HEADING_LABEL`, `chinese_number`): 一、 parts, （一） sections,
  1. clauses, （1） items. ingest builds the clause tree with it, answer recognises heading lines with it.
- Region naming (`REGION_NAME`, `region_level`, `region_aliases`, `is_province`, `PROVINCE_ALIASES`,
  `OWN_PLAN`, `TARGET_WORDS`, `OTHER_PLACES`, `PLACES_AS_SUBJECT`): no plan's region is listed here. A plan's region and level come from its own
  metadata; the names a question may use for it are derived from that name (深圳市南山区 ->
  南山区, 南山, 深圳南山 …), so a plan of any 省/市/县/区 works.
- Question patterns (`LIST_WORDS`, `COUNT_WORDS`, `ORDINALS`, `FROM_THE_END`, `STATED_COUNT`, `ITEM_NOUN`,
  `COUNTED_NOUN`, `FIRST_ITEMS`, `PART_ORDINAL`, `COUNT_PHRASE`, `COORDINATORS`, `CONJUNCT_FRAME`, `QUESTION_WORD`,
  `ASKING_PIECE`,
  `ASKING_TAIL`, `ASKING_WORD`, `ASKS_EACH`, `ALL_PLANS`, `FIGURE_WORDS`, `FIGURE_NOUNS`, `WHEN_WORDS`,
  `OVERVIEW_WORDS`, `MEANS_WORDS`, `STRUCTURAL_NOUNS`, `MEASURE_ONLY`, `UNDER_ASKED`, `OUTLINE_WORDS`, `FRAME_WORDS`,
  `PART_NAME`, `ATTACHMENT_NAME`, `PART_MARK`, who is asked `AGENCY_QUESTION`, `IN_CHARGE`, `UNITS_ASKED`,
  `LEADING_BODY`, and the follow-up cues `POINTS_BACK`, `LEADING_POINTER`, `REFERS_BACK`, `ASKED_ASPECT`,
  `FOLLOWUP_FILLER`): read once per question by `retriever.frame` (`OUTLINE_WORDS` and the part names by
  answer/outline.py, on the question's terms), after
  `standard_question_words` has put its colloquial question words (`COLLOQUIAL_QUESTION_WORDS`) in standard form.
- Telling plans of one region apart (`REVISION_TITLE`, `REVISED_PLAN`, `ORIGINAL_PLAN`, `PLAN_YEAR`,
  `sector_names`, `sector_plan_name`): a 2022 plan and its 2024 revision, or a sector plan (工业领域),
  by the features of their own titles and dates.
- Years (`YEAR`, `YEAR_MENTION`, `BASE_YEAR`) and numbers (`NUMBER`); the grammar of every way a plan or a
  question names a time (periods, short years, deadlines) is ingest/time_expressions.py.
- Units (`UNIT_FAMILIES`, `NUMBER_UNITS`, `ASKED_UNIT`, `unit_family`) and the figures a text states
  (`FIGURE`, `COUNT_IN_WORDS`, `figure_families`).
- Domain terms kept whole (`CURATED_TERMS`): by the BM25 tokenizer and the indicator names.
- Abbreviations, read both ways (`ABBREVIATIONS`, `INTERCHANGEABLE`, `term_forms`, `full_forms`).
- Quantitative targets (`TARGET_YEAR`, `PERIOD`, `COMPARATIVES`, `ACTIONS`, `PRE_QUALIFIERS`,
  `POST_QUALIFIERS`, `TARGET_UNIT`, `RANGE_OR_RATIO`, and the indicator-name rules `SCOPE_PREFIX`,
  `EDGE_WORDS`, `NOTE`, `ENUMERATION`, `MEASURE_VARIANTS`, `MEASURE_SUFFIX`): how a plan writes
  "到2025年，X比2020年下降14.5%以上"; read by indicators/extract.py and indicators/names.py.
- Analytical questions across plans, a grammar of word classes (`DEGREE_WORDS`, `PLACE_WORDS`) in constructions
  (`EXTREME`, `PAIR_COMPARATIVE`, `MORE_QUESTION`, `SET_BESIDE`, `ORDER_WORDS`, `RANK_WORDS`, `ABOVE_WORDS`/`BELOW_WORDS`/
  `COMPARING_WORDS` in `REFERENCE_BEFORE`, `PROVINCE_TARGET`, `DIFFERENCE_WORDS`, the comparators of `THRESHOLD`,
  `COVERAGE_WORDS`, `NOT_STATED`, `PLAN_COUNT_WORDS`, `PLAN_MEASURE_WORD`, `EXCEPT`, `SAME_AS`), scopes (`CITY_SCOPE`, `SHORT_YEAR`), the
  words that are not an indicator's name, `INDICATOR_TERMS`, `INDICATOR_TERM`, `HEADLINE_TERMS`) read by
  retriever/intent.py and indicators/matching.py; office shorthand and English terms spelled out before a
  question is read (`SHORT_PROVINCE`, `MIN_HEAD_RUN` by retriever/regions.py, `FIGURE_SHORTHAND` by
  `figures_spelled_out`, `ENGLISH_TERMS` by `english_spelled_out`); the kinds of targets (`CEILINGS`, `CHANGES`,
  `APPROXIMATE`, `MAGNITUDES`) read by indicators/analysis.py, kinds of energy and their broader kind
  (`BROADER_TERMS`) by indicators/matching.py.
"""
from __future__ import annotations

import re
from typing import NamedTuple

# ---- heading grammar ----------------------------------------------------------------------------

CN_DIGITS = {ch: value for value, ch in enumerate("〇一二三四五六七八九")}
CN_NUMERAL = "[一二三四五六七八九十]+"
# The label that opens a heading line, per level (group 1 is the number). Half-width brackets and
# full-width dots occur in the corpus; "1.5" is a number, not clause 1.
HEADING_LABELS = {
    "part": rf"({CN_NUMERAL})、\s*",
    "section": rf"[（(]({CN_NUMERAL})[）)]\s*",
    "clause": r"(\d{1,3})[.．、](?!\d)\s*",
    "item": r"[（(](\d{1,3})[）)]\s*",
}
# Any heading label at a line start, also ①… bullets and markdown #: such a line is a heading, not prose.
HEADING_LABEL = re.compile(r"^\s*(?:#+\s*)?(?:" + "|".join(f"(?:{p})" for p in HEADING_LABELS.values()) + r"|[①-⑳])")


def chinese_number(numeral: str) -> int | None:
    """'12' or a Chinese numeral up to 九十九 ('三', '十二', '二十', '三十一') -> int; None if malformed."""
    if numeral.isdigit():
        return int(numeral)
    tens, ten, ones = numeral.partition("十")
    if not ten:
        return CN_DIGITS[numeral] if len(numeral) == 1 and numeral in CN_DIGITS else None
    if any(part and (len(part) > 1 or part not in CN_DIGITS) for part in (tens, ones)):
        return None
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)


# ---- regions ------------------------------------------------------------------------------------

# Administrative suffixes and the level each gives a plan: 省-level, 市-level, 县-level.
REGION_LEVELS = {"特别行政区": "省", "自治区": "省", "省": "省", "自治州": "市", "市": "市", "县": "县", "区": "县"}
PROVINCE = "省"
_SUFFIX = "|".join(REGION_LEVELS)
# A region name at the start of a plan title: 珠海市, 广东省, 深圳市南山区 (the shortest name ending in
# a suffix, then any short units under it).
REGION_NAME = re.compile(rf"(.{{1,8}}?(?:{_SUFFIX})(?:[\u4e00-\u9fff]{{1,5}}?(?:区|县|市))*)")
REGION_SUFFIX = re.compile(rf"({_SUFFIX})$")
_REGION_UNIT = re.compile(rf".+?(?:{_SUFFIX})")
# Words that point at the province-level plan without naming it. Not 省级: "省级森林公园" is a name.
PROVINCE_ALIASES = ("全省", "省里", "省方案", "省级方案")
# A place's own plan named right after the place (惠州碳达峰方案, 广州市的实施方案, 广州市自己的方案): asks for
# that plan, not for what the plan of a region containing it says.
OWN_PLAN = re.compile(r"(?:自己|自身|本身|单独)?的?(?:碳达峰|碳排放达峰)?(?:实施)?方案")
# Every place of a kind, as plans address them ("各区可选取1—2个", "各县（市、区）", "各县区"): what such a piece sets,
# it sets each of them (a 区 for 各区, a county-level 市 for 各县（市、区）).
EVERY_UNIT = re.compile(r"各(?:[市县区镇](?:[（(][市县区镇、]+[)）])?)+")
# A sentence's opening piece that only lists places (蓬江区、江海区、新会区和鹤山市): what it says is asked of them.
PLACES_AS_SUBJECT = re.compile(r"(?:(?![在对从向按于由将把])[\u4e00-\u9fff]{1,6}[市区县镇][、和及与]?)+")
# A question asking for targets (深圳的碳达峰目标是什么): a plan's targets are its whole region's.
TARGET_WORDS = re.compile(r"目标|指标")
# Places a staff member might name, for telling "no plan for that place" from "no place named".
# A place that has a plan in the corpus is recognised by its plan's own name first, so listing it
# here does no harm. Not 香港/澳门: the plans name them as partners.
OTHER_PLACES = (
    "广东 广州 深圳 珠海 汕头 佛山 韶关 湛江 肇庆 江门 茂名 惠州 梅州 汕尾 河源 阳江 清远 东莞 中山 潮州 揭阳 云浮 "
    "北京 上海 天津 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 "
    "海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 "
    "杭州 南京 苏州 武汉 成都 西安 厦门 青岛 宁波 长沙 郑州 济南 合肥 福州 昆明 南宁 贵阳 海口 三亚"
).split()


# One administrative unit at the start of a text: 广东省, 深圳市, 南山区, 广西壮族自治区.
_UNIT_AT_START = re.compile(rf"[\u4e00-\u9fff]{{1,8}}?(?:{_SUFFIX})")
# Words that end like a unit but are not places, where a title goes on after its region (广州市城市更新…).
NOT_REGION_UNITS = {"城市", "全市", "全省", "全区", "全县", "省市", "市区", "城区", "园区", "社区", "景区", "矿区",
                    "湾区", "山区", "片区", "辖区", "新区"}


def region_units(title: str, issuer: str | None = None) -> list[str]:
    """The administrative units a plan title starts with: 深圳市南山区碳达峰实施方案 -> [深圳市, 南山区].

    A unit after the first counts only if the issuer (深圳市南山区人民政府) starts with it too, or, with
    no issuer, if it is not a word like 城市 (广州市城市更新领域碳达峰实施方案 is a plan of 广州市)."""
    units: list[str] = []
    rest = title
    while match := _UNIT_AT_START.match(rest):
        unit = match.group(0)
        if units and (unit in NOT_REGION_UNITS or (issuer and not issuer.startswith("".join(units) + unit))):
            break
        units.append(unit)
        rest = rest[len(unit):]
    return units


def region_level(region: str) -> str:
    """省 / 市 / 县 from the name's last suffix (市 if it has none)."""
    match = REGION_SUFFIX.search(region)
    return REGION_LEVELS[match.group(1)] if match else "市"


def is_province(level: str) -> bool:
    return level == PROVINCE


def short_name(unit: str) -> str:
    """珠海市 -> 珠海, 广东省 -> 广东, 南山区 -> 南山; a two-character name keeps its suffix (赵县)."""
    match = REGION_SUFFIX.search(unit)
    return unit[: match.start()] if match and match.start() >= 2 else unit


def region_aliases(region: str, level: str | None = None) -> list[str]:
    """Every way a question may name a plan's region, longest first.

    深圳市南山区 -> 深圳市南山区, 深圳南山区, 深圳南山, 南山区, 南山; 珠海市 -> 珠海市, 珠海; a
    province also answers to 全省/省里/省方案/省级方案.
    """
    units = _REGION_UNIT.findall(region) or [region]
    if "".join(units) != region:  # a name that is not a chain of units (e.g. no suffix): itself only
        units = [region]
    own = units[-1]
    aliases = {region, short_name(region), own, short_name(own)}
    if len(units) > 1:
        parents = "".join(short_name(unit) for unit in units[:-1])
        aliases.update({parents + own, parents + short_name(own)})
    if is_province(level or region_level(region)):
        aliases.update(PROVINCE_ALIASES)
    return sorted(filter(None, aliases), key=lambda alias: (-len(alias), alias))


# ---- question patterns --------------------------------------------------------------------------

# An enumeration word: the question wants a list ("包括哪些行动", "有哪几项", "列举…").
LIST_WORDS = re.compile(r"哪些|哪几|哪[两三四五六七八九十](?:块|大|项|条|部分|个?方面)|包括什么|包含什么|包括啥|包含啥|都有啥|都有什么|几大|几项|几条|几个方面|几方面|主要内容|"
                        r"什么内容|列出|列举|有何|讲了什么|讲什么")
# Asks how many things there are: "几项", "多少个".
COUNT_WORDS = re.compile(r"几[大项条个类]|几个方面|几方面|多少[个项条类家座所]|数量")
# Asks for one item by position, as staff write it: "第三项", "第2条", "第八大行动", "排第9的", "排在第一位",
# "头一条", "No.5", "其五"; from the end: "最后一个", "排在最后的", "倒数第二个". Group "n" is the position (none:
# the first, or from the end the last), group "measure" the word counting it ("条" may number the plan's
# clauses continuously: 第35条). Not "第三方"/"第一批": a position takes a measure word or 排 in front.
_POSITION = rf"{CN_NUMERAL}|\d{{1,3}}"
ORDINALS = (
    re.compile(rf"排在?第(?P<n>{_POSITION})(?P<measure>位|个|项|条)?"),
    re.compile(rf"第(?P<n>{_POSITION})(?P<measure>大|项|条|点|个|位|方面)"),
    re.compile(r"(?<![A-Za-z])No\.?\s*(?P<n>\d{1,3})", re.IGNORECASE),
    re.compile(r"头一(?P<measure>项|条|点|个)"),
    # the plan's own label of an item: "（九）是哪个行动"
    re.compile(rf"[（(](?P<n>{CN_NUMERAL})[）)](?=是|讲|说|叫|的|[\u4e00-\u9fff]{{0,4}}(?:行动|任务|措施))"),
    # written enumeration: "保障措施其五是什么", "十五大行动，其十是哪一项", "保障措施其五？" (not 尤其二氧化碳,
    # 及其二级). Opening a clause without 是/讲 it is the asker's own enumeration ("有两个问题：其一，……").
    re.compile(rf"(?<![尤极及与])(?:(?<=[\u4e00-\u9fff])|(?=其{CN_NUMERAL}(?:是|讲|说|为|叫)))"
               rf"其(?P<n>{CN_NUMERAL})(?=是|讲|说|为|叫|[，,。？?]|$)"),
)
FROM_THE_END = (
    re.compile(rf"倒数第(?P<n>{_POSITION})(?P<measure>项|条|点|个|位)?"),
    re.compile(r"最后一(?P<measure>项|条|点|个|位)|排在?最后|最后的?那一?[个项条]"),
)
# The size of the list a question names ("十三大行动里排第9", "那十二个行动"): group 1 the count, 2 the
# noun; not a position ("第九个行动", "第十三大行动"), nor one item pointed at ("那一项行动").
_ITEM_NOUNS = "行动|任务|措施|举措|工程|方面"
STATED_COUNT = re.compile(rf"(?<![第前数\d一二三四五六七八九十])(?!一[大个项条])({CN_NUMERAL}|\d{{1,2}})(?:大|个|项|条)"
                          rf"(?:重点|主要)?({_ITEM_NOUNS})")
# What a list's items are, named after a position ("第三项行动"), or counted ("几大行动"): a list whose items
# end in it (group 1).
ITEM_NOUN = re.compile(f"({_ITEM_NOUNS})")
COUNTED_NOUN = re.compile(rf"(?:(?!一[个项条])(?:几|多少|{CN_NUMERAL}|\d)(?:个|项|条)|大)(?:重点|主要)?({_ITEM_NOUNS})")  # not 那个行动
# Words of a structure question that describe the list's shape or ask about it, not its topic
# ("“组织实施”那部分由哪几块组成", "十三个行动里"): not matched against headings.
OUTLINE_WORDS = re.compile(rf"(?:{CN_NUMERAL}|\d+|几|两|那|这|哪)?(?:大|个|些|项|条|块|部分|一块)?|部分|组成|构成|下面|下边|"
                           r"底下|下设|里面|最后|具体|分别|都叫|名字|内容|关于|讲的?|说的?")
# Asks for the first few items: "前三项", "前2条".
FIRST_ITEMS = re.compile(rf"前({CN_NUMERAL}|\d+)(?:项|条|点|个)")
# How many items a plan says a section has, in its own words: "碳达峰十三大行动", "五项任务".
COUNT_PHRASE = re.compile(rf"({CN_NUMERAL})(?:大|项|个|条)[\u4e00-\u9fff“”]{{0,8}}?(?:行动|任务|工程|举措|措施|方面|领域)")
# Words that join the facets of a multi-part question ("风电和光伏", "A、B及C"), and the words of its
# frame that end a conjunct (the region names and years end one too).
COORDINATORS = {"和", "及", "与", "、", "以及"}
CONJUNCT_FRAME = {"的", "要", "是", "将", "分别", "各", "各自", "都", "达到", "多少", "什么", "哪些", "几", "比", "到",
                  "在", "对", "为", "中", "由", "目标", "提出", "有", "有何", "如何", "怎样", "怎么", "年", "之", "其",
                  "方案", "实施方案", "计划", "要求", "规定", "情况", "安排", "提高", "提升", "下降", "降低", "控制",
                  "提到", "提及", "说到", "写到", "讲到", "涉及", "提没提"}  # "……，有提到吗": whether, not what
# Asks whether the plans say something at all ("有没有提到X", "是否推广X", "X有冇要求", "推不推X"): when X
# is nowhere in the plans, the true answer is that they do not.
ASKS_EXISTENCE = re.compile(r"有没有|有冇|有无|是否|是不是|有[^，,。？?]{0,12}吗|提到|提没提|提了吗|要不要|会不会|能不能|"
                            r"([推搞管用])不\1")
# Words that make a clause of a question a question of its own ("X执行什么标准，Y占比多少"); 几乎 (almost) and
# 哪怕 (even if) ask nothing.
QUESTION_WORD = re.compile(r"什么|多少|哪(?!怕)|几(?!乎)|如何|怎么|怎样|是否|吗|呢")
# What makes a piece of a terse question ("佛山光伏目标多少 哪年 谁牵头") an asking part of its own: a question
# word, or 谁 (who is asked, not what).
ASKING_PIECE = re.compile(rf"{QUESTION_WORD.pattern}|谁")
ASKING_TAIL = re.compile(r"(?:是|为|要|有|执行|占){0,2}(?:什么|多少|哪些|哪个|几|如何|怎么样?|怎样|谁)[^，,；;]*$")  # "占比多少", "谁牵头"
# The question word alone, with its copula and measure word (有哪些, 是多少, 几个, 是否), and a question's
# closing 分别/各自 ("……目标分别是多少"): what a question asks, not what it asks about.
ASKING_WORD = re.compile(r"(?:是|为|要|有)?(?:什么|多少|哪[些几个里一]?|几|如何|怎么样?|怎样|是否|吗|呢)[个项条大类家座所种]?")
ASKS_EACH = re.compile("(?:分别|各自)$")
PART_ORDINAL = re.compile(rf"第({CN_NUMERAL})部分")
# Asks for the plan's own parts as a whole ("一共分成几个部分", "一级标题有哪些", "整体框架", "篇章结构"), not
# those of one part of it.
PLAN_PARTS = re.compile(r"几个(?:大的?)?部分|几大部分|多少个部分|几部分|哪几个部分|哪些部分|一级标题|各部分|每一?部分|"
                        r"几(?:大|个大?)(?:块|板块)(?![钱地])|哪几[大个]?(?:块|板块)(?![钱地])|"
                        r"整体框架|框架结构|篇章结构|章节|目录")
# Points at a part of a plan by what it is about, not by its heading ("生态碳汇那一部分", "建筑用能这一块",
# "关于建筑节能的那个行动", "管森林湿地固碳的那项行动").
PART_POINTER = re.compile(r"[那这]一?(?:部分|块|板块)|(?:关于|有关|涉及|针对|讲|管)[^，,。？?；;]{1,12}?的"
                          r"(?:[那这]一?[个项])?(?:行动|部分|板块)")
# Asks where a topic sits among a plan's parts: which item holds it, at which position ("归在哪一项行动下",
# "是第几项", "排在第几", "属于哪个行动", "放在哪一项行动下面", "对应的是哪一条", "出自哪一部分").
LOCATE_ASKED = re.compile(r"排在?第几|第几(?:项|个|条|大|位|部分)|(?:属于|归|放|列|纳入|划|对应|出自|来自|位于|见于|在)(?:在|到|入|于|的是)?哪一?"
                          r"(?:(?:项|个|条|块|大)(?:重点|主要)?(?:行动|任务|措施|举措|部分|方面)|(?:项|条|部分|块)(?=下|里|中|[？?，,。]|$))")
# A follow-up ("那佛山呢？", "还有交通领域呢", "换成2030年"): words that point back at the previous question,
# then those that ask the same again for another place or year; a question ending in 呢 points back too.
POINTER_WORDS = ("那么", "那", "还有", "另外", "此外", "同样")
AGAIN_WORDS = ("换成", "如果是")
_POINTERS = "|".join(POINTER_WORDS + AGAIN_WORDS)
POINTS_BACK = re.compile(rf"^(?:{_POINTERS})|呢\W*$")
LEADING_POINTER = re.compile(rf"^(?:{'|'.join(POINTER_WORDS)})\s*")
# Being in charge of something, in any wording ("归谁管", "谁来领导", "由谁统筹"): asked, not a topic. Not 不管,
# 尽管, 只管 (whoever, although).
IN_CHARGE = re.compile(r"负责|牵头|主管|分管|主抓|(?<![不尽只])管(?![理控网道线廊护制])|领导|统筹|抓|落实|承担|责任|分工")
# Words that ask something of a topic without naming one ("具体数字是多少", "谁牵头", "时间节点呢", "定了没有",
# "还有别的吗", "具体有哪些措施"): a follow-up with no other words asks them of the previous question's topic.
ASKED_ASPECT = re.compile(r"具体|数字|数值|数据|时间|节点|时候|期限|截止|往后|以后|之后|有没有|没有|有无|定了|"
                          r"部门|单位|主要|执行|别的|其他|其它|其余|措施|举措|任务|工作|内容|政策|办法|由?谁来?|"
                          + IN_CHARGE.pattern)
# Words standing for what the previous question asked about ("这个谁负责", "这块工作", "佛山有这要求没",
# "这是到哪一年的目标", "它的文号", "第三条里面", "下面具体有哪几条", "有没有类似规定"); 这 with a measure word, a
# word for a matter or 是, not 这样/这里/这次/这一轮 (manner, place, this round).
REFERS_BACK = re.compile(r"这(?:个|些|块|项|条|种|类|方面|部分|要求|数|事|件|份|是)|该(?=[项条个部行方目指措])|它|其中|"
                         r"上述|下面|里面|类似")
# 那个/那些 right after a place ("全省那个数是多少"): that place's figure for the previous topic. After a topic it
# names that topic ("农业农村那项呢"); leading, 那 is "then" ("那个人碳积分……" is 那 + 个人).
PLACE_POINTER = re.compile(r"那(?:个|些|项|条)")  # matched where a place ends
# A 这些/这类 closing a list the question makes itself ("钢铁、石化这些重点行业") points at those words, not back.
CLOSES_OWN_LIST = re.compile(r"(?:、[^，,。？?；;！!、]{1,8}|等)(?=这(?:些|类|种)$)")
# Points at the previous answer's conclusion ("它比省里高多少" after "哪个市最高").
PREVIOUS_ANSWER = re.compile(r"^(?:它们?|其|该市|这个市|这个城市|这座城市|这个方案)的?")
# What may stand around the place/time of a pure substitution follow-up ("那2030年的呢？", "到十五五末呢",
# "江门市的目标又是多少？", "台山那边呢", "全省层面呢"): 到/至 only lead up to the time named; 那边/这里/层面 point
# at the place named; 目标/指标/多少 ask the same thing again.
FOLLOWUP_FILLER = re.compile(rf"[这那](?:边|里|儿)|层面|{_POINTERS}|到|至|的话|的情况|情况|怎么样|如何|分别|呢|吗|的|又|"
                             r"和|与|跟|及|以及|(?:是|为|有)?多少|目标|指标|\W")
# Words that ask about every plan at once (其他城市: the others of a conversation, all without one). Not
# 分别/对比/相比: "2025年和2030年分别" or "与2020年相比" compare years; a comparison of plans names them
# (two or more named regions).
ALL_PLANS = re.compile(r"各市|各地|各个?城市|各方案|所有方案|(?:省市)?[两二三四五六七八九十][个份]?(?:碳达峰)?(?:实施)?(?:城市|方案)|"
                       r"[两二三四五六七八九十]市(?!场)|哪些城市|哪几个城市|(?:其他|其它|其余|别的)几?个?(?:地?市|城市|方案)")
# Asks for a quantity: a share, a target value, a capacity, a count.
# 哪几个 asks which; 以上/以下/以内 ask a figure only after one ("35蒸吨以下"): "省级以上园区", "地级以上市" name a rank.
# A figure before 以上/以下 is a threshold asked about ("35蒸吨以下"); 几十/数百 is a rough size describing
# something ("几十层以上特别高的住宅楼"), no figure asked.
FIGURE_WORDS = re.compile(r"多少|多大|多高|(?<![哪这那好])几[个项座家辆条所]|几成|百分|[%％]|什么水平|"
                          r"[\d〇零一二两三四五六七八九十百千万](?<![几数][十百千万])[^\s，,。？?]{0,4}?以[内下上]")
# Names a quantity: asks for it unless the question asks what the plan intends for it ("……的比例有什么打算").
FIGURE_NOUNS = re.compile(r"比重|比例|占比|规模|容量|装机|覆盖率|利用率")
# Names a quantity as the thing whose existence is asked ("有没有量化目标", "有没有使用率指标"): asks a figure.
QUANTITY_NOUNS = re.compile(rf"{FIGURE_NOUNS.pattern}|目标|指标|数字|数值|量化|率")
# Asks for a point in time.
WHEN_WORDS = re.compile(r"哪一?年|何时|几时|(?:什么|啥)时候|什么时间|时间节点|年份|时限")
# An attribute a question asks of its topic that a sentence on the topic may well leave out: how often, how much
# money, which standard level, whether a fee is charged, at what time of day. The sentence answering must express
# it ("定期编制温室气体清单" gives no frequency, "加大补贴力度" no amount, "提升城市防洪排涝能力" no 几年一遇).
_GAP = r"[^，,。？?；;比率%]{0,4}"  # 补贴比例多少 asks a share, not money
class AskedAttribute(NamedTuple):
    asks: re.Pattern[str]  # the question asks it
    expresses: re.Pattern[str]  # a sentence states it
    missing: str  # what a refusal names as not given


ASKED_ATTRIBUTES = {
    # 频率 only asked as a rate ("频率是多少"): 电网频率, 频率波动 are the grid's
    "frequency": AskedAttribute(
        re.compile(r"多久[^，,。？?]{0,3}一次|(?:几|多少)年[^，,。？?]{0,3}一次|多长时间[^，,。？?]{0,3}一次|"
                   r"[一每]年[^，,。？?]{0,3}几次|频次|(?:什么|啥)频率|频率(?:是|为)?(?:多少|多高|多大|几)"),
        re.compile(r"每(?:[一两二三四五六七八九十\d]+个?)?(?:年|季度?|月|周|天|日)|[一两二三四五\d]+年一(?:次|编|评|修)|"
                   r"年度|季度|逐年|一年一"),
        "频次（多久一次）"),
    # a one-character verb (补, 奖, 花, 罚) asks money only right before 多少: 补充多少, 奖项有多少, 花园建多少 do not
    "money": AskedAttribute(
        re.compile(rf"多少钱|几多钱|(?:(?:投资|投入|补贴|补助|奖励|资助|奖补|罚款|资金|经费|费用|价格|电价){_GAP}|[补奖花罚]\s?)"
                   rf"(?:多少|几多)(?![年个家项座辆条%])|多少(?:资金|补贴|奖励|经费|费用)"),
        re.compile(r"\d\s*(?:万|亿|千|百)?元|[一二两三四五六七八九十百千万亿]元|元/"),
        "金额"),
    "level": AskedAttribute(
        re.compile(r"(?:几|多少)年一遇|(?<!哪)几(?:星|级|A)|多少级|什么(?:等级|级别)|哪(?:个|一)?(?:等级|级别|星级)"),
        re.compile(r"[一二两三四五六七八九十百千\d]+年一遇|[一二两三四五\d]\s*星|星级|[一二三四五\dA-Z]+\s*级|\dA"),
        "标准等级"),
    "charge": AskedAttribute(
        re.compile(r"(?:收钱|收费|要钱|付费|花钱|掏钱)(?:吗|么|嘛|不|没有|与否)|(?:收不收|要不要|是否)(?:钱|费|收费|付费)"),
        re.compile(r"收费|有偿|付费|计费|计价|价格|\d\s*元"),
        "收费规定"),
    # 几点 after a part of the day or before 开始/以后/钟: not the 几点建议 of a list; a time is 22:00, not the
    # ratio 1:6.4
    "clock": AskedAttribute(
        re.compile(r"(?:早上|上午|中午|下午|晚上|夜里|夜间|凌晨)几点|几点(?:钟|开始|以后|之后|之前|前|到几点)"),
        re.compile(r"\d{1,2}\s*(?:点|时|[:：][0-5]\d(?![\d.]))|[一二两三四五六七八九十]+点|时段|时间段"),
        "具体时刻"),
}


def asked_attribute(question: str) -> str | None:
    """The attribute the question asks of its topic (a key of ASKED_ATTRIBUTES), if any."""
    return next((name for name, attribute in ASKED_ATTRIBUTES.items() if attribute.asks.search(question)), None)
# Asks about a plan's notice (印发通知), not its content: its document number, date of issue, issuer, to whom it
# went, where to report problems. The act
# of issuing ends the question ("……是哪天印发的"), so "什么时候出台补贴政策" asks about the content.
_ISSUED = r"(?:正式)?(?:印发|发布|出台|下发|发文|发)的?(?=$|[，,、。？?\s])"
# When a notice was issued: 哪天, 几号 (which day of the month), 几月几日.
_WHEN_ISSUED = r"哪天|哪一天|哪一?年|何时|(?:什么|啥)时候|什么时间|几月几[日号]|几号"
# Which of two plans came out first: a question about their dates of issue; 出来 (came out) only of plans named
# so ("两个方案，哪个先出来的"; not "哪个技术先出来").
ISSUE_ORDER = re.compile(r"(?:哪个|哪份|哪一个|谁)[^，,。？?\s]{0,6}(?:先|早|晚|后)(?:印发|发布|出台|下发|发)|"
                         r"方案[，,\s]*(?:哪个|哪份|哪一个)[^，,。？?\s]{0,4}(?:先|早|晚|后)出来|"
                         r"(?:印发|发布|出台|发)得?(?:更|较|比较)?(?:早|晚)|"
                         r"(?:早|先)还是(?:晚|后)(?:印发|发布|出台|下发|发)|(?:印发|发布|出台|下发)[^，,。？?]{0,8}(?:早|先)还是(?:晚|后)")
NOTICE_QUESTIONS = {
    "number": re.compile(r"文号|字号"),
    # The when may be a piece of its own after the issuing ("谁发的 啥时候"); 成文日期 is the notice's date line.
    "date": re.compile(rf"(?:{_WHEN_ISSUED})(?:由[^，,。？?]{{2,12}})?{_ISSUED}|"
                       rf"(?:印发|发布|出台|下发|发文|发)的?[，,、\s]+(?:{_WHEN_ISSUED})(?=$|[，,、。？?\s])|"
                       rf"(?:印发|发布|出台|下发|发文|成文)(?:日期|时间)(?!表)|落款[^，,。？?]{{0,3}}(?:哪天|哪一天|日期|几月几)|"
                       rf"{ISSUE_ORDER.pattern}"),
    "issuer": re.compile(rf"(?:哪个|哪一?级|什么)(?:部门|单位|机关|机构|政府){_ISSUED}|由谁{_ISSUED}|谁{_ISSUED}|"
                         r"(?:印发|发文|发布)(?:机关|单位|部门)|以(?:谁|哪个单位|哪个部门|什么单位)的?名义"),
    # To whom the notice went (its 主送 line), and where problems are to be reported (请径向……反映).
    "recipients": re.compile(r"(?:印发|下发|发|(?<!抄)送)给了?(?:哪些|谁|哪几)|主送|发文对象"),
    # A notice's closing lines (版记): to whom it was copied, and whom to call.
    "copied": re.compile(r"抄送"),
    # Not "联系人制度", "要明确联系人吗": a contact person the plan's measures name, not the notice's.
    "phone": re.compile(r"联系电话|联系方式|咨询电话|联系人(?=[是和及、与叫姓]|的?(?:名字|姓名|电话))|谁是联系人"),
    # Not "重大问题要向哪里报告": the plan's own reporting line, not the notice's.
    "contact": re.compile(r"(?:问题|疑问|困难)[^，,。？?]{0,10}(?:找|联系|问)(?:哪|谁)|(?:向|找)(?:哪|谁)[^，,。？?]{0,5}反映|"
                          r"(?:哪个|什么)(?:部门|单位|局)反映|反映(?:问题)?(?:找|向)(?:哪|谁)|反映(?:问题)?的?(?:渠道|途径|窗口)"),
}
NOTICE_LABELS = {"number": "文号", "date": "印发日期", "issuer": "印发机关", "recipients": "主送单位",
                 "contact": "问题反映渠道", "copied": "抄送单位", "phone": "联系人及联系电话"}
# Asks who is responsible (a department or unit), not what is to be done. Not "牵头推进什么": that asks what.
# A government body asked for (哪个局, 什么部门) is asked as the one in charge; so is "谁" with a verb of being
# in charge (IN_CHARGE), in any wording (归谁管, 谁来领导, 是谁的活, 由谁统筹).
_WHICH = r"哪个|哪些|哪家|哪几个|哪一个|什么"
AGENCY_QUESTION = re.compile(rf"(?:{_WHICH})(?:省直|市直|县直|省级|市级|省里|市里)?(?:部门|机构|局|委|厅)|(?:责任|牵头|负责|主管)(?:单位|部门)|由谁|"
                             rf"谁(?:来|在|去)?(?:{IN_CHARGE.pattern})|(?:{IN_CHARGE.pattern})(?:(?!对象)[^，,。？?谁]){{0,8}}?(?:是|为)?谁|"
                             r"归(?:谁|哪)|谁的(?:活|事|职责|责任|任务|工作)")
# "哪些单位", "哪类主体": who is in charge only where the question says so (IN_CHARGE: "哪些单位负责", "分工表
# 写的是哪些单位"); else which kinds of entities a measure targets ("鼓励哪些单位在楼顶装光伏": 学校、医院……).
UNITS_ASKED = re.compile(rf"(?:{_WHICH}|哪类|哪些类|哪几类)(?:单位|主体)")
# A department or unit in plan text: 市发展改革局, 珠海供电局, 管委会 (not 布局/格局); or a body the plans
# make responsible by its kind: 碳达峰碳中和工作领导小组, 行业协会, 市各有关部门, 各级财政.
AGENCY = re.compile(r"[\u4e00-\u9fff]{2}(?<![布格大结当变])局|委员会|管委会|办公室|人民政府|领导小组|协会|"
                    r"(?:各有关|有关|各)部门|各级(?:财政|政府)")
# The body a plan puts over its whole work: 碳达峰碳中和工作领导小组 (and its office).
LEADING_BODY = re.compile(r"领导小组|领导机构|指挥部")
# Asks what a plan says about a topic, not for one fact: a few sentences make the answer.
OVERVIEW_WORDS = re.compile(r"有什么(?:安排|打算|计划)|有何(?:安排|打算)|怎么说|说了什么|提到了?什么|有哪些(?:举措|措施|安排|要求|部署)|怎样推进|如何推进|有什么(?:要求|举措|措施)")
# Asks by what means something is done ("用什么方式提高……比例"): a quantity it names is the goal, not the answer.
MEANS_WORDS = re.compile(r"(?:什么|哪些|哪种|啥)(?:方式|渠道|途径|办法|手段|路径)|通过什么")
# What a structure question enumerates: the plan's own parts, not things named inside them.
STRUCTURAL_NOUNS = re.compile(r"行动|任务|措施|方面|内容|原则|部分|保障|举措|重点工作|领域")
MEASURE_ONLY = re.compile(r"^(?:项|条|块|个方面|方面)?[？?。\s]*$")
# A question's word naming one part of a plan by its heading ("保障措施", "组织实施", "工作原则", "重点任务"): a
# modifier and the word a part's heading ends in. Not 行动: the actions are many and named by their topic.
PART_NAME = re.compile(r"[\u4e00-\u9fff]{1,6}(?:措施|原则|保障|实施|要求|思想|任务)")
# A word naming an attachment to a plan ("重点任务分工表", "附件", "附表"): a task table of the clause tree.
ATTACHMENT_NAME = re.compile(r"[\u4e00-\u9fff]{0,8}(?:附表|附件|表格|一览表|分工表|清单)")
# What marks a word as the name of a part right after it ("工作原则第五条", "组织实施部分", "“保障措施”那块"),
# when no plan's heading is that word.
PART_MARK = re.compile(r"[”’\"」]?(?:的|里|中|里面)?(?:第|部分|章|篇|板块|[那这]一?块)")
# Asks what is under a part of a plan ("下设几条", "下面有哪几条", "由哪几条组成", "下面具体有几条措施"): the
# part's own items, not things its text names ("里面有几个项目").
UNDER_ASKED = re.compile(r"(?:下面|下边|底下|下设了?|里面|包括|包含|分成|分了|列了|由)(?:具体)?(?:有|分了?|列了|包括)?"
                         r"(?:(?:几|哪几|哪些|多少)(?:条|项|块|个方面|方面)(?=$|[^\u4e00-\u9fff]|措施|任务|行动|举措|内容|"
                         r"组成|构成|都|各|分别)|(?:哪些|啥|什么)(?:具体)?(?:措施|任务|举措))")
LIST_VERB_END = re.compile(r"(?:包括|包含|分为|有|是|都有|主要有|具体有)$")
# Words of the question's frame, not its topic; region names are removed separately. A yes/no question's
# "有没有/是不是/推不推" asks, it names nothing (and 没有 would match plan sentences saying 没有).
FRAME_WORDS = re.compile(
    r"碳达峰(?:实施)?方案|实施方案|方案|政策文件|文件|里面|是什么|怎么说|怎么样|怎样的|怎样|如何|请问|吗|呢|"
    r"有没有|有冇|可不可以|([\u4e00-\u9fff])不\1|"
    r"有什么|什么样|安排|要求|规定|做法|打算|相关|各自|分别|各是|各为|几大|具体|表述|不同|区别|差异|异同|"
    r"数量|目标|情况|计划|提出了?|包括|包含|分为|哪些|哪几|哪个|哪里|哪"
)

# ---- years and numbers --------------------------------------------------------------------------

YEAR_NUMBER = r"(?:19|20)\d{2}"
YEAR = re.compile(rf"({YEAR_NUMBER})\s*年")  # a year as the plans and full questions write it
YEAR_MENTION = re.compile(rf"{YEAR_NUMBER}\s*年?")  # also a bare year in a follow-up ("那2030呢？")
# The year a change is measured from: "比2020年下降", "较2020年", "与2020年相比".
BASE_YEAR = re.compile(rf"(?<![占年])(?:比|较|相比|与|同|对比)\s*({YEAR_NUMBER})\s*年")  # not 占比2025年, 2025年与2030年
NUMBER = re.compile(r"\d+(?:\.\d+)?")


# ---- telling plans of one region apart ----------------------------------------------------------

# A title marking a revision of an earlier plan: 珠海市碳达峰实施方案（2025年修订）, （调整版）.
REVISION_TITLE = re.compile(r"修订|修编|修改|调整")
# A question asking for the original plan of a region, or for its revised (newest) one. The original
# is checked first: 修订前 is the original.
ORIGINAL_PLAN = re.compile(r"原方案|原版|旧版|初版|首版|原来的?方案|(?:修订|调整)前|最初的?方案")
REVISED_PLAN = re.compile(r"(?:修订|修编)[版后]?|调整后|新版|最新版?|更新后")
# A plan named by its year: 2023年版, 2022年印发的, 2025年修订, 2023年的方案 (group 1 is the year).
PLAN_YEAR = re.compile(rf"({YEAR_NUMBER})\s*年?\s*(?:版|印发|发布|出台|修订|修编|制定|颁布|的?(?:实施)?方案)")
# A sector plan named in a question: its sector, then 领域/行业, 碳达峰, 实施, 方案 as in its title.
SECTOR_PLAN_TAIL = r"(?:领域|行业)?的?(?:碳达峰|碳排放达峰)?(?:实施)?方案"
SECTOR_WORD_END = re.compile(r"(?:领域|行业)$")


def sector_names(sector: str) -> list[str]:
    """The names a question may use for a sector plan's sector, longest first: 交通运输领域 -> 交通运输领域,
    交通运输, 交通 (a four-character sector also by its first word)."""
    head = SECTOR_WORD_END.sub("", sector) or sector
    names = {sector, head} | ({head[:2]} if len(head) >= 4 else set())
    return sorted(names, key=lambda name: (-len(name), name))


def sector_plan_name(sector: str) -> re.Pattern[str]:
    """How a question names the plan of this sector (工业领域方案, 交通运输领域碳达峰实施方案, 交通方案), not
    just its topic (工业领域的目标)."""
    return re.compile("(?:" + "|".join(map(re.escape, sector_names(sector))) + ")" + SECTOR_PLAN_TAIL)


# ---- units --------------------------------------------------------------------------------------

# Units the plans state quantities in, by what they measure.
UNIT_FAMILIES = {
    "share": ("%", "％", "‰", "个百分点", "百分点"),
    "energy": ("万千瓦时", "千瓦时", "亿千瓦时"),
    "power": ("万千瓦", "千瓦", "兆瓦", "吉瓦"),
    "mass": ("万吨标准煤", "万吨标煤", "万吨", "吨"),
    "money": ("亿元", "万元"),
    "volume": ("亿立方米", "立方米"),
    "area": ("万亩", "亩", "公顷", "平方米", "万平方米", "平方公里"),
    "count": ("万辆", "辆", "个", "座", "家", "项", "处"),
    "length": ("公里", "千米"),
}
# What may follow a number as one token ("355万千瓦", "2025年"): every unit (longest first, so the
# regex takes 万千瓦时 over 万千瓦), then dates and bare magnitudes.
NUMBER_UNITS = sorted({u for units in UNIT_FAMILIES.values() for u in units if u not in ("百分点", "个百分点")},
                      key=lambda unit: -len(unit)) + ["年", "月", "万", "亿"]
# A unit the question asks in: after 多少/几 or a number ("多少万千瓦", "几座", "多少个百分点": not 个).
ASKED_UNIT = re.compile(r"(?:多少|(?<!哪)几|\d+(?:\.\d+)?)\s*(" + "|".join(
    re.escape(u) for u in sorted({u for units in UNIT_FAMILIES.values() for u in units}, key=len, reverse=True)) + ")")
# Words that ask for a share without naming its unit.
SHARE_WORDS = re.compile(r"比重|比例|占比|百分|几成|覆盖率|利用率|下降|降低|提高|提升|增长")


def unit_family(unit: str) -> str | None:
    return next((family for family, units in UNIT_FAMILIES.items() if unit in units), None)


# A figure in plan text: a number (or a range "5-10", "1—2"), a magnitude (249万立方米), its unit if any.
FIGURE = re.compile(r"\d+(?:\.\d+)?(?:[-—~～至]\d+(?:\.\d+)?)?(?:万|亿)?(" +
                    "|".join(re.escape(u) for u in sorted({u for units in UNIT_FAMILIES.values() for u in units},
                                                          key=len, reverse=True)) + ")?")


# A count the plans write in words or as "N大" (两个千万千瓦级海上风电基地, 9大森林公园, 十大行动); not 一个, which
# is rarely a count (构建一个体系).
COUNT_IN_WORDS = re.compile(r"(?<![第前数\d〇零一二两三四五六七八九十百])(?:[两二三四五六七八九十][〇一二三四五六七八九十]*"
                            r"[个座家项处]|(?:\d+|[两二三四五六七八九十][〇一二三四五六七八九十]*)大(?=[\u4e00-\u9fff]))")


def figure_families(text: str) -> list[str | None]:
    """What each figure in the (squashed) text measures, years left out; None for a bare number."""
    text = YEAR.sub("", text)
    counts = len(COUNT_IN_WORDS.findall(text))
    numbers = FIGURE.finditer(COUNT_IN_WORDS.sub("、", text))
    return [unit_family(match.group(1)) if match.group(1) else None for match in numbers] + ["count"] * counts


# ---- domain terms -----------------------------------------------------------------------------

# Terms the plans use that jieba's general dictionary splits apart: the BM25 tokenizer keeps each one
# whole (index/tokenizer.py), and an indicator name never writes out an abbreviation inside one.
CURATED_TERMS = [
    "碳达峰", "碳中和", "双碳", "新型储能", "抽水蓄能", "光伏", "分布式光伏", "海上风电", "陆上风电",
    "能耗双控", "双控", "非化石能源", "可再生能源", "新能源汽车", "新型电力系统", "碳排放", "碳汇",
    "碳排放强度", "单位地区生产总值", "能源消费", "煤炭消费", "清洁能源", "天然气", "氢能", "加氢站",
    "充电桩", "充换电", "绿色建筑", "超低能耗建筑", "近零能耗建筑", "装配式建筑", "建筑光伏一体化",
    "公共机构", "城市更新", "绿色低碳", "循环经济", "固体废物", "无废城市", "再生资源", "生活垃圾",
    "森林覆盖率", "森林蓄积量", "湿地", "红树林", "蓝碳", "碳普惠", "碳排放权", "用能权", "碳交易",
    "绿色金融", "气候投融资", "碳捕集", "CCUS", "节能降碳", "减污降碳", "三改联动", "煤电", "气电",
    "核电", "水泥", "钢铁", "石化", "化工", "陶瓷", "数据中心", "5G基站", "巡游车", "网约车",
    "公交车", "出租车", "港口岸电", "岸电", "船舶", "内河", "农村", "沼气", "生物质", "地热能",
    "粤港澳大湾区", "横琴粤澳深度合作区", "一带一路", "重点任务", "保障措施", "组织实施", "政策保障",
    "主要目标", "指导思想", "工作原则", "基本原则", "十四五", "十五五", "占比", "比重",
]

# ---- abbreviations ------------------------------------------------------------------------------

# Standard abbreviations staff type -> the plans' own wording (first form preferred). Only
# abbreviations of the same term: paraphrases (出租车 for 巡游车) are the dense arm's job.
ABBREVIATIONS = {
    "GDP": ("地区生产总值", "生产总值"),
    "能耗": ("能源消耗",),
    "规上": ("规模以上",),
    "固废": ("固体废物",),
    "气电": ("天然气发电", "燃气发电"),
    "新能源车": ("新能源汽车",),
    "网约车": ("网络预约出租汽车",),
    "双碳": ("碳达峰", "碳中和"),
    "非化石": ("非化石能源",),
    "绿建": ("绿色建筑",),
    "两高": ("高耗能高排放", "高耗能、高排放"),  # only 云浮 writes “两高”; every plan writes it out
}
# Groups of words the plans use interchangeably (matching only): each stands for the others.
INTERCHANGEABLE = (("比例", "占比", "比重"), ("负责", "责任"), ("建筑废弃物", "建筑垃圾"))


def _both_ways(abbreviations: dict[str, tuple[str, ...]], groups: tuple[tuple[str, ...], ...]) -> dict[str, tuple[str, ...]]:
    """word -> its other forms: an abbreviation and each of its full forms both ways (GDP <-> 地区生产总值),
    and every word of a group to the rest of it."""
    pairs = [(abbreviation, form) for abbreviation, forms in abbreviations.items() for form in forms]
    pairs += [(form, abbreviation) for abbreviation, form in pairs]
    pairs += [(word, other) for group in groups for word in group for other in group if other != word]
    forms: dict[str, list[str]] = {}
    for word, other in pairs:
        if other not in forms.setdefault(word, []):
            forms[word].append(other)
    return {word: tuple(others) for word, others in forms.items()}


_FORMS = _both_ways(ABBREVIATIONS, INTERCHANGEABLE)


def term_forms(term: str) -> tuple[str, ...]:
    """The term and the other forms a clause may write it in: an abbreviation's full wording, a full
    term's abbreviation, an interchangeable word."""
    return (term, *_FORMS.get(term, ()))


def full_forms(question: str) -> list[str]:
    """The plans' wording of the abbreviations a question uses that it does not spell out itself."""
    return [forms[0] for word, forms in ABBREVIATIONS.items() if word in question and forms[0] not in question]


# ---- quantitative targets (指标) ----------------------------------------------------------------

# A target year: 到2025年 / 2025年底前 / 2030年前, not a base year (比2020年); a five-year-plan period
# (“十四五”期间) ends in a known year.
TARGET_YEAR = re.compile(rf"(?<![比较与同\d])(?<!相比)(?<!对比)({YEAR_NUMBER})\s*年(?:底|末)?(?:前|以前)?")
PERIOD_END_YEAR = {"十三五": 2020, "十四五": 2025, "十五五": 2030, "十六五": 2035}
PERIOD = re.compile("“?(" + "|".join(PERIOD_END_YEAR) + ")”?(?:期间|时期|末)?")
# Words between a subject and its figure: its direction (达到/下降/不低于…).
COMPARATIVES = (
    "提高到", "提高至", "提升到", "提升至", "下降到", "下降至", "降低到", "降低至", "控制在", "稳定在", "保持在",
    "不低于", "不高于", "不超过", "不少于", "不多于", "超过", "低于", "高于", "达到", "累计", "具备",
    "下降", "降低", "减少", "提高", "提升", "增长", "增加", "降到", "降至", "达",
)
# Verbs that open a verb-object target (新增…1万平方米, 培育…超过170家): part of the indicator's name.
ACTIONS = ("新增", "完成", "建成", "建设", "培育", "打造", "创建", "实施")
PRE_QUALIFIERS = ("力争", "确保", "原则上", "约")
POST_QUALIFIERS = ("及以上", "以上", "左右", "以内", "以下")
# The unit of a target figure, with its magnitude (亿吨, 万立方米) and possibly per something (300吨/万平方米,
# 1公里/万人); a figure without one
# (4A级, 5G, 9种) is not a target value.
TARGET_UNIT = re.compile(
    "(?:万|亿)?(?:" + "|".join(re.escape(u) for u in sorted({u for us in UNIT_FAMILIES.values() for u in us}, key=len, reverse=True))
    + r")(?:/(?:万|亿)?(?:平方公里|平方米|人|年))?"
)
# A number that is part of a range (5-10个, 1—2个, 3~5个) or a ratio (1:6.4) is not one target value.
RANGE_OR_RATIO = re.compile(r"\d\s*[-—–~～－:：]\s*$|^\s*[-—–~～－:：]\s*\d")
# Plan-wide scope words in front of a subject: 全市森林覆盖率 is the 森林覆盖率 of the plan's region.
SCOPE_PREFIX = re.compile(r"^(?:全[省市区县]|[我本][省市区县]|各[县市区]+|推动|推进|实现)+")
# Adverbs and particles left at the edges of a subject once the figure is cut out.
EDGE_WORDS = re.compile(r"^(?:或|和|及|并|且|其中|的|、|力争|确保)+|(?:基本|力争|确保|进一步|原则上|约|均|分别|全部|的|要|将|和|及)+$")
# Notes, titles and quotation marks inside a subject: not part of the indicator's name.
NOTE = re.compile(r"（[^（）]*）|\([^()]*\)|《[^》]*》|[“”\"]")
# An enumeration in front of its category: 废钢铁、废铜…等9种主要再生资源 -> 9种主要再生资源.
ENUMERATION = re.compile(r"^[^，]*、[^，]*?等(?=.)")
# Variant wordings of one measure across plans (佛山 装机规模 / 广东 装机容量).
MEASURE_VARIANTS = {"装机规模": "装机容量"}
# A question may name the measured thing without its measure word: 新型储能装机 for 新型储能装机容量.
MEASURE_SUFFIX = re.compile(r"(?:容量|规模|比重|比例|占比|总量)$")


# ---- analytical questions (across plans, computed from their targets) ---------------------------

# Words of comparison by what they mean, the word classes of an analytical question's grammar: one of them
# after 最 asks for an end ("最高", "最为激进", "最具雄心"; 最不 for the other end: "最不积极"), after 哪个/谁 and
# 更 for the higher of two ("谁更进取"), in front of the province for the plans beyond it ("领先于全省"), before
# 多少/几 for a difference ("领先江门多少").
# strict/loose: the stricter target whatever its direction (for 下降 the larger, for 不高于 the smaller).
DEGREE_WORDS = {
    "strict": ("严格", "严", "狠", "猛", "拼", "牛", "激进", "积极", "进取", "有力", "雄心勃勃", "雄心", "野心", "宏大", "宏伟",
               "大胆", "高远", "有魄力", "魄力", "冲劲", "干劲", "给力", "努力", "卖力"),
    "loose": ("宽松", "松", "保守", "温和", "谨慎", "稳健", "低调", "佛系", "消极", "轻松", "拉胯", "差"),
    "high": ("高", "多", "大", "强", "快", "长", "靠前", "领先", "突出"),
    "low": ("低", "少", "小", "弱", "慢", "短", "靠后", "落后"),
}
# A place in the order that is an end by itself ("排名第一", "垫底", "谁第一", "冠军是谁"): the first is the strictest.
_RANKED = r"(?:排名?|位居|位列|名列|居于?)(?:在|于)?"
PLACE_WORDS = {
    "strict": rf"{_RANKED}(?:第一名?|首位|榜首|头名)|领跑|拔得头筹|第一名|冠军|头名|头把交椅|排头|(?<=谁|个|家|市|是)第一(?![次批个])",
    "loose": rf"{_RANKED}(?:最后一?名?|末位|末尾|榜尾|倒数第一)|垫底|倒数第一|最后一名|吊车尾|(?<=谁|个|家|市)倒数",
}


def _alternatives(words) -> str:
    """A regex alternation of the words, longest first (so 最为激进 is not read as 最为 + …)."""
    return "|".join(sorted(words, key=len, reverse=True))


# 要求最高 and 力度最大 ask for the strictest target whatever its direction; 最高 for the largest figure.
_DEMAND = r"(?:要求|力度|目标力度|目标要求)"
EXTREME = re.compile(
    rf"(?P<strict>{_DEMAND}最(?:为)?(?:{_alternatives(DEGREE_WORDS['high'])})|"
    rf"最不(?:{_alternatives(DEGREE_WORDS['loose'])})|"
    rf"最(?:为|具|有|是)?(?:{_alternatives(DEGREE_WORDS['strict'])})|{PLACE_WORDS['strict']})|"
    rf"(?P<loose>{_DEMAND}最(?:为)?(?:{_alternatives(DEGREE_WORDS['low'])})|"
    rf"最不(?:{_alternatives(DEGREE_WORDS['strict'])})|"
    rf"最(?:为|是)?(?:{_alternatives(DEGREE_WORDS['loose'])})|{PLACE_WORDS['loose']})|"
    rf"(?P<high>最(?:为|是)?(?:{_alternatives(DEGREE_WORDS['high'])}))|"
    rf"(?P<low>最(?:为|是)?(?:{_alternatives(DEGREE_WORDS['low'])}))")
# What share of another plan's figure one is, or how many times it: "是佛山的几倍", "占全省的百分之几"; after the
# plan's name is cut out, "占 的比重".
RATIO_WORDS = re.compile(r"(?:多少|几)倍|百分之(?:几|多少)|几分之几|几成|占\s*(?:目标|水平|指标)?的?(?:比重|比例|份额|百分比)")
# Whether two plans set the same figure: "一样吗", "是否相同", "是不是一致".
SAME_QUESTION = re.compile(r"(?:是否|是不是)(?:一样|相同|一致|持平)|(?:一样|相同|一致|持平)(?:吗|么|嘛)")
# How far apart the two ends are: "最高与最低相差多少", "最高的和最低的差几个点", "极差".
SPREAD = re.compile(r"极差|最[高大多严][^，,。？?]{0,4}?(?:和|与|跟|同|、)最[低小少松宽]|"
                    r"最[低小少松宽][^，,。？?]{0,4}?(?:和|与|跟|同|、)最[高大多严]")
# "排第一的是？", "最低的呢", "最低呢", "森林蓄积量最大的方案", "定得最高的地方是？" ask which too
WHICH = re.compile(r"哪|谁|何者|孰|的(?:方案|城市|市|地方)?(?:是|呢)?\W*$|最(?:高|低|大|小|多|少|严|宽|松)的?呢\W*$")
# Whether a plan named is the end: "最高的是不是珠海", "珠海是不是最高" (every plan is compared; not "最严格的制度吗").
ASKS_IF_END = re.compile(r"(?:是不是|是否)[^，,。？?]{0,8}?最[^，,。？?的]{1,4}的?(?=吗|呢|[，,。？?]|$)|"
                         r"最[^，,。？?的]{1,4}的(?:是不是|是否)")
# Two plans, which one is higher: "哪个规划得多？", "谁的目标高？", "谁的…排放量控制得更严？", "哪一方更进取一些"
# (the degree word ends the clause).
COMPARATIVE_END = {word: end for end, words in DEGREE_WORDS.items() for word in words}
PAIR_COMPARATIVE = re.compile(r"(?:哪一?[个家方边份座]|谁|何者|孰)(?:[^，,。？?；;]{0,8}?|[^，,。？?；;]{0,24}?(?:得更?|更为|更加|更))"
                              r"(" + _alternatives(COMPARATIVE_END) + r")(?:一些|一点|些)?(?=$|[？?。！!，,；;])")
# Of plans named, is one more so: "和珠海的14.5%比，是云浮更严吗", "江门是不是更高" (asked of two or more plans).
MORE_QUESTION = re.compile(r"更(?:为|加)?(" + _alternatives(COMPARATIVE_END) + r")(?:一些|一点|些)?(?:吗|么|嘛|呢|？|\?|$)")
_HIGH_OR_LOW = r"[高多大]还是[低少小]|[低少小]还是[高多大]"  # "比云浮高还是低": which of them is higher
# Asks how one plan's figure stands beside another's without a comparative: "比云浮高还是低", "和珠海比呢",
# "跟省里比怎么样".
SET_BESIDE = re.compile(rf"{_HIGH_OR_LOW}|"
                        r"(?:跟|和|与|同)[^，,。？?]{1,8}?(?:相?比|比较|对比)(?:一下|起来)?(?:呢|怎么样|如何)?\W*$")
RANK_WORDS = re.compile(r"(?:排|位列|位居|位于|居|列|处于|处在)(?:名)?(?:在)?第几|第几名|排名(?:怎样|如何|情况)?")
# Asks for the plans in order ("从高到低排一下", "孰高孰低"): a ranking led by its first, as 最高/最低 is.
ORDER_WORDS = {"high": re.compile(rf"[从由]高到低|[从由]大到小|[从由]多到少|降序|[谁孰][高多大][谁孰][低少小]|{_HIGH_OR_LOW}"),
               "low": re.compile(r"[从由]低到高|[从由]小到大|[从由]少到多|升序")}
# Measured against the province's plan: "高于全省", "领先于全省", "比省里高多少", "与全省相比", "相对于省级基准".
# The province is named by its own names (RegionCatalog); these are the words in front of, and after, its name:
# a word that says the side (ABOVE_WORDS, BELOW_WORDS; "达到全省水平" counts the plans level with it too), or one
# that only compares (比, 相对于), the side then said after the name ("…高出多少").
ABOVE_WORDS = ("高于", "超过了", "超过", "超出", "高出", "多于", "大于", "领先于", "领先", "优于", "强于", "好于", "严于",
               "胜过", "跑赢", "高过", "不低于", "不少于", "达到")
BELOW_WORDS = ("低于", "不及", "不如", "达不到", "未达到", "没达到", "少于", "小于", "落后于", "落后", "逊于", "弱于",
               "宽于", "松于", "跑输", "低过", "不高于", "不超过")
# In front of the plan whose figure another's is a share of: "佛山占全省目标的比重", "相当于省级目标的百分之几".
SHARE_OF = ("相当于", "占")
COMPARING_WORDS = ("相对于", "相较于", "相比于", "相比", "较之", "对比", "对照", "参照", "距离", "相距", "比", "较",
                   *SHARE_OF)
REFERENCE_BEFORE = re.compile("(" + _alternatives(ABOVE_WORDS + BELOW_WORDS + COMPARING_WORDS) + ")了?$")
# "与全省相比", "以省级目标为基准": a reference only with 相比 (为基准, 之间的差距) after the name
REFERENCE_JOINED = re.compile(r"(?:与|和|跟|同|以)$")
REFERENCE_AFTER = re.compile(r"^(?:[\u4e00-\u9fff]|[\d.]+[%％]?){0,4}?(?:相比|比较|对比|(?<!占)比(?![重例])|"  # 跟省里59%比
                             r"为(?:基准|参照|标准|参考|基数)|(?:之间)?的?(?:差距|差额|差值|差异|偏差|偏离|相差|差(?=了?(?:多少|几))))")
# The province's target named without the province's name: "高于省级目标", "省定水平", "省级基准".
PROVINCE_TARGET = re.compile(r"省级(?:目标|水平|要求|指标|方案|基准|标准)|省定(?:目标|水平|指标)?")
# The province's figure pointed back at after it was named: "全省的目标是30%，哪些市高出这个标准", "比它还高".
REFERENCE_POINTER = re.compile("(" + _alternatives(ABOVE_WORDS + BELOW_WORDS + COMPARING_WORDS)
                               + r")了?(?:它|这个|这一|这|此|该)(?:标准|水平|目标|数值|数|值|要求)?")
# Said to match the plan named before it: "和省里一样的目标", "与全省一致".
SAME_AS = re.compile(r"[\u4e00-\u9fff]{0,4}?(?:一样|一致|相同|持平)")
# The province's cities as a scope, not the province as a plan: "全省各市", "广东各地级市".
PROVINCE_CITIES = re.compile(r"(?:内|的)?(?:各|所有|全部)(?:个)?(?:地级)?(?:市|城市)")
# Cut from the indicator's words; 比 and 较 alone stay (占比, 比重, 较大).
SIDE_WORDS = re.compile(_alternatives(ABOVE_WORDS + BELOW_WORDS + tuple(w for w in COMPARING_WORDS if len(w) > 1)))
# The side a comparison asks about, said after the names (the last such word): "比省里高多少" / "比全省低多少" /
# "与省级目标相比，江门的高技术制造业比重落后多少" (not 降低, 提高, nor the question's 多少, 多大).
HIGHER_OR_LOWER = re.compile(r"(?<![降减提升增扩])(?:(高|多(?![少大高])|(?<!多)大|超|领先|优|强|严)|"
                             r"(低|(?<!多)少|小|落后|不及|不如|逊|弱|松))")
# How far apart two targets are: "相差多少", "差几个百分点", "高多少", "多多少", "差距有多大", "相差几何",
# "领先江门多少" (not 降低多少, 提高多少).
_HOW_MUCH = r"(?:多少|几何|多大|几)"
DIFFERENCE_WORDS = re.compile(rf"相差|差(?:了|距|异)?(?:有|为|是)?{_HOW_MUCH}|差距|差额|差值|之差|偏差|偏离|极差|"
                              rf"(?<![降减提升增扩])(?:高|低|多|少|大|小)(?:出|了)?{_HOW_MUCH}|"
                              rf"(?:领先|落后|超出|超过|高出|多出)[^，,。？?；;]{{0,8}}?{_HOW_MUCH}|"
                              rf"(?:多|少)(?:降|减|提|升|增)了?{_HOW_MUCH}")  # "多降几个点": how much more it cuts
# A figure the targets must reach: "不低于40%的市", "在20%及以上的", "达到40%以上的", "达到或超过45%的",
# "超过300万千瓦的，…有哪些" (group 1: comparator, 2: number, 3: unit, 4: the words after it); also ending a
# question that asks which ("哪个达到40%及以上", group 5 the end), or ending it ("不足20%的", "有没有超过60%的"). A
# comparator or 以上/以下 is needed: "30%的" alone states a value, and so does "达到40%的目标" (its plans are
# counted). The comparators by what they mean, in everyday words too (过40%, 能到45%, 没到20%):
AT_LEAST = ("达到或超过", "达到或高于", "大于或等于", "大于等于", "不低于", "不少于", "不小于", "至少", "达到", "能到",
            "达", "在", "为")
MORE_THAN = ("高于", "超过", "大于", "多于", "超出", "突破", "高过", "超", "过")
AT_MOST = ("不高于", "不超过", "不大于", "不多于", "至多", "小于或等于", "小于等于", "没超过", "没有超过")
LESS_THAN = ("低于", "少于", "小于", "不到", "不足", "未达到", "未满", "不及", "没到", "没达到", "没有达到", "达不到",
             "不够")
COMPARED_WITH = "比"  # "比60%还高的", "比20%还低的": the side said after the figure
THRESHOLD = re.compile("(" + _alternatives(AT_LEAST + MORE_THAN + AT_MOST + LESS_THAN + (COMPARED_WITH,)) + r")?\s*"
                       r"(\d+(?:\.\d+)?)\s*(" + TARGET_UNIT.pattern + r")?\s*(及以上|以上|及以下|以下|以内|"
                       r"(?:还要?|更|要)?[高多大低少小])?"
                       r"(?:的(?!目标|要求|指标|[这那])(?=[^。？?]*?(?:市|方案|城市|是|有|哪)|呢?[？?。]?$)|([？?。]?$))")
# Which plans state a target: "哪些方案提出了…", "是哪几个市的方案提的", "有具体目标的方案有哪些".
# In office shorthand the plans go unnamed: "谁给了…目标", "哪些给了比例", "哪几个方案提了", "给了具体数的
# …有哪些", "给了量化目标的是哪几家".
# The verbs by which a plan states a target, asked of the plans ("写进去了", "纳入了", "照搬了", "跟进了").
_STATED = (r"(?:(?:给出|提出|提到|提及|写明|写出|写进|写入|设定|设置|制定|规定|确定|明确|列出|列入|纳入|涉及|采用|沿用|"
           r"照搬|跟进)(?:了|进去了?)?|(?:给|提|写|设|定|明确|跟)了)")
# Asked the other way round: the plans that do not state it ("四个市里哪个没写", "谁没给", "未就…设定目标").
NOT_STATED = re.compile(r"(?:没有?|未|不曾)(?:就[^，,。？?]{1,12}?)?(?:给出?|提出?|提到|提及|写明?|设定?|定|明确|列出?)")
_PLAN_NOUN = r"(?:地级)?(?:方案|市|城市|地市|地方|份)"  # 哪几份, 几份方案
COVERAGE_WORDS = re.compile(rf"(?:哪些|哪几[个份]?|有哪些){_PLAN_NOUN}|"
                            r"(?:方案|市|城市|地方)(?:有|是)哪些|是哪几[个份]?(?:方案|市|城市|地方)|"
                            rf"(?:哪些|哪几[个家份]?|哪一?个|谁){_PLAN_NOUN}?还?都?"
                            rf"(?:{_STATED}|{NOT_STATED.pattern})|(?:见于|出现在|写进了?)(?:哪些|哪几)|"
                            rf"{_STATED}[^，,。？?]{{0,10}}的[^？?。]{{0,16}}(?:有哪些|是哪[些几]|哪几[家份个])")
# The plans asked for after what they state: "给了…具体数的有几家", "提出…目标的市有哪些"; cut before the
# indicator's words are read (the coverage and count phrases around them would take them along).
_IN_ALL = r"(?:一共|总共|共计|共)?(?:有|是)?"  # "…的城市一共多少个", "方案共有几份"
PLANS_ASKED_AFTER = re.compile(rf"的(?:地级)?(?:方案|市|城市|地市|地方)?{_IN_ALL}"
                               rf"(?:(?:几|多少)[个家份座]|哪些|哪几[个家份]?)")
# Plans left out of those asked about: "除省方案外", "除了省里还有哪个城市", "除广东省以外", "不算省里，"
# (group 1 names them).
EXCEPT = re.compile(r"(?:除(?:了|去)?|不算|不含|不包括|撇开|抛开)([^，,。？?；;]{1,8}?)(?:以外|之外|外|，|,|还|都|(?=有))")
# The province's plan named in shorthand: "省方案", "省里", "全省".
PROVINCE_SHORTHAND = re.compile(r"(?:全省|省)(?:里|的|级)?(?:方案|目标)?")
# How many plans state it: "几个市给了…", "多少市写了", "几座城市", "五个方案里有几个提了"; the plans counted by
# their measure word alone, with what they state ("几家给了", "给了数的有几家": not 几家企业, 又是多少家), or
# unnamed: "几个有这条", "几个给了数", "给了具体百分比的有几个", "给了降幅的城市几个", "有目标的有几个"; or all of
# them ("四个市都给了数吗", "是不是每个市都定了").
_HOW_MANY = r"(?:几|多少)[个家份座]"
_STATES_IT = r"(?:都|也|还)?(?:有|给|写|提(?![升高])|设(?![施备计])|定|明确|列|纳入|采用|沿用|照搬|跟)"
PLAN_COUNT_WORDS = re.compile(rf"(?<!哪)(?:几|多少)[个座份家]?(?:地级)?(?:市|城市|方案|地市|地方|文件)|(?<!哪)(?:几|多少)份|"
                              rf"(?:方案|城市|(?<=的)(?:地级)?市){_IN_ALL}{_HOW_MANY}|(?:方案|城市|(?<=的)(?:地级)?市)的?(?:数量|数目|个数)|"
                              rf"有{_HOW_MANY}(?=[^，,。？?]{{0,3}}(?:提|写|给|有|明确|设|定|纳|列|采|沿|照|跟))|"
                              rf"(?<![哪那这]){_HOW_MANY}{_STATES_IT}|"
                              # asked yes or no of them all: "四个市都给了数吗", "是不是每个方案都有"
                              rf"(?:每一?个|各个?|所有|全部)(?:地级)?(?:市|城市|方案|地市)?都(?={_STATES_IT})|"
                              rf"都(?:有|给|写|提|设|定|明确|列|纳入)(?=[^，,。？?]{{0,12}}?(?:吗|么|嘛|没有?)\W*$)|"
                              rf"(?:{_STATED}|有)[^，,。？?]{{0,10}}的(?:方案|市|城市|地市|地方)?{_IN_ALL}{_HOW_MANY}")
# The measure word a question counts plans with ("有几份给了", "几家定了"): the answer counts with it.
PLAN_MEASURE_WORD = re.compile(r"(?<!哪)(?:几|多少)([个家份座])")
# The plans a question spans when it names none: cities only when it asks about 市 ("哪个市", "几个市",
# "各地级市", "地级市里", "城市中有几个"), every plan otherwise ("哪个方案", "五个方案").
CITY_SCOPE = re.compile(r"(?:(?:哪一?[个座]|哪些|哪几[个座]?|(?:几|多少)[个座]?|各个?|每一?个|[两二三四五六七八九十2-9]个?|的)"
                        r"(?:地级)?|地级)(?:市|城市|地市)(?![场民区政])|"
                        r"(?:城市|地市)(?=中|里|当中)(?=\w{0,2}有?(?:几|多少|哪|谁))")
PLAN_SCOPE = re.compile(r"[两二三四五六七八九十几2-9][个份](?:地级)?(?:碳达峰)?(?:实施)?(?:市|城市|方案|地市)|"
                        r"(?:各|每一?个|所有|全部)(?:地级)?(?:市|城市|方案|地市)")
# A year written with two digits ("25年的目标"), read as 20xx.
SHORT_YEAR = re.compile(r"(?<![\d.])([2-5]\d)\s*年(?!代|来|间|内)")
# Words of an analytical question that are not the indicator's name: what is compared and how.
ANALYSIS_NOISE = re.compile(rf"(?:下降|降低|提高|提升|增长|减少)(?:幅度|率)|(?:多少|几)?个?百分点|(?:多少|几)?个点|目标值?|定得?|[降升提增减]得|设定|设的|具体|量化|"
                            r"数字|数值|幅度|降幅|增幅|水平|这一?项|这一?条|这个|规划得?的?|比一比|给了|给出了?|写了|"
                            rf"有提|提的|{_STATED}|有没有|谁家?|哪一?[家座]|一共|总共|共计|的是|一下|是?[高多大]还是[低少小]|都?[这那][么样]写|呢|吗|关于|对于|"
                            # the frame around the indicator ("就…而言", "在…方面"), the province ("全省基准"), the
                            # comparison ("和省里一样")
                            r"而言|来说|方面|基准|一样|一致|相同|持平")
# Per-plan questions ("分别是多少") list figures; they do not ask how far apart the plans are.
EACH_PLAN = re.compile(r"分别|各自|各是|各为")
# A figure a question quotes: "降8%以上" (group 1: the number, 2: its unit).
QUOTED_FIGURE = re.compile(r"(\d+(?:\.\d+)?)\s*(" + TARGET_UNIT.pattern + ")")
# The same with the words around it that make it a target ("力争达到32%以上", "降8%"): not part of the indicator's
# name. Questions shorten a direction to one character ("降8%", "提到90%").
SHORT_DIRECTIONS = ("提到", "降", "减", "升", "增", "提")
QUOTED_TARGET = re.compile("(?:" + "|".join(PRE_QUALIFIERS + COMPARATIVES + SHORT_DIRECTIONS) + r")*\s*"
                           r"\d+(?:\.\d+)?\s*(?:" + TARGET_UNIT.pattern + ")(?:" + "|".join(POST_QUALIFIERS) + ")*")
# Question words left once the analytical phrases are cut out of a question ("…到2030年的", "几个", "哪").
QUESTION_LEFTOVERS = re.compile(r"(?:期间|时期|[到至在]年?)(?=\s|$)|几个?|多少|哪个|哪")
# Where the indicator's words break, and the particles left at their edges. A demonstrative breaks them
# too: "路灯这些LED节能灯具", "需求响应那块", "循环利用那个（…）".
SUBJECT_BREAKS = re.compile(r"(?:[\s，,。？?！!；;、：:（）()“”\"《》]|[这那](?:些|个|块|类))+")
SUBJECT_EDGES = re.compile(r"^[的了都里中是有在到与和跟同给及或并且要将对按]+|"
                           r"[的了都里中是有在到与和跟同给及或并且要将对按上]+$")  # "在…占比上"
# A direction word ends the indicator's words ("单位GDP能耗下降目标"); inside them it is part of the name
# (增加值).
TRAILING_DIRECTION = re.compile("(?:" + "|".join(sorted(COMPARATIVES, key=len, reverse=True)) + ")+$")
# A verb of change opening them asks about the indicator it changes ("降能耗最积极的", "提高森林覆盖率"); not 增加值.
LEADING_DIRECTION = re.compile(r"^(?:降低|压降|压减|降|减少|减|提高|提升|增加(?!值))(?=\w{2})")
# Terms staff use for a whole indicator that share no words with the plans' name for it: the plans
# write 单位地区生产总值能耗 for 能耗强度 (energy intensity).
INDICATOR_TERMS = {
    "能耗强度": "单位地区生产总值能源消耗",
    "能耗降幅": "单位地区生产总值能源消耗",
    "能源消耗强度": "单位地区生产总值能源消耗",
    "碳排放强度": "单位地区生产总值二氧化碳排放",
    "碳强度": "单位地区生产总值二氧化碳排放",
}
# Words that, as the whole of a question's words for the indicator, mean the headline indicator every plan sets:
# staff say 能耗 ("哪个市能耗降得最多") or 节能目标 for energy intensity, not for 公共机构人均综合能源消耗 which
# also spells 能耗 (matched written out: 能源消耗).
HEADLINE_TERMS = {
    "能源消耗": "单位地区生产总值能源消耗",
    "节能": "单位地区生产总值能源消耗",
    "节能降耗": "单位地区生产总值能源消耗",
    "碳排放": "单位地区生产总值二氧化碳排放",
    "二氧化碳排放": "单位地区生产总值二氧化碳排放",
}
# A term opening a word (not 公共机构人均能耗降幅), kept whole before the comparison's words (降幅) are cut out.
INDICATOR_TERM = re.compile("(?<![\u4e00-\u9fffA-Za-z])(?:"
                            + "|".join(sorted(INDICATOR_TERMS, key=len, reverse=True)) + ")")
# Office shorthand for plans and figures, spelled out before a question is read (retriever/frame.py):
# "省" alone between connectors is the province's plan ("省和珠海…", "比省高", "跟省一致"; not 全省, 节省,
# 省级, 省下达, 省市); a run of at least MIN_HEAD_RUN first characters names one city each (珠佛江云); a city's
# first character alone names it between SHORTHAND_BEFORE and CITY_SHORTHAND_AFTER ("江 氢能 谁牵头", "那云呢"),
# or joined to another's by PAIRING after any word ("再生水利用率江和云谁高"), where retriever/regions.py finds
# it meant (not 长江, 江水, "5G、云、大数据").
SHORTHAND_BEFORE = r"\s，,、+＋（(：:和与及跟同比较于照那"
SHORTHAND_AFTER = r"\s，,、+＋）)？?和与及跟同比的高低多少一致相定目要水"
SHORT_PROVINCE = re.compile(rf"(?<![^{SHORTHAND_BEFORE}])省(?=$|[{SHORTHAND_AFTER}])")
CITY_SHORTHAND_AFTER = r"\s，,、+＋）)？?和与及跟同比的高低多少呢哪谁两几差市\d"
PAIRING = "[和与跟比、及同]"
MIN_HEAD_RUN = 3
# 四成 = 40%, 过半 = 超过50%, 1000万方 = 1000万立方米, 每万平方米300吨 = 300吨/万平方米.
FIGURE_SHORTHAND = (
    (re.compile(r"(?:(?<=[占达到约为近超过有是在于])|(?=.成及?以[上下]))([一两二三四五六七八九])成(?![为果功立效长本员就绩不])"),
     lambda m: f"{CN_DIGITS.get(m.group(1), 2)}0%"),  # 两成 = 20%
    (re.compile(r"(?<!超)过半(?!数)|超过一半"), lambda m: "超过50%"),
    (re.compile(r"一半(?=及?以上)|(?<=[达到占于])一半"), lambda m: "50%"),  # 一半以上, 达到一半
    (re.compile(r"(?<=\d)([万亿])方(?![面案向式法针])"), lambda m: f"{m.group(1)}立方米"),
    # a rate said per denominator first: 每万平方米300吨 -> 300吨/万平方米, as the plans write it
    (re.compile(r"每((?:万|亿)?(?:平方公里|平方米|人|年))\s*(\d+(?:\.\d+)?)\s*((?:万|亿)?(?:吨|千克|千瓦时|立方米|元))"),
     lambda m: f"{m.group(2)}{m.group(3)}/{m.group(1)}"),
)


def figures_spelled_out(question: str) -> str:
    """The question with its shorthand figures written as the plans write them (四成 -> 40%)."""
    for pattern, written in FIGURE_SHORTHAND:
        question = pattern.sub(written, question)
    return question


# English words in a Chinese question ("谁的目标最 ambitious", "高于省级 benchmark", "high-tech manufacturing
# 占比"), written as the plans and the question grammar write them. Abbreviations the plans use themselves
# (GDP, LED) stay as they are.
ENGLISH_TERMS = {
    # the comparison
    "ambitious": "激进", "aggressive": "激进", "stringent": "严格", "strict": "严格", "conservative": "保守",
    "lenient": "宽松", "benchmark": "基准", "baseline": "基准", "gap": "差距", "ranking": "排名", "rank": "排名",
    "highest": "最高", "lowest": "最低", "target": "目标", "targets": "目标", "provincial": "省级",
    "share": "占比", "proportion": "比例", "ratio": "比例",
    # the indicators
    "high-tech manufacturing": "高技术制造业", "advanced manufacturing": "先进制造业",
    "forest coverage": "森林覆盖率", "forest stock": "森林蓄积量", "energy intensity": "能耗强度",
    "carbon intensity": "碳排放强度", "non-fossil energy": "非化石能源", "non-fossil": "非化石能源",
    "renewable energy": "可再生能源", "renewables": "可再生能源", "photovoltaic": "光伏", "solar": "光伏", "PV": "光伏",
    "wind power": "风电", "energy storage": "储能", "installed capacity": "装机容量", "green building": "绿色建筑",
    "green buildings": "绿色建筑", "star-rated": "星级", "prefabricated building": "装配式建筑",
    "electric vehicles": "电动汽车", "electric vehicle": "电动汽车", "EV": "电动汽车", "public institutions": "公共机构",
    "per capita": "人均", "green travel": "绿色出行", "natural gas": "天然气", "hydrogen": "氢能",
    "solid waste": "固体废物", "household waste": "生活垃圾", "domestic waste": "生活垃圾", "wetland": "湿地",
    "demand response": "需求响应",
}
# A term as a whole word, any case, its words joined by spaces or hyphens; the spaces around it go too
# ("最 ambitious" -> 最激进).
ENGLISH_TERM = re.compile(r"\s*(?<![A-Za-z])(" + "|".join(
    r"[\s-]+".join(map(re.escape, re.split(r"[\s-]+", term))) for term in sorted(ENGLISH_TERMS, key=len, reverse=True))
    + r")(?![A-Za-z])\s*", re.IGNORECASE)
_ENGLISH_KEYS = {re.sub(r"[\s-]+", " ", term.lower()): written for term, written in ENGLISH_TERMS.items()}


def english_spelled_out(question: str) -> str:
    """The question with its English terms in Chinese ("省级 benchmark" -> 省级基准)."""
    return ENGLISH_TERM.sub(lambda m: _ENGLISH_KEYS[re.sub(r"[\s-]+", " ", m.group(1).lower())], question)


# Colloquial and dialect question words in their standard form, so that every question pattern reads them
# ("啥时候印发的" asks as "什么时候印发的", "咋整" as "怎么整", Cantonese "有冇" as "有没有", "揾边个部门" as
# "找哪个部门"). Questions arrive here in simplified characters (matching_form), so the words are simplified
# (邊個 is 边个, 甚麼 甚么; the character table simplifies 嗰 to 𠮶). Cantonese's grammatical words (question words,
# negation, pronouns, particles) are a closed class that written Mandarin never uses. Only words that are never
# part of an ordinary word (not 点样 in 试点样板, 么子 in 什么子项, 系 in 体系); 边个 and 边度 only where 边 is not
# the end of a place word (周边个别), 点解 (why) only where 解 begins no word (重点解决, 要点解读, 难点解析;
# Cantonese 点解决 is "how to solve"); 呢 (this) only opening a clause before a word ("呢项由边个部门牵头"): the
# Mandarin particle 呢 ends one.
COLLOQUIAL_QUESTION_WORDS = {"甚么": "什么", "啥子": "什么", "啥": "什么", "咋样": "怎么样", "咋": "怎么", "有冇": "有没有",
                             "系唔系": "是不是", "几时": "什么时候", "系咩": "是什么", "乜嘢": "什么", "做乜": "为什么",
                             "点解": "为什么", "咩": "什么", "乜": "什么", "边个": "哪个", "边度": "哪里", "几多": "多少",
                             "几耐": "多久", "唔": "不", "冇": "没有", "嘅": "的", "𠮶": "那", "揾": "找", "佢": "他",
                             "睇": "看", "喺": "在", "咗": "了", "呢个": "这个", "呢份": "这份", "呢啲": "这些", "啲": "些",
                             "畀": "给", "俾": "给", "呢": "这"}
_PLACE_END = "(?<![周旁两身海路岸江河湖东南西北左右里外这那])"
_JIE_WORD = "(?![决读析答释除放锁码冻困])"
# What may not stand before and after a colloquial word for it to be one: (before, after).
_GUARDS = {"边个": (_PLACE_END, ""), "边度": (_PLACE_END, ""), "点解": ("", _JIE_WORD),
           "呢": (r"(?<![^\s，,。？?！!；;：:])", "(?=[\u4e00-\u9fff])")}
_COLLOQUIAL = re.compile("|".join(
    before + re.escape(word) + after
    for word in sorted(COLLOQUIAL_QUESTION_WORDS, key=len, reverse=True)
    for before, after in [_GUARDS.get(word, ("", ""))]))


def standard_question_words(question: str) -> str:
    """The question with its colloquial question words in standard form (啥 -> 什么)."""
    return _COLLOQUIAL.sub(lambda m: COLLOQUIAL_QUESTION_WORDS[m.group()], question)


# Kinds of a broader kind, for telling a differently defined indicator (风电和光伏发电装机容量 is part of
# 可再生能源发电装机容量): shown beside the asked one, never compared with it.
BROADER_TERMS = {"风电": "可再生能源", "光伏": "可再生能源", "生物质": "可再生能源", "水电": "可再生能源",
                 "海上风电": "可再生能源"}
_KINDS = "|".join(sorted(BROADER_TERMS, key=len, reverse=True))
NARROWER_TERM = re.compile(_KINDS)
NARROWER_TERMS = re.compile(f"(?:{_KINDS})(?:[和、及与](?:{_KINDS}))*")  # one kind or a list: 风电和光伏
# Magnitudes in front of a unit: 0.31亿立方米 = 3100万立方米.
MAGNITUDES = {"万": 10_000, "亿": 100_000_000}
# Directions that set a ceiling: for these a smaller figure is the stricter target (不高于300吨/万平方米).
CEILINGS = ("不高于", "不超过", "不多于", "低于", "控制在", "下降到", "下降至", "降低到", "降低至", "降到",
            "降至")
CEILING_QUALIFIERS = ("以内", "以下")
# Directions that state a change from a base year (比2020年下降14.5%), not a level (达到35%).
CHANGES = ("下降", "降低", "减少", "提高", "提升", "增长", "增加")
# Qualifiers that make a figure approximate (约200万千瓦, 59%左右) or aspirational (力争).
APPROXIMATE = ("约", "左右")
ASPIRATIONAL = ("力争",)
