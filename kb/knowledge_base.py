"""The knowledge base as readers and writers use it; ``build_kb`` wires the components."""

import logging
import os
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kb.answer.calibration import META_KEY as CALIBRATION_KEY
from kb.answer.calibration import Calibration, calibrate
from kb.answer.compose import lead_in, refusal, small_talk_reply
from kb.answer.events import AnswerEvent, Delta, Finished, Restart, Started
from kb.answer.extractive import Extract, SentencePicker, Weights
from kb.answer.generative import GenerativeAnswerer
from kb.answer.overleaf import PageTurn
from kb.answer.refusal import RefusalGate, Verdict
from kb.conversation import Turn, resolve, without_small_talk
from kb.embedding import make_embedder
from kb.embedding.cache import CachedEmbedder, EmbeddingCache
from kb.errors import (
    BackendError,
    EmptyKnowledgeBase,
    InvalidInput,
    ModelMismatch,
    NotFound,
    ReadOnly,
    StoreUnavailable,
)
from kb.facets.filters import Filters, facet_counts
from kb.facets.places import Gazetteer
from kb.index import Indexer
from kb.llm.rewrite import FollowUpRewriter
from kb.models import Answer, Chunk, Citation, DocumentInfo, DocumentMeta, Page
from kb.retrieval.analysis import analysis_revision
from kb.retrieval.analyzer import is_english
from kb.retrieval.catalog import Catalog
from kb.retrieval.loader import CatalogLoader
from kb.retrieval.retriever import Retrieval, Retriever
from kb.settings import RetrievalMode, Settings
from kb.site import load_site
from kb.store.lock import writable, writer_idle, writer_lock
from kb.store.sqlite import disk_full
from kb.store.store import Store
from kb.store.vectors import VectorStore
from kb.text.qtype import classify, typed_in_lower_case
from kb.text.smalltalk import is_small_talk

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
        rewriter: FollowUpRewriter | None = None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self.generator = generator
        self.rewriter = rewriter
        self._catalog: Catalog | None = None
        self._catalog_lock = threading.Lock()
        self._catalog_loader = CatalogLoader()
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
        While a writer is at work, everyone does: the snapshot moves on when it has finished.
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
                self._refresh()
            assert self._catalog is not None
            return self._catalog
        finally:
            self._catalog_lock.release()

    def _refresh(self) -> None:
        """Read the registry, then make sure the vector store's view is at least as new (a view
        older than the catalog fails on ids it has not seen; a newer one only lacks purged ids).
        """
        with writer_idle(self.settings.data_dir) as idle:
            if not idle and self._catalog is not None:
                return  # a writer is at work: keep the consistent previous snapshot
            catalog = self._catalog_loader.load(self.store.registry)
            catalog.casing()  # built here, while the other threads answer from the old snapshot
            if not idle or not self.store.is_current():
                self.store.reopen()
                self._warm_vectors()
        self._catalog = catalog

    def _warm_vectors(self) -> None:
        """Load the new view's index now, while no writer can touch its files; a failure here
        is reported by the query that needs the vectors (or handled there), not by the refresh."""
        try:
            vectors = self.store.vectors()
            if vectors is not None:
                vectors.warm()
        except ModelMismatch:
            return
        except Exception as e:  # chromadb's own error types
            log.warning("loading the vector index failed (%s); queries will retry", e)

    def readiness(self) -> tuple[int, int]:
        """(documents, chunks) from a real registry query, after a real vector query: raises
        when either store fails."""
        docs = self.documents()
        catalog = self.catalog()
        if docs and catalog.chunks:
            vectors = self.store.vectors()
            if vectors is None:
                raise StoreUnavailable("documents are registered but the vector store is empty")
            try:
                vectors.warm()
            except Exception as e:  # chromadb's own error types
                raise StoreUnavailable(f"the vector store failed: {e}") from e
        return len(docs), sum(d.chunks for d in docs)

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
        query, _ = _cased(_check_question(query, self.settings), [], catalog)
        return self.retriever.retrieve(query, catalog, k, mode, keep)

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
        for event in self.ask_stream(question, history, filters, mode):
            if isinstance(event, Finished):
                return event.answer
        raise AssertionError("ask_stream ended without an answer")

    def ask_stream(
        self,
        question: str,
        history: list[Turn] | None = None,
        filters: Filters | None = None,
        mode: RetrievalMode | None = None,
    ) -> Iterator[AnswerEvent]:
        """The answer as it comes into being (kb.answer.events): the passages found first, then
        the answer as soon as it is composed. Bad input and an empty knowledge base raise before
        the first event."""
        clock = _Clock()
        question = _check_question(question, self.settings)
        catalog = self._require_documents()
        if is_small_talk(question):  # "Hallo", "Danke!", "Was kannst du?": nothing to look up
            yield from self._small_talk(question, catalog, clock)
            return
        history = without_small_talk(history or [])  # the model's rewriter sees no "Danke!"
        searched, rewrite = self._searched(*_cased(question, history, catalog))
        keep = filters.predicate(catalog) if filters else None
        retrieval = self.retriever.retrieve(searched, catalog, self.settings.top_k, mode, keep)
        clock.lap("retrieve")
        gate = self.gate.calibrated(self.calibration())
        if self.generator is not None:
            confidence, answerable = gate.assess(searched, retrieval, catalog)
            if answerable:
                yield from self._generated(
                    question, searched, retrieval, confidence, clock, rewrite, gate
                )
                return
        yield Started(question, retrieval.expanded, retrieval.hits)
        composed = self._compose(searched, retrieval, gate)
        clock.lap("answer")
        answer = self._answer(question, retrieval, composed, clock)
        answer.generation = rewrite or None
        yield Delta(composed.text)
        yield Finished(answer)

    def _small_talk(
        self, question: str, catalog: Catalog, clock: "_Clock"
    ) -> Iterator[AnswerEvent]:
        """A greeting, thanks or a question about the assistant: what it does, with the titles
        of some of the documents to ask about; no passage is searched or quoted."""
        titles = list(dict.fromkeys(c.title for c in catalog.first_chunks().values()))[:3]
        text = small_talk_reply(question, titles)
        yield Started(question, question, [])
        yield Delta(text)
        clock.lap("retrieve")  # nothing searched: the same keys as every answer
        clock.lap("answer")
        answer = Answer(
            question=question,
            answer=text,
            refused=True,
            citations=[],
            sources=[],
            timings_ms=clock.timings(),
            searched=question,
            mode="small-talk",
        )
        yield Finished(answer)

    def _searched(self, question: str, history: list[Turn]) -> tuple[str, dict[str, str]]:
        """The question to search: rewritten by the model when one is configured, else by rules."""
        if self.rewriter is not None and history:
            rewritten = self.rewriter.rewrite(question, history)
            if rewritten:
                info = {"model": self.rewriter.llm.model, "rewrite_prompt": self.rewriter.prompt.id}
                return rewritten, info
        return resolve(question, history), {}

    def _generated(
        self,
        question: str,
        searched: str,
        retrieval: Retrieval,
        confidence: float,
        clock: "_Clock",
        rewrite: dict[str, str],
        gate: RefusalGate,
    ) -> Iterator[AnswerEvent]:
        """Stream the model's answer; on any failure the extractive answer replaces it."""
        assert self.generator is not None
        yield Started(question, retrieval.expanded, retrieval.hits)
        pages = self._pages(retrieval)
        generation: dict[str, Any] = {**rewrite, **self.generator.info}
        run = self.generator.start(searched, retrieval.hits, pages)
        said, reason, result = False, "no retrieved passage can be quoted", None
        if run is not None:
            try:
                for piece in run.deltas(retrieval.catalog, pages):
                    said = True
                    yield Delta(piece, generated=True)
                result = run.result
                reason = "the model's answer cites no passage"
            except BackendError as e:
                reason = str(e)
            generation.update(run.info)
            if run.first_token_ms is not None:
                clock.laps["first_token"] = run.first_token_ms
        if result is not None:
            mode = "generative"
            if result.refused:
                composed = Composed(refusal(searched, retrieval.hits), [], confidence)
            else:
                uncertain = confidence < gate.hedge
                composed = Composed(result.text, result.citations, confidence, uncertain)
        else:
            log.warning("generative answer unusable, answering extractively: %s", reason)
            mode, generation["fallback"] = "extractive-fallback", reason
            composed = self._compose(searched, retrieval, gate)
        if result is None or result.refused:
            yield Restart(composed.text, reason) if said else Delta(composed.text)
        clock.lap("answer")
        answer = self._answer(question, retrieval, composed, clock)
        answer.mode, answer.generation = mode, generation
        yield Finished(answer)

    def _answer(
        self, question: str, retrieval: Retrieval, composed: Composed, clock: "_Clock"
    ) -> Answer:
        return Answer(
            question=question,
            answer=composed.text,
            refused=not composed.citations,
            citations=composed.citations,
            sources=retrieval.hits,
            timings_ms=clock.timings(),
            searched=retrieval.expanded,
            confidence=round(composed.confidence, 4),
            uncertain=bool(composed.citations) and composed.uncertain,
        )

    def _compose(self, question: str, retrieval: Retrieval, gate: RefusalGate) -> Composed:
        """The extractive answer and its citations; no citations means a refusal."""
        catalog = retrieval.catalog
        confidence, answerable = gate.assess(question, retrieval, catalog)
        if not answerable:
            return Composed(refusal(question, retrieval.hits), [], confidence)
        pages = self._pages(retrieval)
        extract, verdict = self._extract(question, retrieval, pages, gate, confidence)
        if verdict.band == "refuse" or not extract.citations:
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
        qtype = classify(question)
        turn = self._page_turn(catalog)
        extract = self.picker.pick(
            question, retrieval, catalog, similarity, pages, turn, qtype, self._captioned(catalog)
        )
        return extract, gate.verdict(confidence, question, qtype, extract, extract.pages, catalog)

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
        record = calibrate(model, len(catalog.chunks), sentences, self._probe, _place_mentions)
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
        pages = self._pages(retrieval)
        _, verdict = self._extract(question, retrieval, pages, replace(gate, threshold=0.0), 1.0)
        return evidence.similarity, bool(verdict.missing)

    def _pages(self, retrieval: Retrieval) -> dict[str, str]:
        return {
            h.chunk.id: self._page_text(h.chunk.doc_id, h.chunk.version, h.chunk.page) or ""
            for h in retrieval.hits
        }

    def _captioned(self, catalog: Catalog) -> Callable[[Chunk, str], tuple[Chunk, str] | None]:
        """The passage of a chunk's document captioned with a label (Catalog.captioned), with
        the text of its page."""

        def find(chunk: Chunk, label: str) -> tuple[Chunk, str] | None:
            c = catalog.captioned(chunk, label)
            text = self._page_text(c.doc_id, c.version, c.page) if c is not None else None
            return (c, text) if c is not None and text else None

        return find

    def _page_turn(self, catalog: Catalog) -> PageTurn:
        """Where a chunk's page goes on: the first chunk of the page after it and the last of
        the page before, with their texts, while the section stays the same (a heading there
        ends the sentence)."""

        def neighbour(chunk: Chunk, step: int) -> tuple[Chunk, str] | None:
            i = catalog.by_id.get(chunk.id)
            if i is None or chunk.page is None:
                return None
            want = chunk.page + step
            j = i + step
            while 0 <= j < len(catalog.chunks):  # a document's chunks stand in page order
                c = catalog.chunks[j]
                if (c.doc_id, c.version) != (chunk.doc_id, chunk.version) or c.page is None:
                    return None
                if c.page == want:
                    if c.section != chunk.section or (step > 0 and c.start != 0):
                        return None
                    text = self._page_text(c.doc_id, c.version, c.page)
                    return (c, text) if text else None
                if (c.page - want) * step > 0:
                    return None
                j += step
            return None

        return PageTurn(
            after=lambda chunk: neighbour(chunk, 1), before=lambda chunk: neighbour(chunk, -1)
        )

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

    def metadata(self) -> dict[str, DocumentMeta]:
        """What maintainers said about the published documents (kind, places, topics, …)."""
        published = {d.doc_id for d in self.documents()}
        return {k: v for k, v in self.store.registry.all_doc_meta().items() if k in published}

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
    def writer(
        self,
        on_wait: Callable[[str], None] | None = None,
        command: str = "",
        timeout_s: float | None = None,
    ) -> Iterator[Indexer]:
        """Exclusive write access; leftovers of a crashed writer are purged first.

        ``on_wait`` is told once if another writer holds the lock (it is waited for up to
        ``timeout_s``, default KB_WRITER_WAIT_S). ``command`` says who writes, for the message
        others get.
        """
        if self.store.read_only:
            raise ReadOnly(f"the data dir {self.settings.data_dir} is read-only")
        wait = self.settings.writer_wait_s if timeout_s is None else timeout_s
        with writer_lock(self.settings.data_dir, wait, on_wait, command):
            self.store.begin_writing()
            indexer = Indexer(
                self.store,
                self.embedder,
                self.settings.keep_versions,
                _crash_switch(self.settings.crash_at_step),
                self.settings.lexicon_refresh_drift,
                self.settings.chunk_vectors,
            )
            indexer.recover()
            try:
                yield indexer
            except BaseException as e:
                _finish_after_failure(indexer)
                _raise_if_disk_full(e)
                raise
            try:
                indexer.finish()
            except Exception as e:
                _raise_if_disk_full(e)
                raise
        self._recalibrate()

    def _recalibrate(self) -> None:
        """After every write (ingest, replace, withdraw, purge, restore, from any entry point):
        the refusal calibration follows the corpus when it changed materially. Done outside the
        writer lock (it reads through the catalog like any reader); a failure only costs the
        fresh calibration, never the write."""
        try:
            self.calibrate()
        except Exception:
            log.exception("re-measuring the refusal calibration failed; the stored one is used")

    def close(self) -> None:
        self.store.close()
        self.embedder.cache.close()


def _crash_switch(at: int) -> Callable[[str], None] | None:
    """The fault suite's switch: count the writer's steps on stderr (-1), or kill this process
    with SIGKILL at step ``at`` (a crash at an exact point of a write). 0: off."""
    if at == 0:
        return None
    count = 0

    def step(name: str) -> None:
        nonlocal count
        count += 1
        print(f"writer step {count}: {name}", file=sys.stderr, flush=True)
        if count == at:
            os.kill(os.getpid(), signal.SIGKILL)

    return step


def _raise_if_disk_full(e: BaseException) -> None:
    """A full disk becomes one clear error (the old versions stay: nothing is half-written)."""
    full = disk_full(e)
    if full is not None:
        raise full from e


def _finish_after_failure(indexer: Indexer) -> None:
    """Purge what the session withdrew before it failed, without hiding its error."""
    try:
        indexer.finish()
    except Exception:
        log.warning("purging after a failed write did not complete", exc_info=True)


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
    """The one place that decides which embedder and store are used. A data dir this process
    cannot write is opened read-only: answering works, writing raises ReadOnly."""
    # the code this process runs names its analyses now, before an upgrade in place could
    # change the files on disk under it (kb/fingerprint.py)
    analysis_revision()
    inner = make_embedder(settings)
    cache = EmbeddingCache.open(settings.embedding_cache_dir / "embeddings.sqlite3")
    embedder = CachedEmbedder(inner, cache, batch_size=settings.embed_batch_size)
    read_only = not writable(settings.data_dir)
    store = Store(
        settings.data_dir,
        index_id(embedder.model_id, settings),
        settings.chroma_url,
        read_only=read_only,
        max_copy_mb=settings.readonly_copy_max_mb,
    )
    generator, rewriter = None, None
    if settings.answer_mode == "generative":
        from kb.llm.factory import make_generation

        data_dir = settings.data_dir
        generator, rewriter = make_generation(settings, lambda: load_site(data_dir).subject)
    return KnowledgeBase(settings, embedder, store, generator, rewriter)


class _Clock:
    """Milliseconds since the question arrived, per step."""

    def __init__(self) -> None:
        self.t0 = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round((now - self.last) * 1000, 1)
        self.last = now

    def timings(self) -> dict[str, float]:
        return {**self.laps, "total": round((time.perf_counter() - self.t0) * 1000, 1)}


def _place_mentions(text: str) -> list[tuple[str, int, int]]:
    """The places a text names, with where (the calibration's place-swap probes)."""
    return [(place.label, start, end) for place, start, end in Gazetteer.load().mentions(text)]


def _cased(question: str, history: list[Turn], catalog: Catalog) -> tuple[str, list[Turn]]:
    """A German question typed in lower case ("gibts in wuppertal …", "und in bochum?") and the
    asker's earlier turns, with the capitals the documents write their words with
    (kb/text/casing.py): the embedder reads case, and places and names are found by theirs."""
    turns = [t.content for t in history if t.role == "user"]
    if not any(typed_in_lower_case(t) and not is_english(t) for t in [question, *turns]):
        return question, history
    casing = catalog.casing()

    def restore(text: str) -> str:
        return casing.restore(text) if not is_english(text) else text

    return restore(question), [
        Turn(t.role, restore(t.content)) if t.role == "user" else t for t in history
    ]
