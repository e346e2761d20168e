"""Terminal output for ingest: a progress bar per file and per chunk batch, and summaries."""

from pathlib import Path
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

err = Console(stderr=True)
out = Console(soft_wrap=True)  # one line per file in logs and pipes


class RichProgress:
    """Implements ingest.pipeline.Progress; prints nothing when disabled (pipes, --json)."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=False,
        )
        self._files: Any = None
        self._chunks: Any = None

    def __enter__(self) -> "RichProgress":
        if self.enabled:
            self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.enabled:
            self._progress.stop()

    def file_started(self, path: Path, index: int, total: int) -> None:
        if not self.enabled:
            return
        if self._files is None:
            self._files = self._progress.add_task("files", total=total)
        self._progress.update(self._files, description=f"files · {path.name[:40]}")

    def chunks_started(self, total: int) -> None:
        if not self.enabled:
            return
        if self._chunks is None:
            self._chunks = self._progress.add_task("embedding chunks", total=total)
        else:
            self._progress.reset(self._chunks, total=total)

    def chunks_done(self, n: int) -> None:
        if self.enabled and self._chunks is not None:
            self._progress.advance(self._chunks, n)

    def file_finished(self, result: Any) -> None:
        if self.enabled and self._files is not None:
            self._progress.advance(self._files)


def print_report(report: Any) -> None:
    for r in report.results:
        if r.status == "failed":
            out.print(f"[red]failed[/red]    {escape(r.path)}: {escape(r.reason)}", highlight=False)
        elif r.status == "skipped":
            out.print(f"skipped   {r.path}: {r.reason}", highlight=False, markup=False)
        else:
            extra = f" ({r.chunks} chunks)" if r.status != "unchanged" else ""
            out.print(f"{r.status:<10}{r.path}{extra}", highlight=False, markup=False)
        for w in r.warnings:
            out.print(f"          warning: {w}", highlight=False, markup=False, style="yellow")
    out.print(
        f"\n{report.count('added')} added, {report.count('replaced')} replaced, "
        f"{report.count('unchanged')} unchanged, {report.count('skipped')} skipped, "
        f"{report.count('failed')} failed; "
        f"{report.chunks} chunks embedded in {report.seconds:.1f} s",
        highlight=False,
    )


def print_documents(docs: list[Any]) -> None:
    """A table on a terminal; tab-separated columns with a header line when piped."""
    if not docs:
        out.print("No documents yet. Add some with: kb ingest PATH")
        return
    columns = ("id", "file", "kind", "title", "pages", "chunks", "updated")
    rows = [
        (d.doc_id, d.file_name, d.kind, d.title, str(d.pages), str(d.chunks), d.updated_at)
        for d in docs
    ]
    if not out.is_terminal:
        for row in (columns, *rows):
            print("\t".join(" ".join(cell.split()) for cell in row))  # no tabs or newlines inside
        return
    table = Table()
    table.add_column("id", no_wrap=True, overflow="fold")
    table.add_column("file", overflow="fold")
    for name in columns[2:]:
        table.add_column(name, overflow="ellipsis", max_width=40 if name == "title" else None)
    for row in rows:
        table.add_row(*(escape(cell) for cell in row[:3]), escape(row[3][:50]), *row[4:])
    out.print(table)
