"""The knowledge base as readers and writers use it; ``build_kb`` wires the components."""

import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kb.answer.compose import lead_in, refusal
from kb.answer.extractive import SentencePicker
from kb.answer.generative import Generated, GenerativeAnswerer, OpenAICompatibleLLM
from kb.answer.refusal import RefusalGate
from kb.conversation import Turn, resolve
from kb.embedding import make_embedder
from kb.embedding.cache import CachedEmbedder, EmbeddingCache
from kb.errors import BackendError, EmptyKnowledgeBase, InvalidInput, NotFound
from kb.facets.filters import Filters, facet_counts
from kb.index import Indexer
from kb.models import Answer, Chunk, Citation, DocumentInfo, Page
from kb.retrieval.catalog import Catalog
from kb.retrieval.loader import CatalogLoader
from kb.retrieval.retriever import Retrieval, Retriever
from kb.settings import RetrievalMode, Settings
from kb.store.lock import writer_lock
from kb.store.store import Store
from kb.store.vectors import VectorStore

log = logging.getLogger("kb")


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
        self._catalog_loader = CatalogLoader()
        self.retriever = Retriever(settings, embedder, self._vectors)
        self.picker = SentencePicker(max_sentences=settings.max_answer_sentences)
        self.gate = RefusalGate(
            threshold=settings.refusal_threshold,
            similarity_low=settings.refusal_similarity_low,
            similarity_high=settings.refusal_similarity_high,
        )

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
                self._catalog = self._catalog_loader.load(self.store.registry)
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
        t0 = time.perf_counter()
        question = _check_question(question, self.settings)
        catalog = self._require_documents()
        searched = resolve(question, history or [])
        keep = filters.predicate(catalog) if filters else None
        retrieval = self.retriever.retrieve(searched, catalog, self.settings.top_k, mode, keep)
        t1 = time.perf_counter()
        text, citations, confidence = self._compose(searched, retrieval)
        t2 = time.perf_counter()
        return Answer(
            question=question,
            answer=text,
            refused=not citations,
            citations=citations,
            sources=retrieval.hits,
            timings_ms={
                "retrieve": round((t1 - t0) * 1000, 1),
                "answer": round((t2 - t1) * 1000, 1),
                "total": round((t2 - t0) * 1000, 1),
            },
            searched=retrieval.expanded,
            confidence=round(confidence, 4),
            uncertain=bool(citations) and confidence < self.settings.caution_threshold,
        )

    def _compose(self, question: str, retrieval: Retrieval) -> tuple[str, list[Citation], float]:
        """(answer text, citations, confidence); no citations means a refusal."""
        catalog = retrieval.catalog
        confidence, answerable = self.gate.assess(question, retrieval, catalog)
        if answerable:
            pages = {
                h.chunk.id: self._page_text(h.chunk.doc_id, h.chunk.version, h.chunk.page) or ""
                for h in retrieval.hits
            }
            generated = self._generate(question, retrieval, catalog, pages)
            if generated is not None:
                if generated.refused:
                    return refusal(question, retrieval.hits), [], confidence
                return generated.text, generated.citations, confidence
            similarity = self.retriever.sentence_similarities(
                retrieval, self.picker.candidate_ids(retrieval)
            )
            extract = self.picker.pick(question, retrieval, catalog, similarity, pages)
            if extract.citations:
                uncertain = confidence < self.settings.caution_threshold
                return lead_in(question, uncertain) + extract.text, extract.citations, confidence
        return refusal(question, retrieval.hits), [], confidence

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
            indexer = Indexer(
                self.store,
                self.embedder,
                self.settings.lexicon_refresh_drift,
                self.settings.chunk_vectors,
            )
            indexer.recover()
            yield indexer
            indexer.finish()

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


def index_id(model_id: str, settings: Settings) -> str:
    """What the vector collections record as their origin: vectors of another origin are not
    comparable (ModelMismatch → `kb reindex`)."""
    return model_id if settings.chunk_vectors == "embedded" else f"{model_id}+pooled-chunks"


def build_kb(settings: Settings) -> KnowledgeBase:
    """The one place that decides which embedder and store are used."""
    inner = make_embedder(settings)
    cache = EmbeddingCache(settings.embedding_cache_dir / "embeddings.sqlite3")
    embedder = CachedEmbedder(inner, cache, batch_size=settings.embed_batch_size)
    store = Store(settings.data_dir, index_id(embedder.model_id, settings), settings.chroma_url)
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
