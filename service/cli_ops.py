"""Commands for operators: `kb sync DIR`, `kb backup FILE`, `kb restore FILE`; and the audit log
entries the command line writes."""

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from ingest.pipeline import IngestReport
    from kb.knowledge_base import KnowledgeBase
    from kb.settings import Settings

ACCOUNTS_DB = "accounts.sqlite3"


def audit(
    settings: "Settings", action: str, doc_id: str | None, version: str | None, **detail: Any
) -> None:
    from service.audit import AuditLog
    from service.cli_admin import cli_actor

    log = AuditLog(settings.data_dir / ACCOUNTS_DB)
    try:
        log.record(cli_actor(), action, doc_id, version, **detail)
    finally:
        log.close()


def audit_ingest(settings: "Settings", report: "IngestReport") -> None:
    for r in report.results:
        if r.status in ("added", "replaced"):
            audit(settings, "ingest", r.doc_id, None, file=Path(r.path).name, outcome=r.status)


def _say(text: str) -> None:
    typer.echo(text, err=True)


# -- sync ------------------------------------------------------------------------------------------


@dataclass
class Plan:
    add: list[Path] = field(default_factory=list)
    replace: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    withdraw: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def plan_sync(kb: "KnowledgeBase", folder: Path, delete: bool) -> Plan:
    """What mirroring ``folder`` would change: by file name (the document id) and content."""
    from ingest.chunking import Chunker
    from ingest.parse import pipeline_signature
    from ingest.pipeline import discover
    from kb.models import content_version, document_id

    files, missing = discover([folder])
    plan = Plan(problems=[f"{m.path}: {m.reason}" for m in missing])
    signature = pipeline_signature(Chunker(kb.settings.chunk_size, kb.settings.chunk_overlap))
    registry = kb.store.registry
    seen: set[str] = set()
    for path in files:
        doc_id = document_id(path.name)
        seen.add(doc_id)
        active = registry.active_version(doc_id)
        try:
            version = content_version(path.read_bytes(), signature)
        except OSError as e:
            plan.problems.append(f"{path}: cannot read ({e.strerror or e})")
            continue
        if active is None:
            plan.add.append(path)
        elif active != version:
            plan.replace.append(path)
        else:
            plan.unchanged.append(path)
    if delete:
        plan.withdraw = sorted(d.doc_id for d in kb.documents() if d.doc_id not in seen)
    return plan


def sync(
    folder: Annotated[Path, typer.Argument(help="The folder to mirror.")],
    delete: Annotated[
        bool, typer.Option("--delete", help="Withdraw published documents missing in DIR.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only print the plan.")] = False,
) -> None:
    """Mirror a folder: add new files, replace changed ones, withdraw missing (--delete).

    Files are matched to documents by name. --delete withdraws every published document
    without a file in DIR (undo with `kb docs restore`); --dry-run prints the plan only.
    """
    from ingest.pipeline import ingest_paths
    from service.cli import _open_kb, _waiting
    from service.progress import RichProgress, print_report

    if not folder.is_dir():
        typer.echo(f"Error: {folder} is not a folder", err=True)
        raise typer.Exit(2)
    kb = _open_kb()
    try:
        plan = plan_sync(kb, folder, delete)
        _print_plan(plan)
        if dry_run:
            typer.echo("Dry run: nothing changed.")
            return
        failed = False
        todo = plan.add + plan.replace
        if todo:
            with RichProgress(enabled=sys.stderr.isatty()) as progress:
                report = ingest_paths(kb, todo, progress, on_wait=_waiting)
            audit_ingest(kb.settings, report)
            print_report(report)
            failed = report.failed
        if plan.withdraw:
            with kb.writer(command="kb sync", on_wait=_waiting) as writer:
                for doc_id in plan.withdraw:
                    info = writer.withdraw(doc_id)
                    audit(kb.settings, "withdraw", doc_id, info.version, via="kb sync")
            typer.echo(f"Withdrew {len(plan.withdraw)} document(s).")
    finally:
        kb.close()
    if failed or plan.problems:
        raise typer.Exit(1)


def _print_plan(plan: Plan) -> None:
    for label, items in (("add", plan.add), ("replace", plan.replace)):
        for path in items:
            typer.echo(f"{label:9} {path.name}")
    for doc_id in plan.withdraw:
        typer.echo(f"withdraw  {doc_id}")
    for problem in plan.problems:
        typer.echo(f"problem   {problem}")
    typer.echo(
        f"Plan: {len(plan.add)} to add, {len(plan.replace)} to replace, "
        f"{len(plan.withdraw)} to withdraw, {len(plan.unchanged)} unchanged."
    )


# -- backup and restore ------------------------------------------------------------------------


def backup(
    file: Annotated[Path, typer.Argument(help="The archive to write (.tar.gz).")],
) -> None:
    """A consistent snapshot of KB_DATA_DIR, also while the service runs."""
    from service.backup import backup as run_backup
    from service.cli import _settings, _waiting

    manifest = run_backup(_settings(), file, _say, on_wait=_waiting)
    typer.echo(
        f"Backup written to {file}: {manifest['documents']} documents, "
        f"{manifest['vectors']['chunks']} chunk vectors."
    )


def restore(
    file: Annotated[Path, typer.Argument(help="An archive made by `kb backup`.")],
) -> None:
    """Restore a backup into an empty KB_DATA_DIR."""
    from service.backup import restore as run_restore
    from service.cli import _settings

    settings = _settings()
    manifest = run_restore(settings, file, _say)
    typer.echo(
        f"Restored {manifest['documents']} documents into {settings.data_dir} "
        f"(backup of {manifest['created_at']})."
    )
