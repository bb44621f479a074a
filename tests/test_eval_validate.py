"""The eval-set validator: the project's set is valid, and each kind of bad item is caught."""
import pytest

from carbonqa.eval.qa_models import DEFAULT_QA_PATH, HELDOUT_QA_PATH, QAItem, load_qa
from carbonqa.eval.validate import main, validate
from carbonqa.ingest.models import Chunk, ChunkKind, ParsedPlan, PlanMeta

SHARED = "坚持节约优先，推动能源绿色低碳转型。"  # in both plans
FILLER = "加快构建清洁低碳安全高效的能源体系，" * 4  # 72 characters between a span and a far key


def plan(region: str, clauses: list[str]) -> ParsedPlan:
    """A plan whose clean text is its clauses, one per line, each clause one chunk."""
    doc_id = f"test-{region}"
    chunks, offset = [], 0
    for n, text in enumerate(clauses, start=1):
        chunks.append(Chunk(id=f"{doc_id}/{n}", doc_id=doc_id, title=f"{region}碳达峰实施方案", region=region,
                            level="市", kind=ChunkKind.clause, number=f"{n}.", text=text,
                            path=["二、重点任务", "（一）能源绿色低碳转型行动", f"第{n}条"],
                            start=offset, end=offset + len(text)))
        offset += len(text) + 1
    meta = PlanMeta(doc_id=doc_id, title=f"{region}碳达峰实施方案", region=region, level="市",
                    source_file=f"{region}.txt", sha256="0" * 64)
    return ParsedPlan(meta=meta, clean_text="\n".join(clauses), chunks=chunks)


PLANS = [
    plan("珠海市", [
        "　　1.到2025年，全市非化石能源\n消费比重达到35%左右。" + SHARED,
        "　　2.推进海上风电项目建设，" + FILLER + "打造海上风电产业集群。",
        "　　3.有序推进充电基础设施建设。",
    ]),
    plan("佛山市", ["　　1.推动陶瓷行业节能降碳改造。" + SHARED]),
]


def item(**fields) -> QAItem:
    base = {"id": "q1", "question": "珠海市非化石能源消费比重目标？", "type": "number", "docs": ["珠海市"],
            "evidence": ["全市非化石能源消费比重达到35%"], "answer_keys": ["35%", "2025年"]}
    return QAItem(**(base | fields))


def problems(*items: QAItem) -> list[str]:
    return validate(list(items), PLANS, min_items=0, min_unanswerable=0)


def test_good_items_pass():
    unanswerable = item(id="u1", type="unanswerable", docs=["深圳市"], evidence=[], answer_keys=[])
    compare = item(id="c1", type="compare", docs=["珠海市", "佛山市"],
                   evidence=["全市非化石能源消费比重达到35%", "推动陶瓷行业节能降碳改造"], answer_keys=["陶瓷"])
    assert problems(item(), unanswerable, compare) == []


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"evidence": [SHARED[:14]], "answer_keys": ["节约优先"]}, "出现 2 次"),  # span found twice
        ({"evidence": ["全市可再生能源消费比重达到35%"]}, "出现 0 次"),  # span not found
        ({"evidence": ["推进海上风电项目建设，加快"], "answer_keys": ["产业集群"]}, "not within 60 chars"),  # key far away
        ({"evidence": ["比重达到35%"]}, "length out of range"),
        ({"evidence": ["推进海上风电项目建设，" + FILLER[:35]], "answer_keys": ["海上风电"]}, "length out of range"),
        ({"evidence": ["低碳转型。2.推进海上风电项目建设"], "answer_keys": ["海上风电"]}, "not inside a single chunk"),
        ({"docs": ["佛山市"]}, "not in the listed plans"),
        ({"docs": ["珠海市", "深圳市"]}, "not a region of the corpus"),
        ({"evidence": []}, "has no evidence"),
        ({"answer_keys": []}, "has no answer keys"),
        ({"type": None}, "missing type"),
        ({"type": "unanswerable"}, "unanswerable item has evidence"),
        ({"outcome": "not_stated"}, "must be unanswerable"),
        ({"type": "unanswerable", "evidence": [], "answer_keys": [], "outcome": "partial"}, "must expect not_stated"),
    ],
)
def test_bad_items_are_reported(fields, expected):
    found = problems(item(**fields))
    assert len(found) == 1 and found[0].startswith("q1:") and expected in found[0], found


def test_keys_near_the_span_in_its_clause_pass():
    # Neither key is inside the span: "2025年" comes just before it, "节约优先" just after.
    assert problems(item(answer_keys=["2025年", "节约优先"])) == []


def test_keys_naming_a_heading_above_the_span_pass():
    assert problems(item(answer_keys=["能源绿色低碳转型行动"])) == []


def test_counts_are_enforced():
    found = validate([item()], PLANS, min_items=150, min_unanswerable=15)
    assert any("too few items" in p for p in found)
    assert any("too few unanswerable" in p for p in found)


def test_the_project_eval_set_is_valid(plans):
    assert validate(load_qa(DEFAULT_QA_PATH), plans) == []


def test_the_held_out_set_is_valid_apart_from_its_size(plans):
    items = load_qa(HELDOUT_QA_PATH)
    assert validate(items, plans, min_items=0, min_unanswerable=0) == []
    assert not {item.id for item in items} & {item.id for item in load_qa(DEFAULT_QA_PATH)}


def test_command_reports_a_bad_file(tmp_path, capsys):
    bad = tmp_path / "qa.jsonl"
    bad.write_text('{"id": "q1", "question": "目标？", "type": "number", "evidence": ["不存在的一段文字一二三四五"]}\n',
                   encoding="utf-8")
    assert main([str(bad)]) == 1
    out = capsys.readouterr().out
    assert "出现 0 次" in out and "too few items" in out
