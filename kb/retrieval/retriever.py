"""Hybrid retrieval: dense (Chroma) and BM25 (German analyzer) fused by weighted reciprocal rank.

Queries are expanded with acronyms from the glossary first. The fused list is de-duplicated
and one document may fill at most ``max_per_document`` of the top ranks while others match.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from kb.embedding.base import Embedder
from kb.models import Chunk, Hit
from kb.retrieval.catalog import Catalog
from kb.settings import RetrievalMode, Settings
from kb.store.vectors import VectorStore

ChunkFilter = Callable[[Chunk], bool]


@dataclass
class Retrieval:
    query: str
    expanded: str
    query_terms: list[str]
    hits: list[Hit]  # top-k, in rank order
    candidates: list[Hit]  # the whole fused list


class Retriever:
    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        vectors: Callable[[], VectorStore | None],
        catalog: Callable[[], Catalog],
    ) -> None:
        self._settings = settings
        self._embedder = embedder
        self._vectors = vectors
        self._catalog = catalog

    def retrieve(
        self,
        query: str,
        k: int | None = None,
        mode: RetrievalMode | None = None,
        keep: ChunkFilter | None = None,
    ) -> Retrieval:
        s = self._settings
        k = k or s.top_k
        mode = mode or s.retrieval_mode
        catalog = self._catalog()
        expanded = catalog.glossary.expand(query).text if s.expand_acronyms else query
        terms = catalog.analyzer.query_terms(expanded)
        pool = s.candidates * (4 if keep else 1)

        dense: dict[str, tuple[int, float]] = {}
        if mode in ("hybrid", "dense"):
            dense = self._dense(catalog, expanded, pool)
        lexical: dict[str, tuple[int, float]] = {}
        if mode in ("hybrid", "bm25"):
            for rank, (i, score) in enumerate(catalog.bm25.search(terms, pool)):
                lexical[catalog.chunks[i].id] = (rank, score)

        fused = self._fuse(catalog, dense, lexical, mode)
        if keep is not None:
            fused = [h for h in fused if keep(h.chunk)]
        fused = _drop_near_duplicates(fused)
        top = _diversify(fused, k, s.max_per_document)
        return Retrieval(query, expanded, terms, top, fused)

    def _dense(self, catalog: Catalog, query: str, pool: int) -> dict[str, tuple[int, float]]:
        store = self._vectors()
        if store is None or not catalog.doc_versions:
            return {}
        vector = self._embedder.embed_query(query)
        found = store.query(vector, pool, catalog.doc_versions)
        ranked = [(cid, score) for cid, score in found if cid in catalog.by_id]
        return {cid: (rank, score) for rank, (cid, score) in enumerate(ranked)}

    def _fuse(
        self,
        catalog: Catalog,
        dense: Mapping[str, tuple[int, float]],
        lexical: Mapping[str, tuple[int, float]],
        mode: RetrievalMode,
    ) -> list[Hit]:
        s = self._settings
        w_dense = s.dense_weight if mode != "bm25" else 0.0
        w_bm25 = s.bm25_weight if mode != "dense" else 0.0
        hits = []
        for cid in dense.keys() | lexical.keys():
            score = 0.0
            if cid in dense:
                score += w_dense / (s.rrf_k + dense[cid][0] + 1)
            if cid in lexical:
                score += w_bm25 / (s.rrf_k + lexical[cid][0] + 1)
            chunk = catalog.chunks[catalog.by_id[cid]]
            hits.append(
                Hit(
                    chunk=chunk,
                    score=score,
                    dense_score=dense[cid][1] if cid in dense else None,
                    bm25_score=lexical[cid][1] if cid in lexical else None,
                )
            )
        hits.sort(key=lambda h: (-h.score, h.chunk.file_name, h.chunk.position))
        return hits


def _fingerprint(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w{3,}", text.lower()))


def _drop_near_duplicates(hits: list[Hit], threshold: float = 0.9) -> list[Hit]:
    kept: list[Hit] = []
    prints: list[frozenset[str]] = []
    for hit in hits:
        fp = _fingerprint(hit.chunk.text)
        if any(len(fp & p) / max(len(fp | p), 1) >= threshold for p in prints):
            continue
        kept.append(hit)
        prints.append(fp)
    return kept


def _diversify(
    hits: list[Hit], k: int, max_per_document: int, good_match: float = 0.5
) -> list[Hit]:
    """Top k by score, except that a document's hits beyond ``max_per_document`` give way to
    other documents' hits that match well (score at least ``good_match`` of theirs)."""
    top = hits[:k]
    rest = hits[k:]
    while True:
        per_doc: dict[str, list[Hit]] = {}
        for hit in top:
            per_doc.setdefault(hit.chunk.doc_id, []).append(hit)
        crowded = [
            h
            for hs in per_doc.values()
            if len(hs) > max_per_document
            for h in hs[max_per_document:]
        ]
        if not crowded:
            break
        weakest = min(crowded, key=lambda h: h.score)
        challenger = next(
            (
                h
                for h in rest
                if h.chunk.doc_id not in per_doc or len(per_doc[h.chunk.doc_id]) < max_per_document
            ),
            None,
        )
        if challenger is None or challenger.score < good_match * weakest.score:
            break
        top = [h for h in top if h is not weakest] + [challenger]
        rest = [h for h in rest if h is not challenger]
    return sorted(top, key=lambda h: -h.score)
