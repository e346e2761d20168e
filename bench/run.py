"""`make bench`: ingest time (cold and unchanged), `kb ask` latency, HTTP latency of /api/chat
and /api/search, memory. Writes bench/reports/<timestamp>.md and .json and prints the table.

Usage: python bench/run.py [--corpus ../shared/corpus] [--embedders] [--rounds 3]
"""

import argparse
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval.metrics import percentile  # noqa: E402  (needs the path above)

READY_TIMEOUT_S = 120

QUESTIONS = [
    "Welche Förderbausteine gibt es?",
    "Wer macht die wissenschaftliche Begleitung?",
    "Was gibt es in Viersen für junge Geflüchtete, die nebenbei arbeiten?",
    "Was macht die GfS?",
    "Wie viele Bündnisse gab es im Sommer 2019?",
    "Welche Aufgaben hat die Bündnis-Kerngruppe?",
    "Was ist das Teilhabemanagement?",
    "How are tolerated refugees supported in Münster?",
]
SEARCHES = ["Sprachkurs", "Ausbildung Pflege", "Case Management", "Kinderbetreuung", "Ehrenamt"]


def ingest_times(corpus: Path, work: Path) -> dict[str, float]:
    """Cold: empty embedding cache and data dir. Unchanged: the same again."""
    env = {**os.environ, "KB_DATA_DIR": str(work / "data"), "KB_CACHE_DIR": str(work / "cache")}
    kb = str(ROOT / ".venv" / "bin" / "kb")
    out = {}
    for label in ("cold", "unchanged"):
        t0 = time.perf_counter()
        subprocess.run([kb, "ingest", str(corpus)], env=env, check=True, capture_output=True)
        out[f"ingest_{label}_s"] = round(time.perf_counter() - t0, 1)
    return out


def ask_latency(data_dir: Path, cache_dir: Path, rounds: int) -> dict[str, float]:
    from eval.dataset import load_items
    from kb.knowledge_base import build_kb
    from kb.settings import Settings

    kb = build_kb(Settings(_env_file=None, data_dir=data_dir, cache_dir=cache_dir))
    t0 = time.perf_counter()
    kb.warm_up()
    startup = time.perf_counter() - t0
    questions = [i.question for i in load_items()]
    totals = [kb.ask(q).timings_ms["total"] for _ in range(rounds) for q in questions]
    kb.close()
    return {
        "ask_startup_s": round(startup, 2),
        "ask_p50_ms": round(percentile(totals, 50), 1),
        "ask_p95_ms": round(percentile(totals, 95), 1),
        "ask_questions": len(totals),
    }


def http_latency(data_dir: Path, cache_dir: Path, rounds: int) -> dict[str, float]:
    import httpx
    import uvicorn

    from kb.settings import Settings
    from service.app import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))  # uvicorn takes the bound socket: no race for the port
    port = sock.getsockname()[1]
    app = create_app(Settings(_env_file=None, data_dir=data_dir, cache_dir=cache_dir))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    chat: list[float] = []
    search: list[float] = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            _wait_ready(client)
            for _ in range(rounds):
                for q in QUESTIONS:
                    t0 = time.perf_counter()
                    client.post("/api/chat", json={"question": q}).raise_for_status()
                    chat.append((time.perf_counter() - t0) * 1000)
                for q in SEARCHES:
                    t0 = time.perf_counter()
                    client.get("/api/search", params={"q": q, "limit": 10}).raise_for_status()
                    search.append((time.perf_counter() - t0) * 1000)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
    return {
        "chat_p50_ms": round(percentile(chat, 50), 1),
        "chat_p95_ms": round(percentile(chat, 95), 1),
        "search_p50_ms": round(percentile(search, 50), 1),
        "search_p95_ms": round(percentile(search, 95), 1),
        "http_requests": len(chat) + len(search),
    }


def _wait_ready(client: Any) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            if client.get("/readyz").status_code == 200:
                return
        except OSError:
            pass
        except Exception as e:  # httpx transport errors
            if "connect" not in type(e).__name__.lower():
                raise
        time.sleep(0.2)
    raise SystemExit(f"the service did not become ready within {READY_TIMEOUT_S} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--embedders", action="store_true", help="also run bench/embedders.py")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    try:
        results = {
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "cores": os.cpu_count(),
        }
        print("ingest (cold cache, then unchanged) …", flush=True)
        results.update(ingest_times(args.corpus, work))
        print("kb ask latency …", flush=True)
        results.update(ask_latency(work / "data", work / "cache", args.rounds))
        print("HTTP latency …", flush=True)
        results.update(http_latency(work / "data", work / "cache", args.rounds))
        results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.embedders:
        subprocess.run([sys.executable, str(ROOT / "bench" / "embedders.py")], check=True)
    report(results)


def report(results: dict[str, float | int | str]) -> None:
    out = ROOT / "bench" / "reports"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (out / f"{stamp}.json").write_text(json.dumps(results, indent=1))
    rows = "\n".join(f"| {k} | {v} |" for k, v in results.items())
    md = f"# Benchmark {stamp}\n\n| measure | value |\n|---|---|\n{rows}\n"
    (out / f"{stamp}.md").write_text(md)
    print(md)
    print(f"Report: {out / (stamp + '.md')}")


if __name__ == "__main__":
    main()
