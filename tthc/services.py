"""The one place where services are built from settings: the app, the `tthc` command,
the tests and the benchmarks all start here.

Everything below this package is given what it needs (a database engine, an index
folder, an embedding configuration, thresholds) and reads no settings of its own.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from actions.actions import ActionServices
from actions.deployment import DeploymentProfile, load_profile
from actions.dossier_status import DossierStatusProvider, LookupLimit, load_provider
from knowledge_base.db import make_engine, session_factory, upgrade_database
from knowledge_base.embedding.encoder import EmbeddingConfig, Encoder
from knowledge_base.retention import (
    purge_conversations,
    purge_feedback,
    purge_sign_ins,
    purge_turns,
)
from knowledge_base.retrieval.hybrid import SearchConfig
from knowledge_base.retrieval.learned_ranking import RankingWeights
from knowledge_base.retrieval.service import SearchService
from knowledge_base.store import StoreCatalogue
from tthc.backoffice.accounts import SignInThrottle
from tthc.backoffice.sessions import SessionCookies
from tthc.settings import Settings
from tthc.stored_secrets import admin_session_key

logger = logging.getLogger(__name__)
_reindexing = threading.Lock()


@dataclass(frozen=True)
class Purged:
    feedback: int
    conversations: int
    turns: int


@dataclass
class Services:
    """A deployment's services, built once per process.

    The deployment profile and the dossier provider are read at first use, so a command
    that needs neither (`tthc db upgrade`, `tthc kb import`) does not depend on them.
    """

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    search: SearchService
    _reindex_wanted: bool = field(default=False, init=False, repr=False)
    _reindex_running: bool = field(default=False, init=False, repr=False)
    _reindex_thread: threading.Thread | None = field(default=None, init=False, repr=False)

    @cached_property
    def profile(self) -> DeploymentProfile:
        return load_profile(self.settings.deployment_file)

    @cached_property
    def dossiers(self) -> DossierStatusProvider:
        return load_provider(self.settings.dossier_provider, self.sessions, self.settings)

    @cached_property
    def tracker_store(self) -> Engine:
        """Rasa's SQL tracker store, read for the back-office's transcripts."""
        return make_engine(self.settings.tracker_store_url_for_the_app)

    @cached_property
    def admin_cookies(self) -> SessionCookies:
        return SessionCookies(
            admin_session_key(self.settings), self.settings.admin_session_hours * 3600
        )

    @cached_property
    def sign_in_throttle(self) -> SignInThrottle:
        return SignInThrottle(self.settings.admin_sign_in_rate_limit)

    @property
    def action_services(self) -> ActionServices:
        """What the Rasa custom actions are given."""
        return ActionServices(
            search=self.search,
            sessions=self.sessions,
            profile=self.profile,
            dossiers=self.dossiers,
            clarify_margin=self.settings.clarify_margin,
            dossier_lookups=LookupLimit(self.settings.dossier_lookup_rate_limit),
        )

    def purge_expired(self, now: datetime | None = None) -> Purged:
        """Delete ratings and conversations kept past their retention periods."""
        now = now or datetime.now(UTC)
        settings = self.settings
        with self.sessions.begin() as session:
            feedback = purge_feedback(session, now - timedelta(settings.feedback_retention_days))
            turns = purge_turns(session, now - timedelta(settings.turn_retention_days))
            purge_sign_ins(session, now - timedelta(settings.turn_retention_days))
        conversations = purge_conversations(
            self.tracker_store, now - timedelta(settings.conversation_retention_days)
        )
        return Purged(feedback=feedback, conversations=conversations, turns=turns)

    def reindex_in_background(self) -> threading.Thread:
        """Rebuild the search index after an edit, without holding the editor up: one build
        at a time, and edits saved during a build are picked up by one build more."""
        with _reindexing:
            self._reindex_wanted = True
            running = self._reindex_thread
            if running is not None and self._reindex_running:
                return running  # it takes the wish before it stops (both under the lock)
            self._reindex_running = True

            def run() -> None:
                while True:
                    with _reindexing:
                        if not self._reindex_wanted:
                            self._reindex_running = False
                            return
                        self._reindex_wanted = False
                    try:
                        self.search.reindex()
                    except Exception:
                        logger.exception("The search index could not be rebuilt after an edit")

            thread = threading.Thread(target=run, name="reindex", daemon=True)
            self._reindex_thread = thread
            thread.start()
            return thread

    def upgrade_database(self) -> None:
        upgrade_database(self.settings.resolved_database_url)

    def close(self) -> None:
        if self._reindex_thread is not None:  # an index half written helps no one
            self._reindex_thread.join()
        self.engine.dispose()
        if "tracker_store" in self.__dict__:
            self.tracker_store.dispose()


def embedding_config(settings: Settings) -> EmbeddingConfig:
    return EmbeddingConfig(
        model=settings.resolved_embedding_model,
        query_prompt=settings.query_prompt,
        passage_prompt=settings.passage_prompt,
        batch_size=settings.embedding_batch_size,
        backend=settings.embedding_backend,
    )


def search_config(settings: Settings) -> SearchConfig:
    return SearchConfig(
        candidates=settings.search_candidates,
        min_margin=settings.confidence_margin,
        min_evidence=settings.confidence_evidence,
        adapted_min_evidence=settings.confidence_evidence_adapted,
        preferred_levels=tuple(settings.preferred_levels),
        ranking=ranking_weights(settings),
    )


def ranking_weights(settings: Settings) -> RankingWeights | None:
    """The learned weights, or None for the hand-set mix: when turned off, or when the file
    cannot be read (search goes on with the mix, and says why)."""
    if not settings.learned_ranking:
        return None
    try:
        return RankingWeights.load(settings.ranking_weights)
    except ValueError as error:
        logger.warning("%s; search ranks with the hand-set mix", error)
        return None


def build_services(settings: Settings, encoder: Encoder | None = None) -> Services:
    """Wire a deployment from its settings; ``encoder`` lets tests share one loaded model
    (it must embed as the settings say)."""
    engine = make_engine(settings.resolved_database_url)
    sessions = session_factory(engine)
    search = SearchService(
        settings.index_dir,
        StoreCatalogue(sessions),
        embedding_config(settings),
        search_config(settings),
        encoder=encoder,
    )
    return Services(settings=settings, engine=engine, sessions=sessions, search=search)
