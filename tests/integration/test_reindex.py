"""Reindexing: the index records its origin, and a search never sees a half-built index."""

from __future__ import annotations

import dataclasses
import threading

import pytest

from knowledge_base.retrieval import index as index_module
from knowledge_base.retrieval.index import current_build_id

pytestmark = [pytest.mark.app, pytest.mark.slow]


def test_index_records_model_and_knowledge_base_version(seeded_deployment) -> None:
    from knowledge_base import store

    searcher = seeded_deployment.search.searcher()
    with seeded_deployment.sessions() as session:
        assert searcher.index.kb_version == store.kb_version(session)
    assert searcher.index.model == seeded_deployment.settings.resolved_embedding_model


def test_an_index_built_by_older_code_is_not_current(seeded_deployment, monkeypatch) -> None:
    seeded = seeded_deployment.search
    assert seeded.is_current()
    monkeypatch.setattr(
        "knowledge_base.retrieval.service.FORMAT_VERSION", index_module.FORMAT_VERSION + 1
    )
    assert not seeded.is_current()


def test_an_index_of_another_model_is_not_current(seeded_deployment) -> None:
    from knowledge_base.retrieval.service import SearchService

    seeded = seeded_deployment.search
    other_model = dataclasses.replace(seeded.embedding, model="intfloat/multilingual-e5-base")
    other = SearchService(seeded.index_root, seeded.catalogue, other_model, seeded.config)
    assert not other.is_current()


def test_failed_build_leaves_the_live_index_untouched(seeded_deployment, monkeypatch) -> None:
    seeded = seeded_deployment.search
    before = current_build_id(seeded.index_root)

    def broken_save(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError("disk full")

    monkeypatch.setattr(index_module.faiss, "write_index", broken_save)
    with pytest.raises(OSError):
        seeded.reindex()
    assert current_build_id(seeded.index_root) == before
    assert seeded.search("đăng ký khai sinh").hits


def test_searches_during_a_reindex_always_get_a_whole_index(seeded_deployment) -> None:
    seeded = seeded_deployment.search
    failures: list[BaseException] = []
    builds_seen: set[str] = set()
    done = threading.Event()

    def keep_searching() -> None:
        while not done.is_set():
            try:
                result = seeded.search("lam giay khai sinh cho con")
                assert result.hits
                builds_seen.add(seeded.searcher().index.build_id)
            except BaseException as error:
                failures.append(error)
                return

    searcher = threading.Thread(target=keep_searching)
    searcher.start()
    try:
        seeded.reindex()
        seeded.reindex()
    finally:
        done.set()
        searcher.join()
    assert failures == []
    assert builds_seen, "no search completed while reindexing"


def test_a_new_build_is_picked_up_by_another_service(seeded_deployment, encoder) -> None:
    from tthc.services import build_services

    other = build_services(seeded_deployment.settings, encoder=encoder).search
    first = other.searcher().index.build_id
    seeded_deployment.search.reindex()
    assert other.searcher().index.build_id != first
