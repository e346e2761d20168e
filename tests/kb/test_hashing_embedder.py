"""The benchmark-only hashing backend: deterministic, normalised, never mixed with a model."""

import numpy as np

from kb.embedding import make_embedder
from kb.embedding.hashing import HashingEmbedder
from kb.settings import Settings


class CountingEmbedder:
    model_id = "counting"

    def __init__(self) -> None:
        self.queries: list[str] = []

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        raise AssertionError("the query cost embedder never embeds passages")

    def embed_query(self, text: str) -> np.ndarray:
        self.queries.append(text)
        return np.ones(3, dtype=np.float32)


def test_vectors_are_deterministic_normalised_and_closer_for_shared_words() -> None:
    a, b = HashingEmbedder(), HashingEmbedder()
    texts = [
        "Die Volkshochschule bietet Sprachkurse für junge Geflüchtete an.",
        "Sprachkurse der Volkshochschule für junge Geflüchtete",
        "Der Kreis Viersen fördert Wohnungen für Familien.",
    ]
    vectors = a.embed_passages(texts)
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert np.array_equal(vectors, b.embed_passages(texts))  # no state, no randomness
    assert vectors[0] @ vectors[1] > 0.5 > abs(vectors[0] @ vectors[2])
    assert np.array_equal(a.embed_query(texts[0]), vectors[0])
    assert a.embed_passages([]).shape == (0, 384)


def test_the_query_cost_embedder_runs_for_every_query_and_its_vector_is_unused() -> None:
    cost = CountingEmbedder()
    embedder = HashingEmbedder(query_cost=cost)
    vector = embedder.embed_query("Wann ist die Sprechstunde?")
    assert cost.queries == ["Wann ist die Sprechstunde?"]
    assert vector.shape == (384,)


def test_the_backend_has_its_own_model_id() -> None:
    settings = Settings(_env_file=None, embed_backend="hashing")
    embedder = make_embedder(settings)
    assert embedder.model_id.startswith("hashing:")
    assert embedder.model_id != make_embedder(Settings(_env_file=None)).model_id
