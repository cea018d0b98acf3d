"""The Zalo channel's settings: credentials.yml first, ZALO_* environment variables else."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.zalo.channel import ZaloSettings

pytestmark = pytest.mark.engine


def test_secrets_left_empty_in_credentials_come_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("ZALO_APP_ID", "4318800000000000001")
    monkeypatch.setenv("ZALO_OA_SECRET_KEY", "from-env")
    settings = ZaloSettings.from_credentials(
        {"app_id": None, "oa_secret_key": "", "api_url": "http://127.0.0.1:9/"}
    )
    assert (settings.app_id, settings.oa_secret_key) == ("4318800000000000001", "from-env")
    assert settings.api_url == "http://127.0.0.1:9/"
    assert settings.configured


def test_without_an_app_id_or_secret_the_channel_is_not_configured(monkeypatch) -> None:
    monkeypatch.delenv("ZALO_APP_ID", raising=False)
    monkeypatch.delenv("ZALO_OA_SECRET_KEY", raising=False)
    settings = ZaloSettings.from_credentials({"token_file": "state/tokens.json"})
    assert not settings.configured
    assert settings.token_file == Path("state/tokens.json")
    assert settings.api_url == "https://openapi.zalo.me"
