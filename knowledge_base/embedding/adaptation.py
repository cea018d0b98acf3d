"""Adapting the embedding model to the catalogue: contrastive fine-tuning on this machine.

multilingual-e5-small knows Vietnamese but not how citizens name procedures ("bằng lái bị
mất" is "Cấp lại giấy phép lái xe") or which of two close variants a question means. It
is fine-tuned on (question, procedure passage) pairs with in-batch negatives (the
multiple-negatives ranking loss): each question is pulled towards its procedure and away
from the other procedures of its batch. Batches are drawn from one field (lĩnh vực) at a
time, so those negatives are the close ones a citizen could be confused with; variants a
pair accepts (the same procedure at another level, other gold codes) are never pushed away.

The word-embedding matrix (250k pieces, 3/4 of the weights) is frozen: the pairs are too
few to move it usefully, and freezing it halves the time of a step and the optimiser's
memory. Training is seeded: the same pairs, seed and thread count give the same model.

Each adaptation goes into its own folder ``<models>/adapted/<id>``; ``CURRENT`` names the
live one, like the index builds, and the folder's ``adaptation.json`` records what it was
trained from. The id changes with every adaptation, so an index built with an older one
is rebuilt.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import hashlib
import json
import os
import random
import resource
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

from knowledge_base.embedding import onnx_backend

RECORD = "adaptation.json"
CURRENT = "CURRENT"
KEEP_ADAPTATIONS = 2


class Pair(Protocol):
    query: str
    passage: str
    code: str
    accepted: frozenset[str]
    group: str


@dataclass(frozen=True)
class AdaptationConfig:
    seed: int = 13
    epochs: int = 1
    batch_size: int = 32
    learning_rate: float = 3e-5
    # Cosine similarities are multiplied by this before the softmax over the batch.
    scale: float = 20.0
    max_tokens: int = 64
    warmup_share: float = 0.1
    threads: int = 2


@dataclass(frozen=True)
class AdaptationReport:
    folder: Path
    adaptation_id: str
    pairs: int
    steps: int
    seconds: float
    peak_memory_mb: int
    first_loss: float
    last_loss: float


def pairs_digest(pairs: Sequence[Pair]) -> str:
    """Identifies a training set: the same digest, base model and config give the same model."""
    digest = hashlib.sha256()
    for pair in pairs:
        digest.update(f"{pair.query}\t{pair.passage}\t{pair.code}\n".encode())
    return digest.hexdigest()[:16]


def batches(pairs: Sequence[Pair], size: int, rng: random.Random) -> list[list[Pair]]:
    """Batches of one group (field) each where the group is large enough, in random order;
    a batch holds at most one pair per procedure, so no question's own procedure is another
    question's negative."""
    by_group: dict[str, list[Pair]] = {}
    for pair in pairs:
        by_group.setdefault(pair.group, []).append(pair)
    result: list[list[Pair]] = []
    leftovers: list[Pair] = []
    for group in sorted(by_group):
        members = by_group[group]
        rng.shuffle(members)
        chunks = _distinct_chunks(members, size)
        for chunk in chunks:
            if len(chunk) >= size // 2:
                result.append(chunk)
            else:
                leftovers.extend(chunk)
    rng.shuffle(leftovers)
    result.extend(_distinct_chunks(leftovers, size))
    rng.shuffle(result)
    return [batch for batch in result if len(batch) > 1]


def _distinct_chunks(pairs: list[Pair], size: int) -> list[list[Pair]]:
    chunks: list[list[Pair]] = []
    codes: list[set[str]] = []
    for pair in pairs:
        for chunk, seen in zip(chunks, codes, strict=True):
            if len(chunk) < size and pair.code not in seen:
                chunk.append(pair)
                seen.add(pair.code)
                break
        else:
            chunks.append([pair])
            codes.append({pair.code})
    return chunks


def _seed_everything(seed: int, threads: int) -> None:
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)


def _reset_peak_memory() -> None:
    """Start the peak-memory count at the training (Linux: writing 5 to clear_refs resets
    the process's high-water mark), so what the process did before is not reported."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _return_freed_memory() -> None:
    """glibc keeps what Python and torch freed for later; the export would come on top of
    it (measured: 1.9 GB resident before the export of a small adaptation, 0.95 GB after
    this)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _peak_memory_mb() -> int:
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    kilobytes = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))
    return int(kilobytes) // 1024


def adapt(
    base_model: Path,
    pairs: Sequence[Pair],
    models_root: Path,
    query_prompt: str,
    passage_prompt: str,
    config: AdaptationConfig | None = None,
    progress: bool = False,
    extra_record: dict[str, Any] | None = None,
    export_onnx: bool = True,
    before_publish: Callable[[Path], None] | None = None,
) -> AdaptationReport:
    """Fine-tune ``base_model`` on ``pairs`` into a new folder under ``models_root`` (with
    its ONNX export, which search runs fastest; without it sentence-transformers runs the
    folder) and make it the current adaptation. ``before_publish`` adds to the finished
    folder what must be there before anything can use it."""
    import torch
    from sentence_transformers import SentenceTransformer
    from tqdm import tqdm

    config = config or AdaptationConfig()
    started = time.perf_counter()
    _reset_peak_memory()
    _seed_everything(config.seed, config.threads)
    rng = random.Random(config.seed)
    model = SentenceTransformer(str(base_model), device="cpu")
    # Questions and views are short: training on their first tokens is as good and faster.
    full_length = model.max_seq_length
    model.max_seq_length = config.max_tokens
    transformer = model[0].auto_model
    transformer.embeddings.word_embeddings.weight.requires_grad = False
    model.train()

    plan = [batch for _ in range(config.epochs) for batch in batches(pairs, config.batch_size, rng)]
    parameters = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(parameters, lr=config.learning_rate)
    warmup = max(1, int(len(plan) * config.warmup_share))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda step: min((step + 1) / warmup, max(0.0, (len(plan) - step) / (len(plan) - warmup))),
    )

    def embed(model: SentenceTransformer, texts: list[str]) -> torch.Tensor:
        return model(model.tokenize(texts))["sentence_embedding"]

    losses: list[float] = []
    for batch in tqdm(plan, desc="Adapting", unit="batch", disable=not progress):
        queries = embed(model, [query_prompt + pair.query for pair in batch])
        passages = embed(model, [passage_prompt + pair.passage for pair in batch])
        scores = queries @ passages.T * config.scale
        # A passage the question also accepts (a variant at another level) is no negative.
        mask = torch.tensor(
            [
                [i != j and other.code in pair.accepted for j, other in enumerate(batch)]
                for i, pair in enumerate(batch)
            ]
        )
        scores = scores.masked_fill(mask, float("-inf"))
        loss = torch.nn.functional.cross_entropy(scores, torch.arange(len(batch)))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(parameters, 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        losses.append(float(loss.detach()))

    model.eval()
    model.max_seq_length = full_length
    adaptation_id = (
        datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    )
    adapted = models_root / "adapted"
    adapted.mkdir(parents=True, exist_ok=True)
    staging = adapted / f".{adaptation_id}.partial"
    model.save(str(staging))
    # The export loads the saved folder again and traces it (1.7 GB more): free the trained
    # copy's optimiser state and most of the rest first (the last step's graph still holds
    # the parameters, about 85 MB), and give the memory back.
    del model, transformer, parameters, optimizer, schedule
    gc.collect()
    _return_freed_memory()
    if export_onnx:
        onnx_backend.export(staging)
    report = AdaptationReport(
        folder=adapted / adaptation_id,
        adaptation_id=adaptation_id,
        pairs=len(pairs),
        steps=len(plan),
        seconds=round(time.perf_counter() - started, 1),
        peak_memory_mb=_peak_memory_mb(),
        first_loss=round(sum(losses[:10]) / max(1, len(losses[:10])), 4),
        last_loss=round(sum(losses[-10:]) / max(1, len(losses[-10:])), 4),
    )
    record = {
        "adaptation_id": adaptation_id,
        "base_model": str(base_model),
        "pairs_digest": pairs_digest(pairs),
        "config": asdict(config),
        "query_prompt": query_prompt,
        "passage_prompt": passage_prompt,
        "trained_at": datetime.now(timezone.utc).isoformat(),
        **{k: v for k, v in asdict(report).items() if k not in {"folder", "adaptation_id"}},
        **(extra_record or {}),
    }
    (staging / RECORD).write_text(json.dumps(record, indent=2, ensure_ascii=False), "utf-8")
    try:
        if before_publish is not None:
            before_publish(staging)
        staging.rename(report.folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _point_current(adapted, adaptation_id)
    _remove_old(adapted, keep=adaptation_id)
    return report


def _point_current(adapted: Path, adaptation_id: str) -> None:
    temporary = adapted / f".{CURRENT}.{uuid.uuid4().hex}"
    temporary.write_text(adaptation_id, encoding="utf-8")
    os.replace(temporary, adapted / CURRENT)


def _remove_old(adapted: Path, keep: str) -> None:
    finished = sorted(p for p in adapted.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in finished[:-KEEP_ADAPTATIONS]:
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)


def current_adaptation(models_root: Path) -> Path | None:
    """The live adapted model's folder, or None when the catalogue was never adapted."""
    adapted = models_root / "adapted"
    try:
        adaptation_id = (adapted / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    folder = adapted / adaptation_id
    return folder if (folder / RECORD).is_file() else None


def read_record(folder: Path) -> dict[str, Any]:
    return json.loads((folder / RECORD).read_text(encoding="utf-8"))


def adaptation_summary(folder: Path) -> dict[str, Any] | None:
    """What an index records of the adapted model it was built with; None for a model
    that was not adapted here."""
    if not (folder / RECORD).is_file():
        return None
    record = read_record(folder)
    kept = ("adaptation_id", "base_model", "pairs", "pairs_digest", "procedures", "trained_at")
    return {key: record.get(key) for key in kept}
