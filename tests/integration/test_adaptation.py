"""Adapting search to the catalogue (`tthc kb adapt`): reproducible from its seed, recorded
in the index it rebuilds, followed by the running search, never trained on a held-out set."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from knowledge_base.embedding.adaptation import AdaptationConfig, current_adaptation, read_record
from knowledge_base.retrieval.index import live_meta
from knowledge_base.seed import SEED_PROCEDURES
from tests.conftest import DEVSET_FILE, MODEL_DIR

pytestmark = [pytest.mark.app, pytest.mark.slow]

# Small enough to train in seconds, large enough for a batch of distinct procedures.
SMALL = AdaptationConfig(seed=7, batch_size=8, max_tokens=32)
QUESTIONS = ("làm giấy khai sinh cho con", "dang ky thuong tru", "xin phiếu lý lịch tư pháp")


def small_settings(data_dir: Path):  # type: ignore[no-untyped-def]
    """A deployment that searches with its adaptation (no embedding_model set), its base
    model being the one converted at setup."""
    from tthc.settings import Settings

    (data_dir / "models").mkdir(parents=True, exist_ok=True)
    (data_dir / "models" / "multilingual-e5-small").symlink_to(MODEL_DIR)
    return Settings(data_dir=data_dir, _env_file=None)


@pytest.fixture(scope="module")
def adapted(tmp_path_factory, encoder):  # type: ignore[no-untyped-def]
    """Sixteen seed procedures adapted as `tthc kb adapt` does, and the same pairs trained
    again with the same seed elsewhere (without the ONNX export, which changes no weight)."""
    from knowledge_base.embedding.adaptation import adapt
    from knowledge_base.importers.runner import import_path
    from tthc.adapting import adapt_search, catalogue_pairs
    from tthc.services import build_services

    data_dir = tmp_path_factory.mktemp("adapted")
    catalogue = yaml.safe_load(SEED_PROCEDURES.read_text(encoding="utf-8"))
    catalogue["procedures"] = catalogue["procedures"][:16]
    subset = data_dir / "procedures.yaml"
    subset.write_text(yaml.safe_dump(catalogue, allow_unicode=True), encoding="utf-8")
    settings = small_settings(data_dir / "data")
    services = build_services(settings)
    services.upgrade_database()
    import_path(subset, services.sessions)
    adapted = adapt_search(settings, config=SMALL, per_procedure=2)
    pairs = catalogue_pairs(services.search.catalogue, [], per_procedure=2, seed=SMALL.seed)
    services.close()
    again = adapt(
        settings.model_dir,
        pairs,
        data_dir / "again",
        settings.query_prompt,
        settings.passage_prompt,
        SMALL,
        export_onnx=False,
    )
    return settings, adapted, again


def rankings(model: Path) -> list[list[int]]:
    from sentence_transformers import SentenceTransformer

    loaded = SentenceTransformer(str(model), device="cpu")
    procedures = yaml.safe_load(SEED_PROCEDURES.read_text(encoding="utf-8"))["procedures"]
    names = [procedure["name"] for procedure in procedures[:16]]
    scores = loaded.encode(list(QUESTIONS)) @ loaded.encode(names).T
    return [list(row.argsort()[::-1][:5]) for row in scores]


def test_the_same_seed_gives_the_same_ranking(adapted) -> None:
    _, first, again = adapted
    assert read_record(first.folder)["pairs_digest"] == read_record(again.folder)["pairs_digest"]
    assert rankings(first.folder) == rankings(again.folder)


def test_training_moves_the_model_from_its_base(adapted) -> None:
    from sentence_transformers import SentenceTransformer

    _, first, _ = adapted
    assert first.report is not None and first.report.steps > 0
    questions = list(QUESTIONS)
    base = SentenceTransformer(str(MODEL_DIR), device="cpu").encode(questions)
    tuned = SentenceTransformer(str(first.folder), device="cpu").encode(questions)
    assert not np.allclose(base, tuned, atol=1e-4)


def test_the_index_records_the_adaptation_it_was_built_with(adapted) -> None:
    settings, second, _ = adapted
    meta = live_meta(settings.index_dir)
    assert meta is not None
    assert meta["model"] == str(second.folder)
    assert meta["adaptation"]["adaptation_id"] == second.folder.name
    assert meta["adaptation"]["procedures"] == 16


def test_the_deployment_searches_with_its_current_adaptation(adapted) -> None:
    from tthc.services import build_services

    settings, second, _ = adapted
    assert current_adaptation(settings.models_dir) == second.folder
    assert settings.resolved_embedding_model == str(second.folder)
    services = build_services(settings)
    assert services.search.is_current()
    assert services.search.search("đăng ký khai sinh").hits
    services.close()


def test_a_deployment_can_search_with_its_base_model_instead(adapted) -> None:
    settings, _, _ = adapted
    base = settings.model_copy(update={"use_adaptation": False})
    assert base.resolved_embedding_model == str(base.model_dir)


def test_search_with_the_base_model_ranks_by_the_hand_set_mix(tmp_path: Path) -> None:
    from tests.conftest import deployment_settings
    from tthc.services import build_services

    services = build_services(deployment_settings(tmp_path / "data"))
    services.upgrade_database()
    services.search.reindex()
    searcher = services.search.searcher()
    services.close()
    assert services.search.config.ranking is not None
    assert searcher.ranking is None


def test_a_rerun_with_nothing_changed_keeps_the_current_adaptation(adapted) -> None:
    from tthc.adapting import adapt_search

    settings, second, _ = adapted
    again = adapt_search(settings, config=SMALL, per_procedure=2)
    assert again.report is None
    assert again.folder == second.folder


def test_a_running_search_follows_an_index_rebuilt_with_a_new_model(adapted) -> None:
    """`tthc kb adapt` runs in another process: the server's search service, built with the
    previous model, embeds questions with the model of the index it loads."""
    from knowledge_base.retrieval.service import SearchService
    from tthc.services import build_services

    settings, second, _ = adapted
    stale = build_services(settings.model_copy(update={"use_adaptation": False}))
    service: SearchService = stale.search
    assert service.search("đăng ký thường trú").hits
    assert service.encoder.name == str(second.folder)
    stale.close()


def test_a_held_out_set_is_never_trained_on(tmp_path: Path) -> None:
    from tthc.adapting import HeldOutRefused, labelled_questions

    held_out = tmp_path / "heldout.jsonl"
    held_out.write_text(DEVSET_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(HeldOutRefused):
        labelled_questions([DEVSET_FILE, held_out])


def test_the_adapt_command_refuses_a_held_out_set() -> None:
    from typer.testing import CliRunner

    from tthc.cli import app

    held_out = Path(__file__).resolve().parents[1] / "data" / "heldout.jsonl"
    result = CliRunner().invoke(app, ["kb", "adapt", "--questions", str(held_out)])
    assert result.exit_code == 2
    assert "held-out" in result.output


def test_an_adaptation_without_labelled_questions_keeps_the_strict_evidence(adapted) -> None:
    from tthc.services import build_services

    settings, _, _ = adapted
    services = build_services(settings)
    searcher = services.search.searcher()
    services.close()
    assert searcher.scope_examples is None
    assert searcher.min_evidence == settings.confidence_evidence
    assert searcher.ranking is None  # the weights were learned with labelled questions


def test_labelled_out_of_scope_questions_keep_like_questions_from_being_trusted(adapted) -> None:
    """They teach no pairs, so the model is kept; they are embedded beside it and the index
    rebuilt, and a running search that was built before follows it."""
    from knowledge_base.retrieval.evaluation import LabelledQuestion
    from tthc.adapting import adapt_search
    from tthc.services import build_services

    settings, second, _ = adapted
    running = build_services(settings)
    assert "scope" not in running.search.search("ngày mai thời tiết có mưa không").debug
    # A code that is not among these sixteen procedures: in scope, but it makes no pairs.
    in_scope = ("đăng ký khai sinh cho con", "làm lại sổ hộ khẩu", "xin phiếu lý lịch tư pháp")
    out_of_scope = ("thời tiết hôm nay thế nào", "tỷ số trận bóng đá tối qua", "quán phở nào ngon")
    questions = [LabelledQuestion(question=q, gold=["9.999999"]) for q in in_scope] + [
        LabelledQuestion(question=q, gold=[]) for q in out_of_scope
    ]
    again = adapt_search(settings, questions, config=SMALL, per_procedure=2)
    assert again.report is None and again.folder == second.folder and again.scope_refreshed
    weather = running.search.search("ngày mai thời tiết có mưa không")
    birth = running.search.search("đăng ký khai sinh cho bé ở đâu")
    evidence = running.search.searcher().min_evidence
    learned = running.search.searcher().ranking
    running.close()
    assert not weather.confident and weather.debug["scope"] < 0
    assert birth.debug["scope"] > 0
    assert evidence == settings.confidence_evidence_adapted
    assert learned is not None


def test_ranking_weights_are_learned_from_questions_searched_with_the_adaptation(adapted) -> None:
    from knowledge_base.retrieval.evaluation import LabelledQuestion
    from knowledge_base.retrieval.learned_ranking import FEATURES
    from tthc.ranking import train_ranking
    from tthc.services import build_services

    settings, _, _ = adapted
    services = build_services(settings)
    searcher = services.search.searcher()
    services.close()
    procedures = searcher.index.procedures[:10]
    questions = [
        LabelledQuestion(question=f"cho mình hỏi {p.name.lower()} cần giấy tờ gì", gold=[p.code])
        for p in procedures
    ]
    weights = train_ranking(searcher, questions, sources=["seed questions"])
    assert set(weights.weights) == set(FEATURES)
    assert weights.about["examples"] == 10
    assert weights.about["procedures"] == 16
    assert weights.weights == train_ranking(searcher, questions).weights


def test_ranking_weights_are_not_learned_from_questions_the_model_was_adapted_with(
    adapted,
) -> None:
    """The questions the labelled-questions test above embedded beside the model."""
    from knowledge_base.retrieval.evaluation import LabelledQuestion
    from tthc.ranking import train_ranking
    from tthc.services import build_services

    settings, _, _ = adapted
    services = build_services(settings)
    searcher = services.search.searcher()
    services.close()
    seen = [LabelledQuestion(question="làm lại sổ hộ khẩu", gold=["9.999999"])]
    with pytest.raises(ValueError, match="among the labelled questions"):
        train_ranking(searcher, seen)


def test_the_train_ranking_command_refuses_a_held_out_set(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tthc.cli import app

    held_out = Path(__file__).resolve().parents[1] / "data" / "heldout.jsonl"
    result = CliRunner().invoke(
        app, ["kb", "train-ranking", str(held_out), "--out", str(tmp_path / "weights.json")]
    )
    assert result.exit_code == 2
    assert "held-out" in result.output
    assert not (tmp_path / "weights.json").exists()
