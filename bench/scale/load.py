"""The load client, run in its own process: one client in sequence, or N clients at once.

    python -m bench.scale.load single URL --chat 60 --search 60
    python -m bench.scale.load concurrent URL --clients 50 --seconds 20

Prints one JSON object. Latency is measured per request from send to the last byte. A request
counts as an error when it fails in any way other than a clean refusal: a 503 that carries
Retry-After is "rejected" (the service said when to come back), everything else that is not a
2xx (timeouts, resets, 5xx, 503 without Retry-After) is an error.
"""

import argparse
import asyncio
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from eval.dataset import load_items  # noqa: E402
from eval.metrics import percentile  # noqa: E402

TIMEOUT_S = 120.0
SEARCHES = [
    "Sprachkurs",
    "Ausbildung Pflege",
    "Case Management",
    "Kinderbetreuung",
    "Ehrenamt Patenschaft",
    "Wohnungssuche",
    "Jobcenter Förderung",
    "Duldung Ausbildung",
    "Integration Point",
    "Berufskolleg",
    "Teilhabemanagement",
    "Bündnis Kerngruppe",
    "Beratungsstelle Flüchtlinge",
    "Sprachförderung Jugendliche",
    "wissenschaftliche Begleitung",
    "Arbeitsmarktintegration",
]


def questions() -> list[str]:
    return [i.question for i in load_items()]


@dataclass
class Result:
    start: float
    end: float
    status: int  # 0: no response (timeout, reset)
    retry_after: bool

    @property
    def ms(self) -> float:
        return (self.end - self.start) * 1000

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def rejected(self) -> bool:
        return self.status == 503 and self.retry_after


async def _request(client: Any, kind: str, text: str) -> Result:
    import httpx

    t0 = time.perf_counter()
    try:
        if kind == "chat":
            r = await client.post("/api/chat", json={"question": text})
        else:
            r = await client.get("/api/search", params={"q": text, "limit": 10})
        await r.aread()
        return Result(t0, time.perf_counter(), r.status_code, "retry-after" in r.headers)
    except httpx.HTTPError:
        return Result(t0, time.perf_counter(), 0, False)


def _summary(results: list[Result]) -> dict[str, Any]:
    ok = [r.ms for r in results if r.ok]
    return {
        "requests": len(results),
        "ok": len(ok),
        "rejected_503": sum(r.rejected for r in results),
        "errors": sum(not r.ok and not r.rejected for r in results),
        "p50_ms": round(percentile(ok, 50), 1) if ok else None,
        "p95_ms": round(percentile(ok, 95), 1) if ok else None,
        "p99_ms": round(percentile(ok, 99), 1) if ok else None,
        "max_ms": round(max(ok), 1) if ok else None,
    }


async def single(url: str, chats: int, searches: int) -> dict[str, Any]:
    import httpx

    qs = questions()
    async with httpx.AsyncClient(base_url=url, timeout=TIMEOUT_S) as client:
        for q in qs[:3]:  # warm-up
            await _request(client, "chat", q)
        chat = [await _request(client, "chat", qs[i % len(qs)]) for i in range(chats)]
        search = [
            await _request(client, "search", SEARCHES[i % len(SEARCHES)]) for i in range(searches)
        ]
        refused = 0
        for q in qs[: min(len(qs), 30)]:
            r = await client.post("/api/chat", json={"question": q})
            refused += bool(r.status_code == 200 and r.json().get("refused"))
    return {
        "chat": _summary(chat),
        "search": _summary(search),
        "refused_share": round(refused / min(len(qs), 30), 3),
    }


async def concurrent(url: str, clients: int, seconds: float, warmup: float) -> dict[str, Any]:
    """N clients, each sending chat questions back to back; throughput over the window."""
    import httpx

    qs = questions()
    t0 = time.perf_counter()
    window = (t0 + warmup, t0 + warmup + seconds)
    results: list[Result] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client_loop(client: Any, n: int) -> None:
        i = n * 7
        while time.perf_counter() < window[1]:
            results.append(await _request(client, "chat", qs[i % len(qs)]))
            i += 1

    async with httpx.AsyncClient(base_url=url, timeout=TIMEOUT_S, limits=limits) as client:
        await asyncio.gather(*(client_loop(client, n) for n in range(clients)))
    measured = [r for r in results if r.start >= window[0]]
    done_in_window = [r for r in results if r.ok and window[0] <= r.end <= window[1]]
    out = _summary(measured)
    out.update(
        clients=clients,
        seconds=seconds,
        rps=round(len(done_in_window) / seconds, 2),
        # errors during warm-up count too: nothing may fail at any time
        errors=sum(not r.ok and not r.rejected for r in results),
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", choices=["single", "concurrent"])
    parser.add_argument("url")
    parser.add_argument("--chat", type=int, default=60)
    parser.add_argument("--search", type=int, default=60)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    args = parser.parse_args()
    if args.mode == "single":
        out = asyncio.run(single(args.url, args.chat, args.search))
    else:
        out = asyncio.run(concurrent(args.url, args.clients, args.seconds, args.warmup))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
