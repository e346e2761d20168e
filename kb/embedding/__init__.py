"""Embedders: the Embedder protocol, the three offline backends, and a disk cache."""

from kb.embedding.base import Embedder
from kb.embedding.factory import make_embedder

__all__ = ["Embedder", "make_embedder"]
