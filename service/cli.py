"""The `kb` command line. Settings are built here once; heavy modules load inside commands."""

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from service import cli_admin, cli_ops

if TYPE_CHECKING:
    from ingest.pipeline import IngestReport
    from kb.knowledge_base import KnowledgeBase
    from kb.settings import Settings

app = typer.Typer(
    help="Knowledge base with cited answers: ingest documents, ask questions, serve the widget.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
docs_app = typer.Typer(help="List, withdraw, restore and remove documents.", no_args_is_help=True)
app.add_typer(docs_app, name="docs")
app.add_typer(cli_admin.users_app, name="users")
app.add_typer(cli_admin.tokens_app, name="tokens")


def _settings() -> "Settings":
    from pydantic import ValidationError

    from kb.settings import Settings

    try:
        return Settings()
    except ValidationError as e:
        problems = "; ".join(
            f"KB_{'_'.join(map(str, err['loc'])).upper()}: {err['msg']}" for err in e.errors()
        )
        _fail(f"invalid settings: {problems}")


def _open_kb() -> "KnowledgeBase":
    from kb.knowledge_base import build_kb

    return build_kb(_settings())


def _say(message: str) -> None:
    typer.echo(message, err=True)


def _waiting(holder: str) -> None:
    typer.echo(
        f"Waiting for another process that is changing the knowledge base ({holder}) …", err=True
    )


def _fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)


def main() -> None:
    """Console entry point: user-facing errors as one line, never a traceback."""
    from kb.errors import KBError

    try:
        app()
    except KBError as e:
        typer.echo(f"Error: {e}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as e:  # a bug or an environment failure: one line, details in the log
        import logging

        logging.getLogger("kb").debug("unexpected error", exc_info=True)
        typer.echo(f"Error: unexpected failure ({type(e).__name__}: {e})", err=True)
        sys.exit(1)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Ingest PDF, DOCX, HTML, Markdown and text files (unchanged files are skipped)."""
    from ingest.pipeline import ingest_paths

    _write_and_report(as_json, lambda kb, progress: ingest_paths(kb, paths, progress, _waiting))


@app.command()
def reparse(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Parse the published documents again from their stored originals, where an upgrade
    changed the parsing code (also those uploaded in the browser; unchanged ones are skipped)."""
    from ingest.pipeline import reparse_stored

    _write_and_report(as_json, lambda kb, progress: reparse_stored(kb, progress, _waiting))


def _write_and_report(as_json: bool, run: Callable[["KnowledgeBase", Any], "IngestReport"]) -> None:
    """Run an ingest-like command with progress on a terminal, audit what it published, print
    its report (as JSON when asked); exit 1 when a file failed."""
    from service.progress import RichProgress, print_report

    kb = _open_kb()
    try:
        with RichProgress(enabled=not as_json and sys.stderr.isatty()) as progress:
            report = run(kb, progress)
        cli_ops.audit_ingest(kb.settings, report)
    finally:
        kb.close()
    if as_json:
        typer.echo(json.dumps(_report_dict(report), ensure_ascii=False, indent=2))
    else:
        print_report(report)
    if report.failed:
        raise typer.Exit(1)


def _report_dict(report: Any) -> dict[str, Any]:
    return {
        "added": report.count("added"),
        "replaced": report.count("replaced"),
        "unchanged": report.count("unchanged"),
        "skipped": report.count("skipped"),
        "failed": report.count("failed"),
        "chunks": report.chunks,
        "seconds": round(report.seconds, 2),
        "files": [vars(r) for r in report.results],
    }


@docs_app.command("list")
def docs_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show the ingested documents."""
    from service.progress import print_documents

    kb = _open_kb()
    try:
        docs = kb.documents()
    finally:
        kb.close()
    if as_json:
        typer.echo(json.dumps([vars(d) for d in docs], ensure_ascii=False, indent=2))
    else:
        print_documents(docs)


@docs_app.command("remove")
def docs_remove(
    doc_id: Annotated[str, typer.Argument(help="Document id (see `kb docs list`).")],
) -> None:
    """Remove a published document and every kept version of it, for good (= purge)."""
    kb = _open_kb()
    try:
        with kb.writer(on_wait=_waiting, command="kb docs remove") as writer:
            info = writer.remove(doc_id)
        cli_ops.audit(kb.settings, "purge", doc_id, info.version, file=info.file_name)
    finally:
        kb.close()
    typer.echo(f"Removed {info.doc_id} ({info.file_name}, {info.chunks} chunks).")


@docs_app.command("purge")
def docs_purge(
    doc_id: Annotated[str, typer.Argument(help="Document id (see `kb docs versions`).")],
) -> None:
    """Remove a document for good: published, withdrawn, in review, all kept versions."""
    kb = _open_kb()
    try:
        with kb.writer(on_wait=_waiting) as writer:
            gone = writer.purge_document(doc_id)
        cli_ops.audit(kb.settings, "purge", doc_id, None, versions=[v.version for v in gone])
    finally:
        kb.close()
    typer.echo(f"Purged {doc_id}: {len(gone)} version(s) and their originals.")


@docs_app.command("withdraw")
def docs_withdraw(
    doc_id: Annotated[str, typer.Argument(help="Document id (see `kb docs list`).")],
) -> None:
    """Take a document offline; `kb docs restore` brings it back."""
    kb = _open_kb()
    try:
        with kb.writer(on_wait=_waiting) as writer:
            info = writer.withdraw(doc_id)
        cli_ops.audit(kb.settings, "withdraw", doc_id, info.version, file=info.file_name)
    finally:
        kb.close()
    typer.echo(
        f"Withdrew {doc_id} (version {info.version}); undo: kb docs restore {doc_id} {info.version}"
    )


@docs_app.command("restore")
def docs_restore(
    doc_id: Annotated[str, typer.Argument(help="Document id.")],
    version: Annotated[str, typer.Argument(help="A kept version (see `kb docs versions`).")],
) -> None:
    """Publish a kept version again (undo a replace or a withdrawal)."""
    kb = _open_kb()
    try:
        with kb.writer(on_wait=_waiting) as writer:
            writer.restore(doc_id, version)
        cli_ops.audit(kb.settings, "restore", doc_id, version)
    finally:
        kb.close()
    typer.echo(f"Restored {doc_id} to version {version}.")


@docs_app.command("versions")
def docs_versions(
    doc_id: Annotated[str, typer.Argument(help="Document id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The kept versions of a document: active, in review, retired (restorable)."""
    kb = _open_kb()
    try:
        versions = kb.store.registry.versions_of(doc_id)
    finally:
        kb.close()
    if not versions:
        _fail(f"no document with id '{doc_id}'")
    if as_json:
        typer.echo(json.dumps([vars(v) for v in versions], ensure_ascii=False, indent=2))
        return
    for v in versions:
        typer.echo(f"{v.version}\t{v.state}\t{v.file_name}\t{v.created_at}\t{v.title}")


@app.command()
def ask(
    question: Annotated[
        str | None, typer.Argument(help="The question (omit for a prompt).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    batch: Annotated[Path | None, typer.Option(help="JSONL file of {id, question} lines.")] = None,
    out: Annotated[
        Path | None, typer.Option(help="Where --batch writes its JSONL answers.")
    ] = None,
) -> None:
    """Answer a question from the documents, with citations."""
    from service.asking import ask_batch, ask_interactive, print_answer

    if batch is not None:
        if out is None:
            _fail("--batch needs --out FILE", 2)
        kb = _open_kb()
        try:
            ask_batch(kb, batch, out)  # type: ignore[arg-type]
        finally:
            kb.close()
        return
    kb = _open_kb()
    try:
        if question is None:
            kb.warm_up()
            ask_interactive(kb)
            return
        kb.warm_up()
        answer = kb.ask(question)
    finally:
        kb.close()
    if as_json:
        from service.present import answer_to_dict

        typer.echo(json.dumps(answer_to_dict(answer), ensure_ascii=False))
    else:
        print_answer(answer)


@app.command()
def reindex() -> None:
    """Re-embed all documents with the configured embedding model (after changing it)."""
    from service.progress import RichProgress

    kb = _open_kb()
    try:
        total = len(kb.store.registry.active_chunks())
        with (
            RichProgress(enabled=sys.stderr.isatty()) as progress,
            kb.writer(on_wait=_waiting, command="kb reindex") as writer,
        ):
            progress.chunks_started(total)
            n = writer.reindex(on_progress=progress.chunks_done)
        record = kb.calibrate(force=True)  # the refusal range of the new model on this corpus
    finally:
        kb.close()
    typer.echo(f"Re-embedded {n} chunks with {kb.embedder.model_id}.")
    if record is not None:
        typer.echo(
            f"Refusal calibration: similarity {record.similarity_low:.3f}–"
            f"{record.similarity_high:.3f} from {record.positives} corpus probes."
        )
        typer.echo(
            f"Slot check self-test: flags {record.near_miss_flagged:.0%} of {record.near_misses}"
            f" number-swapped and {record.place_swap_flagged:.0%} of {record.place_swaps}"
            f" place-swapped probes, {record.positive_flagged:.0%} of unchanged ones."
        )


@app.command("eval")
def eval_command(
    configs: Annotated[str, typer.Option(help="Comma-separated configurations to compare.")] = "",
    qa: Annotated[
        Path | None,
        typer.Option(
            help="Q&A JSONL (default eval/qa.jsonl). Without --corpus a given file is asked "
            "against the knowledge base in KB_DATA_DIR (e.g. KB_DATA_DIR/eval/qa-local.jsonl)."
        ),
    ] = None,
    corpus: Annotated[
        Path | None, typer.Option(help="Corpus the Q&A refers to (default ../shared/corpus).")
    ] = None,
    out_dir: Annotated[Path, typer.Option("--out-dir", help="Where reports go.")] = Path(
        "eval/reports"
    ),
    curve: Annotated[bool, typer.Option(help="Also compute the refusal trade-off curve.")] = True,
    split: Annotated[
        str | None, typer.Option(help="Only the 'tune' or the 'test' items (default both).")
    ] = None,
    answer_mode: Annotated[
        str,
        typer.Option(
            "--answer-mode",
            help="generative: the configured LLM (KB_LLM_*) side by side with extractive.",
        ),
    ] = "extractive",
) -> None:
    """Evaluate on the curated Q&A: configurations side by side, per split, with a chart."""
    if qa is not None and corpus is None:
        from service.eval_live import run_live_eval

        run_live_eval(_settings(), qa)
        return
    from service.evaluating import run_eval

    if answer_mode not in ("extractive", "generative"):
        _fail("--answer-mode is 'extractive' or 'generative'", code=2)
    if split not in (None, "tune", "test"):
        _fail("--split is 'tune' or 'test'", code=2)
    run_eval(
        _settings(),
        configs,
        qa,
        corpus or Path("../shared/corpus"),
        out_dir,
        curve,
        answer_mode,
        split,
    )


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface (default KB_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default KB_PORT, 8000).")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Processes (>1 needs KB_CHROMA_URL).")] = 1,
) -> None:
    """Serve the chat API, the widget and the offer finder over KB_DATA_DIR."""
    import uvicorn

    from kb.store.lock import ServerLock

    base = _settings()
    settings = base.model_copy(update={"host": host or base.host, "port": port or base.port})
    if workers > 1 and not settings.chroma_url:
        _fail(
            "several workers need a Chroma server: start `chroma run --path DIR --port 8001` "
            "and set KB_CHROMA_URL=http://127.0.0.1:8001",
            2,
        )
    kb = _open_kb()  # fail here with one line (e.g. a model mismatch), not in the server's startup
    try:
        kb.store.vectors()
        if not settings.chroma_url and not kb.store.read_only:
            probe = ServerLock(settings.data_dir)  # refuse now, before loading anything more
            probe.acquire("")
            probe.release()
        if kb.store.read_only:
            _say(f"{settings.data_dir} is read-only: serving without feedback")
    finally:
        kb.close()
    common: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": "info",
        "proxy_headers": False,  # the client IP comes from KB_TRUSTED_PROXIES only
    }
    if workers == 1:
        from service.app import create_app

        uvicorn.run(create_app(settings), **common)
    else:
        uvicorn.run("service.app:app_from_environment", factory=True, workers=workers, **common)


@app.command()
def status() -> None:
    """Where the data lives, which model built it, how many documents, how many of them older
    parsing code parsed."""
    from ingest.pipeline import older_parses

    kb = _open_kb()
    try:
        docs = kb.documents()
        vectors = kb.store.vectors() if docs else None
        older = older_parses(kb)
        typer.echo(f"data dir:        {kb.settings.data_dir.resolve()}")
        typer.echo(f"embedding model: {kb.embedder.model_id}")
        typer.echo(f"documents:       {len(docs)} ({sum(d.chunks for d in docs)} chunks)")
        typer.echo(f"vectors:         {vectors.count() if vectors else 0}")
        hint = " (kb reparse parses them with this version)" if older else ""
        typer.echo(f"older parses:    {len(older)}{hint}")
    finally:
        kb.close()


app.command("sync")(cli_ops.sync)
app.command("backup")(cli_ops.backup)
app.command("restore")(cli_ops.restore)

if __name__ == "__main__":
    main()
