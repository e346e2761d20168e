"""What a question asks for, from its wording: a number, a date, a name, a list, yes or no, the
steps of a procedure, a definition — so that extraction can look for the sentence that holds it.

Only general German and English question words are used, nothing about one corpus. A question
may bring a preamble ("Ich bin 25. Gehöre ich …?"): its last sentence decides the type.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum
from itertools import takewhile

from kb.facets.places import Gazetteer
from kb.text.sentences import ABBREVIATIONS

Terms = Callable[[str], list[str]]  # the analyzer: text → index terms


class AnswerType(Enum):
    NUMBER = "number"
    DATE = "date"
    NAME = "name"
    LIST = "list"
    YES_NO = "yes_no"
    PROCEDURE = "procedure"
    DEFINITION = "definition"
    REASON = "reason"
    OTHER = "other"


@dataclass(frozen=True)
class QuestionType:
    kind: AnswerType
    counted: str | None = None  # "Menschen" in "Wie viele Menschen …": what a number counts
    # asks what a form or questionnaire asks ("Was fragt die Arbeitshilfe ab?"): its own
    # questions and fields may answer
    about_form: bool = False
    # the number asked is a sum of money or a rate ("Wie hoch ist die Pauschale?", "Welcher
    # Anteil …?", "Wie viel Geld …?"): a count of something else does not answer it
    amount: bool = False
    # what something costs is asked ("Was kostet …?", "Wie teuer …?"): "kostenlos" answers it
    cost: bool = False
    # a person is asked for by role ("Wer leitet …?", "Wie heißt die Dezernentin?", "Wer ist
    # Ansprechpartner?"): an office or an institution does not answer it
    person: bool = False
    # what a study, survey or evaluation found is asked ("Welche Ergebnisse hat … gebracht?",
    # "Was hat die Auswertung ergeben?"): a quote that only announces the study does not answer
    findings: bool = False
    # a deadline is asked ("Bis wann …?", "Welche Frist …?", "By when …?"): a date that starts
    # or names something else does not answer it
    deadline: bool = False
    # ... of it, a period from its start to its end ("Von wann bis wann …?"), or a cut-off day
    # ("Gibt es einen Stichtag?")
    period: bool = False
    cut_off: bool = False
    # the contact details asked for (a telephone number, an e-mail or postal address, a fax
    # number, a website): what each looks like when given; a sentence giving one answers
    contact: tuple[re.Pattern[str], ...] = ()
    # a length of time is asked ("Wie lange dauert …?", "How long …?"): a duration ("ein Jahr",
    # "zwei Stunden", "ganztägig") or a date it runs until answers it
    duration: bool = False
    # how often is asked ("Wie oft trifft sich …?", "How often …?"): a frequency ("zweimal pro
    # Jahr", "monatlich", "ein- bis dreimal") answers it, a date or a count of something does not
    frequency: bool = False
    # ... how often something was done ("Wie oft war … vertreten?", "Wie oft haben sie sich
    # getroffen?"): a frequency or a count of the times ("in 20 Fällen", "drei Sitzungen")
    # answers it, no other number (holds.type_fit)
    tally: bool = False
    # an age is asked ("Wie alt …?", "Bis zu welchem Alter …?", "Up to what age …?"): an age
    # ("27 Jahre alt", "18- bis 27-Jährige", "unter 25 Jahren") answers it, another number not
    age: bool = False
    # a time of day is asked ("Um wie viel Uhr …?", "Zu welcher Uhrzeit …?", "What time …?"):
    # a time ("um 10 Uhr", "9:30 Uhr", "10.00–12.00 Uhr") answers it, a date alone does not
    clock: bool = False
    # languages are asked ("Welche Sprachen …?", "In welcher Sprache …?", "Which languages
    # …?"): a language named ("Arabisch", "Farsi", "in der Muttersprache") answers it
    languages: bool = False
    # where something is is asked ("Gibt's irgendwo einen Kurs …?", "Wo kann man …?", "In
    # welcher Stadt …?"), not a number, date, name or another kind of fact of its own: a
    # sentence naming a place answers it, or one after it in its paragraph (SentencePicker)
    place: bool = False
    # a date to the day is asked ("An welchem Datum …?", "On what date …?"; "An welchem Tag
    # …?" asks as often for a weekday): a month, a season or a year does not answer it
    day: bool = False
    # what abbreviations stand for is asked ("Wofür steht „StuBos“?", "What do KompAS and KomBer
    # stand for?"): a sentence that spells one out answers it. The direct answer is to spell
    # out ``direct_abbreviations``; those the second part of a question of two parts asks get
    # a quote of their own (see ``second_part``)
    abbreviations: tuple[str, ...] = ()
    direct_abbreviations: tuple[str, ...] = ()

    @property
    def own_kind(self) -> bool:
        """A frequency, an age or languages is asked: only that kind of fact answers it (see
        holds.type_fit), not a date, a count of something or other items; how often something
        was done (``tally``) is answered by a count of the times too."""
        return self.frequency or self.age or self.languages or self.clock


_I = re.I

# Each kind of contact detail asked for, and what it looks like when given.
CONTACT_DETAILS = (
    (
        # "Unter welcher Nummer …?" (not one a register gives: "… eingetragen")
        re.compile(
            r"telefon|\bphone\b|\brufnummer|"
            r"\bunter welche[rn]? nummer\b(?![^?]*\b(eingetragen|registriert|geführt|verzeichnet))",
            re.I,
        ),
        re.compile(
            r"\b(tel|fon|phone)\b\.?:?\s*[\d+(]|\+\d{2}[\s-]?\d|\b0\d{2,5}[\s/-]\d{3,}", re.I
        ),
    ),
    (re.compile(r"e-?mail|\bmail", re.I), re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")),
    (
        re.compile(r"\bfax", re.I),
        re.compile(r"\bfax\b\.?:?\s*[\d+(]|\btelefax\b", re.I),
    ),
    (
        re.compile(
            r"\b(website|webseite|internetseite|internetadresse|webadresse|homepage|url)\b|"
            r"\bweb[\s-]?address\b",
            re.I,
        ),
        re.compile(r"\bwww\.[\w-]+|https?://", re.I),
    ),
    (
        # a postal address ("Postadresse", "Anschrift"); an e-mail or web address is not one
        re.compile(
            r"(?<!mail)(?<!mail[\s-])(?<!web)(?<!web[\s-])(?<!internet)adresse|anschrift|"
            r"(?<!mail)(?<!mail[\s-])(?<!web[\s-])\baddress\b",
            re.I,
        ),
        # a postcode and town after a street, a building or a comma ("Hafenstraße 8, 48153
        # Münster"), not "12000 Besucher"
        re.compile(
            r"(\b(straße|str\.|weg|platz|allee|ring|gasse|damm|ufer|postfach|gebäude)\b"
            r"[^\n]{0,40}?|^|[,;]\s*)\d{5}\s[A-ZÄÖÜ]",
            re.I | re.M,
        ),
    ),
)
# "Wie erreiche ich …?", "How can I contact …?": any contact detail answers
_ANY_CONTACT_GIVEN = re.compile(
    "|".join(f"(?:{given.pattern})" for _, given in CONTACT_DETAILS), re.I
)
_REACH_ASKED = re.compile(
    r"\bwie (erreiche|erreichen|erreicht) (ich|man|wir|sie)\b|"
    r"\bwie (kann|können|könnte|könnten) (ich|man|wir|sie)\b[^?]{0,60}\b(erreichen|kontaktieren)\b|"
    r"\bwie (ist|sind)\b[^?]{0,60}\berreichbar\b|"
    r"\bhow (can|do|could|should) (i|we|one|you) (reach|contact|get in touch)\b",
    re.I,
)


_DATE = re.compile(
    r"\b(wann|seit wann|bis wann|ab wann|in welche[mn]? (\w+e[mn] )?(jahr|monat|zeitraum)|"
    r"an welchem (\w+en )?tag|welche[nrsm]? (\w+e[mnrs]? )?(datum|stichtag)|"
    r"zu welchem (\w+en )?zeitpunkt|"
    r"wie lange (läuft|lief|dauert|dauerte|gilt)|"
    r"zu welcher uhrzeit|um wie ?viel uhr|when|since when|until when|which year|what date|"
    r"in what year|at what time|what time (does|do|did|is|was|will|are))\b",
    _I,
)
# "when" that opens a clause after another question word asks no date ("What did the city find
# when it began …?", "Who pays when …?"); "… and when?", "Can you tell me when …?", "Do you
# know when …?" and "What was the date when …?" still do.
_CLAUSE_WHEN = re.compile(
    r"\b(what|who|whom|whose|which|how|where|why)\b|"
    r"^\W*(is|are|was|were|does|do|did|can|could|will|would|should|must|has|have)\b",
    _I,
)
_WHEN_ASKED = re.compile(
    r"\b(and|or|tell|tells|know|known|ask|asked|wonder|say|said|find out|check|date|day|year|"
    r"time)\W*(me|us|you)?\W*$",
    _I,
)
# What something costs, asked with the verb (lower case: "Was für Kosten …" asks for kinds of
# costs): "Was kostet …?", "Wie viel kosten …?", "was es kosten würde", "Was würde … kosten?",
# "Was hat … gekostet?"
_COST_ASKED = (
    r"\b(?i:wie ?viel|was) (?-i:kostet|kosten|kostete|kosteten)\b"
    r"|\b(?i:was) (\w+ ){1,2}(?-i:kosten) (würde|würden|wird|werden)\b"
    r"|\b(?i:was) würden? (\w+ ){0,4}(?-i:kosten)\b"
    r"|\b(?i:was|wie ?viel) (hat|haben|hätte|hätten) [^?]{0,120}\b(?-i:gekostet)\b"
)
# How often something happens is asked: a number question (QuestionType.frequency)
_HOW_OFTEN = r"wie oft|wie häufig|in welchem (rhythmus|turnus|abstand)|how often|how frequently"
# How old someone must be or is: a number question (QuestionType.age)
_HOW_OLD = (
    r"wie alt|(ab|bis zu|bis|in|mit|unter|über) welchem alter|altersgrenze|how old|"
    r"(what|which) age|age limit"
)
# What something costs, asked in English with the verb ("What does the course cost?"; not
# "… about the cost of …")
_COST_VERB_EN = (
    r"\bwhat (does|do|did|will|would) [^?]{1,60}(?<!\bthe )(?<!\babout )\bcost\b(?! of\b)"
)
# ... and a sum asked by its noun, which ends the phrase ("What was the total budget of …?",
# "What is the project's budget?"; not "What was the budget used for?")
_SUM_ASKED_EN = (
    r"\bwhat (is|was|are|were|will be) the ([\w'’]+ ){0,2}(budget|costs?|funding|amount|price|"
    r"fees?|salary)\b(?=\s*(\?|$|of\b|in\b|for (the|this|each|every)\b))"
    rf"|{_COST_VERB_EN}"
)
_SUM_ASKED_EN_RE = re.compile(_SUM_ASKED_EN, _I)
_NUMBER = re.compile(
    r"\b(wie ?viele?n?|wie (hoch|groß|lange|oft|weit)|in wie vielen|an wie vielen|"
    r"für wie viele|mit wie vielen|anzahl|anteil|prozent|how (many|much|long|often)|"
    r"what (share|percentage|proportion|number)|welche[rsmn]? \w*(zahl|summe|betrag|höhe|quote)|"
    r"(which|what) (amount|number)|wie teuer|how expensive|"
    rf"{_HOW_OLD}|{_HOW_OFTEN})\b|{_COST_ASKED}|{_SUM_ASKED_EN}",
    _I,
)
# The months, German and the English names that differ (kb/text/holds.py dates by them), and
# their short forms, written with a full stop ("Aug. 2019")
MONTHS = (
    "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember|"
    "January|February|March|May|June|July|October|December"
)
SHORT_MONTHS = "Jan|Feb|Mär|Apr|Jun|Jul|Aug|Sep|Sept|Okt|Nov|Dez|Mar|Oct|Dec"
# What a number counts: the first noun after "wie viele" (German capitalises nouns, so the
# adjectives in "wie viele lokale Bündnisse" are skipped, and so are the words of a time: "wie
# viele der bis Ende August 2019 eingegangenen Arbeitshilfen"), the next word after "how many".
_WHEN_WORDS = rf"(?:(?:{MONTHS}|{SHORT_MONTHS})\.?|Anfang|Mitte|Ende|\d{{4}})"
# (an age range counts as one word: "wie viele der 18- bis 27-jährigen Geflüchteten")
_AGED = r"(?:\d+\s*(?:-\s*bis|bis|und|oder|–|-)\s*)?\d+-?jährige\w*"
_COUNTED_DE_NOUN = re.compile(
    rf"\b(?i:wie ?viele?n?)\s+(?:(?:{_WHEN_WORDS}\s+)*(?:{_AGED}|[a-zäöüß-]+)\s+){{0,3}}"
    rf"(?:{_WHEN_WORDS}\s+)*"
    # a residents' adjective before the noun ("wie viele Essener Abgänger", "Münsteraner
    # Familien"): uninflected, in -er, with a noun after it (_counted_noun keeps it when it
    # names no place: "wie viele Kinder Deutschkurse besuchen")
    rf"(?:(?P<resident>[A-ZÄÖÜ][a-zäöüß]+er)\s+(?=[A-ZÄÖÜ][a-zäöüß]))?"
    rf"(?!{_WHEN_WORDS}\s)(?P<noun>[A-ZÄÖÜ](?:[\w-]|['’]s-){{2,}})"
)
# ... in a question typed in lower case, the word before one of these verbs, after at most two
# words, not an adverb ("wie viele aussteller waren …?", "wie viele junge leute kamen?";
# kb/text/casing.py capitalises only the nouns the documents write)
_COUNTED_DE_LOWER = re.compile(
    r"\b(?i:wie ?viele?n?)\s+(?:[a-zäöüß]+\s+){0,2}?"
    r"(?!(?:davon|insgesamt|ungefähr|etwa|genau|noch|bisher|derzeit|aktuell|circa|eigentlich|"
    r"denn|dort|da|es|man|wir|sie|ihr|ich|du|schon|jetzt|heute|überhaupt)\b)"
    r"([a-zäöüß][\w-]{2,})\s+(?:waren|sind|gab|gibt|haben|hatten|hat|hatte|nahmen|nehmen|kamen|"
    r"kommen|werden|wurden|leben|lebten|sitzen|saßen|gehören|gehörten|arbeiten|arbeiteten|"
    r"besuchen|besuchten|stehen|standen)\b"
)
_COUNTED_EN = re.compile(
    r"\bhow (?:many|much)\s+(?!(?:does|did|are|was|were|has|have|had|will|can|of)\b)"
    r"([a-z][\w-]{2,})",
    _I,
)
# German nouns that count people, and towns (kb/text/holds.py counts their synonyms alike)
PEOPLE = ("Menschen", "Personen", "Leute")
TOWNS = ("Kommunen", "Städte", "Gemeinden")
# The German nouns that count what an English question counts: a count in German text can
# then be matched against "how many companies" as against "wie viele Unternehmen" (general
# usage; an English noun not listed here is met by any count, kb/answer/refusal.py)
ENGLISH_COUNTED: dict[str, tuple[str, ...]] = {
    "people": PEOPLE,
    "persons": PEOPLE,
    "participants": ("Teilnehmende", "Teilnehmer", "Teilnehmerinnen", "Menschen", "Personen"),
    "attendees": ("Teilnehmende", "Teilnehmer", "Besucher", "Menschen", "Personen"),
    "visitors": ("Besucher", "Besucherinnen", "Gäste", "Interessierte", "Menschen", "Personen"),
    "members": ("Mitglieder", "Menschen", "Personen"),
    "employees": ("Beschäftigte", "Mitarbeitende", "Mitarbeiter", "Menschen", "Personen"),
    "experts": ("Experten", "Expertinnen", "Fachleute", "Menschen", "Personen"),
    "companies": ("Unternehmen", "Betriebe", "Firmen", "Arbeitgeber", "Aussteller"),
    "firms": ("Unternehmen", "Betriebe", "Firmen"),
    "employers": ("Arbeitgeber", "Unternehmen", "Betriebe"),
    "exhibitors": ("Aussteller", "Unternehmen", "Betriebe"),
    "families": ("Familien",),
    "children": ("Kinder",),
    "pupils": ("Schüler", "Schülerinnen"),
    "students": ("Schüler", "Schülerinnen", "Studierende"),
    "refugees": ("Geflüchtete", "Flüchtlinge"),
    "schools": ("Schulen",),
    "places": ("Plätze",),
    "positions": ("Stellen",),
    "posts": ("Stellen",),
    "alliances": ("Bündnisse",),
    "meetings": ("Sitzungen", "Treffen"),
    "courses": ("Kurse",),
    "institutions": ("Institutionen", "Einrichtungen"),
    "organisations": ("Organisationen", "Träger"),
    "organizations": ("Organisationen", "Träger"),
    "projects": ("Projekte",),
    "districts": ("Kreise",),
    "municipalities": TOWNS,
    "towns": TOWNS,
    "cities": TOWNS,
}
# ... but a sum of money after its modifiers ("How much state money …?", "how much EU funding")
_COUNTED_EN_MONEY = re.compile(
    r"\bhow much\s+(?:[a-z-]+\s+){0,2}?(money|funding|funds|budget)\b", _I
)
# What "wie hoch ist …" or "welcher …" measures: the noun after the article and adjectives.
_MEASURED = re.compile(
    r"\b(?i:wie hoch (?:ist|sind|war|waren|wäre|wären|wird|werden|würde|würden|liegt|lag|fällt|"
    r"fiel))\s+(?i:der|die|das|den)?\s*"
    r"(?:[a-zäöüß-]+\s+){0,2}([A-ZÄÖÜ][\w-]{2,})|\b(?i:welche[rsmn]?)\s+([A-ZÄÖÜ][\w-]{2,})|"
    r"\b(?i:what|how (?:high|large|big) is the)\s+(?:[a-z-]+\s+){0,2}?(share|percentage|"
    r"proportion|rate|amount|cost|costs|budget|salary|fee)\b|"
    # "wie viel von den 50 Millionen Euro …": a part of a sum
    r"\b(?i:wie ?viel)\s+(?i:von|aus)\s+(?:\S+\s+){0,3}?([A-ZÄÖÜ][\w-]{2,})"
)
# The same for a question typed in lower case, where a capital cannot tell the noun: the
# words right after "wie hoch ist (die)" or "welcher".
_MEASURED_LOWER = re.compile(
    r"\bwie hoch (?:ist|sind|war|waren|wäre|wären|wird|werden|liegt|lag)\s+(?:der|die|das|den)?"
    r"\s*(\w+)(?:\s+(\w+))?"
    r"|\bwelche[rsmn]?\s+(\w+)",
    _I,
)
_COSTS = re.compile(
    rf"{_COST_ASKED}|\bwie teuer\b|\bhow expensive\b|"
    rf"\bhow much (does|do|did)\b[^?]{{1,60}}\bcost\b|{_COST_VERB_EN}",
    _I,
)
# Nouns that name a sum of money, by their ending ("Fördergeld", "Pauschale") — what "wie
# viel …" may count — and, for what "wie hoch ist …" or "welcher …" measures, a rate too
# ("Eigenanteil", "Abbruchquote"; "Rate" only as a word of its own, not in "Referate").
# Money in everyday words ("Wie viel Kohle …?")
MONEY_SLANG = ("kohle", "knete", "zaster", "moneten")
_MONEY_NOUN = re.compile(
    r"(geld|gelder|budget|betrag|summe|kosten|pauschale|gehalt|entgelt|zuschuss|zuschüsse|"
    r"fördermittel|^förderung|^finanzierung|zuwendung|zuwendungen|"
    r"haushaltsmittel|finanzmittel|euro|amount|cost|costs|salary|fee|fees|money|funding|funds|"
    rf"millionen|milliarden|{'|'.join('^' + w for w in MONEY_SLANG)})$",
    _I,
)


def names_money(noun: str) -> bool:
    """Does a noun name a sum of money ("Geld", "Landesgeld", "Fördermittel", "Budget")?"""
    return bool(_MONEY_NOUN.search(noun.lower()))


# "Wie hoch ist in der Kommune, deren Befragung …, der Anteil …?": the noun asked after a place
# and a clause about it
_HOW_HIGH_VERB = re.compile(r"\bwie hoch (?:ist|sind|war|waren|liegt|lag)\b", _I)
_CLAUSE = re.compile(r",\s*(?:der|die|das|deren|dessen|denen|wo|in der|in dem|bei der)\b[^,?]*,")
_PLACE_PHRASE = re.compile(
    r"^\s*(?:in|im|bei|beim|für|an|am|auf|unter|nach)\s+(?:(?:der|dem|den|des|einer|einem)\s+)?"
    r"[\w-]+"
)
_ASKED_NOUN = re.compile(r"\s*(?:der|die|das|den)\s+([A-ZÄÖÜ][\w-]{2,})")


def _measured_after_clause(q: str) -> list[str]:
    """The noun a "wie hoch ist" question measures when a place and a clause stand between."""
    m = _HOW_HIGH_VERB.search(q)
    if m is None:
        return []
    rest = _PLACE_PHRASE.sub("", _CLAUSE.sub(" ", q[m.end() :]), count=1)
    noun = _ASKED_NOUN.match(rest)
    return [noun.group(1)] if noun else []


# the word after "wie viel", whatever its case: "wie viel geld …" keeps the lower case of a
# word the documents do not use when the capitals of the others are restored (kb/text/casing.py)
_HOW_MUCH_OF = re.compile(r"\bwie ?viel\s+(\w+)", _I)
_RATE_NOUN = re.compile(
    r"(quote|anteil|prozentsatz|prozent|share|percentage|proportion)$|^(rate|raten|rates)$", _I
)
_NAME = re.compile(
    r"(^|\s)(wer|wen|wem|bei wem|an wen|mit wem|von wem|who|whom|what (is|are) the names? of|"
    r"welche[rsm]? (stelle|person|"
    r"institution|organisation|behörde|ministerium|träger|ansprechp\w*)|wie (heißt|lautet)|"
    r"\w*(nummer|telefon|adresse|e-mail|kontakt)|erreiche|address|phone|e-mail|contact|"
    r"which (organi[sz]ation|institution|office|authority|agency|ministry|body))\b",
    _I,
)
# The words of a role a person holds ("Leiterin", "Sozialdezernent", "Vorsitzenden"): what a
# question asks a person by, and what a quote names a person as
# (kb/text/holds.py lists the exact forms that stand by a name in a sentence, contact roles
# too, to find people: "Leiterin Agnes Hugo", "Kontakt: Frau …")
# The words of a role, without their endings ("Leiter" of "Leiterinnen")
ROLE_ROOT = (
    r"(leiter|direktor|chef|vorsitzende|geschäftsführer|dezernent|bürgermeister|koordinator|"
    r"referent|beauftragte|präsident)"
)
ROLE_ENDING = r"(s|n|en|r|e|in|innen)"
ROLE_WORD = rf"\w*{ROLE_ROOT}{ROLE_ENDING}?\b"
# People named by what they do: a participle as the noun itself ("die Masterstudierenden, die
# …", "die Lehrenden?"), not before one ("die teilnehmenden Kommunen")
PEOPLE_BY_DOING = r"\w+enden?\b(?=\s*[,?]|\s+(die|der|das|im|in|aus|von|bei|des|am)\b)"
_PERSON_ASKED = re.compile(
    r"\b((wer (ist|is'n|isn|is|sind|wäre)\b[^?]{0,40}|welche[rn]?\s|wie heißt (der|die)\s)"
    r"(ansprechp\w*|kontaktperson)|who is the contact person|"
    # "Wen kann ich dort ansprechen?" (not "Wen kann man mit dem Angebot ansprechen?")
    r"wen (kann|könnte|soll|sollte|darf) (ich|man|wir)\b(?![^?]{0,40}\b(mit|als|durch)\b)"
    r"[^?]{0,40}\bansprechen|"
    r"wer (leitet|leitete)|wer (ist|war|sind|waren) "
    rf"(der |die )?(\w+ )?{ROLE_WORD}|who (leads|led|heads|headed|"
    rf"runs|ran|directs|manages)|wie (heißt|hieß|lautet) ([a-zäöüß]+ ){{0,2}}(der|die) "
    rf"(name (der|des) )?(\w+e[nr]? )?{ROLE_WORD}|"
    r"who (is|was) (the )?(head|director|leader|chair|manager)|names? of the (\w+ )?(head|director|"
    r"leader|chair|contact|coordinator|facilitator|moderator|manager|officer|adviser|advisor|"
    r"speaker|representative)s?\b(?! (office|point|organi[sz]ation|institution|body|unit))|"
    # "Wie heißt die Person, die …?", "Welche Person …?", "the name of the person who …"
    r"(wie (heißt|hieß) (die|der)|welche) person\b|\b(which|the) person (who|that)\b|"
    # people named by what they do ("Wie heißen die Masterstudierenden …?")
    rf"wie (heißen|hießen) (die|der) {PEOPLE_BY_DOING})",
    _I,
)
# Contact details are a name-like answer even when asked as "What is the address …?".
_CONTACT = re.compile(
    r"\b(die|der|the|eine?|an|your|their|its)\s+(\w+[\s-])?(adresse|anschrift|address|telefonnummer|"
    r"telefon|phone(\s+number)?|e-mail(-adresse)?|email|kontaktdaten|kontaktperson|kontakt)\b",
    _I,
)
_PROCEDURE = re.compile(
    r"\b(wie (läuft|laufen|lief|gehe|gehen|geht|kann|können|komme|kommt|funktioniert|startet|"
    r"starten|fange|fangen|wird .{0,40} (gemacht|organisiert|abgestimmt))|schritt|vorgehen|"
    r"ablauf|womit fangen|was (muss|müssen|soll|sollen) .{0,40} (tun|machen|vorbereiten)|"
    r"how (do|does|can|should|to)|what steps|in welcher reihenfolge|in (what|which) order)\b",
    _I,
)
_DEFINITION = re.compile(
    r"^\s*(was (ist|sind|bedeutet|bedeuten|heißt|meint|versteht man unter)|"
    r"what (is|are)(?! the names? of)|what does .{1,40} mean)\b",
    _I,
)
_LIST = re.compile(
    r"\b((welche[nrsm]?|which|what) "
    r"([a-zäöüß-]+ )?[a-zäöüß-]+(en|ern|nen|e|er|s)|was gehört|welche .{0,40} gibt es|"
    r"what are)\b",
    _I,
)
# A reason asked: "Warum …?", "Wieso …?", "Aus welchem Grund …?", "Why …?" at the start
_REASON = re.compile(
    r"^\W*(?:(?:und|aber|and|but)\s+)?(?:(?:weißt du|wisst ihr|wissen sie|"
    r"(?:kannst du|können sie|könnt ihr|könntest du|könnten sie) (?:mir |uns )?"
    r"(?:(?:bitte|mal|vielleicht|eigentlich|denn) )*(?:sagen|erklären)|ich frage mich|"
    r"(?:mich|uns) würde interessieren|do you know|(?:can|could|would) you tell me|i wonder)"
    r"(?: (?:bitte|mal|vielleicht|eigentlich|denn|please))*,?\s+)?"
    r"(warum|wieso|weshalb|weswegen|wozu|why|"
    r"aus welche[mn] gr(u|ü)nde?n?|"
    r"was (ist|sind|war|waren) (denn )?(der|die) gr(u|ü)nde?|woran liegt|"
    r"what (is|are|was|were) the reasons?|for what reasons?)\b",
    _I,
)
_YES_NO = re.compile(
    r"^\s*(gibt|gibt's|kann|können|darf|dürfen|muss|müssen|ist|sind|hat|haben|wird|werden|soll|"
    r"sollen|stimmt|stimmt's|macht|machen|gilt|gelten|bekommt|bekommen|kümmert|spielt|spielen|"
    r"zieht|ziehen|sitzt|nimmt|nehmen|wurde|wurden|war|waren|hilft|does|do|is|are|can|may|"
    r"must|will|has|have|did|should)\b",
    _I,
)
# A sentence of a question ends at "?" or "!", or at a full stop after a word of three letters
# or more — not after "14.", "z. B." or an abbreviation ("Prof. Dr.", "bspw.", "ggü.": those of
# the sentence splitter and a few more a question uses). The next word may be in lower case: a
# question typed so ("… muss aber nebenher arbeiten. gibts irgendwo …?") has had the capitals of
# the documents' words and of its first word restored (kb/text/casing.py), the rest not.
_QUESTION_ABBREVIATIONS = ABBREVIATIONS | frozenset(
    "incl resp ggfs zzt jan feb febr aug sept okt nov dez".split()
)
_SENTENCE_END = re.compile(r"(?<=[?!])\s+|(?<=[a-zäöüß]{3}\.)\s+(?=[^\W\d_])")


def _question_sentences(question: str) -> list[str]:
    out, start = [], 0
    for m in _SENTENCE_END.finditer(question):
        if question[m.start() - 1] == ".":
            before = question[max(start, m.start() - 30) : m.start() - 1].split()
            if before and before[-1].lstrip("([„\"'").lower() in _QUESTION_ABBREVIATIONS:
                continue
        out.append(question[start : m.start()])
        start = m.end()
    return [*out, question[start:]]


def typed_in_lower_case(text: str) -> bool:
    """Is the text typed without the capitals of German nouns ("wie erreiche ich frau müller
    vom KI?")? No word after the first starts with a capital, acronyms ("KI") aside."""
    words = re.findall(r"[^\W\d_]+", text)[1:]
    return not any(w[0].isupper() and not w.isupper() for w in words)


def focus(question: str) -> str:
    """The sentence that asks: the last one ending with '?', else the whole question."""
    asked = [s.strip() for s in _question_sentences(question) if s.strip().endswith("?")]
    return asked[-1] if asked else question.strip()


# A second question joined by "und"/"and": a question word, maybe after a preposition ("…, und
# in welchem Bereich …?", "…, und bis wann?", "…, and under which …?"), or after a comma a verb
# that opens a yes/no question ("…, und gilt sie auch für …?", "…, and can people …?").
_COMPOUND = re.compile(
    r"\b(?:und|and)\s+((?:(?:an|auf|aus|bei|bis|durch|für|gegen|in|im|mit|nach|seit|über|um|"
    r"unter|von|vor|zu|ab|for|from|in|on|to|under|with|by|since|until|at)\s+)?"
    r"(?:wer|wen|wem|wessen|was|wie|wo|wann|warum|weshalb|wieso|wozu|wofür|woran|wobei|womit|"
    r"worauf|wovon|wodurch|worüber|wohin|woher|welche[nrsm]?|who|whom|what|how|when|where|"
    r"which|why)\b)"
    r"|,\s*(?:und|and)\s+((?:ist|sind|gilt|gelten|hat|haben|kann|können|darf|dürfen|muss|"
    r"müssen|wird|werden|gibt|gab|war|waren|hatte|hatten|braucht|brauchen|bekommt|bekommen|"
    r"is|are|was|were|can|could|does|do|did|has|have|will|may|must)\s+"
    # ... with a subject of its own ("…, und gilt sie …"; not "…, und hat keinen Abschluss")
    r"(?=(?:der|die|das|den|dem|des|ein\w*|es|sie|er|man|ich|wir|ihr|dies\w*|jede\w*|alle|"
    r"there|it|they|the|a|an|i|we|you|this|these|those|people|he|she)\b))",
    _I,
)


# What an abbreviation stands for: "Wofür steht die Abkürzung „ies“?", "Wofür steht KAoA?",
# "What does ZAB stand for?", "Was bedeutet EQ …?", "What does 'SOEP' in its name stand for?"
# — a word of two capitals or more ("G.I.B.", "PerjuF-H"), or a quoted word after "Abkürzung" or
# "Wofür steht" ("Was bedeutet „Integration“?" asks what a word means, not an abbreviation).
# Each pattern captures the opening quote mark, if any, and the word; the last ones take a
# quoted word only when it has two capitals.
_OPEN = "„\"'»“‚‘"
_CLOSE = "“\"'«”‘’"
_WORD = rf"([{_OPEN}])?((?:\w\.){{2,}}\w?\.?|\w{{2,12}}(?:-\w{{1,3}})?)(?![\w-])"
_ABBREVIATION_ASKED = tuple(
    re.compile(p, _I)
    for p in (
        rf"\b(?:abkürzung|abbreviation|acronym|kürzel)\s+{_WORD}",
        rf"\bwofür\s+steht\s+(?:eigentlich\s+)?(?:das|die|der)?\s*{_WORD}",
    )
)
_CAPITALS_ASKED = tuple(
    re.compile(p, _I)
    for p in (
        rf"\bwhat\s+does\s+(?:the\s+)?{_WORD}[{_CLOSE}]?(?:\s+[^\s?,;]+){{0,5}}\s+stand\s+for\b",
        rf"\bwas\s+(?:bedeutet|heißt|meint)\s+(?:eigentlich\s+)?{_WORD}",
    )
)
# "What do these two abbreviations stand for?", "Wofür stehen die Abkürzungen KoKo und GIB?":
# the abbreviations the question names
_ASKED_MANY = re.compile(
    r"\b((these|those|the|diese[n]?|die|beide[n]?)\s+(\w+\s+)?(abbreviations|acronyms|"
    r"abkürzungen|kürzel)\b.{0,20}\b(stand|mean|bedeuten|stehen)|"
    r"(wofür\s+stehen|was\s+bedeuten|what\s+do)\s+(die|the)\s+(abkürzungen|kürzel|"
    r"abbreviations|acronyms)\b|"
    r"what\s+do\s+(they|these|those)\s+(\w+\s+)?(abbreviations\s+|acronyms\s+)?stand for)",
    _I,
)
_DOTTED = re.compile(r"(?:\w\.){2,}\w?\.?")  # "G.I.B."
_LISTED = re.compile(
    r"(?<![\w-])([\w.-]{2,12})(?:,| und| and| or| oder| sowie)\s+([\w.-]{2,12})(?![\w-])"
)
_QUOTED_WORD = re.compile(rf"[{_OPEN}]([\w.-]{{2,15}})[{_CLOSE}]")
_CAPITALS_WORD = re.compile(r"(?<![\w-])((?:\w\.){2,}\w?\.?|\w{2,12}(?:-\w{1,3})?)(?![\w-])")


def abbreviations_asked(question: str) -> tuple[str, ...]:
    """The abbreviations whose long forms the asking sentence asks for: a word of two capitals
    or more ("KAoA", "G.I.B.") after "Abkürzung", "Wofür steht", "What does … stand for",
    "Was bedeutet", or one in quotes after "Abkürzung" or "Wofür steht" ("„ies“"); for "What
    do these abbreviations stand for?", those the question names (the quoted ones when some
    are quoted)."""
    asked = focus(question)
    found: list[str] = []
    for pattern in _ABBREVIATION_ASKED:
        for m in pattern.finditer(asked):
            quote, word = m.groups()
            if quote or capitals(word) >= 2:
                found.append(word)
    for pattern in _CAPITALS_ASKED:
        found += [m.group(2) for m in pattern.finditer(asked) if capitals(m.group(2)) >= 2]
    if not found and _ASKED_MANY.search(asked):
        quoted = [w for w in _QUOTED_WORD.findall(question) if capitals(w) >= 2]
        named = [w for w in _CAPITALS_WORD.findall(question) if capitals(w) >= 2]
        # "programmes under SGB III such as BVB and BaE": the ones listed together
        listed = [
            w if _DOTTED.fullmatch(w) else w.rstrip(".")
            for pair in _LISTED.findall(question)
            for w in pair
            if capitals(w) >= 2
        ]
        found = quoted or listed or named
    return tuple(dict.fromkeys(found))


def capitals(word: str) -> int:
    """How many capitals a word has: two or more make an abbreviation ("KoKo", "G.I.B.")."""
    return sum(c.isupper() for c in word)


def second_part(question: str) -> str | None:
    """The second of two questions in one ("Wie viel Geld …, und aus wie vielen Bausteinen
    …?"), which may need its own quote; None for a simple question."""
    asked = parts(question)
    return asked[1] if asked else None


def parts(question: str) -> tuple[str, str] | None:
    """A question of two parts ("Wie viele … gibt es, und in wie vielen … sind sie …?") split
    in two: the asking sentence up to the second part's "und", and the second part (from its
    preposition, question word or verb); None for a simple question, and for a follow-up that
    opens with "und" ("Und wer leitet das?")."""
    asked = focus(question)
    m = _COMPOUND.search(asked)
    if m is None or not asked[: m.start()].strip(" ,"):
        return None
    second = m.start(1) if m.group(1) else m.start(2)
    return asked[: m.start()].rstrip(" ,"), asked[second:]


_ABOUT_FORM = re.compile(
    r"\bfrag(t|en)\b[^?]{0,80}\bab\b|\b(abgefragt|erfragt)\b|"
    r"\bwelche fragen (stellt|stellen|enthält|enthalten|hat|umfasst)\b|"
    r"\bwhat (does|do) [^?]{0,60}\bask\b|\bwhich questions\b|"
    # where something is entered in it ("In welche Spalte von Tabelle 1.1 kommen …?", "Was
    # kommt in Spalte 7?"), not where one signs up ("Wo trägt man sich … ein?")
    r"\bwelche[nmrs]? (spalte|zeile)\b|\b(spalte|zeile|column|row) \d|\bwhich column\b|"
    r"\bwo (trägt|trage|tragen|muss|müssen|soll|sollen|kann|können) (?!sich\b)(?:(?!\bsich\b)"
    r"[^?]){0,60}\b(ein|eintragen|einzutragen)\s*(\?|$)|\beinzutragen\b",
    _I,
)


# What a study, survey or evaluation found ("Welche Ergebnisse hat … gebracht?", "Was hat die
# Befragung gezeigt?", "What did the survey find?"); not what is hoped of it ("Welche
# Ergebnisse soll das Projekt bringen?", "Which outcomes does it aim for?").
_FINDINGS_ASKED = re.compile(
    r"\b(Ergebnis(se|sen)?|Erkenntnis(se|sen)?|Befund(e|en)?|\w*[Ee]mpfehlung(en)?|ergeben|ergab|"
    r"ergaben|herausgekommen|herausgefunden|gezeigt|zeigt|zeigte|zeigten|results?|findings?|outcomes?|"
    r"recommendations?)\b|"
    r"\bwhat\b[^?]{0,80}\b(find|found|show|showed|shown|reveal|revealed)\b|"
    r"\b(kam|kamen)\b[^?]{0,60}\bheraus\b",
    _I,
)
_HOPED = re.compile(
    r"\b(soll|sollen|sollte|sollten|Ziel\w*|erwartet\w*|erhofft\w*|aim\w*|expect\w*|"
    r"intend\w*|hope\w*|should)\b",
    _I,
)


_DAY_ASKED = re.compile(
    r"\b((welche[sm]?|genaue[ns]?|exakte[ns]?) datum|(on )?(what|which) (exact )?date|"
    r"wann (genau|exakt)|when exactly|"
    r"exact date|stichtag\w*|cut-off date)\b",
    _I,
)
# ... and "wann" asked of a month the question names already ("Wann waren die Workshops im
# April?"): what is asked is the day, the month it has (not a month followed by a day, nor one
# that dates another noun: "die im Mai beschlossene Richtlinie"; "seit wann" asks a start)
_MONTH_GIVEN = re.compile(
    rf"^(?!.*\bseit wann\b).*\b(wann|when)\b.*\b(im|in|Anfang|Mitte|Ende)\s+({MONTHS})\b"
    r"(?!\s*\d{1,2}\b)(?!\s+\w+(t|en)e[mnrs]?\s+[A-ZÄÖÜ])",
    _I,
)
_DEADLINE_ASKED = re.compile(
    r"\b(bis wann|bis zu welchem (tag|datum|termin|zeitpunkt|stichtag)|frist\w*|deadline|"
    # a "Stichtag" is a deadline, unless a start is asked ("Ab welchem Stichtag …?")
    r"(?<!ab welchem )(?<!seit welchem )stichtag\w*|"
    r"by when|until when|from when (to|till) when)\b",
    _I,
)


_PERIOD_ASKED = re.compile(r"\b(von wann bis wann|from when (until|till|to) when)\b", _I)
_CUT_OFF_ASKED = re.compile(r"\bstichtag\w*|\bcut-off\b", _I)
_DURATION_ASKED = re.compile(
    r"\b(wie lange?|für wie lange|welche dauer|wie ?viel zeit|(über|für|seit) wie viele[n]? "
    r"(jahren?|monaten?|wochen|tagen?|stunden)|(for )?how long|how much time|for how many (years|"
    r"months|weeks|days))\b",
    _I,
)
_FREQUENCY_ASKED = re.compile(rf"\b({_HOW_OFTEN})\b", _I)
# ... of what happened, which a count answers too ("Wie oft war die IHK vertreten?", "Wie oft
# haben sich die Gruppen getroffen?", "How often did they meet?": "in 20 Fällen", "dreimal")
_TALLY_ASKED = re.compile(
    r"\b(wie (oft|häufig)) (war|waren|wurde|wurden|hat|haben|hatte|hatten)\b"
    # ... or how often someone takes part ("Wie oft ist die IHK in den Kerngruppen dabei?"),
    # in the same clause
    r"|\bwie (oft|häufig) (ist|sind)\b[^?,;]{0,120}\b(dabei|vertreten|beteiligt)\b"
    r"|\bhow (often|frequently) (did|was|were|has|have|had)\b",
    _I,
)
_PLACE_ASKED = re.compile(
    # "irgendwo" not of a text ("Steht irgendwo, wie …?", "Ist irgendwo geregelt …?")
    r"\b((?<!steht\s)irgendwo(?!\s*,|\s+(geregelt|beschrieben|erklärt|steht|Informationen)\b)|"
    r"wo\s+(gibt|gäbe|kann|könnte|können|findet|finden|finde|bekommt|bekomme|ist|sind|"
    r"befindet|befinden|liegt|liegen|werden|wird)|"
    r"in\s+welche[rmn]?\s+(Stadt|Städten|Kommunen?|Gemeinden?|Kreis|Kreisen|Ort|Orten)|"
    r"an\s+welchem\s+Ort|"
    # one town asked by name ("Welche kreisfreie Stadt ist nicht dabei?", "Which city …?")
    # (not a compound, nor a noun it qualifies: "welche Stadt-Verwaltung", "which city council")
    r"welche[rs]?\s+([a-zäöüß-]+\s+)?(Stadt|Kommune|Gemeinde|Ort|Kreis)(?![\w-])|"
    r"(which|what)\s+([a-z-]+\s+)?(city|town|municipality|district|county)(?![\w'’-])"
    r"(?!\s+(council|office|hall|administration|authority|government|court|level)\b)|"
    r"where(\s+(can|could|is|are|do|does|should)|'s)|anywhere|in\s+which\s+(city|town|place))\b",
    re.I,
)
_LANGUAGES_ASKED = re.compile(
    r"\b(welche[nr]? (\w+ )?sprachen?|in welche[nr]? sprachen?|(which|what) (\w+ )?languages?)\b"
    r"(?!\s+(courses?|classes|skills?|requirements?|levels?|support|tests?)\b)",
    _I,
)
_CLOCK_ASKED = re.compile(
    r"\bum\s+wie\s*viel\s+uhr\b|\b(welche[rn]?|die)\s+uhrzeit\b|\bab\s+wie\s*viel\s+uhr\b"
    r"|\bwie\s+spät\b|\b(what|which)\s+time\b(?!\s+(of|period|frame)\b)|\bat\s+what\s+hour\b",
    _I,
)
_AGE_ASKED = re.compile(rf"\b({_HOW_OLD})\b", _I)


# ... but a finding named as the source of what is asked is not asked itself ("Wie groß darf
# die Kerngruppe nach der Empfehlung der Arbeitshilfe werden?", "according to the findings")
_SOURCE_NAMED = re.compile(
    r"(\b(?i:laut|gemäß|entsprechend)(\s+(?i:de[rnms]|ihre[rnms]?|seine[rnms]?|eine[rnms]?))?"
    # ... "nach" only with an article: it may belong to a verb ("Ich suche nach Empfehlungen")
    r"|\b(?i:nach)\s+(?i:de[rnms]|ihre[rnms]?|seine[rnms]?|eine[rnms]?)"
    r"|\b(?i:according to|as per)(\s+(?i:the|its|their|these|those))?)"
    # an adjective may stand between, not a question word ("Gemäß welcher Empfehlung …?")
    r"\s+((?!(?i:welche|which))[a-zäöüß][\w-]*\s+)?$"
)


def _asks_findings(asked: str, kind: AnswerType) -> bool:
    if kind == AnswerType.DATE or _HOPED.search(asked):
        return False
    return any(
        not _SOURCE_NAMED.search(asked[: m.start()]) for m in _FINDINGS_ASKED.finditer(asked)
    )


def classify(question: str) -> QuestionType:
    q = focus(question)
    kind = _classify(q)
    return replace(
        kind,
        about_form=bool(_ABOUT_FORM.search(question)),
        period=bool(_PERIOD_ASKED.search(question)),
        cut_off=bool(_CUT_OFF_ASKED.search(question)),
        findings=_asks_findings(q, kind.kind),
        deadline=bool(_DEADLINE_ASKED.search(q)),
        day=kind.kind == AnswerType.DATE
        and bool(_DAY_ASKED.search(q) or _MONTH_GIVEN.search(q))
        and not _DEADLINE_ASKED.search(q),
        duration=kind.kind in (AnswerType.NUMBER, AnswerType.DATE)
        and bool(_DURATION_ASKED.search(q)),
        frequency=(
            frequency := kind.kind == AnswerType.NUMBER and bool(_FREQUENCY_ASKED.search(q))
        ),
        tally=frequency and bool(_TALLY_ASKED.search(q)),
        age=kind.kind == AnswerType.NUMBER and bool(_AGE_ASKED.search(q)),
        clock=bool(_CLOCK_ASKED.search(q)),
        languages=kind.kind not in (AnswerType.DATE, AnswerType.NUMBER)
        and bool(_LANGUAGES_ASKED.search(q)),
        contact=(
            contact := tuple(given for asked, given in CONTACT_DETAILS if asked.search(q))
            or ((_ANY_CONTACT_GIVEN,) if _REACH_ASKED.search(q) else ())
        ),
        place=kind.kind not in (AnswerType.NUMBER, AnswerType.DATE, AnswerType.NAME)
        and not contact
        and not _LANGUAGES_ASKED.search(q)
        and bool(_PLACE_ASKED.search(question)),
        abbreviations=(asked := abbreviations_asked(question)),
        direct_abbreviations=_first_part_only(asked, question),
    )


def _first_part_only(asked: tuple[str, ...], question: str) -> tuple[str, ...]:
    """Of the abbreviations asked, those that a question of two parts does not ask in its
    second part."""
    part = second_part(question) if asked else None
    if part is None:
        return asked
    later = abbreviations_asked(part)
    return tuple(a for a in asked if a not in later)


def _asks_date(q: str) -> bool:
    return any(
        m.group(1).lower() != "when"
        or _WHEN_ASKED.search(q[: m.start()])
        or not _CLAUSE_WHEN.search(q[: m.start()])
        for m in _DATE.finditer(q)
    )


# Words that end the noun phrase after "how many": an auxiliary or a preposition
_ENDS_NOUN_PHRASE = frozenset(
    "do does did is are was were have has had will would can could should may might must of "
    "per in at for from on to with by".split()
)


def _counted_noun(q: str) -> str | None:
    """What a number question counts: the noun after "wie viele" (not a residents' adjective
    before it, unless that word in -er names no place), the noun of a sum or the word before a
    verb in a question typed in lower case, or the English noun after "how many"."""
    m = _COUNTED_DE_NOUN.search(q)
    if m is not None:
        resident = m.group("resident")
        if resident and not Gazetteer.load().mentions(resident):
            return resident
        return m.group("noun")
    m = _COUNTED_EN_MONEY.search(q) or _COUNTED_DE_LOWER.search(q)
    if m is not None:
        return m.group(1)
    english = _COUNTED_EN.search(q)
    return _english_counted(q, english) if english else None


def _english_counted(q: str, m: re.Match[str]) -> str:
    """The counted noun after "how many": a noun of ENGLISH_COUNTED among its first three
    words, after the adjectives and modifiers it may come with ("how many young refugees"),
    not past the verb or a preposition ("how many days do participants get"), else the first
    word."""
    words = takewhile(
        lambda w: w not in _ENDS_NOUN_PHRASE, re.findall(r"[a-z]+", q[m.start(1) :].lower())[:3]
    )
    return next((w for w in words if w in ENGLISH_COUNTED), m.group(1))


def _classify(q: str) -> QuestionType:
    """The kind of answer the asking sentence ``q`` (focus) wants."""
    if _REASON.search(q):
        return QuestionType(AnswerType.REASON)
    if _asks_date(q):
        return QuestionType(AnswerType.DATE)
    if _NUMBER.search(q):
        counted = _counted_noun(q)
        measured = [g for found in _MEASURED.finditer(q) for g in found.groups() if g]
        measured += _measured_after_clause(q)
        if typed_in_lower_case(q):  # no noun stands out
            measured += [g for found in _MEASURED_LOWER.finditer(q) for g in found.groups() if g]
        cost = bool(_COSTS.search(q))
        amount = (
            cost
            or any(_MONEY_NOUN.search(n) or _RATE_NOUN.search(n) for n in measured)
            or bool(counted and _MONEY_NOUN.search(counted))
            or any(_MONEY_NOUN.search(w) for w in _HOW_MUCH_OF.findall(q))
            or bool(_SUM_ASKED_EN_RE.search(q))
        )
        return QuestionType(AnswerType.NUMBER, counted, amount=amount, cost=cost)
    if _DEFINITION.search(q) and not _CONTACT.search(q):  # "What is the address …?" asks a name
        return QuestionType(AnswerType.DEFINITION)
    if _PROCEDURE.search(q):
        return QuestionType(AnswerType.PROCEDURE)
    person = bool(_PERSON_ASKED.search(q))
    if person or _NAME.search(q):
        return QuestionType(AnswerType.NAME, person=person)
    if _YES_NO.search(q):
        return QuestionType(AnswerType.YES_NO)
    if _LIST.search(q):
        return QuestionType(AnswerType.LIST)
    return QuestionType(AnswerType.OTHER)
