"""`kb eval`: run the harness, print the side-by-side table, write the reports."""

from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from eval.dataset import DEFAULT_QA, load_items
from eval.harness import (
    CONFIGURATIONS,
    DEFAULT_RUN,
    GENERATIVE_RUN,
    calibration_run,
    run_config,
)
from eval.report import COLUMNS, table_rows, write_reports
from kb.errors import InvalidInput
from kb.settings import Settings

console = Console()


def _relative(path: Path) -> Path:
    return path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path


def run_eval(
    settings: Settings,
    configs: str,
    qa: Path | None,
    corpus: Path,
    out_dir: Path,
    curve: bool,
    answer_mode: str = "extractive",
    split: str | None = None,
) -> None:
    default = DEFAULT_RUN
    if answer_mode == "generative":  # the deployment's LLM next to the extractive answers
        if not settings.llm_base_url or not settings.llm_model:
            raise InvalidInput("--answer-mode generative needs KB_LLM_BASE_URL and KB_LLM_MODEL")
        default, curve = GENERATIVE_RUN, False
    names = [c.strip() for c in configs.split(",") if c.strip()] or default
    unknown = [n for n in names if n not in CONFIGURATIONS]
    if unknown:
        raise InvalidInput(f"unknown configuration(s) {unknown}; known: {sorted(CONFIGURATIONS)}")
    if not corpus.is_dir():
        raise InvalidInput(f"corpus folder not found: {corpus}")
    items = load_items(qa or DEFAULT_QA, split)
    results = []
    with Progress(console=console, transient=True) as bar:
        for name in names:
            task = bar.add_task(f"{name}", total=len(items))
            results.append(
                run_config(
                    CONFIGURATIONS[name], settings, corpus, items, lambda t=task: bar.advance(t)
                )
            )
    trade_off = calibration_run(settings, corpus, items) if curve else None
    table = Table("configuration", "split", *COLUMNS, title=f"{len(items)} curated questions")
    for row in table_rows(results):
        table.add_row(*row)
    console.print(table)
    paths = write_reports(
        results,
        trade_off,
        out_dir,
        {
            "questions": len(items),
            "split": split or "tune+test",
            "qa": str(qa or _relative(DEFAULT_QA)),
            "corpus": str(corpus),
            "embedder": settings.embed_backend,
            "llm": settings.llm_model if "generative" in names else None,
        },
    )
    console.print(f"Reports: {paths['md']}, {paths['json']}, {paths['png']}")
