"""Adapting search to the deployment's catalogue: the pairs from the store, the training,
and an index rebuilt with the adapted model (`tthc kb adapt`, `tthc setup`, benchmarks).

The model is always trained from the base e5 weights, never from a previous adaptation,
so the same catalogue, questions and seed give the same model on the same machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from knowledge_base.embedding.adaptation import (
    AdaptationConfig,
    AdaptationReport,
    adapt,
    current_adaptation,
    pairs_digest,
    read_record,
)
from knowledge_base.embedding.encoder import Encoder
from knowledge_base.retrieval.corpus import Catalogue
from knowledge_base.retrieval.evaluation import LabelledQuestion, read_questions
from knowledge_base.retrieval.index import diacritics_restorer
from knowledge_base.retrieval.lexicon import default_lexicon
from knowledge_base.retrieval.query import QueryAnalyzer
from knowledge_base.retrieval.scope import ScopeExamples, examples_digest
from knowledge_base.retrieval.training_pairs import TrainingPair, training_pairs
from tthc.services import build_services, embedding_config
from tthc.settings import PROJECT_ROOT, Settings

DEVELOPMENT_SET = PROJECT_ROOT / "tests" / "data" / "devset.jsonl"
# Questions written to teach the model how citizens ask (tests/data/README.md).
TRAINING_QUESTIONS = PROJECT_ROOT / "tests" / "data" / "training_questions.jsonl"
# Measured on the national catalogue (2 cores), per generated pair with the labelled
# questions' pairs: about 0.09 s of training and reindex on one machine (2026-12-07,
# morning); 0.16 s for the whole command, examples included, on a slower one (28.9 min).
SECONDS_PER_PAIR = 0.15
# `tthc setup` adapts a knowledge base this small itself (the seed: about a minute).
SETUP_ADAPTS_UP_TO = 300


class HeldOutRefused(ValueError):
    """A held-out or validation set measures how well training generalises; it is never
    trained on."""


# Sets that measure and are never trained on, by their file names.
NEVER_TRAINED_ON = ("heldout", "validation")


@dataclass(frozen=True)
class Adapted:
    report: AdaptationReport | None  # None: the current adaptation was already this one
    folder: Path
    # The labelled questions had changed, not the pairs: only they were embedded again.
    scope_refreshed: bool = False


def labelled_questions(paths: Sequence[Path]) -> list[LabelledQuestion]:
    questions: list[LabelledQuestion] = []
    for path in paths:
        name = path.name.replace("-", "").replace("_", "").lower()
        if any(kind in name for kind in NEVER_TRAINED_ON):
            raise HeldOutRefused(f"{path} is a held-out set: it measures, it is never trained on")
        questions += read_questions(path)
    return questions


def default_questions() -> list[Path]:
    """The development set and the training questions, where the checkout has them."""
    return [path for path in (DEVELOPMENT_SET, TRAINING_QUESTIONS) if path.is_file()]


def catalogue_reader(catalogue: Catalogue) -> QueryAnalyzer:
    """Questions read as an index of the catalogue reads them (with the diacritics restorer
    it would store; no model needed)."""
    corpus = catalogue.corpus()
    lexicon = default_lexicon().with_entries(catalogue.word_lists())
    return QueryAnalyzer(diacritics_restorer(corpus.procedures, lexicon, corpus.wording), lexicon)


def catalogue_pairs(
    catalogue: Catalogue,
    questions: Sequence[LabelledQuestion],
    per_procedure: int,
    seed: int,
    reader: QueryAnalyzer | None = None,
) -> list[TrainingPair]:
    """Pairs from every active procedure, and from the labelled questions."""
    reader = reader or catalogue_reader(catalogue)
    return training_pairs(
        catalogue.training_texts(),
        reader,
        reader.lexicon,
        questions,
        per_procedure=per_procedure,
        seed=seed,
    )


def estimated_minutes(procedures: int, per_procedure: int = 4) -> int:
    return max(1, round(procedures * per_procedure * SECONDS_PER_PAIR / 60))


def adapt_search(
    settings: Settings,
    questions: Sequence[LabelledQuestion] = (),
    config: AdaptationConfig | None = None,
    per_procedure: int = 4,
    progress: bool = False,
    force: bool = False,
) -> Adapted:
    """Adapt the model to the catalogue and rebuild the index with it; a rerun with the same
    catalogue, questions and settings keeps the current adaptation."""
    config = config or AdaptationConfig()
    services = build_services(settings)
    catalogue = services.search.catalogue
    reader = catalogue_reader(catalogue)
    pairs = catalogue_pairs(catalogue, questions, per_procedure, config.seed, reader)
    services.close()

    def read(question: str) -> str:
        return reader.analyze(question).embedded_text

    def keep_scope_examples(model: Path) -> None:
        """Embed the labelled questions with the adapted model, beside it (search judges
        the scope by them: ``retrieval/scope.py``)."""

        def encode(texts: list[str]) -> np.ndarray:
            return Encoder(replace(embedding_config(settings), model=str(model))).encode_queries(
                texts
            )

        ScopeExamples.of(questions, read, encode).save(model)

    current = current_adaptation(settings.models_dir)
    if current is not None and not force:
        record = read_record(current)
        if record.get("pairs_digest") == pairs_digest(pairs) and record.get("config") == asdict(
            config
        ):
            # Out-of-scope questions teach no pairs: they may have changed all the same.
            kept = ScopeExamples.load(current)
            refreshed = kept is None or kept.digest != examples_digest(questions, read)
            if refreshed:
                keep_scope_examples(current)
            _reindex_with(settings, current, again=refreshed)
            return Adapted(None, current, scope_refreshed=refreshed)
    report = adapt(
        settings.model_dir,
        pairs,
        settings.models_dir,
        settings.query_prompt,
        settings.passage_prompt,
        config,
        progress=progress,
        extra_record={"procedures": len({pair.code for pair in pairs})},
        before_publish=keep_scope_examples,
    )
    _reindex_with(settings, report.folder)
    return Adapted(report, report.folder)


def _reindex_with(settings: Settings, model: Path, again: bool = False) -> None:
    """Build the index with ``model`` unless it is already; ``again``: even then (the
    searcher reads what is kept beside the model when an index goes live)."""
    services = build_services(settings.model_copy(update={"embedding_model": str(model)}))
    if again or not services.search.is_current():
        services.search.reindex()
    services.close()
