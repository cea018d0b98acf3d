"""ONNX Runtime execution of a sentence-transformers folder, for fast queries on a CPU.

On the 2-core machines this project targets, PyTorch spends ~40 ms on one short question
with multilingual-e5-small while ONNX Runtime needs ~15 ms for the same numbers, and
search latency is mostly this encoding. The folder stays a standard sentence-transformers
model; ``export`` adds ``onnx/model.onnx`` beside it and checks the two agree.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import numpy as np

ONNX_FILE = Path("onnx") / "model.onnx"
MAX_TOKENS = 512
_CHECK_TEXTS = (
    "query: làm căn cước cần giấy tờ gì",
    "query: lam can cuoc can giay to gi",
    "passage: Thủ tục đăng ký kết hôn",
    "passage: Cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
)


class OnnxExportError(RuntimeError):
    """The exported graph does not reproduce sentence-transformers' embeddings."""


def supports(model_dir: Path) -> bool:
    """True for a folder whose pooling this backend reproduces (mean pooling, normalised)."""
    pooling = model_dir / "1_Pooling" / "config.json"
    modules = model_dir / "modules.json"
    if not (pooling.is_file() and modules.is_file() and (model_dir / "tokenizer.json").is_file()):
        return False
    config = json.loads(pooling.read_text(encoding="utf-8"))
    kinds = [m.get("type", "") for m in json.loads(modules.read_text(encoding="utf-8"))]
    # sentence-transformers 5 writes "pooling_mode": "mean"; earlier versions one flag a mode.
    mean = config.get("pooling_mode") == "mean" or bool(config.get("pooling_mode_mean_tokens"))
    return mean and any("Normalize" in k for k in kinds)


class OnnxEncoder:
    """Tokenise with the folder's tokenizer.json, run the graph, mean-pool, normalise."""

    def __init__(self, model_dir: Path, threads: int | None = None) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        self.session = onnxruntime.InferenceSession(
            str(model_dir / ONNX_FILE), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()
        self.dimension = int(self.session.get_outputs()[0].shape[-1])

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Embed texts; batches hold texts of similar length so little padding is computed."""
        encodings = self.tokenizer.encode_batch(texts) if texts else []
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chosen = order[start : start + batch_size]
            width = max(len(encodings[i].ids) for i in chosen)
            ids = np.zeros((len(chosen), width), dtype=np.int64)
            mask = np.zeros((len(chosen), width), dtype=np.int64)
            for row, i in enumerate(chosen):
                length = len(encodings[i].ids)
                ids[row, :length] = encodings[i].ids
                mask[row, :length] = 1
            hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            out[chosen] = pooled
        return out


def is_exported(model_dir: Path) -> bool:
    return (model_dir / ONNX_FILE).is_file()


def export(model_dir: Path, min_cosine: float = 0.9999) -> Path:
    """Export the folder's transformer to ONNX (atomically) and verify it; idempotent."""
    target = model_dir / ONNX_FILE
    if target.is_file():
        return target
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers import AutoModel

    class _LastHiddenState(torch.nn.Module):
        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    model = AutoModel.from_pretrained(str(model_dir), dtype=torch.float32).eval()
    example = torch.ones((1, 8), dtype=torch.int64)
    target.parent.mkdir(exist_ok=True)
    partial = target.with_name(f".{uuid.uuid4().hex}.onnx")
    try:
        torch.onnx.export(
            _LastHiddenState(model),
            (example, example),
            str(partial),
            input_names=["input_ids", "attention_mask"],
            output_names=["last_hidden_state"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "last_hidden_state": {0: "batch", 1: "tokens"},
            },
            opset_version=17,
            dynamo=False,
        )
        reference = SentenceTransformer(str(model_dir), device="cpu").encode(
            list(_CHECK_TEXTS), normalize_embeddings=True
        )
        os.replace(partial, target)
        cosine = float((OnnxEncoder(model_dir).encode(list(_CHECK_TEXTS)) * reference).sum(1).min())
        if cosine < min_cosine:
            target.unlink()
            raise OnnxExportError(f"ONNX export disagrees with sentence-transformers ({cosine})")
    finally:
        partial.unlink(missing_ok=True)
    return target
