"""Extractive answers: a direct answer first — the sentence (or list) that answers — then at most
two supporting quotes, each an exact span of the cleaned page text with its citation (a quote
that a page break cuts goes on over it, one citation per page: kb/answer/overleaf.py).

A sentence's score mixes how close it is to the question in embedding space, how much of the
question's IDF-weighted vocabulary it covers, the rank of its passage, and whether it holds what
the question asks for (kb/answer/qtype.py: the number that counts the asked noun, a date, a
name, a list, the steps of a procedure). Lines that are not prose (form fields, contents lines,
running lines, reference lists; kb/text/layout.py) are never the answer on their own; nor,
while anything else is left, are sentences about the document itself, questions (a
questionnaire's items), headings, and introductions whose items do not follow. The best
sentence brings its list items, the sentence before it when it opens with a reference back, and
the sentence after it when that one holds the asked fact, leans on it ("Dazu gehören …") or gives
an example of it ("… zum Beispiel …"), and one more when that gives the asked number or date
with question words the quote lacks; a why-question's quote takes the sentence before or after
it in its paragraph that gives a reason too; a procedure's quote goes on with the paragraph's steps,
and a list item brings its whole list. A supporting quote must add something: another
document's view, the asked kind of fact the direct answer lacks, or question words it lacks (an
introduction brings its list), and goes on with the next sentence of its paragraph when that
holds question words the answer lacks; a question of two parts gets one more, first the
sentence that best answers its second part. A short sentence after the direct answer that points
back to it ("Das sind die Schulräte.") joins it, and an introduction ending in ':' that a list
question's answer quotes brings the lines it introduces when they are no list of items. What an
abbreviation stands for is answered by what spells it out (a glossary's row too; kb/text/holds.py
``spells_out``), for the second part of a question as well.
"""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from kb.answer.overleaf import PageTurn, Part, begun_before, carried_over
from kb.answer.scoring import Features, Weights, text_features
from kb.facets.places import Gazetteer
from kb.models import Chunk, Citation, Hit
from kb.retrieval.analyzer import is_english
from kb.retrieval.catalog import Catalog
from kb.retrieval.everyday import everyday_words
from kb.retrieval.retriever import Retrieval
from kb.retrieval.units import MIN_SENTENCE_WORDS
from kb.store.vectors import SentenceUnit
from kb.text import layout
from kb.text.holds import (
    LATER_STEP,
    OPENS_SEQUENCE,
    ORDERS_STEPS,
    SEQUENCE,
    counted_terms,
    gives_cause,
    people_named,
    relates_cause,
    spells_out,
    type_fit,
)
from kb.text.qtype import AnswerType, QuestionType, capitals, classify, focus, parts
from kb.text.sentences import split_sentences

# Sentences about the document itself (what a chapter gives, where something is described, what
# a figure shows) restate a topic without stating a fact: never the answer or a supporting
# quote. ("im Folgenden" only as capitalised: "im folgenden Jahr" is about the subject.)
_POINTER = re.compile(
    r"\s*(Übersicht|Abbildung|Abb\.|Tabelle|Tab\.|Grafik|Schaubild|Figure|Fig\.|Table)"
    r"\s+\d+(\.\d+)*\s+(gibt|zeigt|fasst|stellt|bietet|enthält|gives|shows|summari[sz]es)\b",
    re.I,
)
_META = re.compile(
    r"\b(in (diesem|dem vorliegenden|folgendem) (Kapitel|Abschnitt|Bericht|Beitrag|Teil|Papier)|"
    r"im (folgenden|nächsten|vorigen|letzten) (Kapitel|Abschnitt|Teil)|(?-i:[Ii]m Folgenden)|"
    r"(wird|werden) (dort|hier|unten|oben) (ausführlicher |näher |genauer )?"
    r"(beschrieben|dargestellt|erläutert|vorgestellt)|"
    r"(this|the following|the next) (chapter|section|report|paper)|"
    r"in the following(?! (year|month|week|day)s?\b)|"
    r"(is|are) (described|outlined|presented) (below|above|in))\b",
    re.I,
)
# A sentence that gives an example of what the one before it says ("Am Kolleg besteht zum
# Beispiel …") goes on with its topic.
_ELABORATES = re.compile(
    r"\b(zum Beispiel|beispielsweise|bspw\.|z\. ?B\.|for example|for instance)", re.I
)
# ... one that lists the members of what the one before it named
_LISTS_MEMBERS = re.compile(
    r"^((Dazu|Hierzu)\s+(gehören|gehört|gehörten|gehörte|zählen|zählt|zählten|zählte)|"
    r"(Darunter|Hierunter)\s+(fallen|fielen))\b"
)
# ... a place's name after an article or an inflected adjective is a word ("das gemeinsame
# Essen", "ein Siegen"; "die Münsteraner Projektgruppe" names Münster)
_NOT_A_PLACE_BEFORE = re.compile(
    r"\b((?i:der|die|das|den|dem|des|ein|eine|einem|einen|einer|eines)|"
    r"[a-zäöüß]+(e|en|em|er|es))\s+$"
)
# A reference to a table or figure of the same report: "(vgl. Übersicht 7)", "(siehe Tabelle 2)"
_REFERS_TO = re.compile(
    r"\((?:vgl\.|siehe|s\.)\s+((?:Übersicht|Tabelle|Abbildung|Tab\.|Abb\.)\s*\d+)\)"
)
# Finds the passage of a chunk's document captioned with a label ("Übersicht 7"), with its page
Referred = Callable[[Chunk, str], tuple[Chunk, str] | None]
# A sentence opening like this leans on the one before it, which the quote then includes.
_ANAPHORIC_START = re.compile(
    r"^(Diese[rsmn]?|Dies|Dabei|Dazu|Dafür|Daher|Dort|Hier|Damit|Deshalb|Darüber hinaus|"
    r"Außerdem|Zudem|Sie|Er|Es|Ihr|Ihre|Denn|Weil|So|Letztere?)\b"
    # ... or draws its conclusion from it within its first words ("Wenn mithin …", "Es ist
    # somit …")
    r"|^(\S+\s+){0,3}(?i:mithin|somit|folglich|demnach|demzufolge|infolgedessen)\b"
)
# ... and a short one after the quote that points back to it ("Das sind die Schulräte.", "In
# beiden Fällen …", "Ein solcher Zuschnitt …")
_POINTS_BACK = re.compile(
    rf"{_ANAPHORIC_START.pattern}|^(Das|Beide\w*|In beiden|Ein(e|en|em|er)? solche\w*|Solche\w*)\b"
)
# ... and a sentence that points back to the quote and qualifies it ("Diesem Personenkreis
# stünden jedoch … offen", "Das Format wurde jedoch wieder verworfen"; not "aber auch", which
# adds) goes with it: without it the quote says the opposite of what the document does
_QUALIFIES = re.compile(
    r"^(\S+\s+){0,4}(jedoch|aber(?!\s+auch\b)|allerdings|dennoch|trotzdem)\b", re.I
)


def completes_quote(quote: str, following: str) -> bool:
    """Does ``following``, the sentence after ``quote`` in its paragraph, complete it? It does
    when the quote opens a sequence and names no later step (whatever the next sentence says:
    it is the next step), or when it points back to the quote and qualifies it."""
    opens = OPENS_SEQUENCE.search(quote)
    if opens and not LATER_STEP.search(quote, opens.end()):
        return True
    return bool(_POINTS_BACK.match(following) and _QUALIFIES.match(following))


@dataclass(frozen=True)
class Sentence:
    hit_rank: int
    chunk: Chunk
    start: int  # offsets in the chunk's page text
    end: int
    text: str
    score: float
    features: Features
    kind: str | None  # layout kind when not prose
    terms: frozenset[str] = frozenset()
    allowed: bool = True  # prose, or non-prose that may answer this question (_allowed)
    # where the sentence that names the person it speaks of as "er"/"sie" begins (_said_by)
    antecedent: int | None = None

    @property
    def coverage(self) -> float:
        return self.features.coverage

    @property
    def fits_type(self) -> float:
        return self.features.fits_type


@dataclass(frozen=True)
class Extract:
    citations: list[Citation]
    text: str  # the composed answer: quotes with [n] markers
    best: Sentence | None = None
    covered: frozenset[str] = frozenset()  # question terms the quoted text holds
    documents: list[str] = field(default_factory=list)  # titles of the cited documents
    chunks: list[Chunk] = field(default_factory=list)  # the passages the quotes come from
    # (doc_id, page) → the cleaned text of each cited page (the refusal gate reads them)
    pages: dict[tuple[str, int | None], str] = field(default_factory=dict)
    # citations (their n) that only frame a quote: a table's caption and header above its row
    framing: frozenset[int] = frozenset()

    def evidence(self) -> "Extract":
        """The extract without its framing citations: what the refusal gate weighs."""
        if not self.framing:
            return self
        return replace(self, citations=[c for c in self.citations if c.n not in self.framing])


class SentencePicker:
    def __init__(
        self,
        max_sentences: int = 3,
        passages: int = 5,
        max_list_items: int = 15,
        weights: Weights | None = None,
    ) -> None:
        if max_sentences < 1 or passages < 1:
            raise ValueError("max_sentences and passages must be >= 1")
        self.max_sentences = max_sentences
        self.passages = passages
        self.max_list_items = max_list_items
        self.weights = weights or Weights()

    def candidate_ids(self, retrieval: Retrieval) -> list[str]:
        """Ids of the sentences the picker will want similarities for."""
        catalog = retrieval.catalog
        return [
            u.id
            for h in retrieval.hits[: self.passages]
            for u in catalog.sentences(h.chunk)
            if len(u.text.split()) >= MIN_SENTENCE_WORDS  # only those have vectors
        ]

    def candidates(
        self,
        question: str,
        retrieval: Retrieval,
        catalog: Catalog,
        similarity: dict[str, float],
        page_text: dict[str, str],
        qtype: QuestionType | None = None,
    ) -> list[Sentence]:
        w = self.weights
        qtype = qtype or classify(question)
        weights = term_weights(
            (retrieval.passage_terms or retrieval.query_terms) + retrieval.everyday, catalog
        )
        total = sum(weights.values()) or 1.0
        analyze = catalog.analyzer.terms
        counted = counted_terms(qtype, analyze)
        hits = retrieval.hits[: self.passages]
        top_score = hits[0].score if hits else 1.0
        best_sim = max(similarity.values(), default=0.0)
        units = [
            (rank, hit, unit, catalog.sentence_terms(unit))
            for rank, hit in enumerate(hits)
            if page_text.get(hit.chunk.id)  # a version purged mid-question cannot be quoted
            for unit in catalog.sentences(hit.chunk)
        ]
        # the words of each passage's document title and section heading, once per passage
        headings = [set(analyze(f"{h.chunk.title}\n{h.chunk.section or ''}")) for h in hits]
        focus = _focus_weights(weights, [terms for _, _, _, terms in units])
        focus_total = sum(focus.values()) or 1.0
        covers = [sum(v for t, v in weights.items() if t in terms) / total for *_, terms in units]
        # a contact line about the very person or body the question names ("Philipp Hackstein
        # ist studentische Hilfskraft … Kontakt: …") says who they are; a town's name is no
        # such name ("Kontakt: KI Bochum, Tel. …" does not say what the KI does)
        named = catalog.rarest_name(weights)
        places = _place_terms(question, analyze)
        if named is not None and named in places:
            named = None
        where = qtype.place and not places  # where_asked, with the places already found
        out: list[Sentence] = []
        for i, (rank, hit, unit, terms) in enumerate(units):
            page = page_text[hit.chunk.id]
            sim = similarity.get(unit.id)
            if covers[i] == 0 and sim is None:
                continue  # a heading-like fragment with nothing to say
            around = headings[rank]
            kind = _kind(unit, page)
            allowed = (
                kind is None
                or _allowed(kind, qtype)
                or (kind == layout.CONTACT and named is not None and named in terms)
            )
            before = i > 0 and units[i - 1][1] is hit  # the neighbours in the same passage
            after = i + 1 < len(units) and units[i + 1][1] is hit
            fits = type_fit(unit.text, qtype, counted, analyze, page, unit.end)
            if where and fits < 1.0 and _placed_at(page, unit.start, unit.end, w.lean_chars):
                fits = 1.0
            antecedent = None
            if qtype.kind == AnswerType.NAME and not qtype.contact and fits < 1.0:
                antecedent = _said_by(unit, page, w.lean_chars)
                fits = 1.0 if antecedent is not None else fits
            features = Features(
                coverage=covers[i],
                focus=sum(v for t, v in focus.items() if t in terms) / focus_total,
                context=sum(v for t, v in weights.items() if t in around - terms) / total,
                similarity=max(0.0, 1 - (best_sim - sim) / w.similarity_span)
                if sim is not None
                else 0.0,
                rank=hit.score / top_score if top_score else 0.0,
                fits_type=fits,
                nonprose=0.0 if allowed else 1.0,
                prev_coverage=covers[i - 1] if before else 0.0,
                next_coverage=covers[i + 1] if after else 0.0,
                **text_features(unit.text),
            )
            out.append(
                Sentence(
                    rank, hit.chunk, unit.start, unit.end, unit.text,
                    features.score(w), features, kind, terms, allowed, antecedent,
                )
            )  # fmt: skip
        out.sort(key=lambda x: -x.score)
        return out

    def quotable(
        self,
        question: str,
        retrieval: Retrieval,
        catalog: Catalog,
        similarity: dict[str, float],
        page_text: dict[str, str],
        qtype: QuestionType,
    ) -> list[Sentence]:
        """The candidates that may be quoted, best ``score`` first."""
        ranked = [
            c
            for c in self.candidates(question, retrieval, catalog, similarity, page_text, qtype)
            if c.allowed  # never the answer on their own
        ]
        # what states no fact of its own only when nothing else is left
        return [c for c in ranked if not _states_nothing(c, page_text[c.chunk.id], qtype)] or ranked

    def direct_quote(
        self,
        sentence: Sentence,
        ranked: list[Sentence],
        page: str,
        qtype: QuestionType,
        retrieval: Retrieval,
        catalog: Catalog,
    ) -> str:
        """What the direct answer would quote if ``sentence`` were chosen (eval/fit_answer.py
        labels candidates by it)."""
        weights = term_weights(retrieval.query_terms + retrieval.everyday, catalog)
        _, start, end = self._direct(sentence, ranked, page, qtype, weights, catalog)
        return page[start:end]

    def pick(
        self,
        question: str,
        retrieval: Retrieval,
        catalog: Catalog,
        similarity: dict[str, float],
        page_text: dict[str, str],
        turn: PageTurn | None = None,
        qtype: QuestionType | None = None,
        refer: Referred | None = None,
    ) -> Extract:
        """Choose the answer; ``page_text`` maps chunk id → the cleaned text of its page;
        ``turn`` finds the pages before and after a chunk's, where a quote cut by a page break
        goes on (kb/answer/overleaf.py); ``refer`` finds the table or figure a quote refers to
        ("(vgl. Übersicht 7)") in its document."""
        qtype = qtype or classify(question)
        ranked = self.quotable(question, retrieval, catalog, similarity, page_text, qtype)
        if not ranked:
            return Extract([], "")
        # the direct answer by the fitted sum; the supports follow in its order too (_supports)
        named = self._people(ranked, retrieval, catalog) if qtype.person else []
        best = max(named or ranked, key=lambda c: c.features.direct(self.weights))
        analyze = catalog.analyzer.terms
        if qtype.kind in (AnswerType.DATE, AnswerType.NUMBER):
            best = _placed(best, ranked, question, analyze, self.weights, catalog.document_place)
        ranked = [best, *(c for c in ranked if c is not best)]
        weights = term_weights(retrieval.query_terms + retrieval.everyday, catalog)
        page = page_text[best.chunk.id]
        direct = self._direct(
            best, ranked, page, qtype, weights, catalog, where_asked(question, qtype)
        )
        counted = counted_terms(qtype, analyze)
        said = page[direct[1] : direct[2]]
        fits = type_fit(said, qtype, counted, analyze, page, best.end)
        # two questions in one ("Wie viel …, und aus wie vielen …?") get one more quote
        asked = parts(question)
        # what the direct answer holds, once for both parts
        held = frozenset(analyze(said)) if asked else frozenset()
        part = self._least_answered(asked, held, said, analyze, catalog)
        limit = self.max_sentences + (part is not None)
        first = [direct]
        if part is not None:
            answering = self._answering_part(part, direct, held, ranked, analyze, catalog)
            if answering is not None:
                first.append(answering)
        supports = self._supports(best, first, ranked, weights, fits, limit, page_text, analyze)
        if qtype.kind in (AnswerType.LIST, AnswerType.PROCEDURE):  # ... with what they introduce
            supports = [(c, s, self._introduced(page_text[c.chunk.id], e)) for c, s, e in supports]
        spans = [*first, *supports]
        if qtype.kind == AnswerType.PROCEDURE:  # ... and the rest of their paragraph, as the
            # direct answer has (_direct)
            spans[1:] = [
                (c, s, self._more_steps(page_text[c.chunk.id], s, e, always=True))
                for c, s, e in spans[1:]
            ]
        if refer is not None and qtype.kind in (AnswerType.LIST, AnswerType.OTHER):
            shown = self._referred(spans, page_text, refer)
            if shown is not None:  # ... and the table a quote refers to, after that quote
                at, span = shown
                spans.insert(at + 1, span)
        covered = frozenset(t for t in _held_terms(spans) if t in weights)
        return self._compose(spans, page_text, best, covered, turn)

    def _referred(
        self,
        spans: list[tuple[Sentence, int, int]],
        page_text: dict[str, str],
        refer: Referred,
    ) -> tuple[int, tuple[Sentence, int, int]] | None:
        """The table or figure the first quote that refers to one names ("… in sechs
        Themenfeldern (vgl. Übersicht 7)."), when another passage of its document is captioned
        with it and no quote holds it yet: its lines, up to ``block_chars``, with the index of
        the quote that refers to it."""
        for at, (sentence, start, end) in enumerate(spans):
            m = _REFERS_TO.search(page_text[sentence.chunk.id], start, end)
            found = refer(sentence.chunk, m.group(1)) if m else None
            if found is None:
                continue
            chunk, page = found
            if any(s.chunk.id == chunk.id for s, _, _ in spans):
                return None
            limit = chunk.start + int(self.weights.block_chars)
            stop = chunk.end if chunk.end <= limit else page.rfind("\n", chunk.start, limit)
            if stop <= chunk.start:
                return None
            page_text[chunk.id] = page
            zero = Features(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
            text = page[chunk.start : stop]
            return at, (
                Sentence(-1, chunk, chunk.start, stop, text, 0.0, zero, None),
                chunk.start,
                stop,
            )
        return None

    @staticmethod
    def _least_answered(
        asked: tuple[str, str] | None,
        held: frozenset[str],
        text: str,
        analyze: Callable[[str], list[str]],
        catalog: Catalog,
    ) -> str | None:
        """Of a question's two parts, the one the direct answer (``text``; ``held``, its terms)
        answers least: the one whose words it holds least (the second on a tie); for an English
        question, whose words no German quote holds, first the one whose asked kind of fact it
        lacks, if only one's ("How many people …, and how much money …?" answered with the
        sum); None for a simple question."""
        if asked is None:
            return None
        english = is_english(asked[0])

        def fits(part: str) -> bool:
            qtype = classify(part)
            return type_fit(text, qtype, counted_terms(qtype, analyze), analyze) >= 1

        def unheld(part: str) -> tuple[bool, float]:
            weights = term_weights(analyze(part), catalog)
            total = sum(weights.values())
            share = sum(v for t, v in weights.items() if t not in held) / total if total else 0.0
            return not (english and fits(part)), share

        first, second = asked
        return first if unheld(first) > unheld(second) else second

    def _answering_part(
        self,
        part: str,
        direct: tuple[Sentence, int, int],
        held: frozenset[str],
        ranked: list[Sentence],
        analyze: Callable[[str], list[str]],
        catalog: Catalog,
    ) -> tuple[Sentence, int, int] | None:
        """For a question of two parts, the candidate that best covers the words of ``part``
        the direct answer lacks (``held``: its terms), and holds what it asks for, when one
        does."""
        qtype = classify(part)
        if qtype.direct_abbreviations:  # "…, and what does 'SOEP' stand for?": what spells it out
            spelled = (
                c
                for c in ranked[1:]
                if not _overlaps(c, direct[0], direct[1], direct[2])
                and any(spells_out(short, c.text) for short in qtype.direct_abbreviations)
            )
            first = next(spelled, None)
            if first is not None:
                return first, first.start, first.end
        # the part's own words and the documents' words for its everyday ones ("how many
        # people" → Menschen, Personen)
        words = analyze(f"{part} {everyday_words(part)}")
        wanted = {t: v for t, v in term_weights(words, catalog).items() if t not in held}
        if not wanted:
            return None
        counted = counted_terms(qtype, analyze)
        best, best_score = None, 0.0
        for cand in ranked[1:]:
            if _overlaps(cand, direct[0], direct[1], direct[2]):
                continue
            gain = sum(v for t, v in wanted.items() if t in cand.terms) / sum(wanted.values())
            score = gain + 0.5 * type_fit(cand.text, qtype, counted, analyze)
            if gain > 0 and score > best_score:
                best, best_score = cand, score
        return (best, best.start, best.end) if best is not None else None

    @staticmethod
    def _people(ranked: list[Sentence], retrieval: Retrieval, catalog: Catalog) -> list[Sentence]:
        """For a person asked for by role: the candidates that name a person, those whose
        document, section or line holds the question's rarest word first ("beim ies")."""
        people = [c for c in ranked if c.features.fits_type == 1.0]
        rarest = catalog.rarest_name(retrieval.query_terms)
        if not people or rarest is None:
            return people
        names = catalog.document_names()
        analyze = catalog.analyzer.terms
        placed = [
            c
            for c in people
            if rarest in names[c.chunk.doc_id]
            or rarest in analyze(f"{c.chunk.section or ''}\n{c.text}")
        ]
        return placed or people

    # -- the direct answer ---------------------------------------------------------------------
    def _direct(
        self,
        best: Sentence,
        ranked: list[Sentence],
        page: str,
        qtype: QuestionType,
        weights: dict[str, float],
        catalog: Catalog,
        where: bool = False,
    ) -> tuple[Sentence, int, int]:
        """The direct answer's span: ``best`` with what completes it; for a question asking
        where (``where``), from the sentence before it that names the place."""
        start, end = best.start, best.end
        wants_items = qtype.kind in (AnswerType.LIST, AnswerType.PROCEDURE)
        if wants_items and page.startswith("- ", start):  # one item: quote the whole list
            start = self._list_start(page, start)
        end = self._extend_list(page, end, always=wants_items)
        if end == best.end:
            end = self._maybe_next(best, page, qtype, weights, catalog)
        # steps in order: asked for ("Wie läuft … ab?"), or begun by the quote with a word that
        # orders steps ("Die Schulsozialarbeiter erfassen zunächst …" for "Wie ist die Beratung
        # aufgebaut?"; not "vor dem Hintergrund"); a number, a date or a name is one fact
        one_fact = qtype.kind in (AnswerType.NUMBER, AnswerType.DATE, AnswerType.NAME)
        if qtype.kind == AnswerType.PROCEDURE or (
            not one_fact and ORDERS_STEPS.search(page, start, end)
        ):
            end = self._more_steps(page, start, end, always=qtype.kind == AnswerType.PROCEDURE)
        # a short sentence after the quote completes it ("… die untere Schulaufsicht, die beim
        # Kreis angesiedelt ist. Das sind die Schulräte.")
        nxt = _next_sentence(page, end)
        if (
            nxt is not None
            and nxt[1] - nxt[0] <= self.weights.brief_chars
            and _POINTS_BACK.match(page[nxt[0] : nxt[1]])
        ):
            end = self._extend_list(page, nxt[1], always=False)
        if wants_items:
            end = self._introduced(page, end)
        placed = _placed_at(page, start, end, self.weights.lean_chars) if where else None
        if placed is not None:  # ... from the sentence naming where it is
            start = placed
        if best.antecedent is not None and end - best.antecedent <= self.weights.lean_chars:
            start = min(start, best.antecedent)  # ... with the sentence naming who "er" is
        elif _ANAPHORIC_START.match(page[start:end]):
            start = _previous_sentence_start(page, start)
        elif qtype.kind == AnswerType.REASON:  # ... or the one before gives a reason too
            before = _previous_sentence_start(page, start)
            if before < start and gives_cause(page[before:start]):
                start = before
        return best, start, end

    def _maybe_next(
        self,
        best: Sentence,
        page: str,
        qtype: QuestionType,
        weights: dict[str, float],
        catalog: Catalog,
    ) -> int:
        """The end of the sentence after the best one, when it holds what the best one lacks:
        the asked number or date, more of the question's words, or the steps that follow."""
        nxt = _next_sentence(page, best.end)
        if nxt is None:
            return best.end
        n_start, n_end = nxt
        text = page[n_start:n_end]
        total = sum(weights.values()) or 1.0
        gain = sum(v for t, v in weights.items() if t in catalog.analyzer.terms(text)) / total
        gain -= sum(v for t, v in weights.items() if t in best.terms) / total
        wants_type = qtype.kind in (AnswerType.NUMBER, AnswerType.DATE, AnswerType.NAME)
        type_missing = (
            wants_type
            and best.fits_type == 0
            and type_fit(text, qtype, set(), catalog.analyzer.terms)
        )
        steps = qtype.kind == AnswerType.PROCEDURE and bool(SEQUENCE.search(text))
        # a why-question: the next sentence gives a reason too ("Zudem …, da …")
        reasons = qtype.kind == AnswerType.REASON and relates_cause(text)
        short = n_end - best.start <= self.weights.window_chars  # both fit a short answer
        # a sentence that leans on the best one ("Dazu gehören …") goes on with its topic
        leans = (
            bool(_ANAPHORIC_START.match(text) or _ELABORATES.search(text[:80]))
            and n_end - best.start <= self.weights.lean_chars
        )
        # ... as does one that completes it
        completes = self._completed(best.start, page, best.end) > best.end
        if type_missing or steps or reasons or gain > 0.15 or short or leans or completes:
            return self._type_after(
                best, page, self._extend_list(page, n_end, always=False), qtype, weights, catalog
            )
        return best.end

    def _type_after(
        self,
        best: Sentence,
        page: str,
        end: int,
        qtype: QuestionType,
        weights: dict[str, float],
        catalog: Catalog,
    ) -> int:
        """One sentence further when it gives the asked number or date together with question
        words the quote so far lacks ("Im dritten Quartal werden … Interviews geführt. Das
        Projektteam begleitet diese Arbeit. Die Ergebnisse werden zu Beginn des Jahres 2019
        vorliegen." for "Wann sollten die Ergebnisse vorliegen?")."""
        if qtype.kind not in (AnswerType.NUMBER, AnswerType.DATE):
            return end
        nxt = self._next_within(page, best.start, end)
        if nxt is None:
            return end
        terms = catalog.analyzer.terms
        text = page[nxt[0] : nxt[1]]
        if type_fit(text, qtype, counted_terms(qtype, terms), terms) < 1.0:
            return end
        held = set(terms(page[best.start : end]))
        if not any(t in weights and t not in held for t in terms(text)):
            return end
        return nxt[1]

    def _adds_words(
        self,
        quote: Sentence,
        page: str,
        end: int,
        weights: dict[str, float],
        covered: set[str],
        analyze: Callable[[str], list[str]],
    ) -> int:
        """The end of a supporting quote: the next sentence of the paragraph joins it when it
        holds question words the answer lacks so far (a quote that names the ministry that began
        an initiative goes on with "Ebenfalls beteiligt sind die Ministerien für …" when the
        question asks which are involved); ``covered`` takes them in."""
        nxt = self._next_within(page, quote.start, end)
        if nxt is None:
            return end
        total = sum(weights.values()) or 1.0
        terms = set(analyze(page[nxt[0] : nxt[1]]))
        gain = sum(v for t, v in weights.items() if t in terms and t not in covered) / total
        if gain < self.weights.support_gain:
            return end
        covered |= terms
        return nxt[1]

    def _completed(self, start: int, page: str, end: int) -> int:
        """The end of a quote from ``start`` to ``end`` with the next sentence of its paragraph
        when that completes it (completes_quote), within ``complete_chars``."""
        nxt = _next_sentence(page, end)
        if nxt is None or nxt[1] - start > self.weights.complete_chars:
            return end
        return nxt[1] if completes_quote(page[start:end], page[nxt[0] : nxt[1]]) else end

    def _next_within(self, page: str, start: int, end: int) -> tuple[int, int] | None:
        """The sentence after ``end`` in the same paragraph, when a quote from ``start`` to its
        end stays within ``lean_chars``."""
        nxt = _next_sentence(page, end)
        if nxt is None or nxt[1] - start > self.weights.lean_chars:
            return None
        return nxt

    def _more_steps(self, page: str, start: int, end: int, always: bool = False) -> int:
        """Steps in order: once the quote has begun a sequence ("zunächst", "dann"), or
        ``always`` (a procedure asked: how it goes on is its paragraph's), the following sentences
        of the paragraph join while the quote stays short."""
        limit = start + self.weights.steps_chars
        while (nxt := _next_sentence(page, end)) is not None and nxt[1] <= limit:
            if not always and not SEQUENCE.search(page[start : nxt[1]]):
                break
            end = nxt[1]
        return end

    # -- supporting quotes ----------------------------------------------------------------------
    def _supports(
        self,
        best: Sentence,
        spans: list[tuple[Sentence, int, int]],
        ranked: list[Sentence],
        weights: dict[str, float],
        direct_fits: float,
        limit: int,
        page_text: dict[str, str],
        analyze: Callable[[str], list[str]],
    ) -> list[tuple[Sentence, int, int]]:
        """The supporting quotes after ``spans`` (the direct answer, and the second part's):
        the candidates the fitted direct sum rates at most ``support_margin`` below the direct
        answer, best first (for a person question the direct answer is the best of those that
        name one, so others may rate above it), each adding another document's view, the asked
        kind of fact the answer lacks, or question words it lacks."""
        w = self.weights
        total = sum(weights.values()) or 1.0
        chosen = list(spans)
        covered = set(_held_terms(spans))
        docs = {s.chunk.doc_id for s, _, _ in spans}
        fits = direct_fits
        least = best.features.direct(w) - w.support_margin
        rated = sorted(((c.features.direct(w), c) for c in ranked[1:]), key=lambda x: -x[0])
        for rating, cand in rated:
            if len(chosen) >= limit or rating < least:
                break
            typed = cand.fits_type > fits and fits < 1.0
            if any(_overlaps(cand, other, s, e) for other, s, e in chosen):
                continue
            gain = sum(v for t, v in weights.items() if t in cand.terms and t not in covered)
            other_doc = cand.chunk.doc_id not in docs
            if other_doc or gain / total >= w.support_gain or typed:
                # "Aufgaben … sind:" comes with its items
                page = page_text[cand.chunk.id]
                end = self._extend_list(page, cand.end)
                covered |= cand.terms
                end = self._adds_words(cand, page, end, weights, covered, analyze)
                end = self._completed(cand.start, page, end)
                end = self._extend_list(page, end)  # ... as does a next sentence that joined
                chosen.append((cand, cand.start, end))
                docs.add(cand.chunk.doc_id)
                fits = max(fits, cand.fits_type)
        return chosen[len(spans) :]

    def _compose(
        self,
        spans: list[tuple[Sentence, int, int]],
        page_text: dict[str, str],
        best: Sentence,
        covered: frozenset[str],
        turn: PageTurn | None = None,
    ) -> Extract:
        citations: list[Citation] = []
        parts: list[str] = []
        chunks: dict[str, Chunk] = {}
        pages: dict[tuple[str, int | None], str] = {}
        quoted: list[Part] = []  # what is quoted so far: a later span it holds is left out
        framing: set[int] = set()
        titles = list(dict.fromkeys(s.chunk.title for s, _, _ in spans))
        label = len(titles) > 1  # several documents: say which says what
        for sentence, start, end in _merge_adjacent(spans):
            main = Part(sentence.chunk, start, end, page_text[sentence.chunk.id])
            if any(_same_span(main, q) for q in quoted):
                continue
            before, after = carried_over(main, turn) if turn else (None, None)
            head = _table_head(main, turn)  # a table row is read under its caption and header
            unit = [p for p in (head, before, main, after) if p is not None]
            unit = [p for p in unit if p is main or not any(_same_span(p, q) for q in quoted)]
            text = ""
            for part in unit:
                n = len(citations) + 1
                if part is head:
                    framing.add(n)
                citation = Citation.of(n, part.chunk, part.start, part.end, part.page)
                citations.append(citation)
                chunks.setdefault(part.chunk.id, part.chunk)
                pages.setdefault((part.chunk.doc_id, part.chunk.page), part.page)
                quoted.append(part)
                text += f"{citation.quote} [{n}] "
            prefix = f"{short_title(sentence.chunk.title)}: " if label else ""
            if unit[0] is main and begun_before(main):  # begun on a page it cannot quote
                prefix += "… "
            parts.append(prefix + text.rstrip())
        joiner = "\n" if label or any("\n" in p for p in parts) else " "
        answer = joiner.join(parts)
        return Extract(
            citations,
            answer,
            best,
            covered,
            titles,
            list(chunks.values()),
            pages,
            frozenset(framing),
        )

    def _list_start(self, page: str, start: int) -> int:
        """The start of the list an item belongs to: the items before it, and the line that
        introduces them when it ends with ':'."""
        for _ in range(self.max_list_items):
            line = page.rfind("\n", 0, start - 1) + 1
            if start == 0 or page[start - 1] != "\n":
                break
            text = page[line : start - 1]
            if text.startswith("- "):
                start = line
                continue
            if text.rstrip().endswith(":"):
                start = line
            break
        return start

    def _introduced(self, page: str, end: int) -> int:
        """For a list question: a short next sentence that introduces what is asked ("Die Ideen
        beziehen sich auf unterschiedliche Felder:") joins the quote with the list or lines it
        introduces; so do those a quote ending in ':' introduces, and a next sentence that
        lists what the quote named ("Dazu gehören Datenschutzhinweise, Leitfäden …")."""
        nxt = _next_sentence(page, end)
        if (
            nxt is not None
            and nxt[1] - nxt[0] <= self.weights.brief_chars
            and page.endswith(":", 0, nxt[1])
        ):
            end = self._extend_list(page, nxt[1], always=False)
        else:  # ... in the same paragraph or the next
            after = nxt or _first_sentence_after_break(page, end)
            if (
                after is not None
                and _LISTS_MEMBERS.match(page[after[0] : after[1]])
                and after[1] - end <= self.weights.lean_chars
            ):
                # ... with the items it leads into when it names none itself ("Dazu gehören"
                # and then "- die Nutzung …")
                end = self._extend_list(page, after[1])
        if page.endswith(":", 0, end):  # introduces no list of items
            end = self._block_after(page, end)
        return end

    def _block_after(self, page: str, end: int) -> int:
        """What an introduction ending in ':' introduces when it is no list of items: the lines
        that follow (a table of goals and activities), while they fit ``block_chars``."""
        pos = end
        while page[pos : pos + 1] == "\n":
            line_end = page.find("\n", pos + 1)
            line_end = len(page) if line_end < 0 else line_end
            line = page[pos + 1 : line_end]
            if line_end - end > self.weights.block_chars or _SECTION.match(line):
                break  # too long, or the next section begins (what was introduced is missing)
            pos = line_end
        return pos

    def _extend_list(self, page: str, end: int, always: bool = False) -> int:
        """List items right after the sentence join the quote (if it ends with ':', or always);
        so do those after a paragraph's last sentence left open for them ("… vermittelt werden.
        Dazu gehören" and then the items)."""
        if not always and not (page[:end].rstrip().endswith(":") or _left_open(page, end)):
            return end
        items = _items_after(page, end, self.max_list_items)
        # a questionnaire's items are no answer: the list stops at an item that asks, unless an
        # item that states follows it (a workflow's steps with the questions to ask at each:
        # "- Präsentation in der Kerngruppe: Wie werden … bewertet?", "- Wo ergeben sich
        # Lücken …?", "- Kerngruppe: Entscheidung über Schwerpunkte …")
        stating = [i for i, (s, e) in enumerate(items) if not _asks(page[s + 2 : e])]
        last = max(stating, default=-1)
        # ... once the quote holds one of the list's items (not a line that introduces questions)
        in_list = page.startswith("- ", page.rfind("\n", 0, end) + 1)
        pos = end
        for i, (_, e) in enumerate(items):
            if i not in stating and (i > last or not in_list):
                break
            pos, in_list = e, True
        return pos


def _table_head(part: Part, turn: PageTurn | None) -> Part | None:
    """The caption and header lines of the table whose rows ``part`` quotes: on its page, or
    on the page before when the table is carried over from there; None for anything else."""
    if not layout.is_table_row(part.page, part.start, part.end):
        return None
    span = layout.table_head_span(part.page, part.start, part.end)
    if span is not None:
        return Part(part.chunk, *span, part.page)
    if turn is None or not layout.table_opens_page(part.page, part.start):
        return None
    previous = turn.before(part.chunk)
    if previous is None:
        return None
    chunk, page = previous
    span = layout.head_at_page_end(page)
    return Part(chunk, *span, page) if span is not None else None


def short_title(title: str, limit: int = 48) -> str:
    """A document's title short enough to label a quote: its part before ':' or ' – '."""
    for sep in (": ", " – ", " - "):
        head = title.split(sep)[0]
        if 3 <= len(head) <= limit and head != title:
            return head
    if len(title) <= limit:
        return title
    return title[:limit].rsplit(" ", 1)[0] + " …"


def _kind(unit: SentenceUnit, page: str) -> str | None:
    """The layout kind of the line holding the sentence, as tagged at ingest (running text
    starts with a URL); for chunks indexed before tagging, the line is looked at now."""
    if unit.text.lstrip().lower().startswith(("www.", "http")):
        return layout.RUNNING
    if unit.chunk.layout:
        return layout.kind_at(unit.chunk.layout, unit.start, unit.end)
    return layout.line_kind(layout.lines_around(page, unit.start, unit.end))


# A numbered item that opens like a question ("2.1\tKann die Kerngruppe …", "- 3. Wie …"): a
# questionnaire's question, even where its line is cut before the question mark.
_NUMBERED_ASKING = re.compile(
    r"^(-\s*)?\d{1,2}(\.\d{1,2})*\.?\s+(Wie|Wo|Wer|Wen|Wem|Was|Wann|Warum|Wozu|Welche\w*|"
    r"Inwiefern|Inwieweit|Gibt|Gab|Ist|Sind|War|Waren|Kann|Können|Konnte|Konnten|Hat|Haben|"
    r"Hatte|Hatten|Wird|Werden|Wurde|Wurden|Soll|Sollen|Sollte|Muss|Müssen|Besteht|Bestehen)\b"
)


_TERMINAL = re.compile(r"[.!?:;…][\"“”»«‘’')\]]*$")


_OPENS_SPEECH = re.compile(r"\s*[„“\"»*]")


def _states_nothing(sentence: Sentence, page: str, qtype: QuestionType) -> bool:
    """A sentence about the document ("In diesem Kapitel wird …"), a question (of a
    questionnaire, a heading, an interview; unless the question asks what a form asks), a
    heading, or an introduction whose items do not follow."""
    text = sentence.text
    if any(spells_out(short, text) for short in qtype.abbreviations):
        return False  # "KAUSA<tab>Koordinierungsstelle …", a glossary's row: what it stands for
    return (
        _about_document(text)
        or (not qtype.about_form and _asks(text))
        or (
            sentence.kind is None
            and _heading(text, layout.lines_around(page, sentence.start, sentence.end))
        )
        or _dangling(text, page, sentence.end)
    )


def _dangling(text: str, page: str, end: int) -> bool:
    """An introduction ("Aufgaben … sind:", "Ansprechpartnerinnen:") whose items or quoted
    words do not follow: alone it states nothing. At the page's end its items are carried
    over from the next page (kb/answer/overleaf.py)."""
    if not text.rstrip().endswith(":"):
        return False
    rest = page[end:]
    if not rest.strip():
        return False
    following = rest.lstrip(" ")
    items = following.startswith("\n") and layout.LIST_ITEM.match(following, 1)
    return not (items or _OPENS_SPEECH.match(following))


# a numbered section heading ("5.3 Festlegung von …"); not an item ("2.1. Konzept …"), not a
# figure ("1.000 Teilnehmende")
_SECTION = re.compile(r"\s*\d+(\.\d{1,2})+\s+[A-ZÄÖÜ]\w+(\s\w+){0,8}\s*$")


# "(AsA; …)", "(PerjuF-H)": a short form in parentheses; "(… § 130 SGB III)": a legal basis
_SHORT_FORM = re.compile(r"\(\s*([\w.-]{2,12})\s*[;,)]")
_LEGAL_BASIS = re.compile(r"\([^()]*§[^()]*\)")


def _heading(text: str, line: str) -> bool:
    """A prose line of its own, short and without a full stop, that is neither a list item nor
    a labelled field ("Kontakt: Dr. …"): a heading ("Aufgaben der Geschäftsführenden Stelle")
    names a topic and states nothing. A line that spells out an abbreviation or gives a legal
    basis ("Assistierte Ausbildung (AsA; § 130 SGB III)", a programme table's row) states what
    its name stands for."""
    text = text.strip()
    if len(text) >= 100 or text.startswith("- ") or layout.LABEL.match(text):
        return False
    if _LEGAL_BASIS.search(text) or any(
        spells_out(m.group(1), text)
        for m in _SHORT_FORM.finditer(text)
        if capitals(m.group(1)) >= 2
    ):
        return False
    return line.strip() == text and not _TERMINAL.search(text)


# a person spoken of by a pronoun next to a verb of saying or wishing ("Für die Zukunft wünschte
# er sich …", "so sie", "betonte er"; not any "sie", as often plural or a thing)
_SPEAKER_PRONOUN = re.compile(
    r"\b(?:wünschte|wünschten|betonte|sagte|berichtete|forderte|erklärte|ergänzte|meinte|"
    r"kritisierte|plädierte|verwies|schilderte|empfahl|regte|hob|stellte|so)\s+(?:er|sie)\b"
)


def _said_by(unit: SentenceUnit, page: str, limit: float) -> int | None:
    """Where the sentence begins that names the person ``unit`` speaks of as "er" or "sie"
    saying or wishing something: one of the two before it in its paragraph (the nearer first)
    that names one person, when ``unit`` names none itself and both fit within ``limit``
    characters ("Darauf verwies Matthias Muster, Projektleiter … . Für die Zukunft wünschte er
    sich …" answers "Wer hat sich … gewünscht?")."""
    if not _SPEAKER_PRONOUN.search(unit.text) or people_named(unit.text):
        return None
    start = unit.start
    for _ in range(2):
        before = _previous_sentence_start(page, start)
        if before == start or unit.end - before > limit:
            return None
        named = people_named(page[before:start])
        if named:
            return before if named == 1 else None
        start = before
    return None


def _items_after(page: str, end: int, limit: int) -> list[tuple[int, int]]:
    """The spans of the list items ("- …" lines) right after ``end``, at most ``limit``."""
    items: list[tuple[int, int]] = []
    pos = end
    while len(items) < limit and page[pos : pos + 1] == "\n":
        m = layout.LIST_ITEM.match(page, pos + 1)
        if not m:
            break
        items.append((m.start(), m.end()))
        pos = m.end()
    return items


# A form's request for information ("Bitte dokumentieren Sie daher, soweit möglich, …", "Please
# list …"): it asks, it states nothing. Not what a notice or leaflet asks one to do, which says
# when and where ("Bitte stellen Sie Ihren Antrag bis zum 30. Juni …", "Bitte wenden Sie sich an
# …", "Please fill in the form by 15 March")
_REQUEST = re.compile(
    r"^(-\s*)?(\d{1,2}(\.\d{1,2})*\.?\s+)?(Bitte\s+(dokumentieren|beschreiben|nennen|benennen|"
    r"skizzieren|erläutern|schildern|vermerken|ergänzen|berücksichtigen|betrachten)\s+Sie|"
    r"Please\s+(list|describe|document|name|indicate|explain|outline)\b)"
)


def _asks(text: str) -> bool:
    """Is the sentence a question ("- 2. Ist eine Vernetzungsstruktur vorhanden?") or a form's
    request? A numbered item that opens like a question and ends with a full stop is a statement
    ("- 3. Sind die Kurse voll, wird eine Liste geführt.")."""
    end = text.rstrip().rstrip("“”\"»«‘’'")
    if end.endswith("?") or _REQUEST.match(text.strip()):
        return True
    return bool(_NUMBERED_ASKING.match(text.strip())) and not end.endswith((".", "!", ":", ";"))


# a chapter pointed to in brackets at the sentence's end ("… dargestellt (2).", "(vgl. Kapitel
# 4.1)", "(siehe Kapitel 4)"); not "die Kommunen (12) …", a count
_CHAPTER_POINTER = re.compile(
    r"\(\s*((vgl|s)\.\s*|siehe\s+)?(Kap\.|Kapitel|Abschnitt)?\s*\d{1,2}(\.\d{1,2})*\s*\)"
    r"(?=\s*[.;:]?\s*$)"
)


def _about_document(text: str) -> bool:
    """Does the sentence talk about the document rather than its subject? One that introduces
    a list (ends with ':') is kept: its items are the content."""
    pointer = _POINTER.match(text)  # "Übersicht 10 gibt einen Überblick über …"
    rest = text[pointer.end() :] if pointer else text
    # "In diesem Bericht wurden 58 Bündnisse gezählt." states a fact (a year does not, nor a
    # chapter pointed to in brackets: "… dargestellt (2)", "(vgl. Kapitel 4.1)")
    rest = _CHAPTER_POINTER.sub("", rest)
    if re.search(r"(?<![\d.])(?!(19|20)\d\d\b)\d+(?![\d.])", rest):  # not "3.1" (a section)
        return False
    return (bool(pointer) or bool(_META.search(text))) and not text.rstrip().endswith(":")


def _allowed(kind: str, qtype: QuestionType) -> bool:
    """Non-prose that may answer: a number table for "how many", a contact line for "who", the
    questions and fields of a form for what it asks."""
    if kind == layout.FORM:
        return qtype.about_form
    if kind == layout.TABLE:
        return qtype.kind in (AnswerType.NUMBER, AnswerType.LIST)
    if kind == layout.CONTACT:
        return qtype.kind == AnswerType.NAME
    return False


def _placed(
    best: Sentence,
    ranked: list[Sentence],
    question: str,
    analyze: Callable[[str], list[str]],
    weights: Weights,
    place_of: Callable[[str], str | None],
) -> Sentence:
    """For a date or number asked of a place ("Wann war der Workshop in Bielefeld?"): when the
    chosen sentence names none of the asked places, the best one that names one, holds the
    asked kind of fact and another word of the question ("… Workshops (03.04.2019 in
    Duisburg, 09.04.2019 in Bielefeld)"), if it scores at least ``placed_share`` as well; a
    date without the place says nothing of it. A sentence of a document about the place
    (``place_of`` its id, Catalog.document_place) names it too."""
    asking = focus(question)  # not where the asker lives ("Ich arbeite in Bielefeld. Wann …?")
    places = _asked_places(asking, analyze)
    top = best.features.direct(weights)
    doc_place_terms: dict[str, set[str]] = {}

    def names_place(c: Sentence, place: set[str]) -> bool:
        if place <= c.terms:
            return True
        if c.chunk.doc_id not in doc_place_terms:
            about = place_of(c.chunk.doc_id)
            doc_place_terms[c.chunk.doc_id] = set(analyze(about)) if about else set()
        terms = doc_place_terms[c.chunk.doc_id]
        return bool(terms) and place <= terms

    if not places or top <= 0 or any(names_place(best, p) for p in places):
        return best
    # ... and that holds a word of what is asked besides the place (the workshop, not any
    # date of the town)
    asked = set(analyze(asking)).difference(*places)
    placed = [
        c
        for c in ranked
        if c.features.fits_type >= 1.0
        and any(names_place(c, p) for p in places)
        and asked & c.terms
        and c.features.direct(weights) >= weights.placed_share * top
    ]
    return max(placed, key=lambda c: c.features.direct(weights), default=best)


def _asked_places(question: str, analyze: Callable[[str], list[str]]) -> list[set[str]]:
    """The index terms of each town and district the question names."""
    return [set(analyze(p.name)) for p in Gazetteer.load().find(question)]


def _place_terms(question: str, analyze: Callable[[str], list[str]]) -> set[str]:
    """The index terms of the towns and districts the question names."""
    return set().union(*_asked_places(question, analyze))


def _held_terms(spans: list[tuple[Sentence, int, int]]) -> frozenset[str]:
    return frozenset(t for s, _, _ in spans for t in s.terms)


def _same_page(a: Chunk, b: Chunk) -> bool:
    return (a.doc_id, a.page) == (b.doc_id, b.page)


def _same_span(a: Part, b: Part) -> bool:
    """Do two parts overlap on the same page?"""
    return _same_page(a.chunk, b.chunk) and a.start < b.end and b.start < a.end


def _next_sentence(page: str, end: int) -> tuple[int, int] | None:
    """The sentence after ``end`` when it continues the same paragraph."""
    if not page.startswith(" ", end):
        return None  # a line break (new paragraph, list item, table row) or the page end
    line_end = page.find("\n", end)
    rest = page[end : line_end if line_end >= 0 else len(page)]
    spans = split_sentences(rest)
    return (end + spans[0][0], end + spans[0][1]) if spans else None


def _first_sentence_after_break(page: str, end: int) -> tuple[int, int] | None:
    """The first sentence of the line after ``end`` when a line break follows it."""
    if not page.startswith("\n", end):
        return None
    start = end + 1
    line_end = page.find("\n", start)
    spans = split_sentences(page[start : line_end if line_end >= 0 else len(page)])
    return (start + spans[0][0], start + spans[0][1]) if spans else None


def where_asked(question: str, qtype: QuestionType) -> bool:
    """Does the question ask where something is (QuestionType.place) and name no place?"""
    return qtype.place and not Gazetteer.load().find(question)


def _names_place(text: str) -> bool:
    """Does ``text`` name a town or district (not a word spelled like one: "das Essen")?"""
    return any(
        text[s:e] != place.name or not _NOT_A_PLACE_BEFORE.search(text, max(0, s - 40), s)
        for place, s, e in Gazetteer.load().mentions(text)
    )


def _placed_at(page: str, start: int, end: int, limit: float) -> int | None:
    """The start of the sentence that names a place for the span [start, end): the span's own
    sentence, or the nearest one before it in its paragraph while the quote from there stays
    within ``limit`` characters; None when none does."""
    if _names_place(page[start:end]):
        return start
    while (before := _previous_sentence_start(page, start)) < start and end - before <= limit:
        start = before
        if _names_place(page[start:end]):
            return start
    return None


def _previous_sentence_start(page: str, start: int) -> int:
    """Start of the sentence before ``start`` when it is in the same paragraph."""
    line_start = page.rfind("\n", 0, start) + 1
    spans = split_sentences(page[line_start:start])
    return line_start + spans[-1][0] if spans else start


def _overlaps(a: Sentence, b: Sentence, start: int, end: int) -> bool:
    """Does ``a`` overlap the span [start, end) quoted from ``b``'s page?"""
    return _same_page(a.chunk, b.chunk) and a.start < end and start < a.end


def _merge_adjacent(spans: list[tuple[Sentence, int, int]]) -> list[tuple[Sentence, int, int]]:
    """Quotes that touch or overlap on the same page become one quote (and one citation)."""
    out: list[tuple[Sentence, int, int]] = []
    for sentence, start, end in spans:
        for i, (other, s2, e2) in enumerate(out):
            if _same_page(other.chunk, sentence.chunk) and start <= e2 + 1 and s2 <= end + 1:
                out[i] = (other, min(s2, start), max(e2, end))
                break
        else:
            out.append((sentence, start, end))
    return out


def _focus_weights(weights: dict[str, float], held: list[frozenset[str]]) -> dict[str, float]:
    """The question's words weighted by how rare they are among the candidate sentences: the
    words every candidate shares (the topic) tell them apart less than the one few hold."""
    n = len(held)
    return {
        t: v * math.log((n + 1) / (sum(t in h for h in held) + 0.5)) for t, v in weights.items()
    }


def term_weights(terms: list[str], catalog: Catalog) -> dict[str, float]:
    return {t: catalog.bm25.idf(t) for t in dict.fromkeys(terms)}


def best_passage_coverage(
    hits: list[Hit], terms: list[str], catalog: Catalog, top: int = 3, named: bool = False
) -> float:
    """Share of the question's IDF-weighted terms found in the best of the top passages; with
    ``named``, the words of a passage's document name count as held (a passage of the Rhein-Kreis
    Neuss's communication is about the Rhein-Kreis Neuss)."""
    weights = term_weights(terms, catalog)
    total = sum(weights.values())
    if not total:
        return 0.0
    names = catalog.document_names() if named else {}  # once per snapshot
    best = 0.0
    for hit in hits[:top]:
        chunk_terms = set(catalog.analyzer.terms(hit.chunk.section or ""))
        chunk_terms |= set(catalog.analyzer.terms(hit.chunk.text))
        chunk_terms |= names.get(hit.chunk.doc_id, frozenset())
        best = max(best, sum(w for t, w in weights.items() if t in chunk_terms) / total)
    return best


_OPEN_TAIL = re.compile(r"([.!?])\s+([^\W\d_][^.!?:\n]*)$")


def _left_open(page: str, end: int) -> bool:
    """The line up to ``end`` (no list item itself) ends in a few words without punctuation
    after a finished sentence: running text that introduces what the next lines hold ("…
    vermittelt werden. Dazu gehören"). A full stop after a number or a short word ("ab 1.
    Januar", "Dr. Müller", "z. B. Personal") ends no sentence."""
    line = page[page.rfind("\n", 0, end) + 1 : end].rstrip()
    m = _OPEN_TAIL.search(line)
    if line.startswith("- ") or m is None:
        return False
    before = line[: m.start(1)].split()[-1:]
    if not before or len(before[0]) <= 3 or before[0][-1].isdigit():
        return False
    return len(m.group(2).split()) <= 5 and not any(ch.isdigit() for ch in m.group(2))
