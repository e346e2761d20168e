"""`kb eval --qa FILE` without a corpus: the questions are asked against the knowledge base in
KB_DATA_DIR as it is (e.g. the drafts maintainers took over from feedback), through the same
path as every user question."""

from pathlib import Path

from rich.console import Console
from rich.table import Table

from eval.dataset import load_items
from eval.harness import ask_all
from eval.metrics import summarize
from kb.knowledge_base import build_kb
from kb.settings import Settings

console = Console(soft_wrap=True)


def run_live_eval(settings: Settings, qa: Path) -> dict[str, object]:
    items = load_items(qa)
    kb = build_kb(settings)
    try:
        kb.warm_up()
        judgements = ask_all(kb, items)
    finally:
        kb.close()
    summary = summarize(judgements)
    table = Table("measure", "value", title=f"{len(items)} questions from {qa}")
    for key, value in summary.items():
        table.add_row(
            key,
            "–" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value),
        )
    console.print(table)
    for j in judgements:
        mark = "refused" if j.refused else ("ok" if j.first_hit is not None else "miss")
        print(f"{j.item.id}\t{mark}\t{j.item.question}")
    return summary
