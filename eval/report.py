"""Eval reports: JSON with every judgement, a Markdown summary and a PNG chart."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eval.harness import ConfigResult

COLUMNS = [
    "n",
    "hit@1",
    "hit@5",
    "mrr",
    "fact_in_top5",
    "must_include",
    "citation_validity",
    "answerable_refused",
    "answerable_hedged",
    "near_miss_refused",
    "near_miss_declined",
    "answer_chars_median",
    "answer_chars_p90",
    "latency_p50_ms",
    "latency_p95_ms",
    "fallback_rate",  # generative configurations only
]
SPLIT_ORDER = ("test", "tune")
CHART_METRICS = ["hit@1", "hit@5", "mrr", "must_include"]


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}" if value <= 1.0 else f"{value:.0f}"
    return str(value)


def table_rows(results: list[ConfigResult]) -> list[list[str]]:
    """One row per configuration and split (test first: the numbers to report)."""
    rows = []
    for r in results:
        for split in SPLIT_ORDER:
            summary = r.split_summary(split)
            if summary:
                rows.append([r.config.name, split, *(_fmt(summary.get(c)) for c in COLUMNS)])
    return rows


def write_reports(
    results: list[ConfigResult],
    curve: list[dict[str, float]] | None,
    out_dir: Path,
    meta: dict[str, Any],
) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    paths = {
        "json": out_dir / f"{stamp}.json",
        "md": out_dir / f"{stamp}.md",
        "png": out_dir / f"{stamp}.png",
    }
    meta = {**meta, "created": stamp}
    payload = {
        "created": stamp,
        "meta": meta,
        "configurations": {
            r.config.name: {
                "description": r.config.description,
                "ingest_seconds": round(r.ingest_seconds, 2),
                "summary": r.summary,
                "by_split": r.by_split,
                "by_type": r.by_type,
                "by_tag": r.by_tag,
                "by_document": r.by_document,
                "items": [_item(j) for j in r.judgements],
            }
            for r in results
        },
        "refusal_curve": curve,
    }
    paths["json"].write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    _chart(results, paths["png"])
    paths["md"].write_text(_markdown(results, curve, meta, paths["png"].name), encoding="utf-8")
    return paths


def _item(j: Any) -> dict[str, Any]:
    return {
        "id": j.item.id,
        "split": j.item.split,
        "type": j.item.type,
        "tags": list(j.item.tags),
        "first_hit": j.first_hit,
        "fact_in_top5": j.fact_in_top5 if j.item.answerable else None,
        "includes_facts": j.includes_facts if j.answer is not None else None,
        "refused": j.refused,
        "uncertain": j.uncertain,
        "confidence": j.confidence,
        "latency_ms": j.latency_ms,
        "citations_valid": j.citations_valid,
        "ranked": [(p.file, p.page) for p in j.ranked[:5]],
        "answer": j.answer,
    }


def _markdown(
    results: list[ConfigResult],
    curve: list[dict[str, float]] | None,
    meta: dict[str, Any],
    chart: str,
) -> str:
    lines = [
        f"# Eval report {meta.get('created', '')}",
        "",
        f"{meta.get('questions')} questions from `{meta.get('qa')}`, "
        f"corpus `{meta.get('corpus')}`, "
        f"embedder `{meta.get('embedder')}`.",
        "",
        "| configuration | split | " + " | ".join(COLUMNS) + " |",
        "|---" * (len(COLUMNS) + 2) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in table_rows(results)]
    lines += ["", f"![metrics per configuration]({chart})", ""]
    for r in results:
        lines.append(
            f"- **{r.config.name}**: {r.config.description} (ingest {r.ingest_seconds:.1f} s)"
        )
    default = next((r for r in results if r.config.name == "hybrid"), results[-1])
    groups_by = (
        ("type", default.by_type),
        ("tag", default.by_tag),
        ("document", default.by_document),
    )
    for title, groups in groups_by:
        lines += [
            "",
            f"## {default.config.name} on the {default.breakdown_split} split by {title}",
            "",
            f"| {title} | n | hit@5 | mrr | fact_in_top5 | must_include | answerable refused | "
            "answerable hedged | near-miss declined |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for name, s in groups.items():
            lines.append(
                f"| {name} | {s['n']} | {_fmt(s.get('hit@5'))} | {_fmt(s.get('mrr'))} | "
                f"{_fmt(s.get('fact_in_top5'))} | {_fmt(s.get('must_include'))} | "
                f"{_fmt(s.get('answerable_refused'))} | "
                f"{_fmt(s.get('answerable_hedged'))} | {_fmt(s.get('near_miss_declined'))} |"
            )
    if curve:
        lines += [
            "",
            "## Refusal threshold trade-off (default configuration, gate open, tune split)",
            "",
            "| threshold | near-miss refused | answerable refused | must_include |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {row['threshold']:.2f} | {row['near_miss_refused']:.2f} | "
            f"{row['answerable_refused']:.2f} | {row['must_include']:.2f} |"
            for row in curve
        ]
    return "\n".join(lines) + "\n"


def _chart(results: list[ConfigResult], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 4), dpi=110)
    width = 0.8 / max(len(results), 1)
    for i, r in enumerate(results):
        summary = r.split_summary("test") or r.summary
        shown = [(x, summary.get(m)) for x, m in enumerate(CHART_METRICS)]
        shown = [(x, v) for x, v in shown if v is not None]  # the baseline has no answers
        xs = [x + i * width for x, _ in shown]
        bars = ax.bar(xs, [v for _, v in shown], width, label=r.config.name)
        ax.bar_label(bars, fmt="%.2f", fontsize=7, padding=1)
    ax.set_xticks([x + width * (len(results) - 1) / 2 for x in range(len(CHART_METRICS))])
    ax.set_xticklabels(CHART_METRICS)
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("score")
    ax.set_title("Curated Q&A, test split: metric per configuration")
    ax.legend(fontsize=8, ncols=len(results), loc="upper center", bbox_to_anchor=(0.5, -0.08))
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
