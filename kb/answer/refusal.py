"""Three bands for every question: answer, hedge (say plainly that no clear answer was found and
what was found instead), or refuse.

Confidence: the best sentence similarity among the top passages, scaled into the range this
embedder gives on this corpus (the calibration record, kb/answer/calibration.py), averaged with
the share of the question's IDF-weighted vocabulary the best passage covers (German questions;
English ones are judged by similarity alone, shifted up by ``cross_lingual`` because they meet
German text at a lower cosine). Below ``refuse`` → refusal; below ``hedge`` → hedge.

A confident answer is hedged all the same when it misses the specific thing the question names
or asks for (kb/answer/slots.py): near-miss questions meet the documents as closely as real
ones, but their number, contact detail or asked kind of fact is not in the quotes — or the fact
is there, but for another year or place than the one asked for (the *scope* check: the
paragraph of the quote that states a figure, date, yes/no or name must name the question's
years and places).
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from kb.answer import ordinals, roles, slots
from kb.answer.calibration import Calibration
from kb.answer.extractive import Extract, best_passage_coverage
from kb.answer.overleaf import quote_units
from kb.facets.countries import Countries
from kb.facets.places import Gazetteer
from kb.models import Citation
from kb.retrieval.analyzer import is_english
from kb.retrieval.catalog import Catalog, file_words
from kb.retrieval.everyday import spoken_words
from kb.retrieval.retriever import Retrieval
from kb.text import layout
from kb.text.holds import (
    CARDINAL_WORDS,
    counted_terms,
    quantifies,
    relates_cause,
    spells_out,
    type_fit,
    whole_terms,
)
from kb.text.qtype import (
    ENGLISH_COUNTED,
    AnswerType,
    QuestionType,
    Terms,
    abbreviations_asked,
    classify,
    focus,
    parts,
    typed_in_lower_case,
)
from kb.text.sentences import sentence_texts

Band = Literal["answer", "hedge", "refuse"]
Pages = Mapping[tuple[str, int | None], str]  # (doc_id, page) → the cleaned text of a cited page
# Questions whose answer is one assertion about a scope (a figure, a date, yes or no, who): the
# quote that makes it must be about the asked year and place, not just stand on a page that
# names them. (Lists and descriptions too cost answerable questions on tune and caught nothing.)
_SCOPED = (AnswerType.NUMBER, AnswerType.DATE, AnswerType.YES_NO, AnswerType.NAME)


# An English ordinal ("14th"), which the documents write as a number ("14.")
_ORDINAL_EN = re.compile(r"\b(\d{1,3})(?:st|nd|rd|th)\b", re.I)


@dataclass(frozen=True)
class Evidence:
    similarity: float | None  # best sentence (or chunk) cosine among the top passages
    coverage: float | None  # 0..1; None for English questions


@dataclass(frozen=True)
class Verdict:
    confidence: float
    band: Band
    missing: slots.Missing = field(default_factory=slots.Missing)


@dataclass(frozen=True)
class RefusalGate:
    threshold: float  # refuse below
    hedge: float = 0.5  # hedge below
    similarity_low: float = 0.80  # the fallback range until a calibration record exists
    similarity_high: float = 0.93
    coverage_weight: float = 0.5
    cross_lingual: float = 0.03
    # the share of a question's own words (IDF-weighted) the best passage must hold for it to
    # be hedged rather than refused on its cosine alone (chosen on tune and probes, fifteenth
    # round: requiring all of them refused answerable questions whose passage says it in other
    # words, "zur konstituierenden Sitzung getroffen" for "zum ersten Mal zusammengekommen")
    floor_coverage: float = 0.6
    check_slots: bool = True
    check_places: bool = True

    def calibrated(self, record: Calibration | None) -> "RefusalGate":
        if record is None:
            return self
        return replace(
            self, similarity_low=record.similarity_low, similarity_high=record.similarity_high
        )

    def evidence(self, question: str, retrieval: Retrieval, catalog: Catalog) -> Evidence:
        top = retrieval.hits[:3]
        sims = [
            s
            for h in top
            if (s := h.sentence_score if h.sentence_score is not None else h.dense_score)
            is not None
        ]
        english = is_english(question)
        terms = retrieval.passage_terms or retrieval.query_terms
        coverage = None if english else best_passage_coverage(top, terms, catalog)
        similarity = max(sims) + (self.cross_lingual if english else 0.0) if sims else None
        return Evidence(similarity=similarity, coverage=coverage)

    def confidence(self, evidence: Evidence) -> float:
        parts: list[tuple[float, float]] = []
        if evidence.similarity is not None:
            span = max(self.similarity_high - self.similarity_low, 1e-6)
            scaled = min(1.0, max(0.0, (evidence.similarity - self.similarity_low) / span))
            parts.append((scaled, 1 - self.coverage_weight))
        if evidence.coverage is not None:
            parts.append((evidence.coverage, self.coverage_weight))
        total = sum(w for _, w in parts)
        return sum(v * w for v, w in parts) / total if total else 0.0

    def assess(self, question: str, retrieval: Retrieval, catalog: Catalog) -> tuple[float, bool]:
        """(confidence, answerable): the refusal band, decided before any answer is built."""
        if not retrieval.hits:
            return 0.0, False
        conf = self.confidence(self.evidence(question, retrieval, catalog))
        # "Wofür steht „StuBos“?" shares few words with the sentence that spells it out (which
        # retrieval may have added last: Retriever._with_spelling_out)
        asked = abbreviations_asked(question)
        if any(spells_out(a, h.chunk.text) for a in asked for h in retrieval.hits):
            conf = max(conf, self.hedge)
        known = [t for t in retrieval.query_terms if catalog.bm25.document_frequency(t)]
        # an asked abbreviation the passages hold is a word of the documents too ("G.I.B.", which
        # the analyzer splits into letters)
        held = any(a in h.chunk.text for a in asked for h in retrieval.hits)
        if not known and not held and self.hedge > self.threshold:
            # none of the question's words is in the documents: at most a hedge, whatever its
            # embedding says ("How do I train for a marathon?" met the German text as closely as
            # "Which ministries are involved?")
            conf = min(conf, self.hedge - 0.001)
        elif conf < self.threshold:
            # ... while a question whose best passage holds most of the words of it the documents
            # use (``floor_coverage``; "Gemeinsam klappt's", "2019"; its document's name counts,
            # the long forms of its abbreviations the glossary added do not, and a hyphenated name
            # counts by its parts, as a file name spells it) is hedged rather than refused for its
            # cosine alone: a question in English, or in English with German names ("Which offices
            # moved into Wuppertal's „Haus der Integration“?"), meets German text at lower
            # cosines. Not more than hedged: the words it has that the documents lack may be what
            # it asks ("Does the Haus der Integration have a canteen?")
            own = set(catalog.analyzer.terms(_own_words(question).replace("-", " ")))
            known = [t for t in known if t in own]
            # ... or of those but its everyday words ("den Hut auf"), which the documents do
            # not write: they search by their own words for them (not more than hedged, still:
            # the confidence itself weighs every word asked)
            words = [known, _asked_terms(question, known, catalog)]
            if is_english(question):
                # ... or, for an English one, those with its words of the field in the
                # documents' German ("kick-off event" → Auftaktveranstaltung; everyday.py)
                field = [t for t in retrieval.everyday if catalog.bm25.document_frequency(t)]
                # ... and its ordinals as the documents write them ("14th" → "14.")
                field += [
                    t
                    for n in _ORDINAL_EN.findall(question)
                    for t in catalog.analyzer.terms(n)
                    if catalog.bm25.document_frequency(t)
                ]
                words.append(known + field)
            if any(
                len(held) >= 2
                and best_passage_coverage(retrieval.hits, held, catalog, named=True)
                >= self.floor_coverage
                for held in words
            ):
                conf = self.threshold
        return conf, conf >= self.threshold

    def verdict(
        self,
        confidence: float,
        question: str,
        qtype: QuestionType,
        extract: Extract,
        pages: Pages,
        catalog: Catalog,
    ) -> Verdict:
        """The band of an answer that was built; ``pages`` holds the cited pages' texts."""
        if confidence < self.threshold or not extract.citations:
            return Verdict(confidence, "refuse")
        missing = self.missing(question, qtype, extract, pages, catalog)
        band: Band = "hedge" if confidence < self.hedge or missing else "answer"
        return Verdict(confidence, band, missing)

    def missing(
        self,
        question: str,
        qtype: QuestionType,
        extract: Extract,
        pages: Pages,
        catalog: Catalog,
    ) -> slots.Missing:
        if not self.check_slots:
            return slots.Missing()
        # a table's caption and header frame its row: the row is what answers, they only say
        # where it stands
        frames = "\n".join(c.quote for c in extract.citations if c.n in extract.framing)
        extract = extract.evidence()
        quotes = " ".join(c.quote for c in extract.citations)
        # the sentence that asks: numbers of a preamble ("Ich bin 25 …") describe the asker
        asked = focus(question)
        numbers = slots.numbers_missing(asked, "\n".join(pages.values()))
        if numbers:
            return slots.Missing(tuple(numbers), "number")
        if slots.contact_missing(qtype, question, quotes):
            return slots.Missing((), "contact")
        unexplained = tuple(
            short for short in qtype.abbreviations if not _spelled_out(short, quotes, catalog)
        )
        if unexplained:
            return slots.Missing(unexplained, "abbreviation")
        unnamed = _contact_unscoped(question, qtype, extract, pages, catalog)
        if unnamed:
            return slots.Missing(tuple(unnamed), "scope")
        if self.check_places:
            where = "\n".join(
                _described(c.title, c.file_name, c.section, c.text) for c in extract.chunks
            ) + _lead_places({c.doc_id for c in extract.chunks}, catalog)
            unnamed = slots.places_unnamed(
                question, where, _places_and_countries, _names_a_document(catalog)
            )
            if unnamed:
                return slots.Missing(tuple(unnamed), "place")
        lines = "\n".join(c.quote for c in extract.citations)
        if slots.venue_missing(asked, lines, Gazetteer.load().find):
            return slots.Missing((), "venue")
        units = quote_units(extract.citations)  # a quote carried over a page break is one
        direct = " ".join(c.quote for c in units[0]) if units else ""
        # a why-question: the direct answer ties what it says to a cause (a supporting quote's
        # "um … zu", from the same document or another, says why something else is done)
        if qtype.kind == AnswerType.REASON and not relates_cause(direct):
            return slots.Missing((), "reason")
        analyze = catalog.analyzer.terms
        counted = counted_terms(qtype, analyze)
        if _kind_missing(question, qtype, extract, pages, frames, counted, analyze):
            return slots.Missing((), "type")
        if slots.deadline_missing(qtype, quotes, question, direct):
            return slots.Missing((), "period" if qtype.period else "deadline")
        if slots.average_missing(asked, quotes):
            return slots.Missing((), "average")
        # a list carried over a page break is one quote
        joined = ["\n".join(c.quote for c in unit) for unit in units]
        if slots.steps_missing(question, qtype, joined):
            return slots.Missing((), "steps")
        # "zum zweiten Mal" is said by the direct answer, not by a quote about something else
        occurrence = slots.occurrence_missing(asked, direct)
        if occurrence is not None:
            return slots.Missing((occurrence,), "number")
        # a question that asks a name ("Welcher Träger …?", "Wie heißt das Berufskolleg …?");
        # a list question's "welche" noun is as often what or how ("Auf welcher Grundlage …?")
        if qtype.kind == AnswerType.NAME and not qtype.person:
            kind = slots.instance_missing(asked, direct, catalog.analyzer.stem)
            if kind is not None:
                return slots.Missing((kind,), "instance")
        unsaid = slots.only_said_to_exist(asked, direct, catalog.analyzer.stem)
        if unsaid is not None:
            return slots.Missing((unsaid,), "instance")
        stating = _stating(asked, qtype, units, counted, analyze)
        if _stated_elsewhere(qtype, units, direct, stating, counted, analyze):
            return slots.Missing((), "type")
        if _stated_apart(asked, qtype, units, direct, stating, counted, analyze):
            return slots.Missing((), "type")
        # the part is what the direct answer must give: a smaller number in another quote is
        # most often a count of something else ("18- bis 27-Jährige", "60.000 Geflüchtete")
        whole = slots.part_missing(asked, direct)
        if whole:
            return slots.Missing((whole,), "part")
        if qtype.amount:
            said = " ".join(c.quote for unit in stating for c in unit)
            towns = slots.total_for_all(asked, said, Gazetteer.load().find)
            if towns:
                return slots.Missing(tuple(towns), "scope")
            unsaid = _amount_unattributed(asked, stating, pages, catalog)
            if unsaid:
                return slots.Missing((unsaid,), "scope")
        if slots.findings_pending(qtype, direct, asked):
            return slots.Missing((), "pending")
        if slots.next_missing(asked, qtype, direct):
            return slots.Missing((), "next")
        unplaced = _person_unplaced(question, qtype, extract, pages, catalog) or _towns_unplaced(
            question, extract, pages, catalog
        )
        if unplaced:
            return slots.Missing(tuple(unplaced), "scope")
        quoted = [c.quote for c in extract.citations]
        if qtype.person and roles.role_qualified(asked, quoted):
            return slots.Missing((), "role")
        if qtype.person and (roles.role_unnamed(asked, quoted) or roles.name_unsaid(asked, quoted)):
            return slots.Missing((), "holder")
        # ... and one asked by another role or by what they did ("Wer ist … der
        # Teilhabemanager?", "Wer hat … moderiert?")
        if qtype.kind == AnswerType.NAME and (
            roles.holder_unnamed(asked, quoted) or roles.doer_unnamed(asked, quoted)
        ):
            return slots.Missing((), "holder")
        said = " ".join(c.quote for unit in stating for c in unit)
        if qtype.kind in _SCOPED:
            unscoped = _ordinals_elsewhere(asked, qtype, stating, counted, analyze)
            if not unscoped:
                unscoped = slots.years_contradicted(asked, said)
                unscoped = unscoped or slots.months_contradicted(asked, said)
            if not unscoped and self.check_places:
                states = _states(asked, qtype, counted, analyze)
                context = "\n".join(
                    _stating_context(c, pages, states) for unit in stating for c in unit
                )
                context += "\n" + frames
                context += _lead_places({c.doc_id for unit in stating for c in unit}, catalog)
                unscoped = slots.unscoped(asked, context, _places_and_countries)
            if unscoped:
                return slots.Missing(tuple(unscoped), "scope")
        elif qtype.place and (unscoped := slots.months_contradicted(asked, said)):
            return slots.Missing(tuple(unscoped), "scope")  # "In welcher Stadt … im September …?"
        return slots.Missing()


def _asked_terms(question: str, terms: list[str], catalog: Catalog) -> list[str]:
    """``terms`` without those of the question's everyday words ("Wer hat den Hut auf?",
    "Wie viel Kohle …?"): the documents write "Federführung" and "Euro" for them, and those
    search the passages instead (kb/retrieval/everyday.py)."""
    spoken = set(catalog.analyzer.terms(spoken_words(question)))
    return [t for t in terms if t not in spoken] or terms


def _own_words(question: str) -> str:
    """The words of a question that may be the documents' own: all of a German one; of an
    English one its names, the words written with a capital after its first ("Rhein-Kreis
    Neuss", „Haus der Integration“), unless it is typed in lower case. Its English words the
    German text happens to hold ("management", "handle") say nothing of whether the passage is
    about it."""
    if not is_english(question) or typed_in_lower_case(question):
        return question
    words = re.findall(r"[\w-]+", question)
    return " ".join(w for w in words[1:] if w[0].isupper() or w[0].isdigit())


def _spelled_out(short: str, quotes: str, catalog: Catalog) -> bool:
    """Do the quotes say what the abbreviation stands for: spell it out themselves ("Kein
    Abschluss ohne Anschluss (KAoA)"), or hold the long form the corpus's glossary knows?"""
    if spells_out(short, quotes):
        return True
    long = catalog.glossary.lookup(short)
    analyze = catalog.analyzer.terms
    return long is not None and set(analyze(long)) <= set(analyze(quotes))


def _kind_missing(
    question: str,
    qtype: QuestionType,
    extract: Extract,
    pages: Pages,
    frames: str,
    counted: set[str],
    analyze: Terms,
) -> bool:
    """The quotes lack the kind of fact asked for: a number, date, person, sum or rate, or
    the towns a "welche Kommunen" question asks for. A number of the counted thing may stand
    before it ("45 Kerngruppen"), under a table header that names it, or be a quantifier ("die
    meisten Kreise")."""
    quotes = " ".join(c.quote for c in extract.citations)
    asked = focus(question)
    if qtype.kind == AnswerType.NUMBER and not qtype.own_kind:
        # the question's own figures do not answer it ("… across the 53 local authorities"),
        # but "alle 53 Kommunen" answers "Wie viele der 53 Kommunen …?" (slots.part_missing)
        quotes = slots.without_numbers_of(asked, quotes, but_all=slots.asks_part(asked))
        quotes = slots.without_group_totals(asked, quotes, counted, analyze)
    fits = type_fit(quotes, qtype, counted, analyze)
    # how often something was done, in a table's row under a header that counts the times
    if qtype.tally and _table_counts_times(asked, extract, pages, frames, analyze):
        fits = 1.0
    # a frequency or an age is its own kind of number (type_fit), in English as in German
    if qtype.kind == AnswerType.NUMBER and not qtype.own_kind:
        if (
            is_english(question)
            and (qtype.counted or "").lower() not in ENGLISH_COUNTED
            and slots.holds_count(quotes)
        ):
            fits = 1.0  # "how many process facilitators" cannot be matched against German nouns
        elif counted and (
            quantifies(quotes, counted, analyze)
            or _table_counts(extract, pages, frames, counted, analyze)
        ):
            fits = 1.0
    return (
        slots.type_missing(qtype, fits)
        or slots.amount_missing(qtype, asked, quotes)
        # "Kann ich erkennen, aus welcher der Kommunen …?" asks yes or no, not the towns
        or (
            qtype.kind != AnswerType.YES_NO
            and slots.places_missing(question, quotes, Gazetteer.load().find)
        )
    )


# What a table's header counts the times by
_TIMES = ("Nennungen", "Fälle", "Male")


def _table_counts_times(
    asked: str, extract: Extract, pages: Pages, frames: str, analyze: Terms
) -> bool:
    """A quote is a table's row that names what is asked about ("Industrie- und Handelskammer
    (IHK)\t20 (44,4%)"), under a header that counts the times ("Nennungen insgesamt")."""
    times = set(analyze(" ".join(_TIMES)))

    def cited(c: Citation) -> str:  # the page's lines, which a quote joins with spaces
        span = _cited_span(c, pages)
        return span[0][span[1] : span[2]] if span else c.quote

    lines = [(c, line) for c in extract.citations for line in cited(c).split("\n") if "\t" in line]
    # the header and caption ("An den Kerngruppen beteiligte Akteure\tNennungen …") name what
    # every row is counted in, not the row
    heads = {
        t for _, line in lines if times & set(analyze(line)) for t in _whole_terms(line, analyze)
    }
    # whole words only: "Kammer" is no "Handwerkskammer"
    topic = _whole_terms(asked, analyze) - heads - set(analyze(_AUXILIARIES))
    rows = [c for c, line in lines if topic & _whole_terms(line.split("\t")[0], analyze)]
    if not rows:
        return False
    if any(times & set(analyze(c.quote)) for c in rows):
        return True
    return _table_counts(Extract(rows, ""), pages, frames, times, analyze)


def _table_counts(
    extract: Extract, pages: Pages, frames: str, counted: set[str], analyze: Terms
) -> bool:
    """A quote is a row of a table whose caption or header names the counted thing
    ("Ausländerbehörde 39 (86,6%)" under "An den Bündnis-Kerngruppen beteiligte Akteure"); for
    a table carried over a page break, the caption and header the answer quotes from the page
    before as the row's frame (``frames``, Extract.framing) do."""
    for c in extract.citations:
        span = _cited_span(c, pages)
        if span is not None and counted & set(analyze(layout.table_head(*span))):
            return True
    return bool(frames) and bool(counted & set(analyze(frames)))


def _amount_unattributed(
    asked: str, stating: list[list[Citation]], pages: Pages, catalog: Catalog
) -> str | None:
    """For a sum or rate asked of something the question names ("Wie viel Geld erhält das IAQ
    …?"): that noun, the rarest the cited pages or the documents' names write (not a place, a
    money word or the asker's everyday word), when no sentence that gives an amount, with the
    one before it in its quote, holds it, a rare part of it or its long form: the programme's
    50 Millionen Euro are not what the IAQ gets. German questions only (an English one's nouns
    are not the documents' words); of two parts, the one that asks the amount."""
    part = _amount_part(asked)
    if part is None or is_english(part):
        return None
    asked = part
    analyze = catalog.analyzer.terms
    spoken = set(analyze(spoken_words(asked)))
    places = {t for p in _places_and_countries(asked) for t in analyze(p.name)}
    candidates = {
        m.group(): [t for t in analyze(m.group()) if catalog.names_rarely(t) and t not in spoken]
        for m in _NOUN.finditer(asked)
        if m.start() > 0
        and not slots.MONEY_WORD.fullmatch(m.group())
        # a place says where, which total_for_all and the scope checks weigh
        and not (_STATE.fullmatch(m.group()) or set(analyze(m.group())) & places)
    }
    if not any(candidates.values()):
        return None
    written = set(analyze("\n".join(pages.values()))) | catalog.name_terms()
    nouns = {
        w: rare for w, terms in candidates.items() if (rare := [t for t in terms if t in written])
    }
    if not nouns:
        return None
    rarest = max(nouns, key=lambda w: max(catalog.bm25.idf(t) for t in nouns[w]))
    held = set(nouns[rarest]) | {
        t for t in analyze(catalog.glossary.expand(rarest).text) if catalog.names_rarely(t)
    }
    # each sentence that gives an amount, with the one before it in its quote ("… im Rahmen
    # eines Innovationsfonds. Dazu stehen 5 Millionen Euro …")
    amounts = []
    for unit in stating:
        sentences = sentence_texts(" ".join(c.quote for c in unit))
        amounts += [
            " ".join(sentences[max(0, i - 1) : i + 1])
            for i, sentence in enumerate(sentences)
            if slots.gives_amount(asked, sentence)
        ]
    if not amounts or any(set(analyze(text)) & held for text in amounts):
        return None
    return rarest


# A capitalised word: a German noun or a name
_NOUN = re.compile(r"(?<![\w-])[A-ZÄÖÜ][\w-]{2,}")
# The state and the country as a whole
_STATE = re.compile(r"NRW|Nordrhein-Westfalens?|Deutschlands?|Bund(es)?|Land(es)?|Germany|Länder")


def _amount_part(question: str) -> str | None:
    """The asking sentence, or of a question of two parts the one that asks a sum or rate
    (None when neither does by itself)."""
    asked = parts(question)
    if asked is None:
        return focus(question)
    return next((p for p in asked if classify(p).amount), None)


def _stating(
    asked: str,
    qtype: QuestionType,
    units: list[list[Citation]],
    counted: set[str],
    analyze: Terms,
) -> list[list[Citation]]:
    """The quotes that state the asked fact: those with the figure or date for number and
    date questions, else the direct answer. A share ("etwa die Hälfte der KI", "knapp 70 %")
    states a figure too: "Wie viele der KI …?" is answered by it."""

    states = _states(asked, qtype, counted, analyze)
    facts = [
        u
        for u in units
        if qtype.kind in (AnswerType.NUMBER, AnswerType.DATE)
        and states(" ".join(c.quote for c in u))
    ]
    return facts or units[:1]


def _states(
    asked: str, qtype: QuestionType, counted: set[str], analyze: Terms
) -> Callable[[str], bool]:
    """Does a text state the asked figure or date (or, for other questions, anything)?"""

    def states(text: str) -> bool:
        if qtype.kind not in (AnswerType.NUMBER, AnswerType.DATE):
            return True
        if qtype.kind == AnswerType.NUMBER and slots.gives_amount(asked, text):
            return True
        return not slots.type_missing(qtype, type_fit(text, qtype, counted, analyze))

    return states


def _stating_context(citation: Citation, pages: Pages, states: Callable[[str], bool]) -> str:
    """The context of a quote that states the asked figure (_context), without the lines of the
    quote after the last one that states it: a next paragraph that joined the quote ("In
    Gelsenkirchen gibt es …") does not place a figure stated for another town, while an
    introduction above the figure ("In Gelsenkirchen kamen:", then "- 500 Besucher") does. A
    quote without offsets, or whose last line states the figure, keeps its whole context."""
    span = _cited_span(citation, pages)
    if span is None:
        return _context(citation, pages)
    page, start, end = span
    lines = [
        (start + m.start(), start + m.end())
        for m in re.finditer(r"[^\n]+", page[start:end])
        if m.group().strip()
    ]
    last = max((i for i, (a, b) in enumerate(lines) if states(page[a:b])), default=None)
    if last is None or last == len(lines) - 1:
        return _context(citation, pages)
    paragraph = layout.table_around(page, start, lines[last][1])
    return _described(citation.title, citation.file, citation.section, paragraph)


def _stated_elsewhere(
    qtype: QuestionType,
    units: list[list[Citation]],
    direct: str,
    stating: list[list[Citation]],
    counted: set[str],
    analyze: Terms,
) -> bool:
    """The direct answer (``direct``, the text of ``units[0]``) holds no figure or date at all,
    and the asked one stands only in quotes from other documents (``stating``, from _stating):
    the direct answer is about the asked thing, the figure about something else ("Seit wann
    begleitet das ies …?" answered by the ies page without a date and a date on which another
    institute began)."""
    if not _figure_elsewhere_only(qtype, units, direct, counted, analyze):
        return False
    own = units[0][0].doc_id
    others = [u for u in stating if u is not units[0]]
    return bool(others) and all(u[0].doc_id != own for u in others)


def _figure_elsewhere_only(
    qtype: QuestionType,
    units: list[list[Citation]],
    direct: str,
    counted: set[str],
    analyze: Terms,
) -> bool:
    """A number or date question whose direct answer holds no figure or date at all (nor a
    quantifier: "die meisten Kreise"; for a day asked, no day), while other quotes follow it:
    where the figure stands is what _stated_elsewhere and _stated_apart judge."""
    if qtype.kind not in (AnswerType.NUMBER, AnswerType.DATE) or len(units) < 2:
        return False
    # a day asked ("Wann genau …?") is not given by a month ("voraussichtlich im Dezember 2018")
    fits = type_fit(direct, qtype, counted, analyze)
    return (fits < 1.0 if qtype.day else fits <= 0) and not (
        counted and quantifies(direct, counted, analyze)
    )


def _stated_apart(
    asked: str,
    qtype: QuestionType,
    units: list[list[Citation]],
    direct: str,
    stating: list[list[Citation]],
    counted: set[str],
    analyze: Terms,
) -> bool:
    """The direct answer names what is asked about but holds no figure or date, and the
    sentences of the other quotes that hold one share no whole word with the question but the
    counted noun, an auxiliary or its place: the figure is about something else ("… nach einem
    Erprobungszeitraum ausgewertet werden" for "Wie viele Monate soll der Erprobungszeitraum
    dauern?", and eight years of residence in another quote)."""
    if not _figure_elsewhere_only(qtype, units, direct, counted, analyze):
        return False
    subject = set(analyze(asked)) - counted
    others = [u for u in stating if u is not units[0]]
    if not subject & set(analyze(direct)) or not others:
        return False
    # what the figure would be of: not an auxiliary every other sentence has ("wurde"), nor the
    # question's place, which it shares with the quotes' document
    places = {t for p in _places_and_countries(asked) for t in analyze(p.name)}
    # ... nor a part of one of its compounds ("weit" of "kreisweit" is in "weiteren")
    whole = _whole_terms(asked, analyze) - counted
    topic = (whole - places - set(analyze(_AUXILIARIES))) or subject
    # ... and of each quote, the sentences that hold a figure or date
    if counted and _counted_beside(asked, qtype, units, counted, analyze):
        return False
    stated = [
        sentence
        for u in others
        for c in u
        for sentence in sentence_texts(c.quote)
        if type_fit(sentence, qtype, counted, analyze) > 0
    ]
    return not any(set(analyze(sentence)) & topic for sentence in stated)


# a figure of the question's own, not a year or a date ("Wie viele Familien wurden 2019
# betreut?", "… am 13.03.2019?")
_OWN_FIGURE = re.compile(
    rf"(?<![\d.,])(?!(?:19|20)\d\d(?!\d))\d+(?!\d|\.\d\d?\.)|\b({CARDINAL_WORDS})\b", re.I
)


def _counted_beside(
    asked: str,
    qtype: QuestionType,
    units: list[list[Citation]],
    counted: set[str],
    analyze: Terms,
) -> bool:
    """A figure on the direct answer's page that counts the asked noun itself ("Im Ergebnis
    verblieben 14 Familien …" for "Mit wie vielen Familien arbeitet das Projekt nach der
    Eingrenzung der Zielgruppe?"): of what is asked, though it shares no other word with the
    question. Not one on another page (how many families a programme began with does not say
    how many gained a right to stay), and not for a question that gives a figure of its own
    ("Wie viele der zehn Kommunen …?": "auf 10 statt 5 Kommunen" restates and replaces it)."""
    if _OWN_FIGURE.search(asked):
        return False
    pages = {(c.doc_id, c.page) for c in units[0]}
    return any(
        type_fit(sentence, qtype, counted, analyze) == 1.0
        for u in units[1:]
        for c in u
        if (c.doc_id, c.page) in pages
        for sentence in sentence_texts(c.quote)
    )


_AUXILIARIES = "wurde wurden werden wird worden ist sind war waren hat haben hatte hatten"


def _whole_terms(text: str, analyze: Terms) -> set[str]:
    """The term of each whole word of a text (holds.whole_terms)."""
    return whole_terms(re.findall(r"[\w-]+", text), analyze)


def _ordinals_elsewhere(
    asked: str,
    qtype: QuestionType,
    stating: list[list[Citation]],
    counted: set[str],
    analyze: Terms,
) -> list[str]:
    """An ordinal of the question ("das 15. Werkstattgespräch") that the sentences stating the
    fact number otherwise ("des 16. Werkstattgesprächs", ordinals.ordinals_unmatched); for number
    and date questions only the sentences with a figure, date or year count."""
    sentences = [s for unit in stating for c in unit for s in sentence_texts(c.quote)]
    if qtype.kind in (AnswerType.NUMBER, AnswerType.DATE):
        sentences = [s for s in sentences if type_fit(s, qtype, counted, analyze)] or sentences
    return ordinals.ordinals_unmatched(asked, sentences, analyze)


# Two or more capitalised words in a row: a person's or a body's full name ("Volker Stephan",
# "Katholische Hochschule")
_FULL_NAME = re.compile(r"[A-ZÄÖÜ][\w.-]+(?:\s+[A-ZÄÖÜ][\w.-]+)+")


def _contact_unscoped(
    question: str, qtype: QuestionType, extract: Extract, pages: Pages, catalog: Catalog
) -> list[str]:
    """Rare words of a contact question (a person's or an institution's name: "Borchers",
    "ies") that the context of no quote giving the asked contact detail names: the telephone
    number of one institute does not answer for another's."""
    giving = [c for c in extract.citations if slots.gives_contact(qtype, c.quote)]
    if not giving:
        return []
    asked = focus(question)
    # the detail of the very person or body the question names ("Volker Stephan, Tel.: …")
    if any(name in c.quote for name in _FULL_NAME.findall(asked[1:]) for c in giving):
        return []
    analyze = catalog.analyzer.terms
    context = set(analyze("\n".join(_context(c, pages) for c in giving)))
    unnamed = []
    names = catalog.name_terms() if is_english(question) else None
    # German capitalises names and nouns: a lower-case word ("schicken") names no one, unless
    # the whole question is typed in lower case
    cased = not typed_in_lower_case(asked)
    for word in dict.fromkeys(re.findall(r"[\w-]{3,}", asked)):
        terms = analyze(word)
        if names is not None and not _english_name(asked, word, terms, names):
            continue
        if names is None and cased and word[0].islower():
            continue
        rare = bool(terms) and all(catalog.names_rarely(t) for t in terms)
        if rare and not set(terms) <= context:
            unnamed.append(word)
    return unnamed


_CONTACT_ROLE = re.compile(r"(ansprechp|kontakt|contact)", re.I)
# an article, or a preposition with one, right before a word: it is a noun or a name ("beim ies")
_NOUN_AFTER = re.compile(r"\b(der|die|das|dem|den|des|beim|vom|zum|zur|am|im|ins)\s+\Z", re.I)


def _english_name(question: str, word: str, terms: list[str], names: frozenset[str]) -> bool:
    """May a word of an English question name someone or something? English words meet German
    text, where even "out" or "one" may turn up once: only a capitalised word that does not
    open the question, or a word of a document's name."""
    if set(terms) <= names:
        return True
    return word[0].isupper() and not question.lstrip(" „“\"'(").startswith(word)


def _person_unplaced(
    question: str, qtype: QuestionType, extract: Extract, pages: Pages, catalog: Catalog
) -> list[str]:
    """For a person asked for by role ("Wie heißt die Sozialdezernentin?"): the question's
    rarest word when no quote that names a person stands where that word is named (its
    document, section or paragraph) — a professor named elsewhere is not the asked head."""
    if not qtype.person:
        return []
    analyze = catalog.analyzer.terms
    people = [c for c in extract.citations if type_fit(c.quote, qtype, set(), analyze) == 1.0]
    return _unnamed_by(focus(question), people, pages, catalog)


def _towns_unplaced(question: str, extract: Extract, pages: Pages, catalog: Catalog) -> list[str]:
    """For "Welche Kommunen …?": the question's rarest word when no quote that names towns
    stands where that word is named — the towns of another programme are not the asked ones."""
    if not slots.asks_places(question):
        return []
    find = Gazetteer.load().find
    naming = [c for c in extract.citations if find(c.quote)]
    # the asked kind of place ("Kommunen", "Städte") is what the towns are, not where
    return _unnamed_by(slots.without_places_asked(focus(question)), naming, pages, catalog)


def _unnamed_by(
    question: str, citations: list[Citation], pages: Pages, catalog: Catalog
) -> list[str]:
    """The question's rarest name-like word, when it is in the context of none of the
    citations (and there are some)."""
    analyze = catalog.analyzer.terms
    names = catalog.name_terms() if is_english(question) else None
    # German capitalises names and nouns: a word of a German question in lower case
    # ("ebenfalls", "angeknüpft", "fand") names nothing, unless the documents write it with a
    # capital (the asker typed "Institut gamma" for their "Institut Gamma") or an article
    # makes it a noun ("beim ies", the institute's name written small). A question typed all in
    # lower case reaches here with the capitals of the documents' words restored
    # (kb/text/casing.py); one that still has none is read as typed, every word.
    cased = names is None and not typed_in_lower_case(question)
    forms = catalog.casing().forms if cased else {}

    def lower(text: str, m: re.Match[str]) -> bool:
        word = m.group()
        if not cased or not word[0].islower() or forms.get(word.lower(), word)[0].isupper():
            return False
        return not _NOUN_AFTER.search(text, max(0, m.start() - 8), m.start())

    def name_words(text: str) -> dict[str, str]:
        # "Ansprechpartner" is what a "Kontakt:" line says in other words: it places no one
        return {
            t: m.group()
            for m in re.finditer(r"[\w-]{3,}", text)
            if not _CONTACT_ROLE.match(m.group())
            and not lower(text, m)
            and (names is None or _english_name(text, m.group(), analyze(m.group()), names))
            for t in analyze(m.group())
            if catalog.names_rarely(t)
        }

    # a name the question quotes („Kommunale Koordinierung …“) is what it is about, when it
    # holds a rare word
    quoted = " ".join(m.group(1) for m in slots.QUOTED_NAME.finditer(question))
    # the question word and its verb ("Wie heißt …", "Wer leitet …") name nothing, however
    # rarely the documents use the verb
    words = name_words(quoted) or name_words(_QUESTION_HEAD.sub("", question, count=1))
    rarest = catalog.rarest_name(words)
    if not citations or rarest is None:
        return []
    # the word is named where any of its name-like parts is ("Forschungsabteilung" for
    # "IAQ-Forschungsabteilung")
    parts = {t for t, w in words.items() if w == words[rarest]}
    if any(parts & set(analyze(_context(c, pages))) for c in citations):
        return []
    return [words[rarest]]


_QUESTION_HEAD = re.compile(
    r"^\W*(wie|wer|wen|wem|wessen|was|welche\w*|wo\w*|wann|warum|weshalb|who|what|which|how)"
    r"\s+\w+",
    re.I,
)


def _names_a_document(catalog: Catalog) -> Callable[[str], bool]:
    """Does a place name one of the documents (its title or file name: "Stadt Münster: …",
    "rhein-kreis-neuss-….docx")?"""
    analyze = catalog.analyzer.terms
    names = list(catalog.document_names().values())
    return lambda place: any(set(analyze(place)) <= name for name in names)


def _lead_places(doc_ids: set[str], catalog: Catalog) -> str:
    """The place of each document about one place (Catalog.document_place), a line each: a
    document about one place names it in its lead ("… zu dem die G.I.B. nach Bochum eingeladen
    hatte") or its file name, and all of it is about it. A lead that names two places tells
    nothing of the rest."""
    places = [catalog.document_place(d) for d in sorted(doc_ids)]
    return "".join(f"\n{place}" for place in places if place)


def _places_and_countries(text: str) -> list[slots.Named]:
    """The towns and districts (NRW) and the countries a text names."""
    return [*Gazetteer.load().find(text), *Countries.load().find(text)]


def _context(citation: Citation, pages: Pages) -> str:
    """What a quote is about: its document's title and file name, its section, and the
    paragraph (line of the cleaned page) it stands in — for a table row, its table's header
    and caption too."""
    span = _cited_span(citation, pages)
    paragraph = layout.table_around(*span) if span else citation.quote
    return _described(citation.title, citation.file, citation.section, paragraph)


def _cited_span(citation: Citation, pages: Pages) -> tuple[str, int, int] | None:
    """The cited page's text and the quote's offsets in it, when both are known."""
    page = pages.get((citation.doc_id, citation.page), "")
    if not page or citation.start is None or citation.end is None:
        return None
    return page, citation.start, citation.end


def _described(title: str, file_name: str, section: str | None, text: str) -> str:
    """A text with what tells what it is about: its document's title and file name (words in
    capitals, as proper nouns are matched) and its section."""
    return f"{title}\n{file_words(file_name).title()}\n{section or ''}\n{text}"
