"""The knowledge base as readers and writers use it; ``build_kb`` wires the components."""

import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from kb.answer.calibration import META_KEY as CALIBRATION_KEY
from kb.answer.calibration import Calibration, calibrate
from kb.answer.compose import lead_in, refusal
from kb.answer.extractive import Extract, SentencePicker, Weights
from kb.answer.generative import Generated, GenerativeAnswerer, OpenAICompatibleLLM
from kb.answer.refusal import RefusalGate, Verdict
from kb.conversation import Turn, resolve
from kb.embedding import make_embedder
from kb.embedding.cache import CachedEmbedder, EmbeddingCache
from kb.errors import BackendError, EmptyKnowledgeBase, InvalidInput, NotFound
from kb.facets.filters import Filters, facet_counts
from kb.index import Indexer
from kb.models import Answer, Chunk, Citation, DocumentInfo, Page
from kb.retrieval.catalog import Catalog
from kb.retrieval.retriever import Retrieval, Retriever
from kb.settings import RetrievalMode, Settings
from kb.store.lock import writer_lock
from kb.store.store import Store
from kb.store.vectors import VectorStore
from kb.text.qtype import classify

log = logging.getLogger("kb")


@dataclass(frozen=True)
class Searched:
    """A question on its way: checked, resolved against the history, its passages found."""

    question: str
    searched: str  # the question as searched (follow-ups are expanded)
    retrieval: Retrieval
    started: float  # perf_counter timestamps
    retrieved: float


@dataclass
class Composed:
    text: str
    citations: list[Citation] = field(default_factory=list)  # none: a refusal
    confidence: float = 0.0
    uncertain: bool = False  # answered, but saying that no clear answer was found


class KnowledgeBase:
    def __init__(
        self,
        settings: Settings,
        embedder: CachedEmbedder,
        store: Store,
        generator: GenerativeAnswerer | None = None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self.generator = generator
        self._catalog: Catalog | None = None
        self._catalog_lock = threading.Lock()
        self.retriever = Retriever(settings, embedder, self._vectors)
        self.picker = SentencePicker(
            max_sentences=settings.max_answer_sentences,
            weights=Weights(**settings.answer_weights),
        )
        self.gate = RefusalGate(
            threshold=settings.refusal_threshold,
            hedge=settings.caution_threshold,
            similarity_low=settings.refusal_similarity_low,
            similarity_high=settings.refusal_similarity_high,
            cross_lingual=settings.refusal_cross_lingual,
            check_slots=settings.refusal_check_slots,
        )
        self._calibration: Calibration | None = None
        self._calibration_read = -1e9

    # -- reading -------------------------------------------------------------------------------
    def catalog(self) -> Catalog:
        """The current snapshot; rebuilt when a writer (any process) changed the registry.

        One thread rebuilds; meanwhile the others keep answering from the previous snapshot.
        """
        generation = self.store.registry.generation()
        current = self._catalog
        if current is not None and current.generation == generation:
            return current
        if not self._catalog_lock.acquire(blocking=current is None):
            assert current is not None
            return current
        try:
            if self._catalog is None or self._catalog.generation != generation:
                gen, chunks = self.store.registry.snapshot()
                self._catalog = Catalog.build(gen, chunks)
            return self._catalog
        finally:
            self._catalog_lock.release()

    def warm_up(self) -> None:
        """Load what the first question would otherwise pay for: catalog, collection, model."""
        if self.catalog().chunks:
            self.store.vectors()
            self.embedder.embed_query("Aufwärmen")

    def _vectors(self) -> VectorStore | None:
        return self.store.vectors()

    def search(
        self,
        query: str,
        k: int | None = None,
        mode: RetrievalMode | None = None,
        filters: Filters | None = None,
    ) -> Retrieval:
        catalog = self._require_documents()
        keep = filters.predicate(catalog) if filters else None
        return self.retriever.retrieve(
            _check_question(query, self.settings), catalog, k, mode, keep
        )

    def browse(self, filters: Filters, limit: int = 20) -> tuple[Catalog, list[Chunk]]:
        """Passages matching the filters, in document order (the offer finder without a query)."""
        catalog = self.catalog()
        keep = filters.predicate(catalog)
        return catalog, [c for c in catalog.chunks if keep is None or keep(c)][:limit]

    def facets(self) -> dict[str, Counter[str]]:
        return facet_counts(self.catalog())

    def ask(
        self,
        question: str,
        history: list[Turn] | None = None,
        filters: Filters | None = None,
        mode: RetrievalMode | None = None,
    ) -> Answer:
        """Answer from the documents; a follow-up is resolved against ``history`` first."""
        return self.answer(self.search_for_answer(question, history, filters, mode))

    def search_for_answer(
        self,
        question: str,
        history: list[Turn] | None = None,
        filters: Filters | None = None,
        mode: RetrievalMode | None = None,
    ) -> "Searched":
        """The first half of ``ask``: the passages, known before the answer is composed (a
        stream sends them at once)."""
        t0 = time.perf_counter()
        question = _check_question(question, self.settings)
        catalog = self._require_documents()
        searched = resolve(question, history or [])
        keep = filters.predicate(catalog) if filters else None
        retrieval = self.retriever.retrieve(searched, catalog, self.settings.top_k, mode, keep)
        return Searched(question, searched, retrieval, t0, time.perf_counter())

    def answer(self, searched: "Searched") -> Answer:
        """The second half of ``ask``: the answer composed from the passages found."""
        retrieval = searched.retrieval
        composed = self._compose(searched.searched, retrieval)
        t0, t1, t2 = searched.started, searched.retrieved, time.perf_counter()
        return Answer(
            question=searched.question,
            answer=composed.text,
            refused=not composed.citations,
            citations=composed.citations,
            sources=retrieval.hits,
            timings_ms={
                "retrieve": round((t1 - t0) * 1000, 1),
                "answer": round((t2 - t1) * 1000, 1),
                "total": round((t2 - t0) * 1000, 1),
            },
            searched=retrieval.expanded,
            confidence=round(composed.confidence, 4),
            uncertain=bool(composed.citations) and composed.uncertain,
        )

    def _compose(self, question: str, retrieval: Retrieval) -> "Composed":
        """The answer text and its citations; no citations means a refusal."""
        catalog = retrieval.catalog
        gate = self.gate.calibrated(self.calibration())
        confidence, answerable = gate.assess(question, retrieval, catalog)
        if not answerable:
            return Composed(refusal(question, retrieval.hits), [], confidence)
        pages = {
            h.chunk.id: self._page_text(h.chunk.doc_id, h.chunk.version, h.chunk.page) or ""
            for h in retrieval.hits
        }
        generated = self._generate(question, retrieval, catalog, pages)
        if generated is not None:
            if generated.refused:
                return Composed(refusal(question, retrieval.hits), [], confidence)
            return Composed(generated.text, generated.citations, confidence)
        extract, verdict = self._extract(question, retrieval, pages, gate, confidence)
        if verdict.band == "refuse":
            return Composed(refusal(question, retrieval.hits), [], confidence)
        uncertain = verdict.band == "hedge"
        missing = verdict.missing
        intro = lead_in(question, uncertain, missing.kind, missing.words)
        return Composed(intro + extract.text, extract.citations, confidence, uncertain)

    def _extract(
        self,
        question: str,
        retrieval: Retrieval,
        pages: dict[str, str],
        gate: RefusalGate,
        confidence: float,
    ) -> tuple[Extract, Verdict]:
        """The extractive answer and its band (answer, hedge or refuse)."""
        catalog = retrieval.catalog
        similarity = self.retriever.sentence_similarities(
            retrieval, self.picker.candidate_ids(retrieval)
        )
        extract = self.picker.pick(question, retrieval, catalog, similarity, pages)
        cited = {(c.doc_id, c.page) for c in extract.citations}
        cited_pages = [
            pages[h.chunk.id] for h in retrieval.hits if (h.chunk.doc_id, h.chunk.page) in cited
        ]
        qtype = classify(question)
        return extract, gate.verdict(confidence, question, qtype, extract, cited_pages, catalog)

    # -- calibration ---------------------------------------------------------------------------
    def calibration(self) -> Calibration | None:
        """The refusal calibration stored with the collection (re-read at most every 30 s, so
        that a calibration written by another process is picked up)."""
        now = time.monotonic()
        if now - self._calibration_read > 30:
            raw = self.store.registry.get_meta(CALIBRATION_KEY)
            self._calibration = Calibration.from_json(raw)
            self._calibration_read = now
        return self._calibration

    def calibrate(self, force: bool = False) -> Calibration | None:
        """Measure the refusal calibration of the current corpus and store it, unless the stored
        one still fits (same model, chunk count within 10 %). None for an empty corpus."""
        catalog = self.catalog()
        if not catalog.chunks:
            return None
        stored = Calibration.from_json(self.store.registry.get_meta(CALIBRATION_KEY))
        model = self.embedder.model_id
        if stored is not None and not force and not stored.stale(model, len(catalog.chunks)):
            return stored
        sentences = [u.text for c in catalog.chunks for u in catalog.sentences(c)]
        record = calibrate(model, len(catalog.chunks), sentences, self._probe)
        if record is not None:
            self.store.registry.set_meta(CALIBRATION_KEY, record.to_json())
            self._calibration, self._calibration_read = record, time.monotonic()
        return record

    def _probe(self, question: str) -> tuple[float | None, bool]:
        """(best similarity, slot check flagged) of a calibration probe question."""
        catalog = self.catalog()
        vector = self.embedder.embed_queries_cached([question])[0]
        retrieval = self.retriever.retrieve(question, catalog, self.settings.top_k, vector=vector)
        gate = self.gate
        evidence = gate.evidence(question, retrieval, catalog)
        if not retrieval.hits:
            return evidence.similarity, False
        pages = {
            h.chunk.id: self._page_text(h.chunk.doc_id, h.chunk.version, h.chunk.page) or ""
            for h in retrieval.hits
        }
        _, verdict = self._extract(question, retrieval, pages, replace(gate, threshold=0.0), 1.0)
        return evidence.similarity, bool(verdict.missing)

    def _generate(
        self, question: str, retrieval: Retrieval, catalog: Catalog, pages: dict[str, str]
    ) -> Generated | None:
        """The generative answer when configured; on endpoint failure, None (extractive)."""
        if self.generator is None:
            return None
        try:
            return self.generator.answer(question, retrieval.hits, catalog, pages)
        except BackendError as e:
            log.warning("generative answer failed, answering extractively: %s", e)
            return None

    def _page_text(self, doc_id: str, version: str, page: int | None) -> str | None:
        return self.store.registry.page_text(doc_id, version, page)

    def _require_documents(self) -> Catalog:
        catalog = self.catalog()
        if not catalog.chunks:
            raise EmptyKnowledgeBase(
                "the knowledge base is empty: ingest documents first (kb ingest PATH)"
            )
        return catalog

    def documents(self) -> list[DocumentInfo]:
        return self.store.registry.documents()

    def document(self, doc_id: str) -> DocumentInfo:
        info = self.store.registry.document(doc_id)
        if info is None:
            raise NotFound(f"no document with id '{doc_id}'")
        return info

    def page(self, doc_id: str, number: int | None) -> Page:
        info = self.document(doc_id)
        if info.kind == "pdf" and (number is None or not 1 <= number <= info.pages):
            raise NotFound(f"'{doc_id}' has pages 1–{info.pages}")
        page = self.store.registry.page(doc_id, number if info.kind == "pdf" else None)
        if page is None:
            raise NotFound(f"page {number} of '{doc_id}' has no text")
        return page

    def original(self, doc_id: str) -> tuple[Path, DocumentInfo]:
        info = self.document(doc_id)
        rel = self.store.registry.original_path(doc_id)
        if rel is None:
            raise NotFound(f"the original of '{doc_id}' is not stored")
        return self.store.files.path(rel), info

    # -- writing -------------------------------------------------------------------------------
    @contextmanager
    def writer(self) -> Iterator[Indexer]:
        """Exclusive write access; leftovers of a crashed writer are purged first."""
        with writer_lock(self.settings.data_dir):
            indexer = Indexer(self.store, self.embedder)
            indexer.recover()
            yield indexer

    def close(self) -> None:
        self.store.close()
        self.embedder.cache.close()


def _check_question(question: str, settings: Settings) -> str:
    question = " ".join((question or "").split())
    if not question:
        raise InvalidInput("the question is empty")
    if len(question) > settings.max_question_chars:
        raise InvalidInput(
            f"the question is too long ({len(question)} characters, at most "
            f"{settings.max_question_chars})"
        )
    return question


def build_kb(settings: Settings) -> KnowledgeBase:
    """The one place that decides which embedder and store are used."""
    inner = make_embedder(settings)
    cache = EmbeddingCache(settings.embedding_cache_dir / "embeddings.sqlite3")
    embedder = CachedEmbedder(inner, cache, batch_size=settings.embed_batch_size)
    store = Store(settings.data_dir, embedder.model_id, settings.chroma_url)
    generator = None
    if settings.answer_mode == "generative":
        llm = OpenAICompatibleLLM(
            settings.llm_base_url or "",
            settings.llm_model or "",
            settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
            settings.llm_timeout_s,
        )
        generator = GenerativeAnswerer(llm)
    return KnowledgeBase(settings, embedder, store, generator)
