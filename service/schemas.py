"""Pydantic models of the HTTP API. The answer object has exactly the keys of `kb ask --json`
plus additive fields the widget needs (answer_id, searched, uncertain, doc_id/url per citation)."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

# Per-field caps: no field can be larger than a real use needs (the body limit bounds the sum).
MAX_TURN_CHARS = 4000
MAX_QUESTION_CHARS = 20000  # KB_MAX_QUESTION_CHARS (at most this) is checked after trimming
MAX_TURNS = 200
Short = Annotated[str, StringConstraints(max_length=200)]


class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant"]
    content: str = Field(max_length=MAX_TURN_CHARS)


class FiltersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    place: Short | None = None
    topic: Short | None = None
    kind: Short | None = None
    doc_id: Short | None = None


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(max_length=MAX_QUESTION_CHARS)
    history: list[Turn] = Field(default_factory=list, max_length=MAX_TURNS)
    filters: FiltersIn | None = None

    @field_validator("question")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("Die Frage ist leer (the question is empty)")
        return v


class CitationOut(BaseModel):
    n: int
    file: str
    title: str
    page: int | None
    quote: str
    doc_id: str
    section: str | None
    url: str  # the original, at the page for PDFs
    context_url: str  # the cleaned page with the quote marked


class SourceOut(BaseModel):
    file: str
    title: str
    page: int | None
    section: str | None
    score: float
    text: str
    doc_id: str
    url: str  # the original, at the page for PDFs
    context_url: str  # the cleaned page with the passage marked


class AnswerOut(BaseModel):
    id: str | None = None
    question: str
    answer: str
    refused: bool
    citations: list[CitationOut]
    sources: list[SourceOut]
    timings_ms: dict[str, float]
    mode: Literal["extractive", "generative", "extractive-fallback", "small-talk"]
    generation: dict[str, Any] | None  # model, prompt id (and fallback reason) when generated
    answer_id: str
    searched: str
    uncertain: bool


class SearchResult(BaseModel):
    doc_id: str
    file: str
    title: str
    page: int | None
    section: str | None
    score: float | None
    snippet: str
    marks: list[tuple[int, int]]  # matched words, as offsets into snippet
    truncated_start: bool
    truncated_end: bool
    places: list[str]
    topics: list[str]
    url: str
    context_url: str


class SearchResponse(BaseModel):
    query: str
    searched: str
    total: int
    results: list[SearchResult]


class DocumentOut(BaseModel):
    doc_id: str
    file: str
    title: str
    kind: str
    date: str | None
    pages: int
    chunks: int
    updated_at: str
    url: str


class PageOut(BaseModel):
    doc_id: str
    title: str
    page: int | None
    pages: int
    text: str
    headings: list[str]


CitationIn = Annotated[
    dict[
        Annotated[str, StringConstraints(max_length=40)],
        Annotated[str, StringConstraints(max_length=5000)] | int | None,
    ],
    Field(max_length=12),
]


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answer_id: str = Field(min_length=1, max_length=100)
    rating: Literal["up", "down"]
    question: str = Field(min_length=1, max_length=5000)
    answer: str | None = Field(default=None, max_length=20000)
    comment: str | None = Field(default=None, max_length=2000)
    citations: list[CitationIn] = Field(default_factory=list, max_length=20)


class FeedbackOut(BaseModel):
    id: str
    created_at: str
    answer_id: str
    rating: str
    comment: str | None
    question: str
    answer: str | None
    citations: list[dict[str, str | int | None]]


class Facet(BaseModel):
    value: str
    label: str
    count: int


class FacetsOut(BaseModel):
    places: list[Facet]
    topics: list[Facet]
