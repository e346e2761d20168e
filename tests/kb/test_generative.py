"""Generative mode against a local server that speaks the OpenAI chat-completions protocol.

No LLM runs on this machine, so the server is a stand-in with canned behaviour; everything
else (retrieval, grounding, citations, fallback) is the real code path.
"""

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from conftest import make_settings

from kb.errors import ConfigError
from kb.knowledge_base import KnowledgeBase, build_kb
from kb.models import document_id
from kb.text.normalize import quote_in_text


class ChatCompletions(BaseHTTPRequestHandler):
    """Replies like a model would: cites passage 1 (and an out-of-range [9]), or declines."""

    mode = "answer"
    prompts: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        body = json.loads(self.rfile.read(length))
        prompt = body["messages"][0]["content"]
        type(self).prompts.append(prompt)
        if self.mode == "fail":
            self.send_response(500)
            self.end_headers()
            return
        if self.mode == "decline":
            content = "KEINE_ANTWORT"
        else:
            first = re.search(r"\[1\] [^:]+: (.+)", prompt)
            assert first is not None
            # markers after the full stop, as the prompt asks for them
            content = f"Zusammengefasst: {first.group(1)[:80]}. [1] Mehr steht nirgends. [9]"
        payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), ChatCompletions)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()


@pytest.fixture
def generative(corpus_kb: KnowledgeBase, server: str) -> Iterator[KnowledgeBase]:
    settings = make_settings(
        corpus_kb.settings.data_dir, answer_mode="generative", llm_base_url=server, llm_model="x"
    )
    kb = build_kb(settings)
    ChatCompletions.mode = "answer"
    yield kb
    kb.close()


@pytest.mark.slow
def test_the_model_answer_is_grounded_in_verbatim_quotes(generative: KnowledgeBase) -> None:
    answer = generative.ask("Welche Aufgaben hat die Geschäftsführende Stelle?")
    assert not answer.refused
    assert "[1]" in answer.answer and "[9]" not in answer.answer  # a marker to nowhere is dropped
    assert len(answer.citations) == 1
    c = answer.citations[0]
    assert quote_in_text(c.quote, generative.page(document_id(c.file), c.page).text)
    assert "Frage: Welche Aufgaben hat die Geschäftsführende Stelle?" in ChatCompletions.prompts[-1]


@pytest.mark.slow
def test_a_declining_model_gives_a_refusal(generative: KnowledgeBase) -> None:
    ChatCompletions.mode = "decline"
    answer = generative.ask("Welche Aufgaben hat die Geschäftsführende Stelle?")
    assert answer.refused and not answer.citations
    assert "nichts gefunden" in answer.answer


@pytest.mark.slow
def test_an_unreachable_model_falls_back_to_the_extractive_answer(
    generative: KnowledgeBase,
) -> None:
    ChatCompletions.mode = "fail"
    answer = generative.ask("Welche Aufgaben hat die Geschäftsführende Stelle?")
    assert not answer.refused and answer.citations
    assert not answer.answer.startswith("Zusammengefasst")


def test_generative_mode_without_an_endpoint_is_a_config_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match="KB_LLM_BASE_URL"):
        build_kb(make_settings(tmp_path / "data", answer_mode="generative"))
