"""Answer text helpers and rules on hand-made clauses (no model), and extractive answers on the shipped plans
with the real model: paraphrased figure questions, the plans' tables, refusals the plans' wording calls for.
The kinds of answer are tested on the tiny corpus in test_answer_kinds.py."""
from __future__ import annotations

import re
from datetime import date

import pytest

from carbonqa.answer.compose import CitationBook, structure_list
from carbonqa.answer.evidence import SentenceIndex
from carbonqa.answer.kinds.notice import notice_line, read_notice
from carbonqa.answer.models import AnswerRequest
from carbonqa.answer.outline import Outline
from carbonqa.answer.policy import AnswerPolicy
from carbonqa.answer.text import numbers_in, sentence_pieces
from carbonqa.index.tokenizer import Tokenizer
from carbonqa.ingest.sentences import content_sentences, split_sentences
from carbonqa.ingest.models import Chunk, ChunkKind
from carbonqa.ingest.text import squash
from carbonqa.ingest.tree import ClauseTree
from carbonqa.ingest.time_expressions import years_in
from carbonqa.retriever.models import QuestionFrame, RegionQuery, SearchHit


def ask(runtime, question: str):
    """The shipped plans' answer to the question (the session runtime's Answerer)."""
    return runtime.answerer.ask(AnswerRequest(question=question))


def assert_cited(answer, runtime) -> None:
    """Every marker has a citation and every citation a marker; each quote is verbatim from its chunk
    and appears (line breaks aside) in the answer text."""
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers == {c.marker for c in answer.citations}
    for citation in answer.citations:
        chunk = runtime.tree[citation.chunk_id]
        assert citation.quote in chunk.text
        assert citation.quote in citation.clause_text
        assert citation.plan_title == chunk.title and citation.region == chunk.region
        assert squash(citation.quote).rstrip("；。，") in squash(answer.answer)


# ---- text helpers (no model needed) ----------------------------------------------------------

@pytest.mark.unit
def test_sentences_split_on_stops_but_not_inside_brackets_or_quotes():
    text = "科学构筑江门“三山两江一海湾”（三山：天露山脉；两江：西江、潭江）生态保护格局。到2025年，比重达16%；森林覆盖率达70%！"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "科学构筑江门“三山两江一海湾”（三山：天露山脉；两江：西江、潭江）生态保护格局。",
        "到2025年，比重达16%；",
        "森林覆盖率达70%！",
    ]
    assert all(text[s.start:s.end] == s.text for s in sentences)


@pytest.mark.unit
def test_sentence_pieces_keep_trailing_markers_and_join_back_exactly():
    text = "广东省：到2025年达到200万千瓦。[1]\n佛山市：达到50万千瓦。[2][3]另有说明。"
    pieces = sentence_pieces(text)
    assert pieces == ["广东省：到2025年达到200万千瓦。[1]\n", "佛山市：达到50万千瓦。[2][3]", "另有说明。"]
    assert "".join(pieces) == text


@pytest.mark.unit
def test_years_and_numbers_ignore_spacing_and_markers():
    assert years_in("到 2025 年，比 2020年下降") == {2025, 2020}
    assert numbers_in("达到 14.5%[3]，共1,200个") == ["14.5", "1200"]


@pytest.mark.unit
def test_a_sentence_after_a_semicolon_is_about_the_year_before_it():
    text = "（二）主要目标\n到2025年，非化石能源消费比重达到20%；森林覆盖率达到58%。到2030年，比重达到25%。"
    chunk = Chunk(id="t/1.2", doc_id="t", title="测试方案", region="云浮市", level="市", kind=ChunkKind.section,
                  number="（二）", heading="主要目标", text=text, start=0, end=len(text))
    sents = content_sentences(chunk)
    assert [(s.sentence.text, s.years) for s in sents] == [
        ("到2025年，非化石能源消费比重达到20%；", {2025}),
        ("森林覆盖率达到58%。", {2025}),
        ("到2030年，比重达到25%。", {2030}),
    ]


def _chunk(chunk_id: str, text: str, kind: ChunkKind = ChunkKind.section, number: str = "", heading: str = "",
           parent_id: str | None = None) -> Chunk:
    return Chunk(id=chunk_id, doc_id="t", title="测试方案", region="云浮市", level="市", kind=kind, number=number,
                 heading=heading, parent_id=parent_id, text=text, start=0, end=len(text))


@pytest.mark.unit
def test_outline_skips_items_without_words():
    bulleted = _chunk("t/1", "（一）重点领域\n——\n——工业领域。\n——交通领域。", number="（一）", heading="重点领域")
    table = _chunk("t/2", "二、保障措施", kind=ChunkKind.part, number="二、", heading="保障措施")
    rows = [_chunk("t/2.1", "", kind=ChunkKind.table_row, parent_id="t/2"),
            _chunk("t/2.2", "（一）加强组织领导。", number="（一）", heading="加强组织领导", parent_id="t/2"),
            _chunk("t/2.3", "（二）强化政策支持。", number="（二）", heading="强化政策支持", parent_id="t/2")]
    outline = Outline(ClauseTree([bulleted, table, *rows]))
    assert outline.items(bulleted) == ["工业领域", "交通领域"]
    assert outline.items(table) == ["（一）加强组织领导", "（二）强化政策支持"]
    assert [s.id for s in outline.sections] == ["t/1", "t/2"]


@pytest.mark.unit
def test_part_number_picks_that_part_only():
    chunks = []
    for n, number in enumerate(["十、", "十一、"], start=1):
        chunks.append(_chunk(f"t/{n}", f"{number}第{n}部分", kind=ChunkKind.part, number=number, heading=f"第{n}部分"))
        chunks += [_chunk(f"t/{n}.{i}", f"（{i}）条目{i}。", parent_id=f"t/{n}") for i in "一二"]
    outline = Outline(ClauseTree(chunks))
    by_id = {c.id: c for c in chunks}
    hits = [SearchHit(chunk=by_id["t/2"], score=1.0)]  # the retriever prefers 十一、
    for part, expected in (("十", "t/1"), ("十一", "t/2")):
        info = QuestionFrame(text=f"第{part}部分包括哪些？", regions=RegionQuery(), wants_list=True,
                             wants_structure=True, part_number=part)
        assert outline.best_section(info, hits, SentenceIndex(chunks)).id == expected


@pytest.mark.unit
def test_a_word_the_plans_text_uses_names_no_attachment():
    outline = Outline(ClauseTree([
        _chunk("t/1", "1.对高耗能项目实行清单管理。", kind=ChunkKind.clause, number="1."),
        _chunk("t/2", "附件\n重点任务分工表", kind=ChunkKind.table, heading="重点任务分工表"),
    ]))
    assert not outline.names_attachment("清单")  # 清单管理: what the text speaks of
    assert outline.names_attachment("分工表") and outline.names_attachment("附件")  # the table's words only
    assert not outline.names_attachment("保障措施")


@pytest.mark.unit
def test_a_heading_spelled_in_full_names_its_section_even_in_words_every_plan_uses():
    # 总体要求 heads every plan's first part: its words weigh nothing, but written whole they name it.
    chunks = [_chunk(f"{doc}/1", "一、总体要求", kind=ChunkKind.part, number="一、", heading="总体要求")
              .model_copy(update={"doc_id": doc}) for doc in ("a", "b")]
    outline, sentences = Outline(ClauseTree(chunks)), SentenceIndex(chunks)
    asked = QuestionFrame(text="总体要求包括哪几部分", regions=RegionQuery(), terms=["总体"])
    assert outline.names(asked, chunks[0], sentences)
    assert not outline.names(asked.model_copy(update={"text": "总体上包括哪几部分"}), chunks[0], sentences)


def _actions_plan() -> list[Chunk]:
    """重点任务 with three 行动 (the third with two sub-actions), clauses numbered on through them 1. … 4.,
    and 保障措施 with three measures; each heading followed by a sentence naming it (terms are weighed by
    the sentences that hold them)."""
    def node(chunk_id, label, name, kind=ChunkKind.section, parent_id=None):
        text = f"{label}{name}。\n围绕{name}开展各项工作，确保取得实效。"
        return _chunk(chunk_id, text, kind=kind, number=label, heading=name, parent_id=parent_id)

    chunks = [node("t/2", "二、", "重点任务", ChunkKind.part)]
    for n, (label, name) in enumerate([("（一）", "能源转型行动"), ("（二）", "节能增效行动"), ("（三）", "科技创新行动")], 1):
        chunks.append(node(f"t/2.{n}", label, name, parent_id="t/2"))
    clauses = [("t/2.1", "控制煤炭消费"), ("t/2.1", "发展新能源"), ("t/2.2", "提升节能管理"), ("t/2.2", "推进节能改造")]
    for n, (parent, name) in enumerate(clauses, 1):
        chunks.append(node(f"{parent}.{n}", f"{n}.", name, ChunkKind.clause, parent))
    for n, name in enumerate(["基础研究行动", "成果转化行动"], 1):  # a nested list of 行动, as 广东's 科技赋能
        chunks.append(node(f"t/2.3.{n}", f"{n}.", name, ChunkKind.clause, "t/2.3"))
    chunks.append(node("t/3", "三、", "保障措施", ChunkKind.part))
    for n, (label, name) in enumerate([("（一）", "加强统计"), ("（二）", "完善政策"), ("（三）", "强化考核")], 1):
        chunks.append(node(f"t/3.{n}", label, name, parent_id="t/3"))
    return chunks


def _asked(question: str, terms: list[str], **position) -> QuestionFrame:
    return QuestionFrame(text=question, regions=RegionQuery(regions=["云浮市"]), terms=terms, wants_structure=True,
                         **position)


@pytest.mark.unit
@pytest.mark.parametrize("question, terms, position, expected", [
    # Items that are 行动, no list named: the outermost list of 行动, though the retriever prefers the nested one.
    ("排在第一位的行动是哪个？", ["行动"], dict(ordinal=1, item_noun="行动"), "t/2"),
    ("那两大行动里第二个是什么？", ["行动"], dict(ordinal=2, item_noun="行动", list_size=2), "t/2.3"),  # its size
    ("科技创新行动里第二个是什么？", ["科技", "创新", "行动"], dict(ordinal=2, item_noun="行动"), "t/2.3"),  # named
    ("保障措施第二条是什么？", ["保障", "措施", "保障措施"], dict(ordinal=2, ordinal_measure="条"), "t/3"),
])
def test_a_position_picks_the_list_the_question_describes(question, terms, position, expected):
    chunks = _actions_plan()
    by_id = {c.id: c for c in chunks}
    outline = Outline(ClauseTree(chunks))
    sentences = SentenceIndex(chunks, policy=AnswerPolicy(domain_term_min_df=1))
    hits = [SearchHit(chunk=by_id["t/2.3"], score=1.0)]
    assert outline.best_section(_asked(question, terms, **position), hits, sentences).id == expected


@pytest.mark.unit
def test_a_clause_number_is_the_plans_clause_when_it_numbers_them_on_and_no_list_is_named():
    chunks = _actions_plan()
    outline = Outline(ClauseTree(chunks))
    sentences = SentenceIndex(chunks, policy=AnswerPolicy(domain_term_min_df=1))
    assert outline.numbered_clause(_asked("第4条讲什么？", [], ordinal=4, ordinal_measure="条")).id == "t/2.2.4"
    # 1. and 2. also number the sub-actions of （三）: which clause 2 is meant is not clear.
    assert outline.numbered_clause(_asked("第2条讲什么？", [], ordinal=2, ordinal_measure="条")) is None
    named = _asked("保障措施第二条是什么？", ["保障措施"], ordinal=2, ordinal_measure="条")
    assert outline.names(named, {c.id: c for c in chunks}["t/3"], sentences)


@pytest.mark.unit
def test_a_topic_is_located_in_the_item_of_the_plans_part_or_of_the_list_it_names():
    chunks = _actions_plan()
    by_id = {c.id: c for c in chunks}
    outline = Outline(ClauseTree(chunks))
    # Clause 3. sits in （二）节能增效行动, the second item of 重点任务.
    assert outline.holding_item(by_id["t/2.2.3"]).id == "t/2.2"
    assert outline.list_of(outline.holding_item(by_id["t/2.2.3"])).id == "t/2"
    # A sub-action of （三）: the action asked for by its noun is the nearest item ending in it.
    assert outline.holding_item(by_id["t/2.3.2"], "行动").id == "t/2.3.2"
    assert outline.holding_item(by_id["t/2.3.2"]).id == "t/2.3"
    # A measure right under 保障措施 is its own item.
    assert outline.holding_item(by_id["t/3.2"]).id == "t/3.2"


@pytest.mark.unit
def test_a_plans_nth_big_action_is_never_a_row_of_its_task_table():
    chunks = _actions_plan()
    table = _chunk("t/table", "重点任务分工表", kind=ChunkKind.table, heading="重点任务分工表")
    rows = [_chunk(f"t/table.{n}", f"{n}{name}。", kind=ChunkKind.table_row, heading=name, parent_id="t/table")
            for n, name in enumerate(["能源转型行动", "节能增效行动", "科技创新行动", "全民参与行动"], 1)]
    chunks += [table, *rows]
    outline = Outline(ClauseTree(chunks))
    sentences = SentenceIndex(chunks, policy=AnswerPolicy(domain_term_min_df=1))
    hits = [SearchHit(chunk=table, score=1.0)]
    big = _asked("第四大行动是什么", ["行动"], ordinal=4, ordinal_measure="大", item_noun="行动")
    assert outline.best_section(big, hits, sentences).id == "t/2"  # which has 3: "只有3项"
    row = _asked("分工表第四项行动是什么", ["分工表", "行动"], ordinal=4, ordinal_measure="项", item_noun="行动")
    assert outline.best_section(row, hits, sentences).id == "t/table"


@pytest.mark.unit
def test_a_list_named_by_most_of_its_heading_and_the_plans_parts():
    chunks = _actions_plan()
    outline = Outline(ClauseTree(chunks))

    def frame(text):
        return QuestionFrame(text=text, regions=RegionQuery(regions=["云浮市"]), wants_list=True)
    assert outline.named_list(frame("节能增效行动具体分了哪几条")).id == "t/2.2"
    assert outline.named_list(frame("科技行动下面都有啥")).id == "t/2.3"  # 科技…行动: 4 of 6 characters
    assert outline.named_list(frame("重点任务有哪些")) is None  # short headings are read by the frame's patterns
    assert outline.named_list(frame("新能源汽车推广有哪些")) is None
    assert [part.title for part in outline.parts("t")] == ["二、重点任务", "三、保障措施"]


@pytest.mark.unit
def test_a_heading_named_in_full_picks_its_list_even_in_words_every_plan_uses():
    chunks = _actions_plan()
    for chunk in chunks:  # every plan's parts are called 重点任务 and 保障措施: its terms weigh nothing
        chunk.text = chunk.text.replace("围绕保障措施", "围绕各项工作").replace("围绕重点任务", "围绕各项工作")
    outline = Outline(ClauseTree(chunks))
    sentences = SentenceIndex([*chunks, _chunk("o/3", "三、保障措施", kind=ChunkKind.part, heading="保障措施")],
                              policy=AnswerPolicy(domain_term_min_df=1))
    hits = [SearchHit(chunk=chunks[0], score=1.0)]  # the retriever prefers 重点任务
    asked = _asked("“保障措施”部分包括哪几块", ["保障措施"], wants_list=True)
    assert outline.best_section(asked, hits, sentences).id == "t/3"


@pytest.mark.unit
def test_a_clause_asked_alone_brings_its_text_after_its_heading():
    chunks = _actions_plan()
    by_id = {c.id: c for c in chunks}
    outline = Outline(ClauseTree(chunks))
    assert outline.body(by_id["t/3.2"]) == "围绕完善政策开展各项工作，确保取得实效。"
    items = outline.list_items(by_id["t/3"])
    book = CitationBook()
    text = structure_list(book, by_id["t/3"], items, "", slice(1, 2), detail=outline.body(by_id["t/3.2"]))
    assert text.endswith("（二）完善政策[2]\n围绕完善政策开展各项工作，确保取得实效。[3]")
    assert [c.chunk_id for c in book.citations] == ["t/3", "t/3.2", "t/3.2"]


@pytest.mark.unit
def test_plan_words_are_terms_the_plans_write_on_their_own_not_only_inside_longer_words():
    chunks = [_chunk("w/1", "严守红树林保护红线。"), _chunk("w/2", "安全有序发展核电。")]
    sentences = SentenceIndex(chunks, policy=AnswerPolicy(domain_term_min_df=1), segment=Tokenizer().segment)
    # Both are in the plans' text (树林 inside 红树林), only 核电 as a word: a plan without 树林 is not
    # silent on a question about woods.
    assert sentences.vocabulary_terms(["树林", "核电"]) == ["树林", "核电"]
    assert sentences.plan_words(["树林", "核电"]) == ["核电"]
    assert SentenceIndex(chunks, policy=AnswerPolicy(domain_term_min_df=1)).plan_words(["树林"]) == ["树林"]


@pytest.mark.unit
def test_a_notice_is_read_from_the_preamble_and_each_asked_part_quoted_or_said_missing():
    notice_text = "珠府〔2023〕39号\n珠海市人民政府关于印发珠海市碳达峰实施方案的通知\n现将方案印发给你们。\n珠海市人民政府\n2023年5月19日"
    chunks = [_chunk("t/0.1", notice_text, kind=ChunkKind.preamble), _chunk("t/1", "一、总体要求", kind=ChunkKind.part)]
    notice = read_notice(chunks)
    assert notice.chunk.id == "t/0.1"
    assert notice.lines == {"number": "珠府〔2023〕39号", "date": "2023年5月19日", "issuer": "珠海市人民政府"}
    book = CitationBook()
    text, missing = notice_line(book, "测试方案", notice, ["number", "date"])
    assert text == "据《测试方案》的印发通知，文号为珠府〔2023〕39号[1]，印发日期为2023年5月19日[2]。" and missing == []
    assert [c.quote for c in book.citations] == ["珠府〔2023〕39号", "2023年5月19日"]
    # A notice without a number (佛山, 江门) says so; a plan without a notice has nothing to quote.
    unnumbered = read_notice([_chunk("u/0.1", "现将方案印发给你们。\n佛山市人民政府\n2023年9月11日", kind=ChunkKind.preamble)])
    text, missing = notice_line(CitationBook(), "佛山方案", unnumbered, ["number", "date"])
    assert missing == ["文号"] and "未载明文号" in text and "2023年9月11日" in text
    assert read_notice(chunks[1:]) is None
    # Its addressees and where to report problems, when the notice states them.
    full = read_notice([_chunk("v/0.1", "粤府〔2022〕56号\n各地级以上市人民政府，省政府各部门：\n现将方案印发给你们，请认真组织"
                                       "实施。实施过程中遇到的问题，请径向省发展改革委反映。\n广东省人民政府\n2022年6月23日",
                               kind=ChunkKind.preamble)])
    assert full.lines["recipients"] == "各地级以上市人民政府，省政府各部门："
    assert full.lines["contact"] == "实施过程中遇到的问题，请径向省发展改革委反映。"
    assert full.issued == date(2022, 6, 23) and "recipients" not in notice.lines
    assert notice_line(CitationBook(), "无通知方案", None, ["issuer"]) == ("《无通知方案》未附印发通知，未载明其印发机关。", ["印发机关"])
    # To whom it was copied and whom to call, when its closing lines state them; else said missing.
    closing = read_notice([_chunk("w/0.1", "现将方案印发给你们。\n（联系人：王五，联系电话：1234567）\n珠海市人民政府\n"
                                           "2023年5月19日\n抄送：市委各部委，市人大常委会办公室。", kind=ChunkKind.preamble)])
    assert closing.lines["phone"] == "（联系人：王五，联系电话：1234567）"
    assert closing.lines["copied"] == "抄送：市委各部委，市人大常委会办公室。"
    assert notice_line(CitationBook(), "佛山方案", unnumbered, ["copied", "phone"]) == (
        "《佛山方案》的印发通知未载明抄送单位、联系人及联系电话。", ["抄送单位", "联系人及联系电话"])


@pytest.mark.unit
def test_the_dense_arms_first_choices_include_its_near_ties():
    # Ranks 1 and 2 among the hits are first choices; so is a clause ranked within dense_top_max (5)
    # whose similarity is within dense_tie of the best, but not one further behind or ranked lower,
    # nor one the dense arm did not return.
    texts = ["推进城市燃气设施建设。", "提升居民管道天然气普及率。", "推广绿色照明灯具应用。",
             "建设海绵城市示范项目。", "加快老旧小区改造进度。", "完善城市供电设施布局。"]
    chunks = [_chunk(f"t/{i}", text) for i, text in enumerate(texts, start=1)]
    best = 0.86
    arms = [(1, best), (2, best - 0.001), (5, best - 0.004), (4, best - 0.02), (None, None), (7, best - 0.004)]
    info = QuestionFrame(text="管道燃气普及率有什么打算？", regions=RegionQuery(), terms=["管道", "燃气"])

    def first_choices(arms):
        hits = [SearchHit(chunk=chunk, score=1.0 - i / 10, dense_rank=rank, dense_score=score)
                for i, (chunk, (rank, score)) in enumerate(zip(chunks, arms))]
        return {c.chunk.id: c.dense_top for c in SentenceIndex(chunks).candidates(info, hits)}

    assert first_choices(arms) == {"t/1": True, "t/2": True, "t/3": True, "t/4": False, "t/5": False, "t/6": False}
    assert not any(first_choices([(None, None)] * len(chunks)).values())  # a BM25-only search


# ---- question types on the real plans --------------------------------------------------------

@pytest.mark.parametrize("question, figure, region", [
    ("云浮2025年非化石能源消费比重目标？", "16%", "云浮市"),
    ("珠海到2025年风电和光伏装机目标是多少？", "355万千瓦", "珠海市"),
    ("广东到2030年风电和光伏发电装机容量要达到多少？", "7400万千瓦", "广东省"),
    ("江门到2030年大宗固废年利用量要达到多少？", "500万吨", "江门市"),
    ("珠海希望到2030年新买的小轿车里电动车能占到几成？", "30%", "珠海市"),  # 几成: a share
    ("云浮到2030年，全市被树林覆盖的面积比例打算达到多少？", "69%", "云浮市"),  # the plans' 树林 is all 红树林
])
def test_figure_questions_quote_the_figure_for_the_year_asked(runtime, question, figure, region):
    answer = ask(runtime, question)
    assert not answer.refused and figure in squash(answer.answer)
    assert answer.regions == [region]
    asked = years_in(question)
    assert all(asked & years_in(squash(c.quote)) for c in answer.citations)
    assert len(answer.citations) <= 2
    assert_cited(answer, runtime)


def test_the_neighbouring_years_figure_is_not_given_as_the_answer(runtime):
    answer = ask(runtime, "佛山2030年光伏发电装机容量目标是多少？")
    assert answer.refused and answer.refusal_reason == "figure_not_stated"
    assert "2030" in answer.answer
    related = answer.citations[0]
    assert related.related and "光伏发电装机容量" in related.quote and "2025" in squash(related.quote)
    assert_cited(answer, runtime)


def test_table_rows_answer_who_is_responsible(runtime):
    answer = ask(runtime, "珠海能源绿色低碳转型行动的主要责任单位有哪些？")
    assert "市发展改革局" in answer.answer and "珠海供电局" in answer.answer
    assert_cited(answer, runtime)
    # Naming the table's title (重点任务) does not make it a list of the plan's 重点任务.
    answer = ask(runtime, "珠海方案的重点任务分工表里，农业农村减排固碳行动由哪些单位负责？")
    assert "市农业农村局" in answer.answer and answer.citations[0].chunk_id == "zhuhai-2023/table.14"
    # 云浮's plan names no department for its tasks: the clause about 水泥 is no answer.
    refused = ask(runtime, "云浮方案里，水泥行业碳达峰由哪个部门牵头负责？")
    assert refused.refused and refused.answer.startswith("方案未写明负责的部门或单位。")


# ---- refusals --------------------------------------------------------------------------------

@pytest.mark.parametrize("question, reason, named", [
    ("广东2025年核电装机容量目标是多少？", None, None),
    ("佛山2030年非化石能源消费比重目标是多少？", None, None),
    # Only 铁路's 综合能耗 has a 下降 figure; the goal naming 单位地区生产总值能源消耗 gives none.
    ("广东省方案里，2025年单位GDP能耗要比2020年下降百分之几？", None, None),
    # Each facet needs its own words: 新型储能装机 does not answer 光伏装机; 7400万千瓦 is for 2030.
    ("广东省方案里2025年风电和光伏装机分别要达到多少？", "figure_not_stated", "2025年"),
])
def test_questions_the_plans_do_not_answer_are_refused(runtime, question, reason, named):
    answer = ask(runtime, question)
    assert answer.refused and answer.refusal_reason
    if reason:
        assert answer.refusal_reason == reason and named in answer.answer
    assert all(c.related for c in answer.citations)
    assert_cited(answer, runtime)


@pytest.mark.parametrize("question, opening", [
    ("云浮方案组织实施部分讲了啥", "《云浮市碳达峰实施方案》没有名为“组织实施”的部分；它的部分是：一、总体要求"),
    ("云浮方案后面有没有附重点任务分工表？有的话一共几项", "《云浮市碳达峰实施方案》没有附“重点任务分工表”"),
    ("江门方案的第五部分是什么", "《江门市碳达峰实施方案》没有第五部分"),
    ("广东省方案的保障措施第九条是什么", "“三、政策保障”只有4项。"),  # not the plan's clause 9, an action's
    ("佛山方案的通知抄送给了哪些单位", "《佛山市碳达峰实施方案》的印发通知未载明抄送单位。"),
])
def test_a_part_or_notice_line_the_plan_lacks_is_refused_naming_it(runtime, question, opening):
    answer = ask(runtime, question)
    assert answer.refused and answer.answer.startswith(opening)
    assert all(c.related for c in answer.citations)
    assert_cited(answer, runtime)


def test_a_part_named_loosely_is_the_plans_own(runtime):
    answer = ask(runtime, "珠海方案的保障措施有哪些")  # 珠海 calls it 政策保障
    assert not answer.refused and "“三、政策保障”包括以下4项" in answer.answer


@pytest.mark.unit
def test_a_note_names_a_regions_plans_and_the_ones_quoted():
    from carbonqa.answer.compose import plans_note
    from carbonqa.retriever.plans import describe
    plans = [describe("zhuhai-2023", "珠海市碳达峰实施方案", "珠海市"),
             describe("zhuhai-2025", "珠海市碳达峰实施方案（2025年修订）", "珠海市")]
    note = plans_note("珠海市", plans, {"zhuhai-2025"})
    assert "珠海市有2份方案：《珠海市碳达峰实施方案》（2023年）、《珠海市碳达峰实施方案（2025年修订）》（2025年）" in note
    assert "以上引自《珠海市碳达峰实施方案（2025年修订）》。" in note and "“修订版”" in note
    sector = [describe("guangdong-2022", "广东省碳达峰实施方案", "广东省"),
              describe("guangdong-gongyelingyu-2022", "广东省工业领域碳达峰实施方案", "广东省")]
    note = plans_note("广东省", sector, set())
    assert "均已检索。" in note and "“工业领域方案”" in note and "修订版" not in note
