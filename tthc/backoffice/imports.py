"""Imports started from the back-office: the uploaded file is kept in the deployment's data
folder and imported in a background thread, which writes its progress and, at the end, its
report to the job's row; the page reads them from there. The index is rebuilt after."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from knowledge_base.importers.runner import ImportFormatError, import_path
from knowledge_base.models import ImportJob

logger = logging.getLogger(__name__)

ACCEPTED = (".jsonl", ".csv", ".xlsx", ".yaml", ".yml")
MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # the national export is about 60 MB
PROGRESS_EVERY_SECONDS = 0.5


def safe_name(filename: str) -> str:
    """The uploaded file's name, reduced to what is safe in a path."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(filename).name).strip(".-") or "upload"
    return stem[-120:]


def start(
    sessions: sessionmaker[Session],
    upload_dir: Path,
    filename: str,
    content: bytes,
    username: str,
    overwrite_curated: bool,
    after: Callable[[], object] = lambda: None,
) -> int:
    """Keep the file, record the job and import it in the background; the job's id."""
    name = safe_name(filename)
    if not name.lower().endswith(ACCEPTED):
        raise ImportFormatError(
            "Chỉ nhận tệp .jsonl (Cổng Dịch vụ công quốc gia), .csv, .xlsx (danh mục của tỉnh) "
            "hoặc .yaml."
        )
    with sessions.begin() as session:
        job = ImportJob(filename=name, started_by=username, overwrite_curated=overwrite_curated)
        session.add(job)
        session.flush()
        job_id = job.id
    upload_dir.mkdir(parents=True, exist_ok=True)
    path = upload_dir / f"{job_id}-{name}"
    path.write_bytes(content)
    thread = threading.Thread(
        target=_run, args=(sessions, job_id, path, overwrite_curated, after), daemon=True
    )
    thread.start()
    return job_id


def _run(
    sessions: sessionmaker[Session],
    job_id: int,
    path: Path,
    overwrite_curated: bool,
    after: Callable[[], object],
) -> None:
    last = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last
        if time.monotonic() - last < PROGRESS_EVERY_SECONDS and done < total:
            return
        last = time.monotonic()
        with sessions.begin() as session:
            job = session.get(ImportJob, job_id)
            job.processed, job.total = done, total

    try:
        report = import_path(path, sessions, progress, overwrite_curated=overwrite_curated)
        status, error, summary = "done", None, report.as_dict()
        summary["path"] = path.name
    except Exception as failure:  # the page says why; the log keeps the trace
        logger.exception("The import of %s failed", path.name)
        status, error, summary = "failed", str(failure)[:2000], None
    with sessions.begin() as session:
        job = session.get(ImportJob, job_id)
        job.status, job.error, job.report = status, error, summary
        job.finished_at = datetime.now(UTC)
    if status == "done":
        after()
