"""Learning the ranking weights (`tthc kb train-ranking`): labelled questions searched with
the live index, each question's candidates and which of them are right, one linear model.

The questions must be ones the live index's model was not adapted on: the dense evidence
of a question trained on is higher than a new question's, and weights learned from it
would trust that evidence too much (README, "Learned ranking", says how the shipped weights
were made).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from knowledge_base.retrieval.evaluation import LabelledQuestion
from knowledge_base.retrieval.hybrid import HybridSearcher
from knowledge_base.retrieval.learned_ranking import RankingExample, RankingWeights, fit_weights

# A question embedded this close to a labelled question is that question.
SAME_QUESTION = 0.999


def ranking_examples(
    searcher: HybridSearcher, questions: Sequence[LabelledQuestion]
) -> list[RankingExample]:
    """The candidates of each in-scope question, as search finds them."""
    examples = []
    known = 0
    for question in questions:
        if not question.gold:
            continue
        query = searcher.analyzer.analyze(question.question)
        if not query.text:
            continue
        found = searcher.candidates(query)
        known += found.nearest_example is not None and found.nearest_example > SAME_QUESTION
        gold = set(question.gold)
        right = [searcher.codes[c] in gold for c in found.positions.tolist()]
        examples.append(RankingExample(found.evidence.features(), np.array(right)))
    if known:
        raise ValueError(
            f"{known} of the questions are among the labelled questions the model was adapted "
            "with: weights learned from them would trust what it has seen"
        )
    return examples


def hand_set_mix(searcher: HybridSearcher) -> dict[str, float]:
    """The hand-set mix (fusion and variant weights) as weights over the features: the scale
    learned weights are put on."""
    config = searcher.config
    return {
        "dense": searcher.dense_weight,
        "lexical": 1 - searcher.dense_weight,
        "action": config.action_weight,
        "special_cases": -config.special_case_weight,
    }


def train_ranking(
    searcher: HybridSearcher,
    questions: Sequence[LabelledQuestion],
    regularisation: float = 1.0,
    sources: Sequence[str] = (),
) -> RankingWeights:
    """Weights learned from ``questions`` (named by ``sources`` in what they record)."""
    if searcher.index.meta.get("adaptation") is None:
        raise ValueError(
            "the live index is built with the base model: learned weights apply only to one "
            "built with a model adapted here (tthc kb adapt)"
        )
    examples = ranking_examples(searcher, questions)
    learned = fit_weights(examples, hand_set_mix(searcher), regularisation)
    return replace(
        learned,
        about={
            "learned": datetime.now(UTC).strftime("%Y-%m-%d"),
            "questions": list(sources),
            "examples": sum(bool(e.right.any()) and not e.right.all() for e in examples),
            "model": Path(searcher.index.model).name,
            "procedures": len(searcher.index.procedures),
            "regularisation": regularisation,
        },
    )
