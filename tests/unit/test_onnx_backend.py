"""Which model folders the ONNX backend can run: mean pooling, normalised, whichever
version of sentence-transformers wrote them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge_base.embedding.onnx_backend import supports

MODULES = [
    {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
    {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
    {
        "idx": 2,
        "name": "2",
        "path": "2_Normalize",
        "type": "sentence_transformers.models.Normalize",
    },
]


def model_folder(root: Path, pooling: dict[str, object]) -> Path:
    (root / "1_Pooling").mkdir(parents=True)
    (root / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    (root / "modules.json").write_text(json.dumps(MODULES))
    (root / "tokenizer.json").write_text("{}")
    return root


@pytest.mark.parametrize(
    "pooling",
    [
        {"word_embedding_dimension": 384, "pooling_mode_mean_tokens": True},
        {"embedding_dimension": 384, "pooling_mode": "mean"},  # sentence-transformers 5
    ],
)
def test_a_mean_pooled_normalised_model_runs_on_onnx(tmp_path: Path, pooling) -> None:  # type: ignore[no-untyped-def]
    assert supports(model_folder(tmp_path, pooling))


@pytest.mark.parametrize(
    "pooling",
    [
        {"word_embedding_dimension": 384, "pooling_mode_cls_token": True},
        {"embedding_dimension": 384, "pooling_mode": "cls"},
    ],
)
def test_another_pooling_runs_on_sentence_transformers(tmp_path: Path, pooling) -> None:  # type: ignore[no-untyped-def]
    assert not supports(model_folder(tmp_path, pooling))
