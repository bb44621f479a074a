"""Multi-turn questions without an LLM: a follow-up read against the questions before it.

The follow-up keeps what it says and takes from the previous question what it leaves out, by how it
refers back (the cues come from the questions' frames, retriever/frame.py):
- compares the previous question's plan with another without naming what ("那跟佛山比谁定得高", "跟江门差
  几个点", "比云浮高还是低"): the previous question without its asking words, then the comparison (of the
  plans it names alone when it names two: "那云浮比珠海高多少");
- names only places and/or years, or a place and nothing but asking words ("那佛山呢？", "2030年呢？",
  "省里定的多少"): the previous question with those swapped in;
- leads with a place or year alone ("那佛山呢，谁牵头"): the previous question there, then the rest; when the
  rest names a topic of its own ("那江门呢，绿色低碳产品有补贴吗"), the rest alone, asked there;
- asks for another position ("第二个呢", "第三条里面有没有……") after a question on a plan's parts: of the
  same list;
- stands a word for the previous topic (这个/这块/它/下面/其中: "这块工作谁负责", "云浮有没有定这个数"), or
  asks with no topic of its own ("谁牵头", "具体数字是多少", "哪个市最高"): that topic in front, without
  the figure and year it asked unless the follow-up asks a figure or names other plans;
- names no place and does not ask across plans ("哪天印发的", "那交通领域呢？"): the previous plans in front
  (and its years when it points back with 那/呢 and names none); "……呢" with no asking words of its own
  takes the previous question's ("组织实施部分呢" after "……有几个保障措施");
- compares without naming what after an analytical question across plans ("哪个市最高"): that indicator,
  for the plans it names ("那佛山比省级基准高多少") or the earlier conclusion ("它比省里高多少").
A question naming its own place and topic, or asking across plans (哪些城市, 各市), stands alone. The
previous question is rewritten as it was asked, its years spelled out (25年 -> 2025年). Earlier turns are
resolved in order first, so a chain of follow-ups keeps its topic.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from carbonqa.indicators.models import AnalysisOperation
from carbonqa.ingest.time_expressions import spelled_out, without_times
from carbonqa.ingest.vocabulary import (AGENCY_QUESTION, ALL_PLANS, ASKING_TAIL, ASKING_WORD, ASKS_EACH, FIGURE_NOUNS,
                                        LEADING_POINTER, NOTICE_QUESTIONS, POINTS_BACK, PREVIOUS_ANSWER, QUESTION_WORD,
                                        UNITS_ASKED, WHEN_WORDS, YEAR_MENTION)
from carbonqa.retriever.models import QuestionFrame
from carbonqa.retriever.regions import RegionCatalog

# Two mentions joined by a connector form one run, replaced as a whole ("珠海和佛山" -> "江门市").
SLOT = "\0"
SLOT_RUN = re.compile(f"{SLOT}(?:[和与及、，,]*{SLOT})*")
# What a question asks, as opposed to what it asks about: who, the notice, when, the question word; what
# follows the question word stays ("什么时候全部换成新能源").
ASKING_PARTS = (AGENCY_QUESTION, UNITS_ASKED, *NOTICE_QUESTIONS.values(), WHEN_WORDS, ASKING_WORD)
SUBJECT_END = "的是由为，,。？?！! "
CLAUSE_BREAK = re.compile("[，,]")


# The plans an earlier analytical question concluded with ("哪个市最高" -> its highest), for "它比省里高多少".
Concluded = Callable[[QuestionFrame], list[str]]


def resolve_history(history: Sequence[str], read: Callable[[str], QuestionFrame],
                    catalog: RegionCatalog, concluded: Concluded | None = None) -> QuestionFrame | None:
    """The frame of the last earlier question, each resolved against the one before (oldest first;
    blank turns skipped); None without history."""
    previous = None
    for turn in history:
        if turn.strip():
            frame = read(turn)
            resolved = resolve_followup(frame, previous, catalog, read, concluded)
            previous = frame if resolved is None else read(resolved)
    return previous


def read_in_context(question: str, history: Sequence[str], read: Callable[[str], QuestionFrame],
                    catalog: RegionCatalog, read_turn: Callable[[str], QuestionFrame] | None = None,
                    concluded: Concluded | None = None) -> tuple[QuestionFrame, str]:
    """The question's frame resolved against the earlier turns (each read by `read_turn`, by default `read`),
    and the question as understood: the rewritten follow-up, or the question itself. `concluded` gives an
    earlier analytical question's conclusion, which a follow-up may point at ("它")."""
    previous = resolve_history(history, read_turn or read, catalog, concluded)
    frame = read(question)
    understood = resolve_followup(frame, previous, catalog, read, concluded)
    return (frame, question) if understood is None else (read(understood), understood)


def resolve_followup(frame: QuestionFrame, previous: QuestionFrame | None, catalog: RegionCatalog,
                     read: Callable[[str], QuestionFrame], concluded: Concluded | None = None) -> str | None:
    """The question of `frame` as a standalone question, after the (resolved) `previous` one; None
    when it stands alone as asked. `read` reads a clause of it (a leading "那佛山呢，")."""
    if previous is None:
        return None
    if previous.analysis is not None and not frame.places_named:
        again = _analysed_again(frame, previous, catalog)
        if again:
            return again
    if frame.compares_unnamed and previous.analysis is not None and not previous.places_named:
        return _after_analysis(frame, previous, catalog, concluded)
    places, years = frame.places_named, frame.years_mentioned
    if frame.compares_unnamed and previous.places_named and set(places) - set(previous.places_named):
        topic = _subject(previous)
        if len(places) > 1:  # "那云浮比珠海高多少": the plans compared are these, not the previous one
            topic = _swap(topic, catalog.names_of(previous.places_named), "")
        return f"{topic}，{LEADING_POINTER.sub('', frame.asked)}"
    if (places or years) and (frame.only_place_or_year or (places and not frame.terms)):
        return _same_question(previous, places, years, catalog)
    first, *rest = CLAUSE_BREAK.split(frame.asked, maxsplit=1)
    if rest and rest[0].strip() and (places or years):  # "那佛山呢，谁牵头": the question there, then the rest
        lead = read(first)
        if lead.only_place_or_year and (lead.places_named or lead.years_mentioned):
            tail = read(rest[0])
            if tail.own_topic and not tail.refers_back:  # "那江门呢，绿色低碳产品有补贴吗": a question of its own there
                return "、".join(lead.places_named) + "".join(lead.years_mentioned) + rest[0]
            same = _same_question(previous, lead.places_named, lead.years_mentioned, catalog)
            return f"{same.rstrip('？?。！! ')}，{rest[0]}"
    if frame.ordinal and previous.wants_structure and not places and (
            not (years or frame.terms) or not previous.ordinal_words):
        return _another_position(frame, previous)
    across = frame.analysis is not None or frame.regions.all_regions
    if frame.refers_back or not frame.own_topic:
        if places or across:  # "云浮有没有定这个数", "哪个市最高": the previous question's subject, of these plans
            topic = _swap(_subject(previous), catalog.names_of(_replaced(previous, places, catalog)), "、".join(places))
        elif frame.wants_figure and not years:  # "具体数字是多少": the figure asked before
            topic = _subject(previous)
        else:  # "这块工作谁负责", "这个是在哪个行动里提的": another facet of what it was about
            topic = _referent(previous)
        return f"{topic}，{LEADING_POINTER.sub('', frame.asked)}"
    before = previous.places_named
    if not places and before and not across:  # another question on the same plan: "哪天印发的", "储能呢"
        own_years = years or not frame.points_back
        targets = [y for y in previous.years_mentioned if int(y[:4]) != previous.base_year]  # not 比2020年
        context = "、".join(before) + ("" if own_years else "".join(targets))
        return context + _asked_like_before(LEADING_POINTER.sub("", spelled_out(frame.asked)), previous)
    return None


def _asked_like_before(text: str, previous: QuestionFrame) -> str:
    """"组织实施部分呢" after "……有几个保障措施" asks that of it: a follow-up ending in 呢 with no asking words of
    its own takes the previous question's ("组织实施部分有几个保障措施")."""
    bare = POINTS_BACK.sub("", text)
    asking = ASKING_TAIL.search(spelled_out(previous.asked))
    if bare == text or QUESTION_WORD.search(bare) or asking is None:
        return text
    return bare + asking.group()


def _same_question(previous: QuestionFrame, places: list[str], years: list[str], catalog: RegionCatalog) -> str:
    """The previous question asked again of other places and/or years; one place after asking which of several
    plans is highest or lowest joins them ("那云呢" after "江和珠哪个高": the three compared)."""
    # "那30年呢" after "25年…" swaps 2025年 for 2030年, "那云和江呢" after "珠和江…" 珠海 and 江门
    text = catalog.spelled_out(spelled_out(previous.asked))
    if places:
        if previous.regions.all_regions:  # "珠海呢" after "各市……分别是多少": that plan, not every plan
            text = ALL_PLANS.sub("", text)
        if previous.analysis is not None and previous.analysis.operation is AnalysisOperation.superlative \
                and len(places) < 2 <= len(previous.places_named):
            places = list(dict.fromkeys([*previous.places_named, *places]))
        text = _swap(text, catalog.names_of(_replaced(previous, places, catalog)), "、".join(places))
    if years:
        text = _swap_years(text, "、".join(years))
    return text


def _replaced(previous: QuestionFrame, places: list[str], catalog: RegionCatalog) -> list[str]:
    """The previous question's places that the follow-up's take the place of: those of their kind, a city for a
    city, so the province a city was measured against stays ("珠海……比省里高几个百分点" -> "那江门呢": 江门……比省里);
    all of them when none is of that kind ("省里定的多少" after a city's question)."""
    kinds = {place in catalog.provinces for place in places}
    return [place for place in previous.places_named if (place in catalog.provinces) in kinds] or previous.places_named


def _subject(previous: QuestionFrame) -> str:
    """What the previous question asked about: its words without the asking ones ("珠海2030年装配式建筑
    比例目标多少" -> "……比例目标", "云浮方案是哪天印发的" -> "云浮方案")."""
    text = spelled_out(previous.asked)
    for asking in ASKING_PARTS:
        text = asking.sub("", text)
    return ASKS_EACH.sub("", text.rstrip(SUBJECT_END)).rstrip(SUBJECT_END)


def _referent(previous: QuestionFrame) -> str:
    """What "这个"/"这块工作" stands for: the previous question's subject without its times and the figure it
    asked ("珠海2030年装配式建筑比例目标多少" -> "珠海装配式建筑目标"): the follow-up asks something else of it."""
    return FIGURE_NOUNS.sub("", without_times(_subject(previous), "")).rstrip(SUBJECT_END)


def _after_analysis(frame: QuestionFrame, previous: QuestionFrame, catalog: RegionCatalog,
                    concluded: Concluded | None) -> str | None:
    """A comparison without its indicator after an analytical question across plans ("2025年星级绿色建筑占比
    哪个市最高？"): asked of that indicator, for the plans it names ("那佛山比省级基准高多少") or else for the
    earlier conclusion ("它比省里高多少", "比全省高几个点" -> 珠海市比…); None when there is no conclusion to point at."""
    asked = LEADING_POINTER.sub("", frame.asked)
    named = ""
    if not set(frame.places_named) - set(catalog.provinces):  # the province alone is what it is measured against
        winners = concluded(previous) if concluded else []
        if not winners:
            return None
        asked, named = PREVIOUS_ANSWER.sub("", asked), "、".join(winners)
    topic = ASKING_TAIL.sub("", spelled_out(previous.asked)).rstrip("，,。？? ")
    return f"{topic}，{named}{asked}"


def _analysed_again(frame: QuestionFrame, previous: QuestionFrame, catalog: RegionCatalog) -> str | None:
    """After an analytical question ("森林覆盖率谁最高"), one asking another computation without its indicator
    ("那最低的呢", "超过60%的有哪些", "有几个市给了数", "高于全省的有哪些") is asked of the previous indicator, years
    and plans; one naming only another indicator ("那森林蓄积量呢") asks the previous computation of it. None
    otherwise, and for a comparison pointing at the previous conclusion ("它比省里高多少": `_after_analysis`)."""
    asked = LEADING_POINTER.sub("", frame.asked)
    if frame.analysis is not None and not frame.analysis.subject:
        if frame.compares_unnamed and frame.analysis.operation is not AnalysisOperation.superlative:
            return None
        return f"{_analysis_topic(previous, catalog)}，{asked}"
    bare = POINTS_BACK.sub("", asked)
    if frame.analysis is None and frame.points_back and not frame.years_mentioned and bare != asked and bare \
            and not QUESTION_WORD.search(bare):
        text = spelled_out(previous.asked)
        said = [piece for piece in previous.analysis.subject.split() if piece in text]
        return text.replace(max(said, key=len), bare, 1) if said else None
    return None


def _analysis_topic(previous: QuestionFrame, catalog: RegionCatalog) -> str:
    """The indicator an analytical question asked about, with its target years and plans: those it named, the
    cities when it asked of them alone ("哪个市最高" -> 各市), else every plan."""
    intent = previous.analysis
    years = "、".join(y for y in previous.years_mentioned if int(y[:4]) != previous.base_year)
    if previous.places_named:
        plans = "、".join(previous.places_named)
    else:
        plans = "" if any(region in catalog.provinces for region in intent.regions) else "各市"
    return f"{plans}{years}{intent.subject}"


def _another_position(frame: QuestionFrame, previous: QuestionFrame) -> str:
    """"第二个呢" / "那第十个是啥" after a question on a plan's parts: that question with this position in place
    of its own ("十五大行动第一个是什么" -> "……第二个是什么"), or asked after it ("保障措施有哪些，第三条讲什么")."""
    asked = LEADING_POINTER.sub("", frame.asked)
    if previous.ordinal_words and previous.ordinal_words in previous.asked:
        return previous.asked.replace(previous.ordinal_words, frame.ordinal_words or "", 1)
    return f"{previous.asked.rstrip('？?。！! ')}，{asked}"


def _swap(text: str, aliases: list[str], replacement: str) -> str:
    """Replace the first run of alias mentions with `replacement` (drop the rest); prefix if none."""
    marked = text
    for alias in aliases:  # longest first, so 珠海市 is taken before 珠海
        marked = marked.replace(alias, SLOT)
    if SLOT not in marked:
        return replacement + text
    return SLOT_RUN.sub(replacement, marked, count=1).replace(SLOT, "")


def _swap_years(text: str, replacement: str) -> str:
    marked = YEAR_MENTION.sub(SLOT, without_times(text, SLOT))
    return _swap(marked, [], replacement) if SLOT in marked else replacement + text
