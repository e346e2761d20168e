"""A bounded load run against a real uvicorn: 300 chat and 600 search requests from 30
concurrent clients. Nothing but 200, 429 and 503 comes back, and /healthz answers throughout.
Counts, not timings: speed is measured by `python bench/load.py`."""

import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from conftest import make_settings
from live_server import copy_data_dir, serve_app

from kb.knowledge_base import KnowledgeBase
from service.app import create_app

QUESTIONS = [
    "Welche Förderbausteine gibt es?",
    "Was macht die GfS?",
    "Wer macht die wissenschaftliche Begleitung?",
    "Was ist das Teilhabemanagement?",
    "Welche Aufgaben hat die Bündnis-Kerngruppe?",
]
SEARCHES = ["Sprachkurs", "Ausbildung Pflege", "Case Management", "Kinderbetreuung", "Ehrenamt"]


def test_a_bounded_load_run_gives_no_errors_and_healthz_stays_up(
    corpus_kb: KnowledgeBase, tmp_path: Path
) -> None:
    data = copy_data_dir(corpus_kb.settings.data_dir, tmp_path / "data")
    settings = make_settings(data, rate_limit_chat="10000/minute", rate_limit_search="10000/minute")
    codes: Counter[int] = Counter()
    problems: list[str] = []
    health: Counter[str] = Counter()
    done = threading.Event()

    with serve_app(create_app(settings)) as url:

        def one(i: int) -> None:
            rng = random.Random(i)
            try:
                with httpx.Client(base_url=url, timeout=120) as client:
                    if i % 3 == 0:
                        r = client.post("/api/chat", json={"question": rng.choice(QUESTIONS)})
                    else:
                        r = client.get("/api/search", params={"q": rng.choice(SEARCHES)})
                codes[r.status_code] += 1
                if r.status_code not in (200, 429, 503):
                    problems.append(f"{r.status_code}: {r.text[:200]}")
                elif r.status_code != 200:
                    assert "retry-after" in r.headers and r.json()["detail"]
            except httpx.TransportError as e:
                problems.append(f"{type(e).__name__}: {e}")

        def ping() -> None:
            with httpx.Client(base_url=url, timeout=5) as client:
                while not done.wait(0.25):
                    try:
                        ok = client.get("/healthz").status_code == 200
                        health["ok" if ok else "bad"] += 1
                    except httpx.TransportError:
                        health["unreachable"] += 1

        pinger = threading.Thread(target=ping)
        pinger.start()
        try:
            with ThreadPoolExecutor(max_workers=30) as pool:
                list(pool.map(one, range(900)))
        finally:
            done.set()
            pinger.join()

    assert problems == [], problems[:5]
    assert sum(codes.values()) == 900 and set(codes) <= {200, 429, 503}, codes
    assert codes[200] > 0, codes
    assert health["ok"] >= 10 and health["bad"] == health["unreachable"] == 0, health
