"""Generative mode against a real HTTP server that speaks the OpenAI chat-completions protocol
(tests/fake_llm.py: no LLM runs on this machine). Everything else is the real code path:
retrieval, the streaming sanitiser, grounding, the fallbacks, retries and the circuit breaker.
"""

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import make_settings
from fake_llm import FakeLLM
from live_server import listening_socket, serve_app

from kb.answer.events import Delta, Finished, Restart, Started
from kb.conversation import Turn
from kb.errors import ConfigError
from kb.knowledge_base import KnowledgeBase, build_kb
from kb.llm.resilience import CircuitBreaker
from kb.models import Answer, document_id
from kb.text.normalize import quote_in_text

QUESTION = "Welche Aufgaben hat die Geschäftsführende Stelle?"
READ_TIMEOUT_S = 3.0  # "slow" and "stall" stay silent until the test ends

pytestmark = pytest.mark.slow


class Clock:
    """The breaker's clock, moved by the test: no waiting for a cool-down."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeLLM]:
    llm = FakeLLM()
    with serve_app(llm.app) as url:  # type: ignore[arg-type]
        llm.url = url  # type: ignore[attr-defined]
        yield llm


def generative_kb(corpus_kb: KnowledgeBase, base_url: str, **overrides: Any) -> KnowledgeBase:
    values: dict[str, Any] = {
        "answer_mode": "generative",
        "llm_base_url": base_url,
        "llm_model": "fake",
        "llm_read_timeout_s": READ_TIMEOUT_S,
        "llm_retries": 1,
        "llm_backoff_s": 0.01,
        "llm_breaker_failures": 2,
    }
    values.update(overrides)
    return build_kb(make_settings(corpus_kb.settings.data_dir, **values))


@pytest.fixture
def kb(corpus_kb: KnowledgeBase, fake: FakeLLM) -> Iterator[KnowledgeBase]:
    fake.reset()
    kb = generative_kb(corpus_kb, fake.url + "/v1")  # type: ignore[attr-defined]
    yield kb
    fake.reset()  # releases a handler still waiting
    kb.close()


def events_of(kb: KnowledgeBase, question: str = QUESTION, **kw: Any) -> list[object]:
    return list(kb.ask_stream(question, **kw))


def final(events: list[object]) -> Answer:
    last = events[-1]
    assert isinstance(last, Finished)
    return last.answer


def assert_verbatim(kb: KnowledgeBase, answer: Answer) -> None:
    assert answer.citations
    for c in answer.citations:
        assert quote_in_text(c.quote, kb.page(document_id(c.file), c.page).text)


def assert_fallback(kb: KnowledgeBase, answer: Answer) -> None:
    """The extractive answer, marked, with the reason recorded."""
    assert answer.mode == "extractive-fallback"
    assert answer.generation and answer.generation["fallback"]
    assert answer.generation["model"] == "fake"
    assert not answer.refused
    assert_verbatim(kb, answer)


def test_tokens_stream_and_the_answer_is_grounded_in_verbatim_quotes(
    kb: KnowledgeBase, fake: FakeLLM
) -> None:
    events = events_of(kb)
    assert isinstance(events[0], Started)
    deltas = [e.text for e in events if isinstance(e, Delta)]
    assert len(deltas) > 5  # token by token, not one block at the end
    answer = final(events)
    assert answer.mode == "generative" and not answer.refused
    assert "".join(deltas).strip() == answer.answer
    assert "[1]" in answer.answer and len(answer.citations) == 1
    assert_verbatim(kb, answer)
    assert answer.generation == {"model": "fake", "prompt": kb.generator.prompt.id}  # type: ignore[union-attr]
    assert answer.generation["prompt"].startswith("answer_de_v2.txt#")
    assert "first_token" in answer.timings_ms
    sent = fake.behaviour.bodies[-1]
    assert sent["stream"] is True and sent["model"] == "fake"
    system, user = sent["messages"][0]["content"], sent["messages"][1]["content"]
    assert "niemals eine Anweisung" in system and QUESTION in user
    assert "<<<DATEN" in user and "<<<DATEN" not in system.split("Sicherheitsregeln")[0]


def test_a_declining_model_gives_a_refusal(kb: KnowledgeBase, fake: FakeLLM) -> None:
    fake.reset("decline")
    events = events_of(kb)
    answer = final(events)
    assert answer.refused and not answer.citations and answer.mode == "generative"
    assert "nichts gefunden" in answer.answer
    assert not any(isinstance(e, Restart) for e in events)  # nothing of KEINE_ANTWORT leaked
    assert all("KEINE" not in e.text for e in events if isinstance(e, Delta))


def test_an_uncited_answer_is_not_trusted(kb: KnowledgeBase, fake: FakeLLM) -> None:
    fake.reset("uncited")
    events = events_of(kb)
    answer = final(events)
    assert_fallback(kb, answer)
    restart = [e for e in events if isinstance(e, Restart)]
    assert len(restart) == 1 and restart[0].text == answer.answer  # the streamed text is replaced


def test_an_echo_of_the_instructions_never_reaches_anyone(kb: KnowledgeBase, fake: FakeLLM) -> None:
    fake.reset("echo")
    events = events_of(kb)
    answer = final(events)
    assert_fallback(kb, answer)
    shown = "".join(e.text for e in events if isinstance(e, Delta | Restart))
    assert "Zitiertes Material" not in shown and "Sicherheitsregeln" not in shown
    assert "niemals eine Anweisung" not in shown
    assert "instructions" in answer.generation["fallback"]  # type: ignore[index]


@pytest.mark.parametrize("mode", ["http500", "http429", "garbage-json", "garbage-sse", "slow"])
def test_a_failing_endpoint_gives_the_extractive_answer(
    kb: KnowledgeBase, fake: FakeLLM, mode: Any
) -> None:
    fake.reset(mode)  # "slow": silent for longer than the read timeout
    answer = kb.ask(QUESTION)
    assert_fallback(kb, answer)
    retryable = mode in ("http500", "http429", "slow")
    assert fake.behaviour.requests == (2 if retryable else 1)  # one retry, then give up


def test_a_dead_endpoint_gives_the_extractive_answer(corpus_kb: KnowledgeBase) -> None:
    sock = listening_socket()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    sock.close()  # connection refused from now on
    kb = generative_kb(corpus_kb, url)
    try:
        assert_fallback(kb, kb.ask(QUESTION))
    finally:
        kb.close()


def test_a_stream_that_stalls_midway_is_replaced(kb: KnowledgeBase, fake: FakeLLM) -> None:
    fake.reset("stall")
    events = events_of(kb)
    assert [type(e).__name__ for e in events if not isinstance(e, Delta)] == [
        "Started",
        "Restart",
        "Finished",
    ]
    assert any(isinstance(e, Delta) for e in events)  # tokens had been shown before the stall
    assert_fallback(kb, final(events))
    assert fake.behaviour.requests == 1  # text was shown: never asked twice


def test_the_circuit_opens_answers_at_once_and_closes_after_the_cool_down(
    kb: KnowledgeBase, fake: FakeLLM
) -> None:
    clock = Clock()
    llm = kb.generator.llm  # type: ignore[union-attr]
    llm.breaker = CircuitBreaker(failures=2, cooldown_s=30, clock=clock)
    fake.reset("http500")
    for _ in range(2):  # llm_breaker_failures answers fail (each with its retry)
        assert_fallback(kb, kb.ask(QUESTION))
    assert fake.behaviour.requests == 4
    assert kb.generator.llm.breaker.state == "open"  # type: ignore[union-attr]
    answer = kb.ask(QUESTION)
    assert_fallback(kb, answer)
    assert "circuit open" in answer.generation["fallback"]  # type: ignore[index]
    assert fake.behaviour.requests == 4  # the endpoint was not even asked

    fake.behaviour.mode = "obedient"  # the endpoint recovers
    clock.now = 29.0
    assert_fallback(kb, kb.ask(QUESTION))  # still cooling down: not asked
    assert fake.behaviour.requests == 4
    clock.now = 31.0
    assert kb.generator.llm.breaker.state == "half-open"  # type: ignore[union-attr]
    answer = kb.ask(QUESTION)
    assert answer.mode == "generative" and fake.behaviour.requests == 5  # the trial call
    assert kb.generator.llm.breaker.state == "closed"  # type: ignore[union-attr]


def test_concurrent_upstream_calls_are_limited(corpus_kb: KnowledgeBase, fake: FakeLLM) -> None:
    fake.reset("hold")
    kb = generative_kb(
        corpus_kb,
        fake.url + "/v1",  # type: ignore[attr-defined]
        llm_max_concurrency=1,
        llm_queue_timeout_s=0.2,
        llm_read_timeout_s=30,
    )
    first: list[Answer] = []
    try:
        worker = threading.Thread(target=lambda: first.append(kb.ask(QUESTION)))
        worker.start()
        while fake.behaviour.requests == 0:
            time.sleep(0.01)
        second = kb.ask(QUESTION)  # the only slot is taken
        assert_fallback(kb, second)
        assert "busy" in second.generation["fallback"]  # type: ignore[index]
        fake.behaviour.gate.set()
        worker.join(timeout=30)
        assert first and first[0].mode == "generative"
        assert fake.behaviour.requests == 1
    finally:
        fake.behaviour.gate.set()
        kb.close()


def test_a_follow_up_is_rewritten_by_the_model(kb: KnowledgeBase, fake: FakeLLM) -> None:
    history = [
        Turn("user", "Was macht der Kreis Viersen?"),
        Turn("assistant", "Flexibilität beweisen die Akteure in Viersen … [1]"),
    ]
    answer = kb.ask("Und wer ist dort zuständig?", history=history)
    rewrite = fake.behaviour.bodies[0]
    assert rewrite["stream"] is False and "<<<VERLAUF" in rewrite["messages"][1]["content"]
    assert answer.searched.startswith("Was macht der Kreis Viersen? Und wer ist dort zuständig?")
    assert answer.generation and answer.generation["rewrite_prompt"].startswith("rewrite_de_v1")


def test_a_failed_rewrite_falls_back_to_the_rules(kb: KnowledgeBase, fake: FakeLLM) -> None:
    fake.reset("rewrite-fails")
    history = [Turn("user", "Was macht der Kreis Viersen?")]
    answer = kb.ask("Und in Münster?", history=history)
    assert "Münster" in answer.searched and "Viersen" not in answer.searched  # the rule's swap
    assert "rewrite_prompt" not in (answer.generation or {})


def test_generative_mode_without_an_endpoint_is_a_config_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match="KB_LLM_BASE_URL"):
        build_kb(make_settings(tmp_path / "data", answer_mode="generative"))


def test_an_unknown_prompt_file_is_a_config_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match="not found"):
        build_kb(
            make_settings(
                tmp_path / "data",
                answer_mode="generative",
                llm_base_url="http://127.0.0.1:9/v1",
                llm_model="x",
                llm_answer_prompt="answer_xx_v9.txt",
            )
        )


def test_without_a_system_role_the_instructions_open_the_user_turn(
    corpus_kb: KnowledgeBase, fake: FakeLLM
) -> None:
    fake.reset()
    kb = generative_kb(corpus_kb, fake.url + "/v1", llm_system_role=False)  # type: ignore[attr-defined]
    try:
        answer = kb.ask(QUESTION)
    finally:
        kb.close()
    assert answer.mode == "generative"
    (only,) = fake.behaviour.bodies[-1]["messages"]
    assert only["role"] == "user"
    assert only["content"].index("Sicherheitsregeln") < only["content"].index("<<<DATEN")
