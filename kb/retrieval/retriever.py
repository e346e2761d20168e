"""Hybrid retrieval: three rankings fused by weighted reciprocal rank — chunk vectors, sentence
vectors (a chunk ranks by its best sentence) and BM25 with the German analyzer.

Queries are expanded with acronyms from the glossary first; the documents' words for a
question's everyday ones (kb/retrieval/everyday.py) join what BM25 and the second stage rank
by. The fused list is de-duplicated and one document may fill at most ``max_per_document`` of
the top ranks while others match.
"""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from kb.embedding.base import Embedder
from kb.models import Chunk, Hit
from kb.retrieval.catalog import Catalog
from kb.retrieval.everyday import everyday_words
from kb.retrieval.rerank import Evidence, RerankWeights, rerank
from kb.settings import RetrievalMode, Settings
from kb.store.vectors import VectorStore
from kb.text.holds import spells_out
from kb.text.qtype import classify

ChunkFilter = Callable[[Chunk], bool]


@dataclass
class Retrieval:
    query: str
    expanded: str
    query_terms: list[str]
    hits: list[Hit]  # top-k, in rank order
    catalog: Catalog  # the snapshot the hits come from: answer and tags use the same one
    query_vector: Any = None  # None when no dense ranking was used
    passage_terms: list[str] = field(default_factory=list)  # terms without document names
    # the documents' words for the question's everyday ones (kb/retrieval/everyday.py): they
    # search and choose sentences; the refusal's coverage counts only the asked words
    everyday: list[str] = field(default_factory=list)


@dataclass
class _Profiles:
    """Per catalog: the words that name each document (title, file name) and how much of each
    chunk is not prose. Computed on first use and kept while the catalog is current."""

    generation: int
    doc_terms: dict[str, frozenset[str]] = field(default_factory=dict)
    naming: frozenset[str] = frozenset()  # words naming some documents but not all
    nonprose: dict[str, float] = field(default_factory=dict)
    # doc id → the words of its name that can single it out (see _owners)
    rare_names: dict[str, frozenset[str]] = field(default_factory=dict)


class Retriever:
    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        vectors: Callable[[], VectorStore | None],
    ) -> None:
        self._settings = settings
        self._embedder = embedder
        self._vectors = vectors
        self._profiles: _Profiles | None = None
        self._rerank_weights = RerankWeights(**settings.rerank_weights)

    def retrieve(
        self,
        query: str,
        catalog: Catalog,
        k: int | None = None,
        mode: RetrievalMode | None = None,
        keep: ChunkFilter | None = None,
        vector: Any = None,
    ) -> Retrieval:
        """The top ``k`` passages; ``vector`` is the query's embedding when already known."""
        s = self._settings
        k = k or s.top_k
        mode = mode or s.retrieval_mode
        expanded = catalog.glossary.expand(query).text if s.expand_acronyms else query
        terms = catalog.analyzer.query_terms(expanded, rejoin=False)[: s.max_query_terms]
        # the documents' words for the question's everyday ones search too, as do its separable
        # verbs rejoined ("lädt … ein" → einladen; not the refusal's coverage, which weighs
        # the words asked)
        written = _written_terms(query, catalog) + catalog.analyzer.rejoined(expanded)
        plain = [t for t in dict.fromkeys(written) if t not in terms]
        searched = terms + plain
        pool = s.candidates * (4 if keep else 1)

        dense: dict[str, tuple[int, float]] = {}
        sentences: dict[str, tuple[int, float]] = {}
        if mode in ("hybrid", "dense") and (store := self._vectors()) is not None:
            if vector is None:
                vector = self._embedder.embed_query(_head(expanded, s.query_embed_chars))
            dense, sentences = self._dense(store, catalog, vector, pool)
        else:
            vector = None
        lexical: dict[str, tuple[int, float]] = {}
        passage_terms = self._passage_terms(terms, catalog)
        if mode in ("hybrid", "bm25"):
            by = self._passage_terms(searched, catalog) if plain else passage_terms
            for rank, (i, score) in enumerate(catalog.bm25.search(by, pool)):
                lexical[catalog.chunks[i].id] = (rank, score)

        fused = self._fuse(catalog, dense, sentences, lexical)
        qtype = classify(query)
        if s.rerank_pool and fused:
            named = self._named(terms, catalog)
            evidence = Evidence(dense, sentences, lexical, searched, qtype, named)
            nonprose = self._profiles_of(catalog).nonprose
            head = rerank(fused[: s.rerank_pool], evidence, catalog, self._rerank_weights, nonprose)
            fused = head + fused[s.rerank_pool :]
        if keep is not None:
            fused = [h for h in fused if keep(h.chunk)]
        head = _drop_near_duplicates(fused[: 4 * k])
        top = _diversify(head + fused[4 * k :], k, s.max_per_document)
        if qtype.abbreviations and top:
            holding = [catalog.chunks_holding(a) for a in qtype.abbreviations]
            # the chunks that can spell one out: those that hold it, from the index
            chunks = catalog.chunks if None in holding else _in_order(holding, catalog)
            top = _with_spelling_out(top, fused, chunks, qtype.abbreviations, keep)
        if s.list_tail_chars:
            top = [_with_list_end(h, catalog, s.list_tail_chars) for h in top]
        return Retrieval(query, expanded, terms, top, catalog, vector, passage_terms, plain)

    def sentence_similarities(self, retrieval: Retrieval, ids: list[str]) -> dict[str, float]:
        store = self._vectors()
        if store is None or retrieval.query_vector is None:
            return {}
        return store.sentence_similarities(retrieval.query_vector, ids)

    @staticmethod
    def _dense(
        store: VectorStore, catalog: Catalog, vector: Any, pool: int
    ) -> tuple[dict[str, tuple[int, float]], dict[str, tuple[int, float]]]:
        """Chunk ranking by chunk vector, and by the best of the chunk's sentence vectors."""
        if not catalog.doc_versions:
            return {}, {}
        known = catalog.by_id
        chunks = store.query(vector, pool, catalog.doc_versions, known)
        best: dict[str, float] = {}
        for _sid, cid, score in store.query_sentences(
            vector, pool * 3, catalog.doc_versions, catalog.chunks_of_sentences
        ):
            if score > best.get(cid, -1.0):
                best[cid] = score
        by_sentence = sorted(best.items(), key=lambda x: -x[1])
        return (
            {cid: (rank, score) for rank, (cid, score) in enumerate(chunks)},
            {cid: (rank, score) for rank, (cid, score) in enumerate(by_sentence)},
        )

    def _fuse(
        self,
        catalog: Catalog,
        dense: Mapping[str, tuple[int, float]],
        sentences: Mapping[str, tuple[int, float]],
        lexical: Mapping[str, tuple[int, float]],
    ) -> list[Hit]:
        s = self._settings
        rankings = [
            (dense, s.dense_weight),
            (sentences, s.sentence_weight),
            (lexical, s.bm25_weight),
        ]
        hits = []
        for cid in dense.keys() | sentences.keys() | lexical.keys():
            score = sum(w / (s.rrf_k + r[cid][0] + 1) for r, w in rankings if cid in r)
            chunk = catalog.chunks[catalog.by_id[cid]]
            hits.append(
                Hit(
                    chunk=chunk,
                    score=score,
                    dense_score=dense[cid][1] if cid in dense else None,
                    sentence_score=sentences[cid][1] if cid in sentences else None,
                    bm25_score=lexical[cid][1] if cid in lexical else None,
                )
            )
        hits.sort(key=lambda h: (-h.score, h.chunk.file_name, h.chunk.position))
        return hits

    def _passage_terms(self, terms: list[str], catalog: Catalog) -> list[str]:
        """The words BM25 ranks passages by: without those that name a document ("laut der
        Mitteilung des Rhein-Kreises Neuss") — they would favour whichever passage repeats
        the title, while the dense rankings still see the whole question. All words are kept
        when nothing else is left."""
        if not self._settings.doc_terms_select_only:
            return terms
        naming = self._profiles_of(catalog).naming
        # a year or number in a file name ("…-2019.pdf") names nothing: the question asks it
        return [t for t in terms if t not in naming or t.isdigit()] or terms

    def _named(self, terms: list[str], catalog: Catalog) -> dict[str, float]:
        """How much the question names each document ("laut der Mitteilung des Kreises", "im
        Münsteraner Projekt"): the share of its IDF-weighted words that are, or begin with, a
        rare word of the document's title or file name that names only some documents."""
        profiles = self._profiles_of(catalog)
        weights = {t: catalog.bm25.idf(t) for t in dict.fromkeys(terms)}
        total = sum(weights.values())
        out: dict[str, float] = {}
        for doc, names in profiles.rare_names.items():
            held = sum(v for t, v in weights.items() if _names(t, names))
            if held and total:
                out[doc] = held / total
        return out

    def _profiles_of(self, catalog: Catalog) -> _Profiles:
        current = self._profiles
        if current is not None and current.generation == catalog.generation:
            return current
        doc_terms = catalog.document_names()
        df: dict[str, int] = {}
        for ts in doc_terms.values():
            for t in ts:
                df[t] = df.get(t, 0) + 1
        # A word in every document's name ("Gemeinsam klappt's" everywhere) names none of them.
        naming = frozenset(t for t, d in df.items() if d < len(doc_terms))
        rare_names = _rare_names(catalog, doc_terms, naming)
        profiles = _Profiles(catalog.generation, doc_terms, naming, rare_names=rare_names)
        self._profiles = profiles
        return profiles


def _written_terms(query: str, catalog: Catalog) -> list[str]:
    """The terms of the documents' words for the question's everyday ones (everyday.py): each
    word whole, not its compound parts ("Integrationskurs" is no "Integration"), and only those
    some passage holds (a term no passage holds would weigh the most and match nothing)."""
    out = []
    for word in everyday_words(query).split():
        found = catalog.analyzer.terms(word)
        if found and catalog.bm25.document_frequency(found[0]):
            out.append(found[0])
    return list(dict.fromkeys(out))


def _rare_names(
    catalog: Catalog, doc_terms: dict[str, frozenset[str]], naming: frozenset[str]
) -> dict[str, frozenset[str]]:
    """Per document, the words of its name that can single it out: rare in the corpus's text
    (in at most a tenth of its passages) — "Mitteilung", a town's or an institute's name, not
    the topic words every document uses ("Projekt", "Ausbildung") that a title shares. A
    year in a file name names nothing: a question about 2019 asks about the year."""
    rare = {t for t in naming if not t.isdigit() and catalog.names_rarely(t)}
    return {doc: frozenset(names & rare) for doc, names in doc_terms.items()}


def _names(term: str, names: frozenset[str]) -> bool:
    return term in names or any(len(n) >= 4 and term.startswith(n) for n in names)


def _with_list_end(hit: Hit, catalog: Catalog, limit: int) -> Hit:
    """The passage carried on to the end of the list it stops in: chunks are cut by length,
    and a list cut after its second item answers "welche …?" with two items of five. The rest
    of the list comes from the next chunk of the same page, at most ``limit`` characters."""
    chunk = hit.chunk
    last = chunk.text.rstrip().rsplit("\n", 1)[-1]
    if not (last.startswith("- ") or last.endswith(":")):
        return hit
    at = catalog.by_id.get(chunk.id)
    nxt = catalog.chunks[at + 1] if at is not None and at + 1 < len(catalog.chunks) else None
    if (
        nxt is None
        or (nxt.doc_id, nxt.version, nxt.page) != (chunk.doc_id, chunk.version, chunk.page)
        or not nxt.start <= chunk.end < nxt.end
    ):
        return hit
    tail = nxt.text[chunk.end - nxt.start :]
    lines = tail.split("\n")
    taken = [lines[0]]  # the rest of the line the chunk stops in
    for line in lines[1:]:
        # the lines taken so far, with the line breaks between them
        if not line.startswith("- ") or sum(len(t) + 1 for t in taken) + len(line) > limit:
            break
        taken.append(line)
    extra = "\n".join(taken).rstrip()
    if not extra.strip() or len(extra) > limit:
        return hit
    end = chunk.end + len(extra)
    layout = chunk.layout + tuple(t for t in nxt.layout if t[0] >= chunk.end and t[1] <= end)
    longer = replace(chunk, text=chunk.text + extra, end=end, layout=layout)
    return Hit(longer, hit.score, hit.dense_score, hit.bm25_score, hit.sentence_score)


def _with_spelling_out(
    top: list[Hit],
    fused: list[Hit],
    chunks: Sequence[Chunk],
    asked: tuple[str, ...],
    keep: ChunkFilter | None,
) -> list[Hit]:
    """For "Wofür steht „StuBos“?": when no passage of ``top`` spells out an asked
    abbreviation, the best-ranked one that does (from the fused ranking, else the first in the
    corpus) takes the last place: the words of such a question are rarely those of the
    sentence that answers it."""
    if any(spells_out(a, h.chunk.text) for a in asked for h in top):
        return top
    known = {h.chunk.id for h in fused}
    found = next((h for h in fused if any(spells_out(a, h.chunk.text) for a in asked)), None)
    if found is None:
        chunk = next(
            (
                c
                for c in chunks
                if c.id not in known
                and (keep is None or keep(c))
                and any(spells_out(a, c.text) for a in asked)
            ),
            None,
        )
        if chunk is None:
            return top
        found = Hit(chunk, top[-1].score)
    return [*top[:-1], replace(found, score=min(found.score, top[-1].score))]


def _in_order(lists: list[list[Chunk] | None], catalog: Catalog) -> list[Chunk]:
    """The chunks of all ``lists``, each once, in corpus order (by their index, not by reading
    the whole corpus)."""
    unique = {c.id: c for chunks in lists for c in chunks or ()}
    return sorted(unique.values(), key=lambda c: catalog.by_id[c.id])


def _head(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary: the embedding model's cost grows
    with the length of its input, and a question's meaning is in its first sentences."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit + 1)
    return text[: cut if cut > limit // 2 else limit]


def _fingerprint(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w{3,}", text.lower()))


def _drop_near_duplicates(hits: list[Hit], threshold: float = 0.9) -> list[Hit]:
    kept: list[Hit] = []
    prints: list[frozenset[str]] = []
    for hit in hits:
        fp = _fingerprint(hit.chunk.text)
        if any(_jaccard_at_least(fp, p, threshold) for p in prints):
            continue
        kept.append(hit)
        prints.append(fp)
    return kept


def _jaccard_at_least(a: frozenset[str], b: frozenset[str], threshold: float) -> bool:
    small, large = sorted((len(a), len(b)))
    if small / max(large, 1) < threshold:  # the Jaccard index is at most small / large
        return False
    common = len(a & b)
    return common / max(len(a) + len(b) - common, 1) >= threshold


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
