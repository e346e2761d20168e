"""Load on a real `kb serve` process: /api/chat at 20 concurrent clients, /api/search at 50, and
the latency of /healthz meanwhile. Prints and writes bench/reports/load-<timestamp>.md/.json.

Usage: python bench/load.py [--kb .venv/bin/kb] [--data DIR] [--chat 200] [--search 400]

Without --data the sample corpus is ingested into a temporary data dir first. Rate limits are
switched off (one client machine would hit them); backpressure stays as configured. --kb can
point at another checkout's `kb` to compare versions on the same machine under the same load.
"""

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import QUESTIONS, SEARCHES  # noqa: E402  (needs the path above)
from eval.metrics import percentile  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_load(url: str, requests: int, concurrency: int, kind: str) -> dict[str, Any]:
    latencies: list[float] = []
    codes: Counter[str] = Counter()

    def one(i: int) -> None:
        rng = random.Random(i)
        t0 = time.perf_counter()
        try:
            with httpx.Client(base_url=url, timeout=120) as client:
                if kind == "chat":
                    r = client.post("/api/chat", json={"question": rng.choice(QUESTIONS)})
                else:
                    r = client.get("/api/search", params={"q": rng.choice(SEARCHES)})
            codes[str(r.status_code)] += 1
        except httpx.TransportError as e:
            codes[type(e).__name__] += 1
        latencies.append(time.perf_counter() - t0)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, range(requests)))
    seconds = time.perf_counter() - t0
    return {
        f"{kind}_concurrency": concurrency,
        f"{kind}_requests": requests,
        f"{kind}_req_per_s": round(requests / seconds, 1),
        f"{kind}_p50_s": round(percentile(latencies, 50), 2),
        f"{kind}_p95_s": round(percentile(latencies, 95), 2),
        f"{kind}_status": dict(codes),
    }


def healthz_during(url: str, stop: threading.Event, out: list[float]) -> None:
    with httpx.Client(base_url=url, timeout=30) as client:
        while not stop.wait(0.1):
            t0 = time.perf_counter()
            try:
                client.get("/healthz")
                out.append(time.perf_counter() - t0)
            except httpx.TransportError:
                out.append(float("inf"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kb", type=Path, default=ROOT / ".venv" / "bin" / "kb")
    parser.add_argument("--data", type=Path)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--chat", type=int, default=200)
    parser.add_argument("--search", type=int, default=400)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kb-load-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(KB_RATE_LIMIT_CHAT="off", KB_RATE_LIMIT_SEARCH="off")
    env.setdefault("KB_CACHE_DIR", str(ROOT / ".cache" / "embeddings"))
    data = args.data
    if data is None:
        data = work / "data"
        subprocess.run(
            [str(args.kb), "ingest", str(args.corpus)],
            env={**env, "KB_DATA_DIR": str(data)},
            check=True,
            capture_output=True,
        )
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(args.kb), "serve", "--port", str(port)],
        env={**env, "KB_DATA_DIR": str(data)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results: dict[str, Any] = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "kb": str(args.kb),
        "cores": os.cpu_count(),
        "load_average_before": os.getloadavg()[0],
    }
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        else:
            raise SystemExit("the server did not become ready")
        results.update(run_load(url, args.chat, 20, "chat"))
        health: list[float] = []
        stop = threading.Event()
        pinger = threading.Thread(target=healthz_during, args=(url, stop, health))
        pinger.start()
        results.update(run_load(url, args.search, 50, "search"))
        stop.set()
        pinger.join()
        results["healthz_during_search_p50_ms"] = round(percentile(health, 50) * 1000, 1)
        results["healthz_during_search_max_ms"] = round(max(health) * 1000, 1)
        results["load_average_after"] = os.getloadavg()[0]
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    report(results)


def report(results: dict[str, Any]) -> None:
    out = ROOT / "bench" / "reports"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (out / f"load-{stamp}.json").write_text(json.dumps(results, indent=1))
    rows = "\n".join(f"| {k} | {v} |" for k, v in results.items())
    md = f"# Load {stamp}\n\n| measure | value |\n|---|---|\n{rows}\n"
    (out / f"load-{stamp}.md").write_text(md)
    print(md)


if __name__ == "__main__":
    main()
