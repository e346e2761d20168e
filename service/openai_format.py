"""The OpenAI chat-completions wire format for the knowledge base (/v1).

Requests: the last user message is the question, earlier user/assistant messages are the
history; system, developer and tool messages are ignored (the knowledge base keeps its own
instructions). Responses are built from the ``openai`` package's own types, so the shape is the
one clients expect; extra top-level fields carry the structured ``citations`` (the objects of
/api/chat) and ``kb`` (answer id, mode, generation).

Content is Markdown: the answer with [n] markers, then a "Quellen" list with links to the
original and to the marked page. Text composed from documents is escaped (documents are
untrusted: a Markdown image in a PDF must not render in a chat client); a generated answer has
been sanitised already (kb.llm.sanitize).
"""

import math
import re
from typing import Any, Literal

from openai.types import CompletionUsage
from openai.types.chat import ChatCompletion, ChatCompletionChunk, ChatCompletionMessage
from openai.types.chat.chat_completion import Choice
from openai.types.chat.chat_completion_chunk import Choice as ChunkChoice
from openai.types.chat.chat_completion_chunk import ChoiceDelta
from pydantic import BaseModel, ConfigDict, Field

from kb.conversation import Turn
from kb.settings import Settings
from service.schemas import AnswerOut, CitationOut

MAX_MESSAGES = 200
MAX_HISTORY_CHARS = 4000  # per earlier message; they only steer follow-up resolution
QUOTE_CHARS = 300
FALLBACK_NOTE = (
    "\n\n---\n\n_Die erzeugte Antwort ließ sich nicht verwenden. "
    "Die Antwort aus den Dokumenten:_\n\n"
)
_MARKER = re.compile(r"\[\d{1,3}\]")
_URL = re.compile(r"(?i:https?://|ftp://|www\.)\S+")
_MARKER_OR_URL = re.compile(rf"{_MARKER.pattern}|{_URL.pattern}")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#!|~])")
_OWN_RELATIVE_LINK = re.compile(r"\]\((/[^)\s]*)\)")


class OpenAIError(Exception):
    """An error in OpenAI's shape: {"error": {"message", "type", "param", "code"}}."""

    def __init__(
        self,
        status: int,
        message: str,
        type_: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.type = status, message, type_
        self.param, self.code, self.headers = param, code, headers

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": self.type,
                "param": self.param,
                "code": self.code,
            }
        }


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")
    include_usage: bool = False


class ChatCompletionRequest(BaseModel):
    """The fields the knowledge base acts on; others (temperature, user, …) are accepted and
    have no effect."""

    model_config = ConfigDict(extra="allow")
    model: str = Field(max_length=200)
    messages: list[MessageIn] = Field(min_length=1, max_length=MAX_MESSAGES)
    stream: bool = False
    stream_options: StreamOptions | None = None
    n: int | None = None
    tools: list[dict[str, Any]] | None = None
    tool_choice: str | dict[str, Any] | None = None
    function_call: str | dict[str, Any] | None = None
    response_format: dict[str, Any] | None = None
    modalities: list[str] | None = None


def check_model(model: str, settings: Settings) -> None:
    if model != settings.openai_model_id:
        raise OpenAIError(
            404,
            f"The model `{model}` does not exist or you do not have access to it. "
            f"This service offers `{settings.openai_model_id}`.",
            param="model",
            code="model_not_found",
        )


def conversation(body: ChatCompletionRequest, settings: Settings) -> tuple[str, list[Turn]]:
    """(question, history) from a request, or an OpenAIError saying what is not supported."""
    check_model(body.model, settings)
    _check_options(body)
    turns: list[tuple[int, str, str]] = []
    for i, m in enumerate(body.messages):
        text = _text(m, i)
        if m.role in ("user", "assistant"):
            turns.append((i, m.role, text))
    if not turns or turns[-1][1] != "user" or body.messages[-1].role != "user":
        raise OpenAIError(400, "The last message must be the user's question.", param="messages")
    index, _, question = turns[-1]
    param = f"messages[{index}].content"
    if not question.strip():
        raise OpenAIError(400, "The question is empty.", param=param)
    if len(question) > settings.max_question_chars:
        raise OpenAIError(
            400,
            f"The question is too long ({len(question)} characters, at most "
            f"{settings.max_question_chars}).",
            param=param,
            code="string_above_max_length",
        )
    earlier = [Turn(role, text[:MAX_HISTORY_CHARS]) for _, role, text in turns[:-1] if text.strip()]
    keep = settings.max_history_turns
    return question, earlier[-keep:] if keep else []


def _check_options(body: ChatCompletionRequest) -> None:
    if body.n not in (None, 1):
        raise OpenAIError(
            400, "Only n=1 is supported: the knowledge base gives one answer.", param="n"
        )
    forced = body.tool_choice not in (None, "auto", "none") or body.function_call not in (
        None,
        "auto",
        "none",
    )
    if forced:
        raise OpenAIError(
            400,
            "This model does not call tools; tool_choice/function_call cannot force it.",
            param="tool_choice" if body.tool_choice is not None else "function_call",
        )
    kind = (body.response_format or {}).get("type", "text")
    if kind != "text":
        raise OpenAIError(
            400,
            f"response_format '{kind}' is not supported: answers are Markdown text.",
            param="response_format",
        )
    if body.modalities and set(body.modalities) != {"text"}:
        raise OpenAIError(400, "Only text output is supported.", param="modalities")


def _text(message: MessageIn, index: int) -> str:
    if message.content is None:
        return ""
    if isinstance(message.content, str):
        return message.content
    parts = []
    for j, part in enumerate(message.content):
        if part.type != "text" or part.text is None:
            raise OpenAIError(
                400,
                f"Only text content is supported, not '{part.type}'.",
                param=f"messages[{index}].content[{j}]",
            )
        parts.append(part.text)
    return "\n".join(parts)


# -- content ---------------------------------------------------------------------------------


def escape_markdown(text: str) -> str:
    """Document text shown literally: markers stay, URLs become code (never links or images)."""
    out = []
    pos = 0
    for m in _MARKER_OR_URL.finditer(text):
        out.append(_MD_SPECIAL.sub(r"\\\1", text[pos : m.start()]))
        token = m.group(0)
        out.append(token if _MARKER.fullmatch(token) else f"`{token.replace('`', '')}`")
        pos = m.end()
    out.append(_MD_SPECIAL.sub(r"\\\1", text[pos:]))
    return "".join(out)


def answer_text(text: str, generated: bool, base: str) -> str:
    """A piece of answer text for a chat client."""
    if generated:  # sanitised already; own relative links need the service's address
        return _OWN_RELATIVE_LINK.sub(lambda m: f"]({base}{m.group(1)})", text)
    return escape_markdown(text)


def sources_markdown(citations: list[CitationOut], base: str) -> str:
    if not citations:
        return ""
    lines = ["", "", "**Quellen**", ""]
    for c in citations:
        page = f", S. {c.page}" if c.page else ""
        quote = " ".join(c.quote.split())
        if len(quote) > QUOTE_CHARS:
            quote = quote[: QUOTE_CHARS - 1].rstrip() + "…"
        lines.append(
            f"- [{c.n}] {escape_markdown(c.title)}{page}: „{escape_markdown(quote)}“ – "
            f"[Original]({base}{c.url}) · [Fundstelle]({base}{c.context_url})"
        )
    return "\n".join(lines)


def extras(out: AnswerOut) -> dict[str, Any]:
    """The fields next to OpenAI's: structured citations and what the answer is."""
    return {
        "citations": [c.model_dump() for c in out.citations],
        "kb": {
            "answer_id": out.answer_id,
            "refused": out.refused,
            "uncertain": out.uncertain,
            "mode": out.mode,
            "generation": out.generation,
            "searched": out.searched,
        },
    }


# -- responses -------------------------------------------------------------------------------


def tokens(text: str) -> int:
    """A token estimate (the knowledge base has no tokenizer): about four characters each."""
    return math.ceil(len(text) / 4)


def usage(prompt: str, content: str) -> CompletionUsage:
    p, c = tokens(prompt), tokens(content)
    return CompletionUsage(prompt_tokens=p, completion_tokens=c, total_tokens=p + c)


def completion(
    completion_id: str, created: int, model: str, content: str, out: AnswerOut, prompt: str
) -> dict[str, Any]:
    reply = ChatCompletion(
        id=completion_id,
        object="chat.completion",
        created=created,
        model=model,
        choices=[
            Choice(
                index=0,
                finish_reason="stop",
                logprobs=None,
                message=ChatCompletionMessage(role="assistant", content=content, refusal=None),
            )
        ],
        usage=usage(prompt, content),
        system_fingerprint=None,
        **extras(out),
    )
    return reply.model_dump(mode="json")


def chunk(
    completion_id: str,
    created: int,
    model: str,
    delta: ChoiceDelta | None,
    finish: Literal["stop"] | None = None,
    **extra: Any,
) -> str:
    """One SSE event with a chat.completion.chunk; ``delta`` None: the usage-only chunk."""
    choices = (
        []
        if delta is None
        else [ChunkChoice(index=0, delta=delta, finish_reason=finish, logprobs=None)]
    )
    piece = ChatCompletionChunk(
        id=completion_id,
        object="chat.completion.chunk",
        created=created,
        model=model,
        choices=choices,
        system_fingerprint=None,
        **extra,
    )
    return f"data: {piece.model_dump_json(exclude_unset=True)}\n\n"
