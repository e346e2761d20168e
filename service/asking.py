"""`kb ask` for people (answer + sources), for programs (--json) and in batches (--batch)."""

import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress

from kb.errors import InvalidInput
from kb.knowledge_base import KnowledgeBase
from kb.models import Answer
from service.present import answer_error, answer_to_dict

out = Console(soft_wrap=True)


def print_answer(answer: Answer) -> None:
    style = "yellow" if answer.refused else "bold"
    out.print(escape(answer.answer), style=style, highlight=False)
    if answer.citations:
        out.print("\nQuellen:", style="bold")
        for c in answer.citations:
            page = f", S. {c.page}" if c.page else ""
            out.print(f"[{c.n}] {escape(c.title)} ({escape(c.file)}{page})", highlight=False)
            out.print(f"    „{escape(' '.join(c.quote.split()))}“", style="dim", highlight=False)
    elif answer.sources:
        out.print("\nNächste Treffer:", style="bold")
        for h in answer.sources[:3]:
            page = f", S. {h.chunk.page}" if h.chunk.page else ""
            out.print(
                f"- {escape(h.chunk.title)} ({escape(h.chunk.file_name)}{page})", highlight=False
            )
    if answer.mode == "extractive-fallback" and answer.generation:
        reason = answer.generation.get("fallback", "")
        out.print(f"\n(Antwort aus den Dokumenten: {escape(str(reason))})", style="dim")
    out.print(f"\n{answer.timings_ms['total']:.0f} ms", style="dim")


def ask_interactive(kb: KnowledgeBase) -> None:
    out.print("Fragen Sie die Dokumente (leere Eingabe beendet).", style="bold")
    while True:
        try:
            question = input("\nFrage> ").strip()
        except EOFError:
            break
        if not question:
            break
        try:
            print_answer(kb.ask(question))
        except InvalidInput as e:
            out.print(f"Error: {e}", style="red")


def read_batch(path: Path) -> list[dict[str, Any]]:
    """All lines validated before anything is answered: one bad line stops the run."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InvalidInput(f"cannot read {path}: {e}") from e
    items: list[dict[str, Any]] = []
    problems: list[str] = []
    for no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(f"line {no}: not JSON ({e.msg})")
            continue
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            problems.append(f"line {no}: needs an object with a string 'question'")
            continue
        items.append(item)
    if problems:
        raise InvalidInput(f"{path} has invalid lines: " + "; ".join(problems[:10]))
    return items


def ask_batch(kb: KnowledgeBase, source: Path, target: Path) -> None:
    items = read_batch(source)
    kb.warm_up()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".partial")
    with tmp.open("w", encoding="utf-8") as f, Progress(disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("answering", total=len(items))
        for item in items:
            f.write(json.dumps(_answer_item(kb, item), ensure_ascii=False) + "\n")
            bar.advance(task)
    tmp.replace(target)
    print(f"Wrote {len(items)} answers to {target}", file=sys.stderr)


def _answer_item(kb: KnowledgeBase, item: dict[str, Any]) -> dict[str, Any]:
    try:
        return answer_to_dict(kb.ask(item["question"]), item.get("id"))
    except InvalidInput as e:
        return answer_error(item["question"], item.get("id"), str(e))
