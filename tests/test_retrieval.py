"""Region detection, the retriever's rules and the index on disk on the tiny corpus (no model), and hybrid
retrieval on the shipped plans with the real (converted) model over both stores."""
from __future__ import annotations

import json

import pytest

from carbonqa.index.chunk_store import IndexCorruptError
from carbonqa.index.store import load_index, load_or_build, save_index
from carbonqa.index.tokenizer import widen
from carbonqa.retriever.models import Fusion, SearchMode
from carbonqa.retriever.regions import RegionCatalog
from carbonqa.retriever.search import EmptyQueryError, UnknownRegionError
from conftest import FakeEmbedder

REGIONS = RegionCatalog(["广东省", "珠海市", "佛山市", "江门市", "云浮市"])


def texts(runtime, question, mode=SearchMode.hybrid, k=5, **kwargs):
    return ["".join(hit.chunk.text.split())
            for hit in runtime.retriever.search(question, top_k=k, mode=mode, **kwargs).hits[:k]]


@pytest.mark.unit
@pytest.mark.parametrize("question, expected", [
    ("珠海", ["珠海市"]),
    ("广东省和珠海市的光伏目标分别是多少", ["广东省", "珠海市"]),
    ("全省的森林覆盖率目标", ["广东省"]),
    ("佛山、江门、云浮对比", ["佛山市", "江门市", "云浮市"]),
    ("碳达峰是什么", []),
])
def test_detects_named_regions(question, expected):
    assert REGIONS.detect(question).regions == expected


@pytest.mark.unit
def test_recognises_places_without_a_plan():
    query = REGIONS.detect("深圳市2025年的新能源汽车目标")
    assert query.regions == [] and query.unknown == ["深圳"]


@pytest.mark.unit
@pytest.mark.parametrize("question, unknown", [
    ("珠江西岸的先进装备制造业", []),  # not 江西
    ("珠海口岸的岸电建设", []),  # not 海口: it overlaps 珠海
    ("佛山西部的生态建设", []),  # not 山西
    ("复合肥生产企业如何节能", []),  # not 合肥
    ("请问深圳的光伏目标是多少", ["深圳"]),
    ("关于湖南省碳达峰的要求", ["湖南"]),
    ("广州和深圳的目标", ["广州", "深圳"]),
])
def test_places_without_a_plan_count_only_as_whole_words(question, unknown):
    assert REGIONS.detect(question).unknown == unknown


@pytest.mark.unit
@pytest.mark.parametrize("question, all_regions", [
    ("各市的光伏装机目标是多少", True),
    ("哪些城市提出了建设加氢站", True),
    ("五个方案的森林覆盖率目标", True),
    ("珠海大宗工业固废综合利用率2025年和2030年分别要达到多少？", False),
    ("与2020年相比，单位GDP能耗下降多少", False),
    ("2025年和2030年的目标分别是多少", False),
])
def test_all_plans_only_when_the_question_asks_about_every_plan(question, all_regions):
    assert REGIONS.detect(question).all_regions is all_regions


@pytest.mark.unit
def test_an_empty_region_name_matches_nothing():
    assert RegionCatalog(["", "珠海市"]).detect("碳达峰是什么").regions == []


# ---- the retriever's rules: the tiny corpus with the fake embedder --------------------------------

@pytest.mark.unit
def test_a_region_named_restricts_the_results(tiny_retriever):
    hits = tiny_retriever.search("珠海的海上风电项目", top_k=10).hits
    assert hits and {hit.chunk.region for hit in hits} == {"珠海市"}


@pytest.mark.unit
def test_an_explicit_region_filter_overrides_detection(tiny_retriever):
    hits = tiny_retriever.search("珠海的海上风电项目", regions=["江门"], top_k=5).hits
    assert hits and {hit.chunk.region for hit in hits} == {"江门市"}
    documents = tiny_retriever.search("风电装机", documents=["zhuhai-2023"], top_k=5).hits
    assert {hit.chunk.doc_id for hit in documents} == {"zhuhai-2023"}


@pytest.mark.unit
def test_an_unknown_region_filter_is_a_clear_error(tiny_retriever):
    with pytest.raises(UnknownRegionError, match="深圳"):
        tiny_retriever.search("光伏目标", regions=["深圳"])


@pytest.mark.unit
def test_a_comparison_retrieves_each_named_plan_in_turn(tiny_retriever):
    hits = tiny_retriever.search("广东省、珠海市和江门市的储能目标分别是多少", top_k=6).hits
    assert [hit.chunk.region for hit in hits[:3]] != [hits[0].chunk.region] * 3
    assert {hit.chunk.region for hit in hits} == {"广东省", "珠海市", "江门市"}


@pytest.mark.unit
@pytest.mark.parametrize("fusion", list(Fusion))
def test_both_fusions_return_distinct_scored_chunks(tiny_retriever, fusion):
    hits = tiny_retriever.search("江门市新型储能发展目标", top_k=8, fusion=fusion).hits
    ids = [hit.chunk.id for hit in hits]
    assert len(ids) == len(set(ids)) == 8
    # Each hit is among at least one arm's candidates; an arm's score is None where it did not return the chunk.
    assert all(hit.bm25_score is not None or hit.dense_score is not None for hit in hits)
    assert all((hit.bm25_rank is None) == (hit.bm25_score is None) for hit in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert [h.fused_rank for h in hits] == list(range(1, 9))  # one plan: no turns, the fused order itself


@pytest.mark.unit
def test_a_list_question_returns_the_section_with_all_its_children(tiny_retriever):
    hits = tiny_retriever.search("广东方案有哪些重点任务？", top_k=2).hits
    parent = hits[0].chunk
    children = [hit for hit in hits if hit.via_tree]
    assert parent.kind.value == "part" and parent.heading == "重点任务"
    assert [hit.chunk.heading for hit in children] == ["能源绿色低碳转型行动", "节能降碳增效行动", "交通运输绿色低碳行动"]
    assert len(hits) == 4, "the whole list is kept beyond top_k, nothing else"
    assert len(tiny_retriever.search("广东方案有哪些重点任务？", top_k=6).hits) == 6


@pytest.mark.unit
@pytest.mark.parametrize("question", ["", "   ", "\u3000\n"])
def test_an_empty_query_is_rejected(tiny_retriever, question):
    with pytest.raises(EmptyQueryError, match="不能为空"):
        tiny_retriever.search(question)


@pytest.mark.unit
def test_abbreviations_reach_the_formal_term(tiny_retriever):
    assert "地区生产总值" in widen("单位GDP能耗")
    hits = tiny_retriever.search("珠海2025年单位GDP能耗下降多少？", top_k=1, mode=SearchMode.bm25).hits
    assert "单位地区生产总值能源消耗" in hits[0].chunk.text


# ---- on the shipped plans, with the model and both stores ----------------------------------------

def test_exact_term_retrieval_finds_named_plants(store_runtime):
    for mode in (SearchMode.bm25, SearchMode.hybrid):
        assert any("金湾电厂" in text for text in texts(store_runtime, "金湾电厂", mode=mode, k=3))


def test_paraphrase_is_found_by_dense_and_hybrid(store_runtime):
    # "出租车全换成新能源车" shares no rare word with "巡游出租车……全面新能源化"-style wording.
    question = "珠海的出租车什么时候全部换成新能源车？"
    hybrid = texts(store_runtime, question, k=5)
    dense = texts(store_runtime, question, mode=SearchMode.dense, k=5)
    assert any("新能源化" in text for text in hybrid)
    assert any("新能源化" in text for text in dense)


def test_region_inside_a_name_from_another_plan_is_not_a_filter(store_runtime):
    # "广东省实验室" is named in 云浮's plan; the question is not about the 广东省 plan.
    result = store_runtime.retriever.search("岭南现代农业科学与技术广东省实验室要在哪里建分中心？", top_k=3)
    assert result.regions.regions == []
    assert result.hits[0].chunk.region == "云浮市"
    assert store_runtime.retriever.search("广东省的新型储能目标", top_k=3).regions.regions == ["广东省"]


def test_both_stores_return_the_same_dense_candidates(runtime, milvus_runtime):
    """Same vectors, exact search on both sides: FAISS and Milvus rank the dense arm alike, inside a region too."""
    for question, regions in (("海上风电发展目标", []), ("新型储能装机", ["佛山市", "江门市"])):
        vector = runtime.embedder.embed_queries([question])
        faiss_hits = runtime.index.dense_search(vector, regions, 10)
        milvus_hits = milvus_runtime.index.dense_search(vector, regions, 10)
        assert [h.chunk_id for h in milvus_hits] == [h.chunk_id for h in faiss_hits]
        assert [h.score for h in milvus_hits] == pytest.approx([h.score for h in faiss_hits], abs=1e-4)


# ---- the index on disk: the tiny corpus with the fake embedder -----------------------------------

@pytest.fixture
def small_chunks(tiny_index):
    return tiny_index.chunks


@pytest.mark.unit
def test_index_round_trips_from_disk(tmp_path, small_chunks):
    index, status = load_or_build(tmp_path / "idx", small_chunks, FakeEmbedder(), progress=False)
    assert status == "built"
    embedder = FakeEmbedder()
    loaded, status = load_or_build(tmp_path / "idx", small_chunks, embedder, progress=False)
    assert status == "loaded" and embedder.embedded == []
    assert [c.id for c in loaded.chunks] == [c.id for c in index.chunks]
    assert loaded.chunk_tokens == index.chunk_tokens
    assert loaded.dense.ntotal == index.dense.ntotal == len(small_chunks)
    assert loaded.indicators == index.indicators and index.manifest.indicator_count == len(index.indicators) > 0
    assert not list(tmp_path.glob(".idx.*")), "no temporary folders left behind"


@pytest.mark.unit
def test_changed_corpus_triggers_rebuild(tmp_path, small_chunks):
    load_or_build(tmp_path / "idx", small_chunks, FakeEmbedder(), progress=False)
    changed = small_chunks[:-1]
    index, status = load_or_build(tmp_path / "idx", changed, FakeEmbedder(), progress=False)
    assert status.startswith("rebuilt") and "corpus changed" in status
    assert load_index(tmp_path / "idx").manifest.chunk_count == len(changed)


@pytest.mark.unit
def test_changed_model_files_trigger_rebuild(tmp_path, small_chunks):
    load_or_build(tmp_path / "idx", small_chunks, FakeEmbedder(), progress=False)
    _, status = load_or_build(tmp_path / "idx", small_chunks, FakeEmbedder(fingerprint="other weights"), progress=False)
    assert status == "rebuilt: model files changed"
    assert load_index(tmp_path / "idx").manifest.model_fingerprint == "other weights"


@pytest.mark.unit
def test_index_of_an_older_format_is_rebuilt_not_corrupt(tmp_path, small_chunks):
    index, _ = load_or_build(tmp_path / "idx", small_chunks, FakeEmbedder(), progress=False)
    old = index.manifest.model_dump(mode="json", exclude={"model_fingerprint"}) | {"format": 4}
    (tmp_path / "idx" / "manifest.json").write_text(json.dumps(old), encoding="utf-8")
    _, status = load_or_build(tmp_path / "idx", small_chunks, FakeEmbedder(), progress=False)
    assert status.startswith("rebuilt: index format 4 != ")


@pytest.mark.unit
@pytest.mark.parametrize("broken_file, content", [
    ("manifest.json", b"{not json"),
    ("dense.faiss", b"\x00garbage"),
    ("tokens.json", "[]".encode()),
    ("indicators.jsonl", b""),  # targets lost: the manifest's count and hash no longer match
])
def test_corrupt_index_gives_error_naming_the_fix(tmp_path, small_chunks, broken_file, content):
    load_or_build(tmp_path / "idx", small_chunks, FakeEmbedder(), progress=False)
    (tmp_path / "idx" / broken_file).write_bytes(content)
    with pytest.raises(IndexCorruptError, match="carbonqa index --rebuild"):
        load_or_build(tmp_path / "idx", small_chunks, FakeEmbedder(), progress=False)
    rebuilt, status = load_or_build(tmp_path / "idx", small_chunks, FakeEmbedder(), progress=False, rebuild=True)
    assert status == "rebuilt" and rebuilt.dense.ntotal == len(small_chunks)


@pytest.mark.unit
def test_save_replaces_an_existing_index_atomically(tmp_path, small_chunks):
    index, _ = load_or_build(tmp_path / "idx", small_chunks, FakeEmbedder(), progress=False)
    save_index(index, tmp_path / "idx")
    assert load_index(tmp_path / "idx").manifest == index.manifest
