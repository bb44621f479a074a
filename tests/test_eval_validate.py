"""The eval-set validator: the project's set and the question bank are valid, and each kind of bad item is caught."""
import json

import pytest

from carbonqa.eval.qa_models import BANK_PATH, BANK_SPLITS, DEFAULT_QA_PATH, HELDOUT_QA_PATH, QAItem, QAType, load_qa
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


ANALYSIS = {"operation": "superlative", "conclusion": ["珠海市"]}


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
        ({"tags": ["followup"]}, "needs both the followup tag and its history"),
        ({"history": ["珠海2025年风电光伏装机目标多少"]}, "needs both the followup tag and its history"),
        ({"analysis": ANALYSIS}, "must be of type compare"),
        ({"type": "compare", "analysis": ANALYSIS, "tags": ["incomparable"]}, "exactly when its conclusion is empty"),
        ({"type": "compare", "analysis": ANALYSIS | {"conclusion": []}}, "exactly when its conclusion is empty"),
        ({"tags": ["incomparable"]}, "exactly when its conclusion is empty"),
        ({"split": "dev"}, "a bank item needs tags"),
        ({"split": "dev", "tags": ["two_part"], "outcome": "partial"}, "needs a note"),
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


def test_bank_fields_that_agree_pass():
    follow_up = item(id="f1", tags=["followup"], history=["珠海2025年风电光伏装机目标多少"], split="train")
    analytical = item(id="a1", type="compare", analysis=ANALYSIS, tags=["ranking"], split="train")
    incomparable = item(id="a2", type="compare", analysis=ANALYSIS | {"conclusion": []}, tags=["incomparable"],
                        note="the figures are for different years")
    partial = item(id="p1", outcome="partial", tags=["two_part"], note="no 2030 figure", split="dev")
    assert problems(follow_up, analytical, incomparable, partial) == []


def test_counts_are_enforced():
    found = validate([item()], PLANS, min_items=150, min_unanswerable=15)
    assert any("too few items" in p for p in found)
    assert any("too few unanswerable" in p for p in found)


def test_counts_hold_for_each_split_of_the_bank():
    unanswerable = item(type="unanswerable", evidence=[], answer_keys=[], tags=["not_mentioned"], note="grepped")
    dev = [unanswerable.model_copy(update={"id": f"d{n}", "split": "dev"}) for n in range(3)]
    train = [item(id="t1", tags=["year"], split="train")]
    found = validate(dev + train, PLANS, min_items=2, min_unanswerable=1)
    assert found == ["train: 题目数 1 少于 2 / too few items", "train: 不可回答题 0 少于 1 / too few unanswerable items"]


def test_the_project_eval_set_is_valid(plans):
    assert validate(load_qa(DEFAULT_QA_PATH), plans) == []


def test_the_held_out_set_is_valid_apart_from_its_size(plans):
    items = load_qa(HELDOUT_QA_PATH)
    assert validate(items, plans, min_items=0, min_unanswerable=0) == []
    assert not {item.id for item in items} & {item.id for item in load_qa(DEFAULT_QA_PATH)}


def test_the_question_bank_is_valid(plans):
    # Each split is large enough on its own (the default size rules hold per split).
    assert validate(load_qa(BANK_PATH), plans) == []


@pytest.mark.unit
def test_the_question_bank_is_large_and_split_by_writer():
    """Counts only: nobody reads the sealed items."""
    items = load_qa(BANK_PATH)
    splits = {split: [i for i in items if i.split == split] for split in BANK_SPLITS}
    assert len(items) >= 1500 and len(splits["sealed"]) >= 400
    assert sum(len(group) for group in splits.values()) == len(items)  # every item is in a split
    writers = {split: {i.writer for i in group} for split, group in splits.items()}
    assert all(writers.values())
    assert sum(len(w) for w in writers.values()) == len(set().union(*writers.values()))  # each in one split only
    assert all(i.id.startswith(f"{i.writer}-") for i in items)  # an item's id names the file it is in
    unanswerable = {split: sum(i.type is QAType.unanswerable for i in group) for split, group in splits.items()}
    assert sum(unanswerable.values()) / len(items) >= 0.2  # far more refusals to test than the project's set
    assert all(unanswerable[split] / len(splits[split]) >= 0.15 for split in BANK_SPLITS)


def test_command_validates_a_folder(tmp_path, capsys):
    folder = tmp_path / "dev"
    folder.mkdir()
    good = {"question": "长沙的碳达峰目标？", "type": "unanswerable", "tags": ["place_without_plan"], "note": "no plan"}
    for writer in ("w98", "w99"):
        (folder / f"{writer}.jsonl").write_text(
            json.dumps(good | {"id": f"{writer}-001"}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main([str(folder), "--min-items", "2", "--min-unanswerable", "0"]) == 0
    assert capsys.readouterr().out.strip().endswith("2 items in 2 files, 0 problems")
    assert main([str(folder), "--min-items", "3", "--min-unanswerable", "0"]) == 1
    assert "dev: 题目数 2 少于 3 / too few items" in capsys.readouterr().out


def test_command_reports_a_bad_file(tmp_path, capsys):
    bad = tmp_path / "qa.jsonl"
    bad.write_text('{"id": "q1", "question": "目标？", "type": "number", "evidence": ["不存在的一段文字一二三四五"]}\n',
                   encoding="utf-8")
    assert main([str(bad)]) == 1
    out = capsys.readouterr().out
    assert "出现 0 次" in out and "too few items" in out
