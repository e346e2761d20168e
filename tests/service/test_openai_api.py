"""/v1 through the official `openai` client (sync and streaming) against a live uvicorn over a
private copy of the corpus KB, in extractive mode with API keys. Generative mode: see
test_generative_service.py."""

import hashlib
import json
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest
from conftest import make_settings
from live_server import copy_data_dir, serve_app
from markdown_it import MarkdownIt

from kb.knowledge_base import KnowledgeBase
from kb.settings import Settings
from service.accounts import AccountStore
from service.app import create_app

KEY = "kb-test-key-0f3b9a7c51d2"
OTHER_KEY = "kb-other-key-6e1d0c94aa77"
QUESTION = "Welche Förderbausteine gibt es?"
PUBLIC = "https://wissen.example.org"


@pytest.fixture(scope="module")
def v1_settings(corpus_kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data = copy_data_dir(corpus_kb.settings.data_dir, tmp_path_factory.mktemp("v1") / "data")
    hashed = "sha256:" + hashlib.sha256(OTHER_KEY.encode()).hexdigest()
    return make_settings(data, api_keys=f"{KEY}, {hashed}", public_url=PUBLIC)


@pytest.fixture(scope="module")
def server(v1_settings: Settings) -> Iterator[str]:
    with serve_app(create_app(v1_settings)) as url:
        yield url


@pytest.fixture(scope="module")
def client(server: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=server + "/v1", api_key=KEY, max_retries=0, timeout=60)


def api_chat(server: str, body: dict[str, Any]) -> Any:
    r = httpx.post(server + "/api/chat", json=body, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def rendered(markdown: str) -> str:
    return MarkdownIt("commonmark").render(markdown)


def test_models_lists_the_knowledge_base(client: openai.OpenAI) -> None:
    models = client.models.list()
    assert [m.id for m in models.data] == ["kb"]
    assert models.data[0].object == "model"
    assert client.models.retrieve("kb").id == "kb"
    with pytest.raises(openai.NotFoundError) as e:
        client.models.retrieve("gpt-4o")
    assert e.value.code == "model_not_found"


def test_a_completion_is_the_cited_answer_with_a_sources_list(
    client: openai.OpenAI, server: str
) -> None:
    reply = client.chat.completions.create(
        model="kb", messages=[{"role": "user", "content": QUESTION}]
    )
    plain = api_chat(server, {"question": QUESTION})
    assert reply.id.startswith("chatcmpl-") and reply.object == "chat.completion"
    assert reply.model == "kb" and len(reply.choices) == 1
    choice = reply.choices[0]
    assert choice.finish_reason == "stop" and choice.message.role == "assistant"
    content = choice.message.content or ""
    body, sources = content.split("\n\n**Quellen**\n\n")
    assert "[1]" in body
    extra = reply.model_extra or {}
    assert extra["citations"] == plain["citations"]  # the same objects as /api/chat
    assert extra["kb"]["mode"] == "extractive" and extra["kb"]["refused"] is False
    lines = sources.splitlines()
    assert len(lines) == len(plain["citations"])
    for line, c in zip(lines, plain["citations"], strict=True):
        assert line.startswith(f"- [{c['n']}] ")
        assert f"]({PUBLIC}{c['url']})" in line and f"]({PUBLIC}{c['context_url']})" in line
    assert reply.usage and reply.usage.total_tokens > reply.usage.completion_tokens > 0


def test_streaming_sends_chunks_then_citations_then_usage_and_done(
    client: openai.OpenAI, server: str
) -> None:
    messages: Any = [{"role": "user", "content": QUESTION}]
    whole = client.chat.completions.create(model="kb", messages=messages)
    chunks = list(
        client.chat.completions.create(
            model="kb", messages=messages, stream=True, stream_options={"include_usage": True}
        )
    )
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    assert len({c.id for c in chunks}) == 1
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == whole.choices[0].message.content
    stop = [c for c in chunks if c.choices and c.choices[0].finish_reason == "stop"]
    assert len(stop) == 1
    assert (stop[0].model_extra or {})["citations"] == (whole.model_extra or {})["citations"]
    assert chunks[-1].choices == [] and chunks[-1].usage is not None
    assert all(c.usage is None for c in chunks[:-1])

    raw = httpx.post(
        server + "/v1/chat/completions",
        json={"model": "kb", "messages": messages, "stream": True},
        headers={"Authorization": f"Bearer {KEY}"},
        timeout=60,
    )
    assert raw.headers["content-type"].startswith("text/event-stream")
    events = [e for e in raw.text.split("\n\n") if e.strip()]
    assert all(e.startswith("data: ") for e in events)
    assert events[-1] == "data: [DONE]"
    assert "usage" not in json.loads(events[-2][6:])  # not asked for


def test_earlier_messages_are_the_history_for_a_follow_up(client: openai.OpenAI) -> None:
    reply = client.chat.completions.create(
        model="kb",
        messages=[
            {"role": "system", "content": "Antworte als Pirat."},  # ignored
            {"role": "user", "content": "Was macht der Kreis Viersen?"},
            {"role": "assistant", "content": "Flexibilität beweisen die Akteure in Viersen … [1]"},
            {"role": "user", "content": [{"type": "text", "text": "Und in Münster?"}]},
        ],
    )
    searched = (reply.model_extra or {})["kb"]["searched"]
    assert "Münster" in searched and "Viersen" not in searched


def test_document_text_cannot_render_as_markup_in_a_chat_client(client: openai.OpenAI) -> None:
    reply = client.chat.completions.create(
        model="kb", messages=[{"role": "user", "content": QUESTION}]
    )
    html = rendered(reply.choices[0].message.content or "")
    hrefs = [h for h in html.split('href="')[1:]]
    assert hrefs and all(h.startswith(PUBLIC + "/") for h in hrefs)
    assert "<img" not in html and "<script" not in html


@pytest.mark.parametrize(
    ("key", "code"), [(None, "missing_api_key"), ("wrong-key-0000000000", "invalid_api_key")]
)
def test_without_a_valid_key_the_answer_is_401(server: str, key: str | None, code: str) -> None:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    for method, path in [("GET", "/v1/models"), ("POST", "/v1/chat/completions")]:
        r = httpx.request(method, server + path, headers=headers, json={}, timeout=30)
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert r.json()["error"]["code"] == code


def test_a_hashed_key_works(server: str) -> None:
    other = openai.OpenAI(base_url=server + "/v1", api_key=OTHER_KEY, max_retries=0)
    assert [m.id for m in other.models.list().data] == ["kb"]


def test_a_maintainers_token_works_and_stops_working_when_revoked(
    server: str, v1_settings: Settings
) -> None:
    accounts = AccountStore(v1_settings.data_dir / "accounts.sqlite3", v1_settings)
    try:
        accounts.add_user("redaktion", "maintainer", "ein-langes-passwort-123")
        token, raw = accounts.create_token("redaktion", "open-webui")
        own = openai.OpenAI(base_url=server + "/v1", api_key=raw, max_retries=0, timeout=60)
        reply = own.chat.completions.create(
            model="kb", messages=[{"role": "user", "content": QUESTION}]
        )
        assert "Quellen" in (reply.choices[0].message.content or "")
        accounts.revoke_token(token.id)
        with pytest.raises(openai.AuthenticationError):
            own.models.list()
    finally:
        accounts.close()


@pytest.mark.parametrize(
    ("body", "status", "param", "code"),
    [
        (
            {"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]},
            404,
            "model",
            "model_not_found",
        ),
        ({"model": "kb", "messages": [{"role": "user", "content": "x"}], "n": 2}, 400, "n", None),
        ({"model": "kb", "messages": []}, 400, "messages", None),
        (
            {"model": "kb", "messages": [{"role": "user", "content": "  "}]},
            400,
            "messages[0].content",
            None,
        ),
        (
            {"model": "kb", "messages": [{"role": "user", "content": "x" * 5000}]},
            400,
            "messages[0].content",
            "string_above_max_length",
        ),
        (
            {"model": "kb", "messages": [{"role": "assistant", "content": "Hallo"}]},
            400,
            "messages",
            None,
        ),
        (
            {
                "model": "kb",
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {
                                "type": "image_url",
                                "image_url": {"url": "https://exfil.example/a.png"},
                            }
                        ],
                    }
                ],
            },
            400,
            "messages[0].content[0]",
            None,
        ),
        (
            {
                "model": "kb",
                "messages": [{"role": "user", "content": "x"}],
                "tools": [{"type": "function", "function": {"name": "f"}}],
                "tool_choice": "required",
            },
            400,
            "tool_choice",
            None,
        ),
        (
            {
                "model": "kb",
                "messages": [{"role": "user", "content": "x"}],
                "response_format": {"type": "json_object"},
            },
            400,
            "response_format",
            None,
        ),
        (
            {"model": "kb", "messages": [{"role": "wizard", "content": "x"}]},
            400,
            "messages[0].role",
            None,
        ),
    ],
)
def test_bad_requests_get_openai_error_objects(
    server: str, body: dict[str, Any], status: int, param: str, code: str | None
) -> None:
    r = httpx.post(
        server + "/v1/chat/completions",
        json=body,
        headers={"Authorization": f"Bearer {KEY}"},
        timeout=30,
    )
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["type"] == "invalid_request_error" and error["message"].strip()
    assert error["param"] == param and error["code"] == code


def test_the_client_raises_its_own_error_types(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(
            model="kb", messages=[{"role": "user", "content": QUESTION}], n=3
        )
    assert e.value.param == "n"


def test_tools_offered_but_not_forced_are_ignored(client: openai.OpenAI) -> None:
    reply = client.chat.completions.create(
        model="kb",
        messages=[{"role": "user", "content": QUESTION}],
        tools=[{"type": "function", "function": {"name": "lookup", "parameters": {}}}],
    )
    assert reply.choices[0].message.tool_calls is None
    assert "[1]" in (reply.choices[0].message.content or "")


def test_unknown_v1_paths_and_bad_json_keep_the_openai_shape_the_rest_keeps_detail(
    server: str,
) -> None:
    auth = {"Authorization": f"Bearer {KEY}"}
    r = httpx.post(server + "/v1/completions", json={}, headers=auth, timeout=30)
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_url"
    r = httpx.get(server + "/v1/chat/completions", headers=auth, timeout=30)
    assert r.status_code == 405 and "error" in r.json()
    r = httpx.post(
        server + "/v1/chat/completions",
        content=b"{not json",
        headers={**auth, "Content-Type": "application/json"},
        timeout=30,
    )
    assert r.status_code == 400 and "JSON" in r.json()["error"]["message"]
    r = httpx.post(server + "/api/chat", json={"question": ""}, timeout=30)
    assert r.status_code == 422 and isinstance(r.json()["detail"], str)
    assert httpx.post(server + "/api/chat", json={"question": QUESTION}, timeout=60).is_success


def test_key_entries_are_checked_when_the_service_starts() -> None:
    from kb.errors import ConfigError
    from service.api_keys import AnyOf, StaticKeys

    with pytest.raises(ConfigError, match="16 characters"):
        StaticKeys.parse("short")
    with pytest.raises(ConfigError, match="no key"):
        StaticKeys.parse(" , ")
    keys = StaticKeys.parse(f"{KEY},sha256:{hashlib.sha256(OTHER_KEY.encode()).hexdigest()}")
    assert (
        keys.verify(KEY) and keys.verify(OTHER_KEY) and keys.verify(KEY) != keys.verify(OTHER_KEY)
    )
    assert keys.verify("sha256:" + hashlib.sha256(OTHER_KEY.encode()).hexdigest()) is None

    class Maintainers:  # another verifier, e.g. the maintainers' personal tokens
        def verify(self, token: str) -> str | None:
            return "maintainer:anna" if token == "anna-token-000000000" else None

    both = AnyOf(keys, Maintainers())
    assert both.verify("anna-token-000000000") == "maintainer:anna"
    assert both.verify(KEY) == keys.verify(KEY) and both.verify("nope") is None


def test_an_empty_knowledge_base_is_a_503_in_openai_shape(tmp_path: Any) -> None:
    from fastapi.testclient import TestClient

    with TestClient(create_app(make_settings(tmp_path / "data"))) as empty:  # no keys: open
        for stream in (False, True):
            r = empty.post(
                "/v1/chat/completions",
                json={
                    "model": "kb",
                    "messages": [{"role": "user", "content": "Hallo?"}],
                    "stream": stream,
                },
            )
            assert r.status_code == 503, r.text
            assert r.json()["error"]["code"] == "service_unavailable"
