"""The composition root wires a deployment from its own settings and from nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import MODEL_DIR, deployment_settings
from tthc.services import build_services

pytestmark = [pytest.mark.app, pytest.mark.slow]


def test_search_embeds_with_the_model_its_settings_name_not_the_environments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TTHC_EMBEDDING_MODEL", str(tmp_path / "another-model"))
    services = build_services(deployment_settings(tmp_path / "data"))
    assert services.search.encoder.name == str(MODEL_DIR)
    services.close()


def test_an_encoder_that_embeds_otherwise_than_the_settings_is_refused(
    tmp_path: Path, encoder
) -> None:  # type: ignore[no-untyped-def]
    settings = deployment_settings(tmp_path / "data").model_copy(
        update={"passage_prompt": "passage: "}
    )
    with pytest.raises(ValueError, match="passage: "):
        build_services(settings, encoder=encoder)


def test_every_search_setting_reaches_the_search_service(tmp_path: Path) -> None:
    settings = deployment_settings(tmp_path / "data").model_copy(
        update={
            "search_candidates": 17,
            "confidence_margin": 0.11,
            "confidence_evidence": 2.5,
            "confidence_evidence_adapted": 1.9,
            "preferred_levels": ["Cấp tỉnh", "Cấp xã"],
        }
    )
    services = build_services(settings)
    config = services.search.config
    assert (config.candidates, config.min_margin) == (17, 0.11)
    assert (config.min_evidence, config.adapted_min_evidence) == (2.5, 1.9)
    assert tuple(config.preferred_levels) == ("Cấp tỉnh", "Cấp xã")
    services.close()


def test_a_command_that_needs_no_profile_does_not_read_one(tmp_path: Path) -> None:
    settings = deployment_settings(tmp_path / "data").model_copy(
        update={"deployment_file": tmp_path / "missing.yml", "dossier_provider": "no.such:Class"}
    )
    services = build_services(settings)
    services.upgrade_database()
    assert services.search.is_current() is False
    with pytest.raises(FileNotFoundError):
        services.profile  # noqa: B018
    services.close()


def test_search_ranks_with_the_shipped_learned_weights_unless_turned_off(tmp_path: Path) -> None:
    settings = deployment_settings(tmp_path / "data")
    services = build_services(settings)
    assert services.search.config.ranking is not None
    assert services.search.config.ranking.weights["labelled"] > 0
    services.close()
    off = build_services(settings.model_copy(update={"learned_ranking": False}))
    assert off.search.config.ranking is None
    off.close()


def test_unreadable_ranking_weights_leave_search_to_the_hand_set_mix(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = tmp_path / "weights.json"
    broken.write_text('{"weights": null}', encoding="utf-8")
    settings = deployment_settings(tmp_path / "data").model_copy(update={"ranking_weights": broken})
    services = build_services(settings)
    assert services.search.config.ranking is None
    assert "weights.json" in caplog.text and "hand-set mix" in caplog.text
    services.close()
