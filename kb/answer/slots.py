"""Does the answer hold the specific thing the question names or asks for?

A near-miss question is about a topic the documents cover, but asks for a fact they do not
hold: a year they do not report ("im Sommer 2020"), a phone number that is not listed, a place
or group the passage never mentions ("Familien aus Syrien"). Such a question meets passages as
close as a real one would, so similarity cannot tell; what tells is a missing slot:

- a number or year of the question that the quoted passages do not contain;
- a contact detail asked for (telephone, e-mail, address) that the quotes do not contain, or
  that they give for someone else (kb/answer/refusal.py: a rare word of the question, the name
  of a person or an institute, is not in the context of the quote that gives it);
- a number or date asked for ("wie viele Familien", "wann") that the quotes do not hold;
- a sum of money or a rate asked for ("Wie hoch ist die Abbruchquote?") where the quotes give
  none, or only restate the question's own figure ("… aus den 50 Millionen Euro");
- a person asked for by role ("Wer leitet …?") where the quotes name an office, not a person,
  or name a person only where the question's rarest word is not named (kb/answer/refusal.py:
  a professor in another section is not the asked "Sozialdezernentin");
- towns or districts asked for ("welche Kommunen …") where the quotes name none but the
  question's own, or name them only where the question's topic is not named
  (kb/answer/refusal.py: the towns of another programme);
- a head asked for ("Wer leitet …?") where every person the quotes name holds the role only as
  a deputy, for a time, formerly or for a part of the organisation (kb/answer/roles.py);
- results asked of a study ("Welche Ergebnisse hat … gebracht?") where the answering quote
  only says that it is under way, planned or put off ("wird … evaluiert");
- an ordinal of the question ("das 15. Werkstattgespräch") that the sentences stating the
  fact number otherwise (kb/answer/ordinals.py);
- a part of the question's figure asked ("Wie viele der 128 …?") where the direct answer gives
  no smaller count, no share ("die Hälfte", "der überwiegende Teil") and not "alle 128"
  ("128 (von ursprünglich 650)" restates it);
- a deadline asked ("Bis wann …?", "Welche Frist …?") where no quote gives a date as one
  ("bis", "Frist", "spätestens", "zwischen … und", "einzureichen"): "im Frühjahr 2019 wurde
  begonnen" dates a start;
- for a number, date, yes/no or who-question: a year, place or country of the question that
  the paragraph of the quote holding the asked fact (for a table row: with its header and
  caption) does not name ("Wie viele … im Rhein-Kreis Neuss?" answered with a figure for all
  of NRW, from a page that mentions the district elsewhere).

Nothing here knows the corpus; only the question's form and the quoted text are read. (A rare
word or noun of the question missing from the quotes or the cited passages was tried as well:
it flagged more answerable questions than near-misses, since answerable questions bring
everyday words the documents do not use; docs/retrieval.md.)
"""

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Protocol

from kb.text.holds import CARDINAL_WORDS, QUANTIFIER, SEQUENCE, costs_nothing, dates_named
from kb.text.qtype import MONTHS, AnswerType, QuestionType, focus
from kb.text.sentences import sentence_texts, split_sentences


class Named(Protocol):
    @property
    def name(self) -> str: ...


PlaceFinder = Callable[[str], Sequence[Named]]  # text → the places it names (the gazetteer)

_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:\.\d{3})+|\d+(?:,\d+)?)(?![\w,])")


@dataclass(frozen=True)
class Missing:
    """What the question names or asks for that the answer does not hold (surface words)."""

    words: tuple[str, ...] = ()
    # "number", "contact", "place", "type", "scope" (the fact is given, for another year or
    # place), "role" (only a deputy is named), "holder" (a head asked, and the quotes name
    # people but say of no one that they lead), "pending" (results asked, only announced),
    # "part" (a part of the question's figure asked, none given), "deadline" or "period" (a
    # deadline or a period asked, none given), "average" (an average asked, none stated),
    # "abbreviation" (what it stands for asked, and the quotes do not spell it out), "steps"
    # (a procedure asked, no steps given),
    # "instance" (which one of a kind asked, and the direct answer speaks of the kind but names
    # none), "venue" (where something took place asked, and no place, room or building named),
    # "next" (the next date asked, and only a past one given) or "reason" (why asked, and the
    # direct answer ties what it says to no cause or aim): the first that applied
    kind: str | None = None

    def __bool__(self) -> bool:
        return bool(self.words) or self.kind is not None


def numbers_missing(question: str, held: str) -> list[str]:
    """Numbers and years of the question (not list markers like "1." at the start) that the
    held text does not contain."""
    found = []
    for m in _NUMBER.finditer(question):
        n = m.group(1)
        if len(n) < 2 and question[m.end() : m.end() + 1] != ".":
            continue  # single digits are mostly counting words, not facts
        # "am 11. Juli", "on 11 July 2019": the day of a date, however the documents write it
        month = _month_of_day(question, m.start(), m.end())
        if month is not None and re.search(_day_pattern(n, month), held, re.I):
            continue
        # a year also stands at the end of a date ("13.03.2019")
        before = r"(?<!\d)" if re.fullmatch(r"(19|20)\d\d", n) else r"(?<![\d.,])"
        # an ordinal ("das 15. Werkstattgespräch") is not the count "15 Workshops"
        after = r"\.(?!\d)" if _ORDINAL.match(question, m.end()) else r"(?![\d,]|\.\d)"
        if not re.search(rf"{before}{re.escape(n)}{after}", held):
            found.append(n)
    return found


_MONTH_NUMBERS = {
    name: i
    for i, names in enumerate(
        (
            "januar january jan",
            "februar february feb",
            "märz march mär mar",
            "april apr",
            "mai may",
            "juni june jun",
            "juli july jul",
            "august aug",
            "september sept sep",
            "oktober october okt oct",
            "november nov",
            "dezember december dez dec",
        ),
        1,
    )
    for name in names.split()
}
# a month's name is capitalised ("may" is a verb)
_MONTH_AFTER = re.compile(rf"\.?\s*({MONTHS})\b")
_MONTH_BEFORE = re.compile(rf"\b({MONTHS})\s+$")


def _month_of_day(question: str, start: int, end: int) -> int | None:
    """The month when the number at ``start:end`` is the day of a date written with the month's
    name ("11. Juli", "11 July", "July 11"), else None."""
    after = _MONTH_AFTER.match(question, end)
    before = _MONTH_BEFORE.search(question[max(0, start - 12) : start])
    name = after or before
    if name is None or len(question[start:end]) > 2:
        return None
    return _MONTH_NUMBERS.get(name.group(1).lower())


def _day_pattern(day: str, month: int) -> str:
    """The day of a date as the documents may write it: "11.07.2019", "11.7.", "11. Juli",
    "11.Juli", "2019-07-11"."""
    names = "|".join(n for n, i in _MONTH_NUMBERS.items() if i == month)
    d = rf"(?<![\d.,])0?{int(day)}"
    return (
        rf"{d}\.\s?0?{month}\.|{d}\.?\s*({names})\b|\b({names})\.?\s+0?{int(day)}(?!\d)|"
        rf"\b(19|20)\d\d-0?{month}-0?{int(day)}(?!\d)"
    )


def without_numbers_of(question: str, text: str, but_all: bool = False) -> str:
    """``text`` with the numbers the question itself gives blanked out: a quote that restates
    the question's "50 Millionen Euro" does not tell how much of it a county gets. With
    ``but_all``, a number after "alle" stays: "alle 53 Kommunen" answers "Wie viele der 53 …?"."""
    keep = r"(?<!alle )(?<!all )(?<!sämtliche )" if but_all else ""
    for m in _NUMBER.finditer(question):
        n = m.group(1)
        text = re.sub(rf"{keep}(?<![\d.,]){re.escape(n)}(?![\d,]|\.\d)", "…", text, flags=re.I)
    return text


_ORDINAL = re.compile(r"\.\s+[^\W\d]")  # right after a number: "15. Werkstattgespräch"

# A sum of money or a rate given: money, a percentage, a fraction ("knapp zwei Drittel")
_AMOUNT = re.compile(
    r"\d[\d.,]*\s*(Mio\.|Mio\b|Millionen\b|Mrd\.|Mrd\b|Milliarden\b|Tsd\.|Euro\b|EUR\b|€|%|"
    r"Prozent\b|percent\b|per cent\b)|€\s*\d|\bHälfte\b|\bhalf\b|"
    rf"\b({CARDINAL_WORDS}|ein|eine[mnrs]?|one|two|three)\s+(Drittel|Viertel|Fünftel|Zehntel|"
    r"thirds?|quarters?)\b|\bjede[rn]?\s(zweite|dritte|vierte|fünfte)\b|\b\d+\s(von|aus|of)\s\d+\b",
    re.I,
)


# An amount asked per head or per unit: "pro Teilnehmer", "je Platz" (a noun follows: not "je
# nachdem", "Pro Asyl"), "per participant"; and given so: "pro", "je", "jeweils" or "/Person"
# beside the amount ("jährlich 50 Mio. Euro" is a total for a year)
_PER_ASKED = re.compile(
    r"(?-i:\b(pro|je)\s+[A-ZÄÖÜ])|\bper\s+(person|participant|head|place|capita|refugee)\b", re.I
)
_PER_GIVEN = re.compile(
    r"(?-i:\b(pro|je|Je|Pro)\s+[A-ZÄÖÜ])|\bjeweils\b|/\s?(Person|Platz|Kopf|Teilnehm\w*)|"
    r"\bper\s+(person|participant|head|place|capita)\b",
    re.I,
)


def amount_missing(qtype: QuestionType, question: str, quotes: str) -> bool:
    """A sum of money or a rate is asked for (QuestionType.amount), and the quotes give none
    (for what something costs, "kostenlos" is one); asked per head or per unit ("pro
    Teilnehmer"), a total ("50 Mio. Euro") is none."""
    if qtype.cost and costs_nothing(quotes):
        return False
    if not qtype.amount:
        return False
    if _PER_ASKED.search(question):
        return not _gives_per(without_numbers_of(question, quotes))
    if _EURO_ASKED.search(question):  # a rate is not a sum in euros
        return not _MONEY.search(without_numbers_of(question, quotes))
    return not gives_amount(question, quotes)


# Words of money and rates themselves, which name nothing an amount is of
MONEY_WORD = re.compile(
    r"(?i:[\w-]*(euros?|geld\w*|budgets?|mittel|kosten|topf|töpfe[ns]?|prozent|quoten?|anteile?s?|"
    r"beträge?|betrag(e|es)?|summen?)|höhe|money|funding|percent\w*|shares?|rates?|amounts?|"
    r"costs?)"
)
# A sum asked in euros ("Wie hoch ist das Budget in Euro?", "how many euros …?")
_EURO_ASKED = re.compile(
    r"\b(in euros?|wie viele? euros?|how many euros?|in €|euro-?betrag\w*|amount in euros?)(?!\w)",
    re.I,
)
# ... and a sum of money given in euros ("50 Millionen Euro", "1,2 Mio. €", "500-Euro-Pauschale";
# not "1,5 Millionen Geflüchtete")
_MONEY = re.compile(
    r"\d[\d.,]*-?\s*((Mio|Mrd|Tsd)\.?|Millionen|Milliarden)?\s*-?(Euro|EUR|€)|€\s*\d", re.I
)


def _gives_per(quotes: str) -> bool:
    """An amount given per head or per unit: _PER_GIVEN within 40 characters of it."""
    return any(
        _PER_GIVEN.search(quotes, max(0, m.start() - 40), m.end() + 40)
        for m in _AMOUNT.finditer(quotes)
    )


def gives_amount(question: str, quotes: str) -> bool:
    """Do the quotes give a sum of money or a rate? The question's own figures, restated, do
    not count."""
    return bool(_AMOUNT.search(without_numbers_of(question, quotes)))


def gives_contact(qtype: QuestionType, quote: str) -> bool:
    """Does the quote give a contact detail of a kind the question asks for?"""
    return any(given.search(quote) for given in qtype.contact)


def contact_missing(qtype: QuestionType, question: str, held: str) -> bool:
    """A telephone number, e-mail or postal address is asked for, and the held text lacks it:
    any of those asked ("Telefon und E-Mail"), or all of them ("Telefon oder E-Mail")."""
    found = [bool(given.search(held)) for given in qtype.contact]
    if not found:
        return False
    either = re.search(r"\b(oder|or)\b", focus(question))
    return not any(found) if either else not all(found)


# Up to two lower-case words may stand between: German adjectives ("welche kreisangehörigen
# Kommunen"), not a noun ("In welchen Bereichen haben Kommunen …?" asks for no towns). A
# relative "…, welche die Stadt …" asks nothing; "which district office" asks for an office.
_PLACES_ASKED = re.compile(
    r"(?<!,\s)\b(welche[nrsm]?|in welchen|which|what)\s+((?-i:[a-zäöüß][\w-]*)\s+){0,2}"
    r"((modell|partner|mitglieds|bündnis|nachbar|land)?(kommunen?|städte|städten|stadt|"
    r"gemeinden?|regionen?|kreise|kreisen|kreis)|orte|orten|standorte|standorten|city|cities|"
    r"towns?|districts?|municipalit(y|ies)|regions?|(?<!web )sites|locations)\b(?!-)"
    r"(?!\s+(office|council|hall|administration|centre|center|authority)\b)",
    re.I,
)


def asks_places(question: str) -> bool:
    """Does the question ask which towns or districts ("Welche Kommunen …?", "In welcher
    Stadt …?")?"""
    return bool(_PLACES_ASKED.search(question))


def without_places_asked(question: str) -> str:
    """The question without its "welche Kommunen" (the kind of place it asks for)."""
    return _PLACES_ASKED.sub(" ", question)


# Where an event took place: "Wo fand … statt?", "Wo tagt …?", "In welchem Gebäude …?", "Where
# was … held?" ("Wo finden junge Menschen Hilfe?" and "Wo waren die Schwierigkeiten?" are not)
_VENUE_ASKED = re.compile(
    r"\bwo (fand|findet|fanden|finden)\b[^?]{0,80}\bstatt\b|"
    r"\bwo (tagt|tagte|tagen|tagten|trifft sich|treffen sich|traf sich|trafen sich)\b|"
    r"\bin welche[mn]? (gebäude|raum|saal|räumen|räumlichkeiten)\b|\ban welche[mn]? ort\b|"
    r"\bwhere (is|are|was|were|did|does|do|will)\b[^?]{0,120}\b(take place|took place|held|"
    r"hosted|meet|met)\b",
    re.I,
)
# ... and what names a venue besides a town: a room, a building, an address, an online meeting
# ("Zeitraum", "Arbeitsplatz" and "Schule-Beruf" are none; nor is an institution's name, which
# quotes mention for what it does: "das Ministerium für …", "die Universität Duisburg-Essen")
_VENUE_GIVEN = re.compile(
    r"\b(\w*(saal|säle|sälen|zimmer|gebäude|gebäudes|halle|hallen|rathaus|rathauses|kreishaus|"
    r"kreishauses|hotel|hotels|etage|straße|strasse)|(sitzungs|seminar|besprechungs|gruppen|"
    r"konferenz|schulungs|veranstaltungs|tagungs)?(raum|räume|räumen)|räumlichkeiten|VHS|"
    r"Volkshochschule|online|virtuell\w*|videokonferenz\w*)\b|\w*str\.\s*\d",
    re.I,
)
# ... or any place of a sentence that says where something takes place ("findet in der
# Beratungsstelle der Diakonie statt", "fand in Berlin statt"): its first capitalised word
_HELD_AT = re.compile(
    r"\b(?:im|in|in der|in den|in dem|beim|bei der|bei dem|an der|am)\s+(?:\w+\s+){0,2}?"
    r"([A-ZÄÖÜ][\w.-]+)[^.;?!]{0,60}?\bstatt(?:gefunden)?\b"
)


def places_missing(question: str, quotes: str, find_places: PlaceFinder) -> bool:
    """The question asks which towns or districts; the quotes name none but those the question
    names itself ("Welche Städte im Rhein-Kreis Neuss …?" is not answered by the district)."""
    if not asks_places(question):
        return False
    return not _new_place(question, quotes, find_places)


def venue_missing(question: str, quotes: str, find_places: PlaceFinder) -> bool:
    """The question asks where something took place; the quotes name no town but those the
    question names itself ("In welchem Gebäude in Bochum …?" is not answered by "nach
    Bochum"), no room, building or address, and no place where they say it takes place."""
    if not _VENUE_ASKED.search(question):
        return False
    # a place dated otherwise is another event's: "(27.11.2018 in Essen)" does not say where the
    # event "am 11. September 2018" took place; so is a place in a sentence about other towns
    # than the one asked ("in der VHS Bielefeld" does not say in which building in Bochum)
    days = _days_named(question)
    asked = {w for p in find_places(question) for w in _place_words(p)}
    if days or asked:
        quotes = "\n".join(
            s
            for s in sentence_texts(quotes)
            if not (days and _dated_otherwise(s, days))
            and not (asked and _about_other_places(s, asked, find_places))
        )
    if _new_place(question, quotes, find_places) or _VENUE_GIVEN.search(quotes):
        return False
    words = question.lower()
    return not any(m.group(1).lower() not in words for m in _HELD_AT.finditer(quotes))


# "11.09.2018", "11.09." (not a section number "3.1.": a month of two digits or a year follows)
_NUMERIC_DAY = re.compile(r"(?<![\d.,])(\d{1,2})\.\s?(\d{2}\.|\d{1,2}\.\s?(?:19|20)?\d\d\b)")
_NAMED_DAY = re.compile(rf"(?<![\d.,])(\d{{1,2}})\.?\s*({MONTHS})\b")  # "11. September"
# a span of days: "vom 10. bis 12. September", "10.–12.09.2018"
_DAY_SPAN = re.compile(
    rf"(?<![\d.,])(\d{{1,2}})\.?\s*(?:bis|–|-)\s*(\d{{1,2}})\.\s?(\d{{1,2}}\.|{MONTHS}\b)"
)


def _days_named(text: str) -> set[tuple[int, int]]:
    """The (day, month) of every date to the day in the text, each day of a span included."""
    days = {(int(d), int(m[:2].rstrip("."))) for d, m in _NUMERIC_DAY.findall(text)}
    for d, name in _NAMED_DAY.findall(text):
        month = _MONTH_NUMBERS.get(name.lower())
        if month is not None:
            days.add((int(d), month))
    for first, last, m in _DAY_SPAN.findall(text):
        month = int(m.rstrip(".")) if m[0].isdigit() else _MONTH_NUMBERS.get(m.lower())
        if month is not None:
            days |= {(d, month) for d in range(int(first), int(last) + 1)}
    return {(d, m) for d, m in days if 0 < d <= 31 and 0 < m <= 12}


def _dated_otherwise(sentence: str, days: set[tuple[int, int]]) -> bool:
    named = _days_named(sentence)
    return bool(named) and not named & days


def _about_other_places(sentence: str, asked: set[str], find_places: PlaceFinder) -> bool:
    """The sentence names places, none of them one the question asks about (``asked``: the words
    of their names and districts) or in its district ("Grevenbroich" is in the asked
    "Rhein-Kreis Neuss")."""
    named = [_place_words(p) for p in find_places(sentence)]
    return bool(named) and not any(words & asked for words in named)


def _place_words(place: Named) -> set[str]:
    """The words of a place's name and of its district's."""
    return _name_words(place.name) | _name_words(getattr(place, "district", ""))


def _new_place(question: str, quotes: str, find_places: PlaceFinder) -> bool:
    """A place the quotes name that is not one the question names, nor the district of one
    ("Rhein-Kreis Neuss" for the question's town "Neuss"); a town in the district the question
    names is a new place ("Unna" in "Kreis Unna")."""
    asked = find_places(question)
    known = {p.name for p in asked} | {getattr(p, "district", "") for p in asked}
    return any(p.name not in known for p in find_places(quotes))


def places_unnamed(
    question: str,
    cited: str,
    find_places: PlaceFinder,
    names_document: Callable[[str], bool] = lambda place: False,
) -> list[str]:
    """Places the question names that the cited passages (with their section, their document's
    title and file name) never name: a question about one town answered from another's. A
    country named only in a preamble is where the asker's protégé comes from ("Ich begleite
    einen 22-Jährigen aus Afghanistan. Gibt es …?"), not what is asked about — unless the
    passages speak of where people come from (a country, a region of origin), when it may
    decide the answer; a town of a preamble is where the asker looks ("Ich wohne in Viersen. …").
    A place that names a document (``names_document``: "laut der Neusser Mitteilung") says which
    document, not where the fact holds."""

    def unless_a_document(m: re.Match[str]) -> str:
        named = find_places(m.group())
        return " " if named and all(names_document(p.name) for p in named) else m.group()

    asked = find_places(_DOCUMENT_NAMED.sub(unless_a_document, question))
    if not asked:
        return []
    found = find_places(cited)
    if not any(_is_country(p) for p in found) and not _ORIGIN.search(cited):
        in_focus = {p.name for p in find_places(focus(question))}
        asked = [p for p in asked if not _is_country(p) or p.name in in_focus]
    # "Kreis Neuss" (the town's name) and "Rhein-Kreis Neuss" (the district) count as the same;
    # so do word orders the place list does not know ("Kreis Ennepe-Ruhr", "Ennepe-Ruhr-Kreis").
    named = {w for p in found for w in _name_words(p.name)}
    # proper nouns keep their capital ("Essen" the town, not "essen" the verb)
    cited_words = {w.lower() for w in re.findall(r"\w+", cited) if w[:1].isupper()}
    adjectives = {w.lower() for w in re.findall(r"\w+isch\w*", cited)}
    return [
        p.name
        for p in asked
        if not _name_words(p.name) & named
        and not _name_words(p.name) <= cited_words
        and not _stem_named(p, adjectives)
    ]


# A document named by its place ("laut der Neusser Mitteilung", "Was sagt der Münsteraner
# Bericht?"): the place says which document, not where the asked fact holds
_DOCUMENT_NAMED = re.compile(
    r"\b[A-ZÄÖÜ][\w-]*[a-zäöü]er\s+(Mitteilung|\w*[Bb]ericht\w*|Dokumentation|Papier|Vorlage|"
    r"\w*[Ss]eite)\b"
)


# a region or kind of origin the passages speak of ("aus den Westbalkanstaaten", "sichere
# Herkunftsstaaten", "Herkunftsländer")
_ORIGIN = re.compile(r"\b(West)?[Bb]alkan\w*|\bHerkunfts\w+|\bcountr(y|ies) of origin\b")


def _is_country(place: Named) -> bool:
    """A country, not a town or district: it is named by the stems of its adjective too."""
    return bool(getattr(place, "stems", ()))


def _stem_named(place: Named, adjectives: set[str]) -> bool:
    """A country counts as named by its adjective: an "-isch" word beginning like it
    ("syrische" for "Syrien", "afghanischen" for "Afghanistan")."""
    stems: tuple[str, ...] = getattr(place, "stems", ())
    return any(w.startswith(stems) for w in adjectives) if stems else False


def unscoped(question: str, context: str, find_places: PlaceFinder) -> list[str]:
    """Years and numbers (two digits or more) and places of the question that the context of
    the quote holding the asked fact does not name: a figure for another year or town is not
    the figure asked for, even when the asked one is named elsewhere on the cited page."""
    numbers = [n for n in numbers_missing(question, context) if len(n) >= 2]
    return numbers + places_unnamed(question, context, find_places)


_YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")  # "2016", "31.12.2018", "Ende 2016."


def years_contradicted(question: str, quote: str) -> list[str]:
    """Years the question asks about that the quote stating the fact does not name while it
    names another ("335 Personen, die Ende 2016 …" for "… im Jahr 2018"): its own year scopes
    it, whatever year the document's title or section names."""
    named = {m.group() for m in _YEAR.finditer(quote)}
    if not named:
        return []
    return [y for y in dict.fromkeys(m.group() for m in _YEAR.finditer(question)) if y not in named]


# The month of a year a question asks about ("im September 2018", "am 11. September 2018"; not
# "bis August 2019", "seit Mai 2019", "vom 1. September … bis …": a deadline, a start or a
# period covers other months), and the months a quote dates in a year ("27.11.2018", "im November
# 2018")
_ASKED_MONTH = re.compile(
    rf"\b(?:im|am\s+\d{{1,2}}\.?|in|on|on\s+\d{{1,2}})\s+({MONTHS})\s+((?:19|20)\d\d)\b", re.I
)
_DATED_MONTH = re.compile(
    rf"(?<![\d.])\d{{1,2}}\.(\d{{1,2}})\.((?:19|20)\d\d)\b|\b({MONTHS})\s+((?:19|20)\d\d)\b",
    re.I,
)


# ... and the start or end of a year a question asks about ("bis Ende 2019"), by its months; not
# as the start of a period ("seit Anfang 2019", "von Anfang 2019 bis Ende 2019")
_ASKED_PART = re.compile(r"\b(Anfang|Ende|beginning of|end of)\s+((?:19|20)\d\d)\b", re.I)
_PERIOD = re.compile(r"\b(seit|ab|von|vom|zwischen|since|from|between)\b", re.I)
_PART_MONTHS = {
    "anfang": {1, 2, 3},
    "beginning of": {1, 2, 3},
    "ende": {10, 11, 12},
    "end of": {10, 11, 12},
}


def months_contradicted(question: str, quote: str) -> list[str]:
    """The month and year the question asks about ("im September 2018", "bis Ende 2019") when
    the quote dates only other months of that year ("27.11.2018", "Bis August 2019"): the event
    or the state it speaks of is another one."""
    dated = {
        (int(d.group(1)), d.group(2))
        if d.group(1)
        else (_MONTH_NUMBERS[d.group(3).lower()], d.group(4))
        for d in _DATED_MONTH.finditer(quote)
    }
    missing = []
    for label, months, year in _asked_months(question):
        in_year = {mo for mo, y in dated if y == year}
        if in_year and not in_year & months:
            missing.append(f"{label} {year}")
    return missing


def _asked_months(question: str) -> Iterator[tuple[str, set[int], str]]:
    """The months of a year the question asks about, with the words that name them and the
    year: one month ("im September 2018"), or the first or last three ("bis Ende 2019")."""
    for m in _ASKED_MONTH.finditer(question):
        yield m.group(1), {_MONTH_NUMBERS[m.group(1).lower()]}, m.group(2)
    if not _PERIOD.search(question):
        for m in _ASKED_PART.finditer(question):
            yield m.group(1), _PART_MONTHS[m.group(1).lower()], m.group(2)


# Words many place names share ("Bad Salzuflen", "Bad Oeynhausen"; "Mülheim an der Ruhr",
# "Ennepe-Ruhr-Kreis"): alone they name no one place.
_GENERIC_NAME_WORDS = frozenset(
    "kreis stadt rhein ruhr bad an der die am im in sankt st westf rhld".split()
)


def _name_words(name: str) -> set[str]:
    return {w for w in re.split(r"[\s()./-]+", name.lower()) if w and w not in _GENERIC_NAME_WORDS}


_COUNT_WORDS = rf"{CARDINAL_WORDS}|dreißig|vierzig|fünfzig|Dutzend"
_COUNT = re.compile(
    rf"(?<![\w.,])(\d{{1,3}}(?:\.\d{{3}})+|\d+)(?![\w,]|\.\d)(?!\s*(%|Prozent|Mio|Millionen|Mrd|"
    rf"Milliarden|Euro|EUR|€))|\b({_COUNT_WORDS})\b",
    re.I,
)


# "Übersicht 6", "Tabelle 1", "S. 12": a number that points somewhere counts nothing
_REFERENCE = re.compile(
    r"\b(Übersicht|Tabelle|Abbildung|Abb|Anhang|Anlage|Kapitel|Abschnitt|Seite|S|Nr|Ziffer|"
    r"Figure|Table|Page|Section|No)\.?\s*$",
    re.I,
)


def holds_count(text: str) -> bool:
    """A count ("58 Bündnisse", "alle acht Kommunen"): a number that is no year, date, sum of
    money or percentage. English number questions need it, since their counted noun ("how many
    people") cannot be matched against German text."""
    return any(True for _ in _counts(text))


def _counts(text: str) -> Iterator[int | None]:
    """The counts a text gives, as numbers (None for a number word: "acht", "Dutzend")."""
    for m in _COUNT.finditer(text):
        n = m.group(1)
        if n is None:
            yield None
            continue
        year = re.fullmatch(r"(19|20)\d\d", n) is not None
        ordinal = text[m.end(1) : m.end(1) + 1] == "."  # "16. Auflage", "13.03."
        if year or ordinal or _REFERENCE.search(text[: m.start(1)]):
            continue
        if not _contact_number(text, m.start(1), m.end(1)):
            yield int(n.replace(".", ""))


# "Wie viele der 128 …?", "How many of the 650 …?": a part of a figure the question gives
_PART_OF = re.compile(
    r"\b(wie viele|how many)\s+(der|von den|unter den|of the)\s+(?:(?:rund|ca\.|circa|etwa|"
    r"über|knapp|mehr als|fast|bis zu|about|around|some|over|nearly|more than|up to)\s+)?"
    r"(\d{1,3}(?:\.\d{3})+|\d+)(?![\d.,])",
    re.I,
)


# ... or of a group the question names without a figure ("Wie viele der Münsteraner
# Projektfamilien haben … bekommen?"): the group's own number, given with a definite article
# before the group's noun ("den 14 Projektfamilien"), is its whole, not the part asked for ("alle
# 14 Projektfamilien haben …" is all of them: an answer)
_PART_OF_GROUP = re.compile(r"\b(wie ?viele|how many)\s+(der|von den|unter den|of the)\s+\D", re.I)
_GROUP_TOTAL = re.compile(
    rf"\b(der|die|den|des|dem|the)\s+(\d{{1,3}}(?:\.\d{{3}})+|\d+|{CARDINAL_WORDS})\b(?![.,]\d|\.)",
    re.I,
)
_WORD_AFTER = re.compile(r"[\w-]+")


def without_group_totals(
    question: str, text: str, counted: set[str], analyze: Callable[[str], list[str]]
) -> str:
    """``text`` with a group's whole blanked out ("den 14 Projektfamilien" → "den …
    Projektfamilien") when the question asks how many of a group (``counted``, its noun's
    terms) it names without a figure."""
    if not counted or not _PART_OF_GROUP.search(question):
        return text

    def blank(m: re.Match[str]) -> str:
        after = " ".join(w.group() for w in islice(_WORD_AFTER.finditer(text, m.end()), 3))
        return f"{m.group(1)} …" if counted & set(analyze(after)) else m.group()

    return _GROUP_TOTAL.sub(blank, text)


def asks_part(question: str) -> bool:
    """Does the question ask for a part of its own figure ("Wie viele der 128 …?")?"""
    return _PART_OF.search(question) is not None


def part_missing(question: str, quotes: str) -> str | None:
    """The figure of a question asking for a part of it ("Wie viele der 128 …?") when the quotes
    give no part: no smaller count, no share ("die Hälfte", "80 %", "der überwiegende Teil"),
    not all of them ("alle 128"); the figure restated, or a larger one ("128 (von ursprünglich
    650)"), is none."""
    m = _PART_OF.search(question)
    if m is None:
        return None
    figure = m.group(3)
    whole = int(figure.replace(".", ""))
    if gives_amount(question, quotes) or QUANTIFIER.search(quotes):
        return None
    if re.search(rf"\b(alle|sämtliche|all)\s+{re.escape(figure)}(?![\d.,])", quotes, re.I):
        return None
    if any(n is None or n < whole for n in _counts(quotes)):
        return None
    return figure


# "Tel.: 0251 / 492-0", "Hafenstraße 8", "48153 Münster": numbers of an address or a line
_CONTACT_BEFORE = re.compile(
    r"\b(Tel|Telefon|Fon|Fax|Phone|PLZ|Postfach|\w*(straße|str|weg|platz))\.?:?\s*$", re.I
)


def _contact_number(text: str, start: int, end: int) -> bool:
    """Is the number at [start, end) part of a postcode, telephone number or street address?"""
    digits = text[start:end].replace(".", "")
    joined = text[end : end + 2].lstrip(" ")[:1] in ("/", "-") or text[
        max(0, start - 2) : start
    ].rstrip(" ")[-1:] in ("/", "-")
    return (
        len(digits) >= 5
        or digits.startswith("0")
        or joined
        or bool(_CONTACT_BEFORE.search(text[max(0, start - 20) : start]))
    )


# The results of a study are asked (QuestionType.findings), and the quote only says that it is
# under way, planned or put off: "wird … evaluiert", "soll statistisch ausgewertet werden",
# "soll ein regelmäßiger Qualitätsdialog … stattfinden",
# "sollte … eingereicht werden, die Frist wurde … verschoben", "können … nicht bearbeitet werden
# und wurden daher zunächst zurückgestellt" ("wie geplant" is no plan)
_PENDING = re.compile(
    r"\b(wird|werden|soll|sollen|sollte|sollten|will|is being|are being|to be)\b[^.;:]{0,160}?"
    r"\b(durchgeführt|geführt|geprüft|geklärt|erörtert|evaluiert|ausgewertet|untersucht|"
    r"erhoben|eingereicht|vorgelegt|stattfinden|erfolgen|take place|"
    r"veröffentlicht|analysiert|befragt|carried out|evaluated|analy[sz]ed|published)\b|"
    # the same in the future tense or as a plan, within one clause ("werden … Interviews …
    # führen"; not "… zu weniger Abbrüchen führen", nor a relative clause's "werden")
    r"\b(wird|werden|soll|sollen)\b(?:(?!\bzu\b)[^.;:,]){0,160}?"
    r"\b(durchführen|führen|auswerten|untersuchen|erheben|analysieren|befragen|evaluieren)\b|"
    r"(?<!wie )\b(geplant|vorgesehen|angekündigt\w*|verschoben|zurückgestellt|planned|scheduled|"
    r"postponed|announced|deferred)\b|\bkündigt\w*\b[^.;:]{0,120}\ban\b|"
    # ... or not to be taken up ("können … nicht bearbeitet werden"; not "wurden nicht
    # umgesetzt", which is a finding)
    r"\b(kann|können|konnte|konnten)\b[^.;:]{0,80}\bnicht\s+(bearbeitet|weiterverfolgt)\s+werden\b",
    re.I,
)
# ... and states no finding of its own: a verb of finding, or a share ("80 %", "die Mehrheit")
_FOUND = re.compile(
    r"\b(zeigt|zeigte|zeigten|zeigen|gezeigt|ergab|ergaben|ergibt|ergeben|festgestellt|belegt|"
    r"belegen|belegte|deutlich|bestätigt\w*|Mehrheit|Hälfte|showed|shows|show|found|reveal\w*|"
    r"indicate\w*|majority)\b|%|\bProzent\b|\bper ?cent\b",
    re.I,
)


# A recommendation asked ("Gibt es eine Empfehlung, wie groß …?") is found where the quote
# advises: "sollte in der Regel etwa 10 Personen nicht überschreiten", "wird empfohlen"
_ADVICE_ASKED = re.compile(r"empfehl|\b(recommend\w*|advi[cs]e)\b", re.I)
_ADVISES = re.compile(
    r"\b(sollte|sollten|empfiehlt|empfehlen|empfohlen|ratsam|should|recommend\w*|advised?)\b",
    re.I,
)


def findings_pending(qtype: QuestionType, quote: str, asked: str) -> bool:
    """The question asks what a study or evaluation found, and the quote that answers it only
    says that the study is under way, planned or put off, with no finding of its own: the
    results are not in the documents. Advice is what a recommendation asked finds."""
    if not qtype.findings or not _PENDING.search(quote) or _FOUND.search(quote):
        return False
    # ... what is advised, not what is to be done ("sollten Ende 2020 vorgelegt werden")
    return not (_ADVICE_ASKED.search(asked) and _ADVISES.search(_PENDING.sub(" ", quote)))


# A deadline given: "bis Mitte Juni", "die Frist wurde … verschoben", "spätestens", "zwischen
# dem 04.07. und dem 15.08.", "sollte … eingereicht werden", "by 30 June"
_DEADLINE = re.compile(
    r"\b(bis|frist\w*|spätestens|stichtag\w*|abgabe\w*|eingereicht|einzureichen|vorzulegen|"
    r"vorgelegt|until|by|deadline|due)\b|\bzwischen\b[^;]{0,60}?\bund\b",
    re.I,
)


def steps_missing(question: str, qtype: QuestionType, quotes: list[str]) -> bool:
    """A sequence is asked ("Wie läuft … ab?", "Welche Schritte …?", "In welcher Reihenfolge
    …?") and no quote gives steps: no sequence ("zunächst", "dann", "nach dem …"), no list of
    items (one item quoted alone is none). The documents name the thing, not how it goes.
    ("Wie kann ich mich anmelden?" is answered by "Die Anmeldung erfolgt online.")"""
    asked = focus(question)
    steps = _STEPS_ASKED.search(asked)
    if qtype.kind != AnswerType.PROCEDURE or steps is None:
        return False
    # "Wie laufen die Fallkonferenzen ab – wer lädt ein, und was gilt beim Datenschutz?": what
    # follows the dash says what of it is asked, steps only if it asks them ("– was muss ich
    # zuerst tun, was danach?")
    specified = _SPECIFIED.search(asked, steps.end())
    if specified is not None:
        rest = asked[specified.start() :]
        if not (_STEPS_ASKED.search(rest) or SEQUENCE.search(rest)):
            return False
    return not any(SEQUENCE.search(q) or f"\n{q.lstrip()}".count("\n- ") >= 2 for q in quotes)


# A question after a dash or colon that says what of the whole is asked ("… ab – wer lädt
# ein …?", "…: Who invites …?")
_SPECIFIED = re.compile(
    r"(\s[–-]|:)\s+(wer|wen|wem|was|wann|wo|wie viele|wie lange|wie oft|welche[nrsm]?|who|what|"
    r"when|where|which|how many|how long|how often)\b",
    re.I,
)


_STEPS_ASKED = re.compile(
    r"\b(läuft|laufen|lief|liefen)\b[^?]*\bab\b|\b(ablauf\w*|schritt\w*|reihenfolge|steps?|"
    r"step by step|in (what|which) order)\b",
    re.I,
)


# The day a "Stichtag" asked is (QuestionType.cut_off): a cut-off the direct answer names
# ("deren nach dem 31.08.2015 gestellter Asylantrag")
_CUT_OFF = re.compile(
    rf"\b(vor|nach) dem \d{{1,2}}\.\s?(\d{{1,2}}\.|({MONTHS})\s)\s?(19|20)\d\d\b", re.I
)
# ... and a sentence that says when something began and when it ended
_STARTS_AND_ENDS = re.compile(
    r"\b(start\w*|begann|begonnen|beginn\w*|Beginn|aufgenommen|seit|vom|von)\b.*"
    r"\b(abgeschlossen|beendet|endete|Ende|bis|lief)\b",
    re.I,
)


def deadline_missing(
    qtype: QuestionType, quotes: str, question: str = "", direct: str = ""
) -> bool:
    """A deadline is asked ("Bis wann mussten die Anträge eingereicht werden?") and the quotes
    give no date as one: "im Frühjahr 2019 wurde begonnen" dates a start, not a deadline. A
    "Stichtag" asked is given by the cut-off day the direct answer ``direct`` names, a period
    ("Von wann bis wann …?") by a sentence of it that names when it began and ended, with two
    dates other than the question's own (``question``): "startete im November 2017 und wurde
    im März 2018 abgeschlossen"."""
    if not qtype.deadline or _DEADLINE.search(quotes):
        return False
    if qtype.period:  # ... given by its start and its end in the direct answer
        return not any(
            _STARTS_AND_ENDS.search(sentence) and dates_named(sentence, but=question) >= 2
            for sentence in sentence_texts(direct)
        )
    return not (qtype.cut_off and _CUT_OFF.search(direct))


# Which time something happened, when not the first ("Wann hat sich die Gruppe zum zweiten Mal
# getroffen?", "die 3. Sitzung", "das zweite Netzwerktreffen", "the second meeting"): the direct
# answer must say so ("zum zweiten Mal", "die zweite Sitzung", "2. Treffen"; not "Zweitsprache",
# "Drittstaaten" or "am 2. Mai")
_ORDINALS = {
    "zweit": ("zweit", "2"), "dritt": ("dritt", "3"), "viert": ("viert", "4"),
    "fünft": ("fünft", "5"), "second": ("zweit", "2"), "third": ("dritt", "3"),
    "fourth": ("viert", "4"), "2": ("zweit", "2"), "3": ("dritt", "3"), "4": ("viert", "4"),
    "5": ("fünft", "5"),
}  # fmt: skip
_OCCASION = r"(?:Mal|\w*Treffen|\w*Sitzung|Termin|Runde|\w*tag|Auflage)"
_OCCURRENCE_ASKED = re.compile(
    rf"\b(?:zum|beim|bei der|die|der|das|den|dem)\s+(?:(zweit|dritt|viert|fünft)(?:e|en|es|er)|"
    rf"([2-5])\.)\s+{_OCCASION}\b|\b(second|third|fourth)\s+(?:time|meeting|session)\b",
    re.I,
)


# ... and how each ordinal is said, once
_OCCURRENCE_SAID = {
    asked: re.compile(
        rf"\b{word}(?:e|en|es|er|em)\s+{_OCCASION}\b|(?<![\d.]){digit}\.\s*{_OCCASION}\b", re.I
    )
    for asked, (word, digit) in _ORDINALS.items()
}


def occurrence_missing(question: str, quotes: str) -> str | None:
    """The occurrence asked ("zum zweiten Mal") when the quotes do not name it by its ordinal:
    the constituent meeting does not date the second one."""
    m = _OCCURRENCE_ASKED.search(question)
    if m is None:
        return None
    said = _OCCURRENCE_SAID[(m.group(1) or m.group(2) or m.group(3)).lower()]
    return None if said.search(quotes) else m.group()


# An average asked ("im Durchschnitt", "im Schnitt", "durchschnittlich", "on average") ...
# ("Durchschnittsalter", "im Mittel"; not "überdurchschnittlich", nor English "mean" as in
# "What does … mean?")
_AVERAGE_ASKED = re.compile(
    r"\b(im (durch)?schnitt|im mittel|durchschnitt\w*|average|the mean|mittelwert\w*)\b", re.I
)
# ... and stated: "durchschnittlich 12 Personen", "im Mittel", "Mittelwert", "average"
_AVERAGE_GIVEN = re.compile(
    r"\b(durchschnitt\w*|im (schnitt|mittel)|mittelwert\w*|average|mean|median)\b", re.I
)


def average_missing(question: str, quotes: str) -> bool:
    """An average is asked ("Wie viele Mitglieder haben die Kerngruppen im Durchschnitt?") and
    the quotes state none: a count or a recommended size is not an average."""
    return bool(_AVERAGE_ASKED.search(question)) and not _AVERAGE_GIVEN.search(quotes)


# The next time asked: "Wann trifft sich … das nächste Mal?", "When does the group meet next?"
_NEXT_ASKED = re.compile(r"\b(nächste[snmr]?|next)\b", re.I)
# ... not of the past ("Wann war die nächste Sitzung nach dem Auftakt?")
_PAST_ASKED = re.compile(
    r"\b(war|waren|wurde|wurden|fand|fanden|hat|hatte|hatten|traf|trafen|did|was|were)\b", re.I
)
# A date given as still to come: "wird … stattfinden", "soll im Herbst …", "geplant"
_TO_COME = re.compile(
    r"\b(wird|werden|soll|sollen|sollte|geplant|voraussichtlich|künftig\w*|kommende[nmrs]?|"
    r"nächste[nmrs]?|will|is to|are to|planned|scheduled)\b",
    re.I,
)
# ... but not the participle of a plan carried out, in the passive of the past: "wurde am
# 12.04.2019 … geplant und durchgeführt" ("hat die nächste Sitzung … geplant" may be to come)
_PLANNED_BEFORE = re.compile(
    r"\b(?:wurde|wurden|war|waren|was|were)\b(?:[^.;!?]|\.(?=\d)){0,100}?\b(geplant|planned)\b",
    re.I,
)
# ... and one that has passed: "hat sich am 27.06.2019 … getroffen", "fand … statt", "bereits"
_PAST_DATED = re.compile(
    r"\b(hat|haben|hatte|hatten)\b(?:[^.;!?]|\.(?=\d)){0,100}?\b(ge\w+(t|en)|\w+iert)\b|"
    r"\b(fand|fanden|traf|trafen|tagte|tagten|wurde|wurden|stattgefunden|zuletzt|bereits|"
    r"took place|was held|were held|met)\b",
    re.I,
)


def next_missing(question: str, qtype: QuestionType, quote: str) -> bool:
    """The date of the next meeting or event is asked, and the quote dates one that has taken
    place ("hat sich am 27.06.2019 … getroffen"), none still to come. A date in the present
    tense ("Der Fachtag findet am 5. Mai statt.") may be the next one and is not doubted."""
    return (
        qtype.kind == AnswerType.DATE
        and _NEXT_ASKED.search(question) is not None
        and not _PAST_ASKED.search(question)
        and _PAST_DATED.search(quote) is not None
        and not _TO_COME.search(_without_past_plans(quote))
    )


def _without_past_plans(quote: str) -> str:
    """The quote with the participle of each plan carried out blanked (_PLANNED_BEFORE)."""
    return _PLANNED_BEFORE.sub(lambda m: m.group()[: m.start(1) - m.start()], quote)


def type_missing(qtype: QuestionType, fits: float) -> bool:
    """A number question whose answer has no number for the counted thing, a date question
    whose answer holds no date, a question for a person whose answer names none, or one for a
    frequency, an age or languages whose answer gives none (QuestionType.own_kind)."""
    if qtype.own_kind:
        return fits < 1.0
    if qtype.duration:  # a length of time, or the date it runs until (type_fit 0.7)
        return fits < 0.5
    if qtype.kind == AnswerType.NUMBER:
        return fits < (1.0 if qtype.counted else 0.5)
    if qtype.kind == AnswerType.DATE:
        return fits < 1.0
    if qtype.kind == AnswerType.NAME and qtype.person:
        return fits < 1.0  # a person asked for by role, and no person's name given
    return False


# "Welcher Träger …?", "An welcher Münsteraner Schule …?", "Wie heißt das Berufskolleg …?": one
# thing of a kind is asked for by its name. ("Welche" is left out: it asks for a list as often.)
_WHICH_ONE = re.compile(
    r"\b(?i:welche[rms]|wie\s+hei(?:ß|ss)t\s+(?:der|die|das))\s+"
    r"(?:(?:[a-zäöü]\w*e[nrms]?|[A-ZÄÖÜ]\w*er)\s+)?([A-ZÄÖÜ][\w-]*[^\W\d_])\b"
)
# Nouns that ask what or how, not which one by name ("Welches Ziel …?", "Mit welcher
# Begründung …?", "In welcher Form …?"); nouns in -ung, -heit, -keit, -nis, -ität are taken to be
# of this kind ("Prüfung", "Förderung"; "Stiftung" is missed), those in -schaft or -ion are not
# ("Gesellschaft", "Institution")
_NO_NAMES = frozenset(
    "art weise form grund ziel zweck sinn problem ergebnis rolle thema reihenfolge umfang "
    "höhe ausmaß stand zeitpunkt zeitraum dauer frist rahmen bereich aspekt punkt".split()
)
_ABSTRACT = re.compile(r"(ung|heit|keit|nis|ität)$")
_WORD = re.compile(r"[^\W\d_][\w-]*")
_ACRONYM = re.compile(r"\b[A-ZÄÖÜ]{2,}[a-z]?\b")
_WHOSE = r"(?:der|des|vom|von(?:\s+der)?|beim|bei\s+der|am|an\s+der)"
_NEAR = 60  # characters on either side of a mention of the kind
_NUMBERED = re.compile(r"(nummer|zahl|raum|zimmer|code|kennung|nr|number)$", re.I)
_CODE = re.compile(r"\b[\w/.-]*\d[\w/.-]*")
# A name in quotation marks of any style („…“, "…", »…«, ‚…‘); it neither begins nor ends with
# a space, so the words between two quoted names ('"KI" und "KoKo"') are none
QUOTED_NAME = re.compile(
    r"[„“\"»«‚‘']([^\s„“”\"«»‚‘’'][^„“”\"«»‚‘’]{1,78}[^\s„“”\"«»‚‘’'])[“”\"«»‘’']"
)


def one_asked(question: str) -> str | None:
    """The kind of thing a question asks for one of by name ("Träger" of "Welcher Träger führt
    … durch?"), or None; not a kind that asks what or how ("Welches Ziel …?")."""
    m = _WHICH_ONE.search(question)
    if m is None:
        return None
    head = m.group(1).split("-")[-1].lower()
    return None if head in _NO_NAMES or _ABSTRACT.search(head) else m.group(1)


# An indefinite article before a noun: the text says there is one, not which ("eines
# Schlüssels", "einen neuen Leitfaden"); not a part of a definite whole ("einer der Schlüssel")
_INDEFINITE = re.compile(
    r"\b(?i:ein|eine|eines|einem|einen|einer)\s+"
    r"(?:(?!(?i:der|die|das|des|den|dem)\b)[a-zäöüß]\w*\s+){0,2}$"
)
# ... unless what follows says which: right after it a colon, a parenthesis or what it
# follows or is made of ("nach der Zahl …"); later in its sentence a relative clause, a figure
# or a quoted name; or the next sentence takes it up ("Dieser richtet sich …")
_SPECIFIED_NEXT = re.compile(
    r"\s*(?:[:(„“\"–-]|(?:nach|gemäß|namens|aus|von|mit|für|zur|zum|zu|über|wie|der|des|im|"
    r"in|bei|auf)\b)"
)
_SPECIFIED_LATER = re.compile(
    r"^[^.!?]*?(,\s*(?:der|die|das|dessen|deren|dem|den|welche[rsmn]?)\b|\d|[„“\"])"
    r"|^[^.!?]*[.!?]\s+(?:Dieser|Diese|Dieses|Er|Sie|Es)\b"
)


def _last_part_stem(word: str, stem: Callable[[str], str]) -> str:
    """The stem of a word's last hyphenated part ("Kerngruppe" of "Bündnis-Kerngruppe")."""
    return stem(word.split("-")[-1].lower())


def only_said_to_exist(question: str, quote: str, stem: Callable[[str], str]) -> str | None:
    """For a question asking which one of a kind (one_asked: "Nach welchem Schlüssel …?"),
    the kind when the quote speaks of it only with an indefinite article and its sentence
    says nothing more of it ("Die Verteilung erfolgt anhand eines Schlüssels."): the document
    says there is one, not which."""
    kind = one_asked(question)
    if kind is None:
        return None
    head = _last_part_stem(kind, stem)
    mentions = [m for m in _WORD.finditer(quote) if _last_part_stem(m.group(), stem) == head]
    if not mentions:
        return None
    for m in mentions:
        if not _INDEFINITE.search(quote, max(0, m.start() - 40), m.start()):
            return None
        if _SPECIFIED_NEXT.match(quote, m.end()) or _SPECIFIED_LATER.search(
            quote[m.end() : m.end() + 300]
        ):
            return None
    return kind


def instance_missing(question: str, quotes: str, stem: Callable[[str], str]) -> str | None:
    """For a question asking which one of a kind (one_asked), the kind when the quotes speak of
    it but name none: "mit den durchführenden Trägern" says there are some, not which. A name,
    if the question does not hold it already, is a compound that ends in the kind
    ("Uppenbergschule" for "Schule", "Anne-Frank-Berufskollegs"); a capitalised word right after
    a mention or after "der", "von" … ("Jobcenter Edorf", "die Prüfung der Handwerkskammer"); an
    abbreviation or a quoted name beside a mention; for a numbered kind, a code beside one.
    ``stem`` is the analyzer's stemmer."""
    kind = one_asked(question)
    if kind is None:
        return None
    asked = question.lower()
    head = _last_part_stem(kind, stem)
    words = [(m, _last_part_stem(m.group(), stem)) for m in _WORD.finditer(quotes)]
    mentions = [m for m, s in words if s == head and "-" not in m.group()]
    if not mentions:
        return None  # the quotes may answer in other words ("Reihenfolge": "zunächst …, dann …")
    core = kind.split("-")[-1].lower()
    core = core[: max(3, len(core) - 2)]  # "träg" of "Träger": "Vertrag" ends in "trag" too
    for m, s in words:  # a compound with the kind as its head
        word = m.group().lower()
        if s != head and s.endswith(head) and core in word and word not in asked:
            return None

    def near(start: int, end: int) -> bool:
        return any(start < m.end() + _NEAR and m.start() - _NEAR < end for m in mentions)

    for m in mentions:  # "das Jobcenter Edorf", "die Prüfung der Handwerkskammer"
        after = re.match(rf"\s+(?:{_WHOSE}\s+)?([A-ZÄÖÜ][\w-]+)", quotes[m.end() :])
        if after and after.group(1).lower() not in asked:
            return None
    for pattern in (_ACRONYM, QUOTED_NAME):
        for f in pattern.finditer(quotes):
            if near(f.start(), f.end()) and f.group(f.lastindex or 0).lower() not in asked:
                return None
    if _NUMBERED.search(kind):  # "Vorlage V/0588/2018", "Raum 2.14"
        for c in _CODE.finditer(quotes):
            if near(c.start(), c.end()) and c.group() not in question:
                return None
    return kind


# a sum for the whole state or programme ("Der Landtag hat … 50 Millionen Euro zur Verfügung
# gestellt", "landesweit", "insgesamt"), not one paid to each place by the state ("Jede
# Kommune erhält vom Land …", "je Kreis", "pro Kommune", "jeweils")
_WHOLE = re.compile(
    r"\b(Landtag|Landesregierung|landesweit\w*|bundesweit\w*|insgesamt|nationwide)\b", re.I
)
_EACH = re.compile(r"\b(je|jede[rnms]?|pro|jeweils|per|each)\b", re.I)


def total_for_all(question: str, stating: str, find_places: PlaceFinder) -> list[str]:
    """The places of a question that asks an amount for one town or district ("Wie viel Geld
    bekommt der Rhein-Kreis Neuss?") when the sentences of the quotes that state an amount name
    none of them, none gives it per place, and one gives it as a total ("Der Landtag hat … 50
    Millionen Euro zur Verfügung gestellt"; "insgesamt" may also be another place's total):
    the total is not the town's share. Empty when that is not so."""
    asked = list(dict.fromkeys(p.name for p in find_places(question)))
    sentences = [
        s for s in (stating[a:b] for a, b in split_sentences(stating)) if gives_amount(question, s)
    ]
    if not asked or not sentences:
        return []
    if any(set(asked) & {p.name for p in find_places(s)} or _EACH.search(s) for s in sentences):
        return []
    return asked if any(_WHOLE.search(s) for s in sentences) else []
