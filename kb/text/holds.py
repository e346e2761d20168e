"""What a sentence holds of what a question asks (kb/text/qtype.py): a date, a count of the
asked noun, a duration, a name or a person, the items of a list, the steps of a procedure —
``type_fit`` scores it 0..1 for the picker, the re-scoring and the refusal gate."""

import re
from collections.abc import Iterable
from itertools import islice

from kb.text.qtype import (
    ENGLISH_COUNTED,
    MONEY_SLANG,
    MONTHS,
    PEOPLE,
    SHORT_MONTHS,
    TOWNS,
    AnswerType,
    QuestionType,
    Terms,
    names_money,
)

# How often something recurs, in one word: a "wann" may be answered by it, a "wie oft" is
_REGULARLY = "täglich|wöchentlich|monatlich|jährlich"
_HAS_DATE = re.compile(
    rf"\b\d{{1,2}}\.\s?\d{{1,2}}\.(\s?(19|20)\d\d)?(?!\d)|\b({MONTHS}|Sommer|Herbst|Frühjahr|"
    rf"Winter|Anfang|Ende|Mitte)\s+(19|20)\d\d\b|\b\d{{1,2}}\.\s({MONTHS})\b|"
    rf"\b(Ende|Anfang|Mitte)\s({MONTHS})\b|\b({MONTHS})\b"
    # "seit 2019", "im Jahr 2018", "seit dem Jahr 2019", "aus dem Jahr 2015"
    r"|\b(seit|bis|ab|im|von|vom|aus)\s((dem|den)\s)?(Jahre?s?\s)?(19|20)\d\d\b"
    rf"|\b\d{{2}}/(19|20)\d\d\b"
    # a decade: "seit den 1990er Jahren", "in den 90er-Jahren"
    r"|\b((19|20)?\d0er)[\s-]?Jahren?\b"
    # a part of a year: "zu Beginn des Jahres 2019", "im dritten Quartal 2018", "Jahresende 2019",
    # "in der ersten Jahreshälfte 2020", "im Schuljahr 2018/19"
    r"|\b(Beginn|Anfang|Ende|Mitte|Laufe|Verlauf)\s+(des\s+)?(Jahres|Schuljahres)\s+(19|20)\d\d\b"
    r"|\b(Quartal|Halbjahr|Jahreshälfte|Jahresbeginn|Jahresanfang|Jahresende|Jahresmitte|"
    r"Schuljahr|Schuljahres)\s+(19|20)\d\d\b"
    # times of day and week: a "wann" may be answered by opening hours
    r"|\b(montags?|dienstags?|mittwochs?|donnerstags?|freitags?|samstags?|sonntags?|werktags|"
    rf"{_REGULARLY}|mondays?|tuesdays?|wednesdays?|thursdays?|"
    r"fridays?|saturdays?|sundays?|daily|weekly)\b|\b\d{1,2}([:.]\d\d)?\s?(Uhr|h\b)"
)
_HAS_YEAR = re.compile(r"\b(19|20)\d\d\b")
# A date to the day: "04.04.2017", "am 27.11.", "11. Juli 2019", "July 11", "11 July", "2019-07-11"
_HAS_DAY = re.compile(
    rf"\b\d{{1,2}}\.\s?\d{{1,2}}\.|\b\d{{1,2}}\.?\s?(({MONTHS})\b|({SHORT_MONTHS})\.)"
    rf"|\b({MONTHS})\s\d{{1,2}}(st|nd|rd|th)?\b|\b\d{{1,2}}/\d{{1,2}}/(19|20)?\d\d\b"
    r"|\b(19|20)\d\d-\d\d-\d\d\b"
)
# Numbers written as words (a regex alternation); kb/answer/slots.py counts with them too.
CARDINAL_WORDS = (
    r"zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwanzig|hundert|tausend"
)
# A length of time: "ein Jahr", "zwei Stunden", "18 Monate", "ganztägig", "three years"
_HAS_DURATION = re.compile(
    rf"\b(\d+([.,]\d+)?|{CARDINAL_WORDS}|ein|eine|einen|einem|einer|halbe[nmr]?|ganze[nmr]?|"
    r"mehrere[nr]?|wenige[nr]?|one|a|an|two|three|four|five|six|several|a few)\s+(\w+\s+)?"
    r"(Minute|Stunde|Tag|Woche|Monat|Jahr|Semester|Schuljahr|minute|hour|day|week|month|year)"
    r"\w*\b|\b(ganz|halb|mehr|ein|zwei|drei)(tägig|wöchig|monatig|jährig)\w*|\b\d+-(tägig|wöchig|"
    r"monatig|jährig)\w*",
    re.I,
)
_NUMBER_WORDS = rf"{CARDINAL_WORDS}|einmal|zweimal|dreimal|Hälfte|Drittel|Viertel|Dutzend"
# How often: "zweimal pro Jahr", "ein- bis dreimal", "monatlich", "alle sechs Wochen", "jeden
# Monat", "14-tägig", "twice a year". A bare "einmal" is a filler ("erst einmal"), and "einmalig"
# is once only.
_PERIOD = r"(Tag|Woche|Monat|Quartal|Halbjahr|Jahr|Schuljahr)"
# A count of the times something was done: "in 32 Fällen", "20 Nennungen", "drei Sitzungen",
# "zweimal", "5 times"
_COUNTS_TIMES = re.compile(
    rf"\b(\d+|{CARDINAL_WORDS})\s*(Male?|Fällen?|Nennungen|Sitzungen|Treffen|Terminen?|"
    r"times|occasions|meetings)\b",
    re.I,
)
_HAS_FREQUENCY = re.compile(
    rf"\b(({CARDINAL_WORDS}|mehr|viel|x)mal|mehrmals|\d+\s?-?mal)\b"
    rf"|\bein(en)?mal\s+(im|pro|je|in der|in|am|alle)\b|\bein-\s+(bis|oder)\s+\w+mal\b"
    rf"|\b(\w*({_REGULARLY})|vierzehntägig|\d+-tägig)\b|\bquartalsweise\b"
    rf"|\b(pro|je|per|jede[nsm]?|jede[nsm]? (zweite|dritte|vierte)[nsm]?)\s+{_PERIOD}\b"
    rf"|\balle\s+(\d+|{CARDINAL_WORDS})\s+(Tage|Wochen|Monate|Jahre)\b"
    r"|\b(daily|weekly|fortnightly|monthly|quarterly|annually|yearly|twice|every (day|week|"
    r"month|quarter|year)|(once|twice|\d+|two|three|four|several) (times )?(a|per|each) (day|week|"
    r"month|quarter|year)|(two|three|four|five|several|many|\d+) times)\b",
    re.I,
)
# A time of day: "um 10 Uhr", "10.00–12.00 Uhr", "9.30 h", "ab 9:30", "at 10 a.m.", "10:30 pm"
# (not "25 am Workshop", a ratio "1:15" or a length "20 h Unterricht")
_HAS_TIME = re.compile(
    r"\b\d{1,2}([.:]\d{2})?\s*Uhr\b|\b\d{1,2}[.:]\d{2}\s*h\b"
    r"|\b(um|ab|bis|gegen|von|from|at|until)\s+\d{1,2}:\d{2}\b"
    r"|(?-i:\b\d{1,2}(:\d{2})?\s?[ap]\.m\.|\b\d{1,2}(:\d{2})?\s?[AaPp][Mm]\b(?!\s+[a-zäöüA-ZÄÖÜ]))",
    re.I,
)
# An age: "27 Jahre alt", "18- bis 27-Jährige", "unter 25 Jahren", "bis zum 18. Lebensjahr",
# "volljährig", "aged 18", "under the age of 25". Not a length ("die 3-jährige Ausbildung", "seit
# über 20 Jahren", "bis zu 10 Jahren") nor a count ("over 50 municipalities").
_HAS_AGE = re.compile(
    r"(?-i:\b\d{1,2}[-–](\s(bis|und|oder)\s\d{1,2}[-–])?Jährig\w*)|"
    r"\b\d{1,2}[-–]\s(bis|und)\s\d{1,2}[-–]jährig\w*|\b\d{1,2}\.\s?Lebensjahr\w*|"
    r"\b(zwischen|von)\s\d{2}\s(und|bis)\s\d{2}\sJahren?\b|"
    r"(?<!seit )\b(unter|ab)\s\d{2}\sJahren?\b|"
    r"\b\d{1,2}\sJahre\salt\b|\bim Alter\b|\bAlter(sgrenze)?\s(von\s)?\d|"
    r"\b(voll|minder)jährig\w*|\bVolljährigkeit\b|\baged\s\d|\byears?\sold\b|"
    r"\b(under|over|above|below)\sthe\sage\sof\s\d",
    re.I,
)
# A language named: the languages of refugees' countries of origin and the widespread ones, in
# German (as noun or adjective: "Arabisch", "in arabischer Sprache") and English, a number of
# languages, and the mother tongue as such
_LANGUAGE_NAMES = (
    "arabisch|farsi|persisch|dari|paschtu|paschto|pashto|kurdisch|kurmandschi|kurmanji|sorani|"
    "tigrinya|tigrinisch|amharisch|somali|somalisch|türkisch|russisch|ukrainisch|polnisch|"
    "rumänisch|bulgarisch|serbisch|kroatisch|bosnisch|albanisch|romanes|urdu|hindi|englisch|"
    "französisch|spanisch|italienisch|portugiesisch|griechisch|chinesisch|vietnamesisch|"
    "georgisch|armenisch"
)
_HAS_LANGUAGE = re.compile(
    rf"\b({_LANGUAGE_NAMES})(e[rnms]?)?\b|(?-i:\bDeutsch\b)|"
    r"\b(arabic|persian|kurdish|amharic|turkish|russian|ukrainian|polish|romanian|bulgarian|"
    r"serbian|albanian|english|french|spanish|italian|portuguese|greek|chinese|vietnamese|"
    r"german)\b|\b(Muttersprachen?|Herkunftssprachen?|Erstsprachen?|mehrsprachig\w*|"
    r"mother tongues?|native languages?)\b|"
    rf"\b(\d+|{CARDINAL_WORDS}|two|three|four|five|six|ten|twelve)\s(\w+\s)?(Sprachen|languages)\b",
    re.I,
)
_HAS_NUMBER = re.compile(rf"\d|\b({_NUMBER_WORDS})\b", re.I)
# No cost at all: the sum a "Was kostet …?" asks for
_NO_COST = re.compile(
    r"\b(kostenlos|kostenfrei|gebührenfrei|unentgeltlich|ohne Kosten|keine Kosten|"
    r"free of charge)\b",
    re.I,
)


def costs_nothing(text: str) -> bool:
    """Does the text say that something is free ("kostenlos", "keine Kosten")?"""
    return bool(_NO_COST.search(text))


# German capitalises every noun, so only titles, addresses and acronyms mark a name.
_HAS_NAME = re.compile(
    r"\b(Dr|Prof|Frau|Herr|Herrn)\.?\s[A-ZÄÖÜ]|@|\b(Tel|Fon|Fax)\b|\b\d{5}\s[A-ZÄÖÜ]|"
    r"\b[A-ZÄÖÜ]{2,}[a-z]*\b|\b(Amt|Stelle|Behörde|Ministerium|Institut|Zentrum|Agentur|Referat|"
    r"Dienst|Team|Koordinator\w*|Leiter\w*|Leitung)\b"
)
# A person's name: after a title or a role ("Dr. Andreas …", "Leiterin Agnes Hugo", "Kontakt:
# Frau …"), or before a role ("Agnes Hugo, Leiterin der …").
_ROLE = (
    r"(Leiter|Leiterin|Leitung|Dezernent|Dezernentin|Vorsitzende|Vorsitzender|Ansprechpartner|"
    r"Ansprechpartnerin|Ansprechperson|Kontakt|Koordinator|Koordinatorin|Referent|Referentin|"
    r"Bürgermeister|Bürgermeisterin|stellvertretende|stellvertretender|head|director)"
)
# A word of a personal name: a capital (accented ones too: "Ayşe Yılmaz", "José Álvarez"), then
# letters; not a noun that German capitalises as well ("Referat Zuwanderung", "Kommunales
# Integrationszentrum") by the endings of nouns and institutions.
_NOUN_ENDINGS = (
    "ung|heit|keit|schaft|tion|ität|amt|stelle|zentrum|zentren|referat|behörde|ministerium|"
    "institut|agentur|dienst|team|gruppe|verband|verein|kreis|stadt"
)
_CAPITALISED = r"[A-ZÄÖÜÀ-ÖØ-ÞĀ-ſ][^\W\d_]+"
_NAME_WORD = rf"(?!\w*({_NOUN_ENDINGS})\b){_CAPITALISED}"
_HAS_PERSON = re.compile(
    rf"\b(Dr|Prof|Frau|Herr|Herrn|Mr|Mrs|Ms)\.?\s+[A-ZÄÖÜÀ-ÖØ-ÞĀ-ſ]|"
    rf"\b{_ROLE}:?\s+{_NAME_WORD}\s+{_NAME_WORD}|"
    rf"\b{_NAME_WORD}\s+{_NAME_WORD}(-{_NAME_WORD})?,\s+(die |der )?{_ROLE}"
)


# ... or next to a title written as a compound, before the name ("Kreisdirektor Dirk Brügge",
# "Landrat Hans Beispiel") or after it ("Matthias A., Projektleiter am …"): a person named, for
# what a name answers and for whom "er" or "sie" stands (not for the role checks, which weigh
# the roles of _ROLE)
_TITLE = (
    r"([A-ZÄÖÜ][a-zäöüß]*(direktor|direktorin|leiter|leiterin|dezernent|dezernentin|"
    r"bürgermeister|bürgermeisterin|koordinator|koordinatorin|referent|referentin|führer|"
    r"führerin)|Landrat|Landrätin|Minister|Ministerin|Staatssekretär|Staatssekretärin)"
)
# ... a word of a name there, not a noun of an office or a subject ("Teamleiter Jobcenter
# Ledorf", "Fachbereichsleiter Jugend Schule Sport", "Sprachführer Deutsch Arabisch")
_TITLED_WORD = (
    rf"(?!(?i:\w*({_NOUN_ENDINGS}|ämter|dienste|jugend|schule|sport|jobcenter|soziales|deutsch|"
    rf"arabisch|englisch|integration|arbeit))\b){_CAPITALISED}"
)
_TITLED_NAME = re.compile(
    rf"\b{_TITLE}\s+{_TITLED_WORD}\s+{_TITLED_WORD}"
    rf"|\b{_TITLED_WORD}\s+{_TITLED_WORD}(-{_TITLED_WORD})?,\s+(die |der )?{_TITLE}"
)


def people_named(text: str) -> int:
    """How many people the text names, by title or role or next to one's compound: spans
    that overlap or touch are one person ("Frau Dr. Anna Muster, Leiterin des KI")."""
    spans = sorted(person_spans(text) + [m.span() for m in _TITLED_NAME.finditer(text)])
    count, end = 0, None
    for start, stop in spans:
        if end is None or start > end + 4:  # "Frau D|r. |Anna Muster, Leiterin"
            count += 1
        end = stop if end is None else max(end, stop)
    return count


def person_spans(text: str) -> list[tuple[int, int]]:
    """Where the text names a person (after a title, or next to a role)."""
    return [m.span() for m in _HAS_PERSON.finditer(text)]


# Words that order steps ("zunächst", "dann", "im ersten Schritt", "nach dem …") ...
_ORDERING = (
    r"zunächst|zuerst|erst|dann|danach|anschließend|daraufhin|schließlich|abschließend|"
    r"im (ersten|nächsten|zweiten) Schritt|in einem (ersten|zweiten) Schritt|nach (einem|dem|der)|"
    r"first|finally"
)
ORDERS_STEPS = re.compile(rf"\b({_ORDERING})\b", re.I)
# ... and, where steps are asked for, also words as often about something else ("Schritt",
# "vor dem Hintergrund", "then", "after")
SEQUENCE = re.compile(rf"\b({_ORDERING}|Schritt|vor (dem|der)|then|after)\b", re.I)
# ... the words that open one, and those of a later step, apart: a quote that opens a sequence
# ("Die Schulsozialarbeiter erfassen zunächst …", "in einem ersten Schritt"; not "zunächst" for
# "for now": "ist zunächst bis 2020 befristet") and names no later step goes on with the next
# sentence, its next step (extractive.completes_quote)
OPENS_SEQUENCE = re.compile(
    r"\b(zunächst(?!\s+(bis|befristet|nur|nicht|einmal|noch|für|offen|unklar))|zuerst|erstens|"
    r"(in einem|im) ersten Schritt|firstly|first of all|to begin with)\b",
    re.I,
)
LATER_STEP = re.compile(
    r"\b(dann|danach|anschließend|daraufhin|schließlich|zweitens|(in einem|im) (zweiten|nächsten) "
    r"Schritt|then|afterwards|finally)\b",
    re.I,
)
_LIST_ITEMS = re.compile(r"\n- [^\n]*(\n- )?")  # the first item, and whether a second follows
_DEFINES = re.compile(r"\b(ist|sind|bezeichnet|bedeutet|heißt|steht für|meint|is|are|means)\b|\(")


def spells_out(short: str, text: str) -> bool:
    """Does ``text`` say what the abbreviation stands for? Its long form before it in
    parentheses ("Studien- und Berufswahl (StuBos)", "Assistierte Ausbildung (AsA; § 130 SGB
    III)", "(kurz: KAoA)") or after it ("KAUSA (Koordinierungsstelle …)"), "KAoA steht für …",
    or a glossary row "BKG<tab>Bündnis-Kerngruppe". As in the glossary's pairing
    (kb/retrieval/glossary.py), the long form starts with the abbreviation's first letter:
    "Frau Müller (KoKo)" spells out nothing."""
    if short.lower() not in text.lower():
        return False
    s = re.escape(short)
    initial = short[0].lower()
    for m in re.finditer(rf"\(\s*(?:kurz:?\s*)?{s}\s*[;,)]", text, re.I):
        before = text[max(0, m.start() - _LONG_FORM_CHARS) : m.start()]
        words = re.findall(r"[^\W\d_]{3,}", before.rsplit(".", 1)[-1])
        if any(w[0].lower() == initial for w in words[-8:]):
            return True
    for m in re.finditer(rf"(?<![\w-]){s}\s*\(\s*[„\"]?([^\W\d_]{{3,}})", text, re.I):
        if m.group(1)[0].lower() == initial and m.group(1).lower() not in _NO_LONG_FORM:
            return True
    return bool(
        re.search(rf"(?<![\w-]){s}\s+(?:steht|stehen|stands?)\s+(?:für|for)\b", text, re.I)
        or re.search(rf"(?:^|\n)\s*{s}\t+[A-ZÄÖÜ]", text, re.I)
    )


_LONG_FORM_CHARS = 160
# what a parenthesis after an abbreviation says when it is no long form ("GIB (Hrsg.)")
_NO_LONG_FORM = frozenset("vgl siehe see hrsg stand ebd".split())


def type_fit(
    text: str,
    qtype: QuestionType,
    counted: set[str],
    terms: Terms,
    page: str | None = None,
    end: int | None = None,
) -> float:
    """0..1: does the sentence hold what the question asks for?"""
    if qtype.direct_abbreviations:  # only what spells one out says what it stands for
        spelled = any(spells_out(short, text) for short in qtype.direct_abbreviations)
        return 1.0 if spelled else 0.0
    kind = qtype.kind
    if qtype.tally:  # how often something was done: a frequency, or a count of the times
        if _HAS_FREQUENCY.search(text) or _COUNTS_TIMES.search(text):
            return 1.0
        # ... which a table's row may give under a header that says what it counts
        # ("Industrie- und Handelskammer (IHK)\t20 (44,4%)" under "Nennungen"): near
        return 0.5 if "\t" in text and _HAS_NUMBER.search(text) else 0.0
    for asked, given in (
        (qtype.frequency, _HAS_FREQUENCY),
        (qtype.age, _HAS_AGE),
        (qtype.languages, _HAS_LANGUAGE),
        (qtype.clock, _HAS_TIME),
    ):  # QuestionType.own_kind: that kind or nothing
        if asked:
            return 1.0 if given.search(text) else 0.0
    if qtype.duration:  # the length itself first; the date it runs until answers too
        return 1.0 if _HAS_DURATION.search(text) else 0.7 if _HAS_DATE.search(text) else 0.0
    if kind == AnswerType.DATE:
        if qtype.day:  # "An welchem Datum …?": "Sommer 2019" is near, not the answer
            if _HAS_DAY.search(text):
                return 1.0
            return 0.4 if _HAS_DATE.search(text) or _HAS_YEAR.search(text) else 0.0
        return 1.0 if _HAS_DATE.search(text) else 0.4 if _HAS_YEAR.search(text) else 0.0
    if kind == AnswerType.NUMBER:
        if qtype.cost and costs_nothing(text):
            return 1.0
        if not _HAS_NUMBER.search(text):
            return 0.0
        return 1.0 if counted and _counts(text, counted, terms) else 0.6
    if kind == AnswerType.NAME:
        if qtype.contact:  # else another kind of name: an office, a person without the detail
            if any(given.search(text) for given in qtype.contact):
                return 1.0
            return 0.3 if _HAS_NAME.search(text) or _HAS_PERSON.search(text) else 0.0
        if qtype.person:
            return 1.0 if _HAS_PERSON.search(text) else 0.3 if _HAS_NAME.search(text) else 0.0
        return 1.0 if _HAS_NAME.search(text) or _TITLED_NAME.search(text) else 0.0
    if kind in (AnswerType.LIST, AnswerType.PROCEDURE):
        if page is not None and end is not None and text.rstrip().endswith(":"):
            items = _LIST_ITEMS.match(page, end)
            if items:  # a list of one on this page is most often cut by a page break
                return 1.0 if items.group(1) else 0.6
        if kind == AnswerType.PROCEDURE:
            return 0.7 if SEQUENCE.search(text) else 0.0
        return 0.6 if text.count(",") >= 2 else 0.0
    if kind == AnswerType.DEFINITION:
        return 0.5 if _DEFINES.search(text) else 0.0
    if kind == AnswerType.REASON:
        return 1.0 if _GIVES_REASON.search(text) else 0.0
    return 0.0


# A reason or a purpose given: "weil", ", da …", "Da …, …", "denn", "aufgrund", "aus
# Kapazitätsgründen", "um … entgegenzuwirken", "Die Begründung … liegt in", "Hintergrund ist die
# …", "because", "due to", "so that" ("vor dem Hintergrund …" sets a scene more often than it
# gives the reason asked for)
_GIVES_REASON = re.compile(
    r"\b(weil|denn|aufgrund|auf Grund|wegen|deshalb|daher|darum|deswegen|infolge|angesichts|"
    r"Grund|Gründe|\w*gründen|Begründung (für|dafür|hierfür|liegt|ist|war)|"
    r"begründet (sich )?(damit|dadurch|mit|durch)|Hintergrund (dafür|hierfür|dieser|dieses)|"
    r"Hintergrund (ist|war)(?=\s+(die|der|das|dass|ein|eine)\b|\s*[,:])|"
    r"Ursachen?|zurückzuführen|ausschlaggebend|liegt (daran|an)|"
    r"because|due to|owing to|reasons?|therefore|so that|in order to)\b|,\s+da\s|"
    # "da" opening a sentence's clause of reason, the first sentence or a later one ("…
    # erweisen. Da dies anders kommuniziert worden sei, …"; not the adverb: "Da wurden …")
    r"^\s*Da\s|(?<=[.!?:]\s)Da\s+(?!(?:wurden?|werden|wird|ist|sind|war|waren|hat|haben|"
    r"hatte|hatten|gibt|gab|kann|können|konnte|konnten|soll|sollen|muss|müssen)\b)"
    r"[^.;?!]{3,160}?,|"
    r"\bum\s(?!\d)[^.;]{3,120}?(\szu\s\w+en|\w+zu\w+en)\b",
    re.I,
)


# ... of which these say what follows from something, not why
_CONSEQUENCE = frozenset("deshalb daher darum deswegen".split())


# ... and what, besides, ties a statement to a cause or an aim, however loosely ("vor dem
# Hintergrund der …", "dadurch gehemmt", "auf Basis von", "Ziel ist"; not "damit", as often
# "thus" as "so that"): enough for the refusal gate to take an answer to a why-question as one
# that gives a reason
_TIES_TO_CAUSE = re.compile(
    r"\b(vor dem Hintergrund|dadurch|hierdurch|auf (der )?(Basis|Grundlage)|Ziele?n?|Zweck|"
    r"sodass|so dass|führt\w* zu|führten zu|as a result|aims?)\b",
    re.I,
)


def dates_named(text: str, but: str = "") -> int:
    """How many dates a text names ("startete im November 2017 und wurde im März 2018
    abgeschlossen": two), not counting those the text ``but`` (the question) names."""
    return sum(1 for m in _HAS_DATE.finditer(text) if m.group() not in but)


def relates_cause(text: str) -> bool:
    """Does the sentence tie what it says to a cause, an aim or a consequence?"""
    return bool(_GIVES_REASON.search(text) or _TIES_TO_CAUSE.search(text))


def gives_cause(text: str) -> bool:
    """Does the sentence say why (a reason or a purpose), not only what follows ("Der Kreis lädt
    die Eltern deshalb ein")?"""
    return any(m.group().lower() not in _CONSEQUENCE for m in _GIVES_REASON.finditer(text))


_MONEY_ASKED = frozenset(
    "geld mittel budget betrag summe kosten money funding funds".split() + list(MONEY_SLANG)
)
_MONEY = re.compile(r"\d[\d.,]*\s*(Mio\.?|Millionen|Mrd\.?|Milliarden|Tsd\.?|Euro|EUR|€)|€\s*\d")


# A part of a whole given without a number: "die meisten Kreise", "der überwiegende Teil der
# Familien", "fast alle kreisfreien Städte"
QUANTIFIER = re.compile(
    r"\b(die meisten|(fast|nahezu|beinahe|so gut wie) alle|(der|den|die) (überwiegende[n]? Teil|"
    r"Mehrheit|Großteil)|most|almost all|nearly all|the majority)\b",
    re.I,
)


_WORD = re.compile(r"[\w.,%/-]+")


def _names_counted(text: str, pos: int, counted: set[str], terms: Terms) -> bool:
    """One of the three words after ``pos`` is a word of the counted noun (only those three
    are read: this runs for every number of every candidate sentence)."""
    after = " ".join(m.group() for m in islice(_WORD.finditer(text, pos), 3))
    return bool(counted & set(terms(after)))


def quantifies(text: str, counted: set[str], terms: Terms) -> bool:
    """A quantifier stands within three words before a word of the counted noun ("die meisten
    Kreise"): a part given without a number, an answer to "Wie viele Kreise …?" where the
    documents give no count. A sentence with the number answers better: type_fit does not
    count this."""
    return any(_names_counted(text, m.end(), counted, terms) for m in QUANTIFIER.finditer(text))


def _counts(text: str, counted: set[str], terms: Terms) -> bool:
    """A number stands within three words before a word of the counted noun ("120 Menschen"),
    or, when money is asked for, an amount of money stands in the text ("50 Millionen Euro")."""
    if counted & _MONEY_ASKED and _MONEY.search(text):
        return True
    return any(
        _names_counted(text, m.end(), counted, terms)
        for m in _WORD.finditer(text)
        if _HAS_NUMBER.search(m.group())
        and not _AGE_OR_LENGTH.match(text, m.start())
        and not _NO_COUNT.search(m.group())
    )


# Numbers that count nothing: a section's number ("Zu 3.2: Stellenpool Kulturmittler/-innen",
# "Aktivität 4.4"; German writes a fraction with a comma, a thousand as "1.500"), a date
# ("12.04.2019"), a file or school year's number ("Vorlage V/0588/2018", "2017/18")
_NO_COUNT = re.compile(r"\d\.\d{1,2}(?!\d)|\d/|/\d")


# "27-jährigen Menschen", "18 bis 27-jährige Menschen", "18-27 jährigen Geflüchteten",
# "14-tägige Kurse": an age or a length, not a count of the noun after it
_AGE_OR_LENGTH = re.compile(
    r"\d+(\s?[-–]\s?\d+|[-–]?\s(bis|und|oder)\s\d+)?(\s?[-–]\s?|\s)?"
    r"(jährig|tägig|stündig|wöchig|monatig)",
    re.I,
)


def counted_terms(qtype: QuestionType, terms: Terms) -> set[str]:
    """The index terms of what a number question counts ("Menschen" → {"mensch"}); money words
    are kept as they are, so that an amount of money can stand for them."""
    if not qtype.counted:
        return set()
    word = qtype.counted.lower()
    if word in ENGLISH_COUNTED:  # "how many companies": the German nouns for them
        return whole_terms(ENGLISH_COUNTED[word], terms)
    # the whole compound and its head, its last part ("Bündnis-Kerngruppen" → "kerngrupp"; the
    # analyzer gives a word's terms whole first, parts in order): "58 Bündnisse" counts no core
    # groups
    found = terms(qtype.counted)
    pieces = [t for piece in qtype.counted.split("-") if (t := terms(piece))]
    head = {found[0], pieces[-1][-1]} if found and pieces else set(found)
    # "Wie viele Städte …?" is answered by "35 Kommunen", "Wie viele Menschen …?" by "80
    # Personen", "Wie viele Fachleute …?" by "120 Menschen" (but 45 experts are no count of the
    # people living somewhere); whole words only, not their parts ("Fach-", "Teil-")
    for kind, counted_in in _COUNTED_ALIKE:
        if head & whole_terms(kind, terms):
            head |= whole_terms(counted_in, terms)
    # a sum of money asked by a compound ("Wie viel Landesgeld …?", "Fördermittel") is met by an
    # amount as "Geld" is
    if word in _MONEY_ASKED:
        return head | {word}
    return head | ({"geld"} if names_money(word) else set())


def whole_terms(words: Iterable[str], terms: Terms) -> set[str]:
    """The term of each whole word, without the terms of its compound's parts ("Kammer" is no
    term of "Handwerkskammer")."""
    return {whole[0] for whole in map(terms, words) if whole}


# Nouns that count the same things (towns; people), and nouns whose count is given in people
# (English counted nouns: qtype.ENGLISH_COUNTED)
_COUNTED_ALIKE: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    # (a programme's towns are its sites too: "an vier Standorten")
    (TOWNS, (*TOWNS, "Standorte")),
    (PEOPLE, PEOPLE),
    # young people are counted by what they do or leave ("128 Schulabgängerinnen und
    # Schulabgänger" for "Für wie viele Jugendliche …?"; not "Schüler", whose term is "Schule"'s)
    (("Jugendliche", *PEOPLE), ("Jugendliche", "Schulabgänger", "Auszubildende", "Azubis")),
    (("Teilnehmende", "Teilnehmer"), PEOPLE),
    (("Fachleute", "Experten", "Expertinnen"), PEOPLE),
    (("Mitglieder", "Mitarbeitende", "Mitarbeiter", "Beschäftigte"), PEOPLE),
    # staff is counted in posts as often as in people ("0,5 Stellen pro 50 Plätze")
    (("Personal", "Fachkräfte"), ("Stellen", "Personalstellen", "Vollzeitstellen", *PEOPLE)),
)
