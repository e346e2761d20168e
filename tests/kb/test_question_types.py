"""What a question asks for, and whether a sentence holds it (kb/text/qtype.py)."""

from collections import Counter

import pytest

from kb.retrieval.analyzer import CompoundSplitter, GermanAnalyzer
from kb.text.holds import (
    counted_terms,
    gives_cause,
    people_named,
    relates_cause,
    spells_out,
    type_fit,
)
from kb.text.qtype import (
    AnswerType,
    QuestionType,
    abbreviations_asked,
    classify,
    focus,
    parts,
    second_part,
    typed_in_lower_case,
)


def analyze(text: str) -> list[str]:
    """A stand-in analyzer: lowercase words (the real one stems; the logic is the same)."""
    return [w.strip(".,;:?!").lower() for w in text.split() if w.strip(".,;:?!")]


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Wann fand der Starterworkshop statt?", AnswerType.DATE),
        ("Seit wann gibt es die Regelung?", AnswerType.DATE),
        ("Wie viele Familien nehmen teil?", AnswerType.NUMBER),
        ("Wie oft trifft sich die Gruppe?", AnswerType.NUMBER),
        ("How many people benefit?", AnswerType.NUMBER),
        ("Wer hat die Federführung?", AnswerType.NAME),
        ("Unter welcher Telefonnummer erreiche ich das Amt?", AnswerType.NAME),
        ("Welche Aufgaben hat die Kerngruppe?", AnswerType.LIST),
        ("Wie läuft das Fallmanagement ab?", AnswerType.PROCEDURE),
        ("Was ist eine ZAB?", AnswerType.DEFINITION),
        ("Gibt es dafür ein Angebot?", AnswerType.YES_NO),
        ("Ich bin geduldet. Gilt die Initiative auch für mich?", AnswerType.YES_NO),
        ("What is the postal address of the office?", AnswerType.NAME),
        ("Was ist die E-Mail-Adresse der Koordinierungsstelle?", AnswerType.NAME),
        ("In welcher Reihenfolge werden die Kurse belegt?", AnswerType.PROCEDURE),
        ("In what order are the modules taken?", AnswerType.PROCEDURE),
        ("Ab welcher Einwohnerzahl gibt es ein eigenes Amt?", AnswerType.NUMBER),
        ("At what age does the programme end?", AnswerType.NUMBER),
        # an age, a time of day, an organisation asked in English
        ("Ab welchem Alter kann man teilnehmen?", AnswerType.NUMBER),
        ("How old must participants be?", AnswerType.NUMBER),
        ("Zu welcher Uhrzeit ist die Beratung?", AnswerType.DATE),
        ("Um wie viel Uhr beginnt der Kurs?", AnswerType.DATE),
        ("At what time does the fair open?", AnswerType.DATE),
        ("Which organisation runs the project?", AnswerType.NAME),
        ("What time commitment is expected?", AnswerType.LIST),  # no time of day
        ("Wie häufig trifft sich die Gruppe?", AnswerType.NUMBER),
        ("What is the name of the process facilitator in the district?", AnswerType.NAME),
        ("What is KAoA?", AnswerType.DEFINITION),
        # "when" opening a clause after another question word asks no date
        ("When did the project start?", AnswerType.DATE),
        ("Who founded the alliance and when?", AnswerType.DATE),
        ("What did the city find when it began the project?", AnswerType.LIST),
        ("How many people came when it opened?", AnswerType.NUMBER),
        ("Is there a deadline when applying?", AnswerType.YES_NO),
        ("Can you tell me when the workshop takes place?", AnswerType.DATE),
        ("Do you know when the project started?", AnswerType.DATE),
        ("What was the date when the alliance was founded?", AnswerType.DATE),
        # a reason, whatever else the question names ("mehr Kommunen" is no count asked)
        ("Warum wurden mehr Kommunen begleitet als geplant?", AnswerType.REASON),
        ("Wieso gehen viele nicht arbeiten?", AnswerType.REASON),
        ("Aus welchen Gründen wurde die Unterkunft aufgegeben?", AnswerType.REASON),
        ("Why does the report prefer the term 'Sprachmittler'?", AnswerType.REASON),
        ("In how many towns is it so, and why?", AnswerType.NUMBER),  # why only second
        ("Und warum ist das so?", AnswerType.REASON),
        # asked politely, in a chat: the question still asks why
        ("Weißt du, warum die Stadt nicht mitmacht?", AnswerType.REASON),
        ("Kannst du mir sagen, wieso das so lange dauert?", AnswerType.REASON),
        ("Do you know why the city is not taking part?", AnswerType.REASON),
        ("Kannst du mir bitte sagen, warum das so ist?", AnswerType.REASON),
        ("Weißt du vielleicht, warum die Stadt nicht mitmacht?", AnswerType.REASON),
        ("Could you tell me why the city is not taking part?", AnswerType.REASON),
        ("Weißt du, wann das Treffen ist?", AnswerType.DATE),
    ],
)
def test_the_question_type_comes_from_the_wording(question: str, kind: AnswerType) -> None:
    assert classify(question).kind == kind


@pytest.mark.parametrize(
    ("question", "about_form"),
    [
        ("Was fragt die Arbeitshilfe zur Jugendhilfe ab?", True),
        ("Welche Angaben werden im Formular abgefragt?", True),
        ("What does the questionnaire ask about housing?", True),
        ("An wen kann ich mich mit Fragen wenden?", False),  # a contact, not a form
        ("Whom should I ask about language courses?", False),
        ("Welche Berufe sind auf dem Arbeitsmarkt gefragt?", False),  # in demand
        ("Was fragen die Fragebögen zur Sprachförderung ab?", True),
        ("Welche Fragen enthält die Arbeitshilfe zur Datenlage?", True),
        ("Wer hat den Fragebogen entwickelt?", False),  # who made it, not what it asks
        ("Wie viele Personen haben den Fragebogen ausgefüllt?", False),
        ("Wann ist die Beratungsstelle geöffnet?", False),
        # where something is entered in it
        ("In welche Spalte von Tabelle 1.1 kommen die Kontaktdaten?", True),
        ("Wo trägt man in der Arbeitshilfe die Gremien ein?", True),
        ("Was kommt in Spalte 7 von Tabelle 1.1?", True),
        ("Wo muss man die Gremien eintragen?", True),
        ("Wo trägt man sich für den Sprachkurs ein?", False),  # signing up
        ("Which field do most refugees train in?", False),  # a field of work
        ("Wo tragen die Kommunen ein Risiko?", False),
    ],
)
def test_a_question_about_what_a_form_asks_is_recognised(question: str, about_form: bool) -> None:
    assert classify(question).about_form is about_form


def test_a_preamble_does_not_decide_the_type() -> None:
    assert focus("Ich bin 25 Jahre alt. Wie viele Kurse gibt es?") == "Wie viele Kurse gibt es?"
    # an ordinal is not a sentence end
    assert focus("Wie viele Menschen kamen zum 14. Treffen?") == (
        "Wie viele Menschen kamen zum 14. Treffen?"
    )
    # nor is an abbreviation
    asked = "Unter welcher Nummer erreiche ich Prof. Dr. Reis bzw. Herrn Wende?"
    assert focus(asked) == asked
    # a question typed in lower case ends its preamble with a full stop all the same, also
    # when the capitals restored to it begin it with one
    typed = "hab hier einen Mann (22), muss nebenher arbeiten. gibts ein Modell wo beides geht?"
    assert focus(typed) == "gibts ein Modell wo beides geht?"
    restored = "Ich Begleite eine Familie, seit 10 Jahren geduldet. kriegen die Maßnahmen?"
    assert focus(restored) == "kriegen die Maßnahmen?"
    # ... while an abbreviation before a lower-case word ends nothing
    for asked in (
        "Wie viele Familien werden ggü. dem Vorjahr betreut?",
        "Welche Kosten sind einschl. der Miete förderfähig?",
        "Was geschah im Sept. letzten Jahres?",
    ):
        assert focus(asked) == asked
    # ... but an abbreviation ends no sentence, in lower case or not
    for asked in (
        "Wie viele sog. unbegleitete Minderjährige leben in Hamm?",
        "Gibt es bspw. einen Kurs am Abend?",
        "wie viele sog. unbegleitete leben in hamm?",
    ):
        assert focus(asked) == asked


def test_a_counted_noun_typed_in_lower_case_is_the_word_before_the_verb() -> None:
    assert classify("wie viele aussteller waren bei der börse?").counted == "aussteller"
    assert classify("wie viele junge leute kamen zum treffen?").counted == "leute"
    assert classify("wieviele teilnehmer hatte der kurs?").counted == "teilnehmer"
    assert classify("Wie viele junge Leute kamen?").counted == "Leute"
    # an adverb is no counted noun
    assert classify("wie viele davon waren frauen?").counted is None
    assert classify("wie viele insgesamt waren es?").counted is None


def test_a_number_question_knows_what_it_counts() -> None:
    assert classify("Wie viele lokale Bündnisse gab es?").counted == "Bündnisse"
    # the words of a time are when, not what is counted
    arbeitshilfen = "Wie viele der bis August 2019 eingegangenen Arbeitshilfen sind auswertbar?"
    for question, counted in (
        (arbeitshilfen, "Arbeitshilfen"),
        ("Wie viele der bis Ende Aug. 2019 eingegangenen Arbeitshilfen?", "Arbeitshilfen"),
        ("Wie viele der im Mai gestellten Anträge wurden bewilligt?", "Anträge"),
        ("Wie viele Anträge kamen von Januar bis März 2019?", "Anträge"),
        ("Wie viele von den bis Juni 2019 gemeldeten Fällen?", None),
        ("Wie viele kamen denn zu dem Werkstattgespräch?", None),  # past three words: none
        # an age range is one word before the noun, not the end of the search
        ("Wie viele der 18- bis 27-jährigen Geflüchteten haben eine Duldung?", "Geflüchteten"),
        ("Wie viele über 25-jährige Teilnehmende gab es?", "Teilnehmende"),
        ("Wie viele der 18-27-jährigen Geflüchteten leben in NRW?", "Geflüchteten"),
        ("Wie viele der 18-27jährigen Geflüchteten haben eine Duldung?", "Geflüchteten"),
        ("Wie viele 2-mal im Jahr tagende Gremien gibt es?", None),  # no age: past three words
    ):
        assert classify(question).counted == counted, question
    assert classify("Wie viele junge volljährige Geflüchtete leben hier?").counted == "Geflüchtete"
    assert classify("How many people benefit?").counted == "people"
    assert classify("How much does the course cost?").counted is None  # not "does"
    # a compound with a name in it is counted whole, apostrophe and all
    named = classify("Wie viele Gemeinsam-klappt's-Bündnisse gibt es?")
    assert named.counted == "Gemeinsam-klappt's-Bündnisse"
    terms = GermanAnalyzer().terms
    assert type_fit("Es gab 58 Bündnisse.", named, counted_terms(named, terms), terms) == 1.0


def test_a_residents_adjective_is_not_what_is_counted() -> None:
    # "Essener", "Münsteraner": the place's adjective before the noun; the noun is counted
    for question, counted in (
        ("Wie viele Essener Abgänger wurden einbezogen?", "Abgänger"),
        ("Wie viele der Münsteraner Projektfamilien bleiben?", "Projektfamilien"),
        ("Wie viele Kölner Schulen machen mit?", "Schulen"),
        # a word in -er that names no place is the noun itself
        ("Wie viele Kinder Deutschkurse besuchen?", "Kinder"),
        ("Wie viele Teilnehmer Ende 2019 gab es?", "Teilnehmer"),
        ("Wie viele Mitglieder Gremien leiten?", "Mitglieder"),
    ):
        assert classify(question).counted == counted, question
    vocab = Counter({"schul": 50, "abgänger": 20, "verfahren": 10})
    terms = GermanAnalyzer(CompoundSplitter(vocab), vocab).terms
    q = classify("Wie viele Essener Abgänger wurden einbezogen?")
    said = "Das Verfahren wurde für 128 Schulabgängerinnen und Schulabgänger erprobt."
    assert type_fit(said, q, counted_terms(q, terms), terms) == 1.0


def test_a_sum_asked_by_a_compound_is_met_by_an_amount() -> None:
    terms = GermanAnalyzer().terms
    for question in ("Wie viel Landesgeld gibt es insgesamt?", "Wie viele Fördermittel gibt es?"):
        q = classify(question)
        said = "Dafür stehen 50 Millionen Euro zur Verfügung."
        assert type_fit(said, q, counted_terms(q, terms), terms) == 1.0, question
        assert type_fit("Es gibt 50 Projekte.", q, counted_terms(q, terms), terms) < 1.0
    # food or teaching aids are no money
    q = classify("Wie viele Lebensmittel gibt es?")
    said = "Dafür stehen 5.000 Euro bereit."
    assert type_fit(said, q, counted_terms(q, terms), terms) < 1.0


def test_a_programmes_sites_count_its_towns() -> None:
    terms = GermanAnalyzer().terms
    q = classify("In wie vielen Kommunen begleitet das Institut die Umsetzung?")
    said = "Das Institut hat die Begleitung an vier Standorten übernommen."
    assert type_fit(said, q, counted_terms(q, terms), terms) == 1.0
    # sites are counted as sites, not as people
    q = classify("Wie viele Menschen wurden begleitet?")
    assert type_fit(said, q, counted_terms(q, terms), terms) < 1.0


@pytest.mark.parametrize(
    ("question", "amount"),
    [
        ("Wie hoch ist die Abbruchquote junger Geflüchteter?", True),
        ("Wie hoch ist der Eigenanteil, den eine Kommune zahlen muss?", True),
        ("Welcher Anteil der jungen Erwachsenen bezieht SGB II?", True),
        ("Wie viel Geld bekommt der Kreis?", True),
        ("Wie viel Kohle steckt in dem Fonds?", True),  # money in everyday words
        ("Wie viel Knete gibt's dafür?", True),
        ("Wie viel von den 50 Millionen Euro ist für Baustein VI vorgesehen?", True),
        ("Wie viel kostet der Kurs?", True),
        ("What share of the towns take part?", True),
        ("How much does the course cost?", True),
        ("Wie hoch ist die Förderung pro Stelle?", True),
        ("Was kostet die Teilnahme am Vorkurs?", True),
        ("Wie teuer ist der Sprachkurs?", True),
        ("How expensive is the course?", True),
        # a sum asked in English by its noun
        ("What was the total budget of the project in euros?", True),
        ("What does the evaluation cost the state?", True),
        ("What are the costs of taking part?", True),
        ("Weißt du, was es kosten würde, die Unterkünfte mit Internet zu versorgen?", True),
        ("Was würde ein Sprachkurs kosten?", True),
        ("Was hat die Teilnahme an den Workshops in Duisburg für die Kommunen gekostet?", True),
        ("Was hat die Kommune dazu bewogen?", False),
        ("Was für Kosten werden erstattet?", False),  # kinds of costs, not a sum
        ("Wie viel Sprachförderung erhalten die Kinder?", False),
        ("Wie viele Menschen profitieren von den 50 Millionen Euro?", False),
        ("How many people benefit from the funding programme?", False),
        ("Wie hoch ist die Zahl der Teilnehmenden?", False),
        ("Wie viele Referate gibt es im Amt?", False),  # "-rate" ends the word, not a rate
        ("Welche Kommunen erhalten wie viel Geld?", True),
        ("wie hoch ist die abbruchquote bei uns?", True),  # typed in lower case
        # ... and its capitals restored but to a word the documents do not use
        ("Wie viel geld können wir pro Projekt aus dem Fonds bekommen?", True),
        ("welcher anteil bekommt sgb ii?", True),
        ("wie hoch ist die zahl der teilnehmer?", False),
        ("Wie viele von den Kommunen machen mit?", False),
        # the rate asked after a clause ("in der Kommune, die …") is asked all the same
        ("Wie hoch ist in der Kommune, die befragt wurde, der Anteil der Analphabeten?", True),
        ("Wie hoch ist in Edorf, wo es viele Kurse gibt, die Zahl der Teilnehmer?", False),
        ("Wie hoch ist die Zahl der Teilnehmer, die das Budget überschreiten?", False),
    ],
)
def test_a_number_question_knows_when_it_asks_for_money_or_a_rate(
    question: str, amount: bool
) -> None:
    assert classify(question).amount is amount


@pytest.mark.parametrize(
    ("question", "said", "fit"),
    [
        ("Wie viele Menschen nahmen teil?", "Es kamen über 120 Menschen.", 1.0),
        ("Wie viele Menschen nahmen teil?", "Vertreten waren 38 Zentren.", 0.6),
        ("Wie viele Menschen nahmen teil?", "Es war ein schöner Tag.", 0.0),
        # English experts are counted as German experts or people
        ("How many experts took part in the workshop?", "Es kamen über 120 Menschen.", 1.0),
        ("How many experts took part in the workshop?", "Dabei waren 30 Fachleute.", 1.0),
        ("How many experts took part in the workshop?", "Vertreten waren 38 Zentren.", 0.6),
        # staff is counted in posts or people
        ("Mit wie viel Personal rechnet die Stadt?", "Es gibt 0,5 Stellen pro 50 Plätze.", 1.0),
        ("Mit wie viel Personal rechnet die Stadt?", "Dort arbeiten 12 Personen.", 1.0),
        ("Mit wie viel Personal rechnet die Stadt?", "Die Stadt hat 50 Plätze.", 0.6),
    ],
)
def test_the_number_that_counts_the_asked_noun_fits_best(
    question: str, said: str, fit: float
) -> None:
    q = classify(question)
    assert type_fit(said, q, counted_terms(q, analyze), analyze) == fit


@pytest.mark.parametrize(
    "text",
    [
        "Die Ergebnisse werden zu Beginn des Jahres 2019 vorliegen.",
        "Die Interviews folgen im dritten Quartal 2018.",
        "Der Bericht erscheint zum Jahresende 2019.",
        "Das Angebot startet im Schuljahr 2018/19.",
        "Im Laufe des Jahres 2020 wird entschieden.",
        "Manche leben schon seit den 1990er Jahren in der Stadt.",
        "In den 90er-Jahren kamen viele Familien.",
    ],
)
def test_a_part_of_a_year_dates_an_answer(text: str) -> None:
    q = classify("Wann liegen die Ergebnisse vor?")
    assert type_fit(text, q, set(), analyze) == 1.0
    assert type_fit("Es gab 2019 viele Ergebnisse.", q, set(), analyze) < 1.0  # a year alone


def test_a_compound_is_counted_by_its_head_not_its_first_part() -> None:
    terms = GermanAnalyzer().terms  # the real one: it splits compounds
    q = classify("Wie viele Bündnis-Kerngruppen gibt es?")
    counted = counted_terms(q, terms)
    assert type_fit("Es gibt 45 Kerngruppen.", q, counted, terms) == 1.0
    assert type_fit("Es gibt 58 Bündnisse.", q, counted, terms) == 0.6


def test_no_cost_at_all_answers_what_something_costs() -> None:
    rate = classify("Wie hoch ist die Abbruchquote?")
    assert type_fit("Die Teilnahme ist kostenlos.", rate, set(), analyze) < 1.0  # no rate
    q = classify("Was kostet die Teilnahme am Vorkurs?")
    assert q.kind == AnswerType.NUMBER and q.amount and q.cost
    assert type_fit("Die Teilnahme ist kostenlos.", q, set(), analyze) == 1.0
    assert type_fit("Es entstehen keine Kosten für die Teilnehmenden.", q, set(), analyze) == 1.0
    assert type_fit("Die Vorkurse stehen allen offen.", q, set(), analyze) == 0.0


@pytest.mark.parametrize(
    "question",
    [
        "Wie lange dauert der Kurs?",
        "Wie viel Zeit haben die Kommunen für den Antrag?",
        "Seit wie vielen Jahren leben die Familien in Münster?",
        "For how many years is the project funded?",
    ],
)
def test_a_length_of_time_is_asked_in_many_words(question: str) -> None:
    assert classify(question).duration


def _assert_fits(
    q: QuestionType, answering: tuple[str, ...], not_answering: tuple[str, ...]
) -> None:
    """Each text of ``answering`` holds what ``q`` asks (type_fit 1.0), none of the others."""
    for text in answering:
        assert type_fit(text, q, set(), analyze) == 1.0, text
    for text in not_answering:
        assert type_fit(text, q, set(), analyze) == 0.0, text


def test_how_often_asks_for_a_frequency() -> None:
    q = classify("Wie oft trifft sich die Lenkungsgruppe?")
    assert q.kind == AnswerType.NUMBER and q.frequency
    assert classify("How often does the group meet?").frequency
    assert not classify("Wie viele Sitzungen gab es?").frequency
    # how often something was done: a frequency or a count of the times answers, no date nor
    # another number
    for tally in (
        "Wie oft war die IHK vertreten?",
        "How often did the groups meet in 2019?",
        # how often someone takes part
        "Wie oft ist die IHK in den Kerngruppen der Kommunen dabei?",
        # ... however far the verb stands from it
        "Wie häufig ist die Industrie- und Handelskammer laut Auswertung der Arbeitshilfen in "
        "den Bündnis-Kerngruppen vertreten?",
    ):
        counted = classify(tally)
        assert counted.kind == AnswerType.NUMBER and counted.tally and counted.own_kind
        assert type_fit("Die IHK war in 20 Fällen vertreten.", counted, set(), analyze) == 1.0
        assert type_fit("Sie haben ein- bis dreimal getagt.", counted, set(), analyze) == 1.0
        assert type_fit("Sie traf sich am 12.05.2019.", counted, set(), analyze) == 0.0
        assert type_fit("In ihr sind 12 Ämter vertreten.", counted, set(), analyze) == 0.0
    assert not q.tally and type_fit("Die IHK war in 20 Fällen vertreten.", q, set(), analyze) == 0
    _assert_fits(
        q,
        answering=(
            "Sie trifft sich zweimal pro Jahr.",
            "Die Gruppen haben ein- bis dreimal getagt.",
            "Die Gruppe tagt monatlich.",
            "Sie kommt alle sechs Wochen zusammen.",
            "The group meets twice a year.",
            "Die Gruppe tagt jeden Monat.",
            "Sie kommt alle fünf Wochen zusammen.",
            "Die Runde ist 14-tägig.",
            "It meets once a month.",
        ),
        not_answering=(
            "Sie traf sich am 27.06.2019.",
            "Es gibt 45 Gruppen.",
            "Das ist ganz normal.",
            "Die Gruppe hat sich erst einmal getroffen.",  # "einmal" as a filler
            "Die Zahlung ist einmalig.",
            "Der Kurs ist ganztägig.",  # a length, not a frequency
            "In times of crisis.",
            "Once the funding ends, it stops.",
        ),
    )


def test_how_old_asks_for_an_age() -> None:
    q = classify("Bis zu welchem Alter kann man teilnehmen?")
    assert q.kind == AnswerType.NUMBER and q.age
    assert classify("Up to what age can people take part?").age
    assert classify("Wie alt muss man sein?").age
    assert not classify("Wie viele Menschen nehmen teil?").age
    _assert_fits(
        q,
        answering=(
            "Teilnehmen können junge Menschen, die 18, aber noch nicht 27 Jahre alt sind.",
            "Das Angebot richtet sich an 18- bis 27-Jährige.",
            "Gefördert werden Geflüchtete zwischen 18 und 27 Jahren.",
            "Schulpflichtig sind Kinder bis zum 18. Lebensjahr.",
            "Es gilt für junge Erwachsene unter 25 Jahren.",
            "It is open to people aged 18 to 27.",
        ),
        not_answering=(
            "Am Projekt nehmen 120 Menschen teil.",
            "Die Ausbildung dauert bis zu 3 Jahren.",  # a length of time, not an age
            "Es gibt fünf Partner.",
            "Die 3-jährige Ausbildung beginnt im Herbst.",
            "Das Bündnis feiert sein 10-jähriges Bestehen.",
            "Sie leben seit über 20 Jahren in der Stadt.",
            "Verlangt werden mindestens 10 Jahre Berufserfahrung.",
            "Over 50 municipalities take part.",
        ),
    )


def test_which_languages_asks_for_languages() -> None:
    q = classify("Welche Sprachen sollen die Sprachmittler abdecken?")
    assert q.languages
    assert classify("In welcher Sprache gibt es die Beratung?").languages
    assert classify("Which languages does the pool cover?").languages
    assert not classify("Welche Sprachkurse gibt es?").languages
    assert not classify("Which language courses are offered?").languages
    assert not classify("Seit wann gibt es Kurse in welchen Sprachen?").languages  # a date
    _assert_fits(
        q,
        answering=(
            "Der Pool deckt Arabisch, Farsi und Tigrinya ab.",
            "Die Beratung ist auch in der Muttersprache möglich.",
            "Interpreters for Arabic and Kurdish are available.",
            "Beraten wird in arabischer und türkischer Sprache.",
            "Das Team spricht zusammen 12 Sprachen.",
        ),
        not_answering=(
            "Der Pool ergänzt die Dienste des Amtes für Schule, des Jugendamtes und des KI.",
            "Der Deutschkurs findet in Deutschland statt.",
            "Zuständig sind die deutschen Behörden.",
        ),
    )


def test_an_age_or_a_length_before_the_noun_counts_nothing() -> None:
    q = classify("Wie viele Menschen leben in der Stadt?")
    counted = counted_terms(q, analyze)
    assert type_fit("Dort leben 335 Menschen.", q, counted, analyze) == 1.0
    for text in (
        "Gemeint sind die 18- bis 27-jährigen Menschen.",
        "Gemeint sind die 18 bis 27-jährigen Menschen.",
        "Es gibt 14-tägige Kurse für Menschen ohne Abschluss.",
        # an age range written with a hyphen and a space, or two hyphens
        "Die Analyse erfolgt für alle 18-27 jährigen Menschen im Kreis.",
        "Die Analyse erfolgt für alle 18-27-jährigen Menschen im Kreis.",
        "Gemeint sind die 27 jährigen Menschen.",
        "Gemeint sind die 18–27jährigen Menschen.",
    ):
        assert type_fit(text, q, counted, analyze) < 1.0, text


def test_participants_and_experts_are_counted_as_people() -> None:
    # the analyzer of a corpus that splits "Fachleute" and "Fachbereiche" into their parts
    vocab = Counter({"fach": 50, "leute": 40, "teil": 60, "bereiche": 30, "nehmende": 5})
    terms = GermanAnalyzer(CompoundSplitter(vocab), vocab).terms
    said = "Den Austausch suchte ein Expertenkreis von über 120 Menschen."
    for question in (
        "Wie viele Fachleute haben teilgenommen?",
        "Wie viele Teilnehmende kamen zum Workshop?",
        "How many participants were there?",
    ):
        q = classify(question)
        assert type_fit(said, q, counted_terms(q, terms), terms) == 1.0, question
    # only the whole words count alike, not their parts ("Fach-", "Teil-")
    q = classify("Wie viele Fachleute haben teilgenommen?")
    counted = counted_terms(q, terms)
    assert type_fit("Es gibt 12 Fachbereiche und 3 Teile.", q, counted, terms) < 1.0
    # people are not all experts: 45 experts do not say how many people live there
    q = classify("Wie viele Menschen leben im Kreis?")
    assert type_fit("Es kamen 45 Experten.", q, counted_terms(q, terms), terms) < 1.0


def test_money_in_everyday_words_is_counted_in_currency() -> None:
    q = classify("Wie viel Kohle steckt in dem Fonds?")
    counted = counted_terms(q, analyze)
    assert type_fit("Dazu stehen 5 Millionen Euro zur Verfügung.", q, counted, analyze) == 1.0


def test_money_is_counted_in_currency() -> None:
    q = classify("Wie viel Geld steht bereit?")
    counted = counted_terms(q, analyze)
    assert type_fit("Es stehen 5 Millionen Euro zur Verfügung.", q, counted, analyze) == 1.0


@pytest.mark.parametrize(
    ("question", "person"),
    [
        ("Wer leitet das Referat Zuwanderung und Integration?", True),
        ("Wie heißt die Sozialdezernentin der Stadt?", True),
        ("Wer ist beim ies Ansprechpartner für das Projekt?", True),
        ("Wer is'n beim ies der Ansprechpartner für das Projekt?", True),
        ("Wen kann ich beim ies wegen dem Projekt ansprechen?", True),
        ("Wen sollte man im Amt zuerst ansprechen?", True),
        ("Wen kann man mit dem Angebot ansprechen?", False),  # whom it is for
        ("Wen kann man als Zielgruppe ansprechen?", False),
        ("Who is the head of the LaKI?", True),
        ("Wie lautet der Name des Leiters?", True),
        ("Who leads the LaKI?", True),
        ("Wer ist Direktorin des Instituts?", True),
        ("Wer ist der Vorsitzende des Integrationsrats?", True),
        ("Wer ist für die Beratung zuständig?", False),
        ("Wer hat die Federführung?", False),
        ("In welche Spalte kommen die Kontaktdaten der Ansprechpartner?", False),
        ("Wie heißt die Person, die die Geschäftsführung innehat?", True),
        ("What is the name of the person who runs the office?", True),
        ("Wie heißt die Personalabteilung?", False),
    ],
)
def test_a_person_asked_for_by_role_is_recognised(question: str, person: bool) -> None:
    assert classify(question).person is person


def test_a_person_asked_for_needs_a_persons_name() -> None:
    q = classify("Wer leitet das Referat?")
    for text in (
        "Kontakt: Dr. Andreas Borchers",
        "Agnes Hugo, Leiterin der Koordinierungsstelle, berichtete.",
        "Es berichtete Leiterin Agnes Hugo.",
        "Ansprechpartnerin: Ayşe Yılmaz",  # accented capitals
        "Leitung: Agnes Hugo",
    ):
        assert type_fit(text, q, set(), analyze) == 1.0, text
    assert type_fit("Das Referat Zuwanderung und Integration", q, set(), analyze) < 1.0
    assert type_fit("unter Leitung der Sozialdezernentin", q, set(), analyze) < 1.0
    # German capitalises nouns too: an office after a role is no person
    assert type_fit("Leiter Referat Zuwanderung und Integration", q, set(), analyze) < 1.0
    assert type_fit("Kontakt: Kommunales Integrationszentrum", q, set(), analyze) < 1.0


def test_a_cut_off_date_asks_for_a_day_not_a_deadline() -> None:
    q = classify("Ab welchem Stichtag gilt das Arbeitsverbot?")
    assert q.kind == AnswerType.DATE and q.day and not q.deadline
    # ... while a "Stichtag" to meet is a deadline
    assert classify("Bis zu welchem Stichtag muss man sich anmelden?").deadline
    assert classify("Wann ist Stichtag für die Anmeldung?").deadline
    said = "Es gilt für Anträge, die nach dem 31.08.2015 gestellt wurden."
    assert type_fit(said, q, set(), analyze) == 1.0


def test_a_name_after_a_compound_title_answers_who_holds_something() -> None:
    """ "Wer hat die Federführung …?" is answered by "Kreisdirektor Dirk Brügge": a title
    written as a compound ("Kreisdirektor", "Projektleiterin") before a name names a person."""
    q = classify("Wer hat im Kreis die Federführung für die Initiative?")
    assert q.kind == AnswerType.NAME and not q.person
    for text in (
        "Die Federführung hat Kreisdirektor Dirk Brügge, mit der Geschäftsführung …",
        "Es sprach Projektleiterin Anna Muster.",
        "Landrat Hans Beispiel eröffnete die Sitzung.",
        "Darauf verwies Matthias Muster-Beispiel, Projektleiter am Integration Point.",
    ):
        assert type_fit(text, q, set(), analyze) == 1.0, text
    assert type_fit("Die Federführung hat der Kreisdirektor.", q, set(), analyze) == 0.0
    for office in (
        "Der Kreisdirektor Kommunales Integrationszentrum",
        "der Teamleiter Jobcenter Ledorf",
        "Abteilungsleiter Soziale Dienste",
        "Fachbereichsleiter Jugend Schule Sport",
        "Der Sprachführer Deutsch Arabisch",
    ):
        assert type_fit(office, q, set(), analyze) == 0.0, office


def test_one_person_is_counted_once_however_many_ways_they_are_named() -> None:
    assert people_named("Frau Dr. Anna Muster, Leiterin des KI, begrüßte die Gäste.") == 1
    assert people_named("Darauf verwies Herr Max Muster, Projektleiter am Integration Point.") == 1
    assert people_named("Dr. Max Muster und Frau Anna Beispiel sprachen.") == 2


def test_a_contact_detail_asked_for_is_what_fits() -> None:
    postal = classify("What is the postal address of the institute?")
    address = "Universität Duisburg-Essen, Gebäude LE, 47048 Duisburg"
    phone_mail = "Fon: +49-203-379-1839 E-Mail: team@uni-due.de"
    assert type_fit(address, postal, set(), analyze) == 1.0
    assert type_fit(phone_mail, postal, set(), analyze) < 1.0  # not the postal address
    mail = classify("Wie lautet die E-Mail-Adresse des Instituts?")
    assert type_fit(phone_mail, mail, set(), analyze) == 1.0
    assert type_fit(address, mail, set(), analyze) < 1.0
    # no contact detail asked: any name fits as before
    assert not classify("Wer berät die Kommunen?").contact
    # "unter welcher Nummer" asks for a telephone number
    number = classify("Wen kann ich dort ansprechen, und unter welcher Nummer?")
    assert type_fit("Oliver Schweer, Tel.: 02041 767252", number, set(), analyze) == 1.0
    assert type_fit("Oliver Schweer leitet das Projekt.", number, set(), analyze) < 1.0
    # a number that is no telephone's
    assert not classify("Welche Nummer hat die Drucksache zum Programm?").contact
    assert not classify("Unter welcher Nummer ist der Verein eingetragen?").contact


def test_a_date_question_wants_a_date() -> None:
    assert classify("Wann genau war der Workshop?").day
    for asked in (
        "In welchem genauen Jahr begann es?",
        "An welchem genauen Tag war das?",
        "Zu welchem genauen Zeitpunkt begann es?",
        "Welcher genaue Stichtag gilt?",
    ):
        assert classify(asked).kind == AnswerType.DATE, asked
    q = classify("Wann war das Treffen?")
    assert type_fit("Am 13.03.2019 traf man sich.", q, set(), analyze) == 1.0
    assert type_fit("Im Sommer 2019 gab es 58 Bündnisse.", q, set(), analyze) == 1.0
    for year in ("Das Projekt gibt es seit dem Jahr 2019.", "Die Studie ist aus dem Jahr 2015."):
        assert type_fit(year, q, set(), analyze) == 1.0, year
    assert type_fit("Man traf sich oft.", q, set(), analyze) == 0.0


def test_a_date_to_the_day_is_not_answered_by_a_month_or_a_season() -> None:
    for question in (
        "An welchem Datum wurde die Richtlinie veröffentlicht?",
        "An welchem genauen Datum wurde die Richtlinie (Baustein VI) erlassen?",
        "Welches Datum trägt die Verordnung?",
        "On what date was the guideline published?",
    ):
        q = classify(question)
        assert q.kind == AnswerType.DATE and q.day, question
        for dated in ("Sie erschien am 04.04.2017.", "Am 11. Juli 2019 war es so weit.",
                      "It was published on July 11, 2019.", "Stand: 2019-07-11",
                      "Sie erschien am 11. Okt. 2019.", "Datum: 11/07/2019"):  # fmt: skip
            assert type_fit(dated, q, set(), analyze) == 1.0, (question, dated)
        for near in ("Sie erschien im Sommer 2019.", "Sie erschien im Juli 2019."):
            assert type_fit(near, q, set(), analyze) < 1.0, (question, near)
    assert not classify("Wann wurde die Richtlinie veröffentlicht?").day
    # "wann" of a month the question names asks the day: the month it has already
    for question in (
        "wann und wo waren die entwicklungs-workshops im april nochmal",
        "Wann fand im September 2018 die Auftaktveranstaltung statt?",
        "Wann beginnt Anfang Juli der Kurs?",
    ):
        q = classify(question)
        assert q.kind == AnswerType.DATE and q.day, question
        assert type_fit("- April: zwei Workshops im Juli", q, set(), analyze) < 1.0
        assert type_fit("am 03.04.2019 in Duisburg", q, set(), analyze) == 1.0
    assert not classify("Wann im Jahr 2019 wurde das beschlossen?").day  # a year is no month
    # a month that dates another noun, a year asked, a start asked: no day asked
    assert not classify("Wann wurde die im Mai beschlossene Richtlinie veröffentlicht?").day
    assert not classify("In welchem Jahr fand im Mai die Jobmesse statt?").day
    assert not classify("Seit wann gibt es im Mai die Messe?").day
    assert not classify("Bis wann im Juni muss der Antrag gestellt sein?").day  # a deadline
    # a weekday answers "An welchem Tag …?"; a deadline question keeps its own check
    assert not classify("An welchem Tag trifft sich die Kerngruppe?").day
    assert not classify("Bis zu welchem Datum muss der Antrag eingereicht werden?").day
    assert (
        type_fit("Sie erschien im Sommer 2019.", classify("Wann erschien sie?"), set(), analyze)
        == 1.0
    )


def test_a_why_question_wants_a_reason_or_a_purpose() -> None:
    _assert_fits(
        classify("Warum bevorzugt der Bericht den Begriff Sprachmittler?"),
        (
            "Um einer Überbetonung des Faktors „Kultur“ entgegenzuwirken, wird er bevorzugt.",
            "Die Schulen fehlen, da das Schulamt es aus Kapazitätsgründen ablehnt.",
            "Das liegt daran, dass die Duldung befristet ist.",
            "This is because the permit is temporary.",
            "Da die Frist kurz war, wurde der Termin verschoben.",
        ),
        (
            "Der Begriff wird seit 2018 verwendet.",
            "Die Sitzung beginnt um 10 Uhr, die Kurse dauern bis zu 5 Tage.",
            "Im Vordergrund steht die Arbeit mit den Familien.",
        ),
    )


def test_a_list_question_wants_the_sentence_that_introduces_the_list() -> None:
    q = classify("Welche Aufgaben hat die Gruppe?")
    page = "Die Aufgaben sind:\n- Planung\n- Beratung"
    end = page.index(":") + 1
    assert type_fit(page[:end], q, set(), analyze, page, end) == 1.0
    # one item before the page ends: the list goes on elsewhere, a whole list is better
    cut = "Die Aufgaben sind:\n- Planung"
    assert type_fit(cut[:end], q, set(), analyze, cut, end) == 0.6


@pytest.mark.parametrize(
    ("question", "part"),
    [
        ("Wie viel Geld gibt das Land, und aus wie vielen Bausteinen besteht sie?", "aus wie"),
        ("Wer macht die Prozessbegleitung und wer die wissenschaftliche Begleitung?", "wer die"),
        ("What is KAoA, and what do pupils go through?", "what do"),
        ("Wie viele Familien und Kinder nehmen teil?", None),
        ("Welche Aufgaben hat die Kerngruppe?", None),
        # a question word after a preposition, or a yes/no question after a comma
        ("Wie viele KI gibt es, und in wie vielen Bündnissen sind sie GfS?", "in wie vielen"),
        ("In wie vielen Kommunen gab es Gespräche, und bis wann?", "bis wann"),
        ("Was bringt die Duldung, und gilt sie auch für Helfer?", "gilt sie"),
        ("Which bodies work together in MAMBA, and can people with a Duldung use it?", "can"),
        ("Sind Zeugnisse und Praktika wichtig?", None),
        ("Wer hat Hut und Mantel?", None),
        # a second verb without a subject of its own, and a follow-up, are one question
        ("Mein Schützling ist 19, und hat keinen Abschluss – welche Angebote gibt es?", None),
        ("What can a refugee who is 19, and has no certificate, do?", None),
        ("Und wer leitet das?", None),
    ],
)
def test_two_questions_in_one_are_told_apart(question: str, part: str | None) -> None:
    found = second_part(question)
    assert (found is None) if part is None else (found is not None and found.startswith(part))


def test_a_contact_word_makes_a_name_question_only_when_it_is_what_is_asked() -> None:
    assert classify("What is the postal address of the institute?").kind == AnswerType.NAME
    assert classify("Was ist die Telefonnummer des Jobcenters?").kind == AnswerType.NAME
    assert classify("Was ist eine Kontaktstelle?").kind == AnswerType.DEFINITION
    assert classify("Was bedeutet Telefonseelsorge?").kind == AnswerType.DEFINITION


@pytest.mark.parametrize(
    ("question", "contact", "findings", "amount"),
    [
        ("Wie erreiche ich Frau Muster?", True, False, False),
        ("How can I contact the institute?", True, False, False),
        ("Welche Ziele will das Projekt erreichen?", False, False, False),
        ("Welche Handlungsempfehlungen stehen in der Praxisanalyse?", False, True, False),
        ("Wie hoch wären die Sanierungskosten gewesen?", False, False, True),
    ],
)
def test_everyday_wordings_of_a_contact_a_finding_or_a_sum(
    question: str, contact: bool, findings: bool, amount: bool
) -> None:
    asked = classify(question)
    assert (bool(asked.contact), asked.findings, asked.amount) == (contact, findings, amount)


@pytest.mark.parametrize(
    ("question", "findings"),
    [
        # a finding named as the source of what is asked
        ("Wie groß darf die Kerngruppe nach der Empfehlung in der Arbeitshilfe werden?", False),
        ("Wie groß ist die Kerngruppe laut Empfehlung der Arbeitshilfe?", False),
        ("Wie viele Treffen gab es laut den Ergebnissen der Befragung?", False),
        ("How many towns took part, according to the findings?", False),
        # ... and one asked, after such a source too, or after a verb's "nach"
        ("Was empfiehlt die Arbeitshilfe nach dem Bericht als Ergebnis der Befragung?", True),
        ("Ich suche nach Empfehlungen zur Elternarbeit.", True),
        ("Was sind laut Studie Ergebnisse?", True),
        ("Gemäß welcher Empfehlung wird die Kerngruppe gebildet?", True),
        ("Gibt es nach Ihrer Einschätzung Empfehlungen?", True),
        ("According to which recommendation is the core group formed?", True),
        ("Welche Ergebnisse hat die Befragung gebracht?", True),
        ("What did the survey find?", True),
    ],
)
def test_a_finding_named_as_the_source_is_not_asked(question: str, findings: bool) -> None:
    assert classify(question).findings is findings


def test_a_length_of_time_is_asked_and_given() -> None:
    for question in ("Wie lange dauert die Ausbildung?", "How long did the workshops last?"):
        asked = classify(question)
        assert asked.duration, question
        assert type_fit("Sie dauert ein Jahr.", asked, set(), analyze) == 1.0
        assert type_fit("Sie ging zwei Stunden.", asked, set(), analyze) == 1.0
        assert type_fit("Sie läuft bis Ende Mai 2019.", asked, set(), analyze) == 0.7
        assert type_fit("Sie findet im Rathaus statt.", asked, set(), analyze) == 0.0
    assert not classify("Wie viele Familien nehmen teil?").duration


@pytest.mark.parametrize(
    ("question", "short"),
    [
        ("Wofür steht eigentlich die Abkürzung „ies“?", ("ies",)),
        ("Wofür steht KAoA?", ("KAoA",)),
        ("What does the acronym GIB stand for?", ("GIB",)),
        ("What does ZAB stand for?", ("ZAB",)),
        ("Wofür steht das Bündnis?", ()),  # what it stands for, not an abbreviation
        ("Welche Abkürzung wird für das Programm verwendet?", ()),
        ("Was bedeutet die Abkürzung im Titel?", ()),
        ("Wofür steht die IHK-Initiative?", ()),
        ("Ich habe eine Abkürzung gesehen. Wofür steht ZAB?", ("ZAB",)),  # the asking sentence
        ("Wofür steht die Abkürzung “ZAB”?", ("ZAB",)),
        ("Wie viele Kommunen machen mit?", ()),
        # dotted, hyphenated, with words between it and "stand for"
        ("What does the abbreviation G.I.B. stand for?", ("G.I.B.",)),
        ("Who wrote it, and what does 'SOEP' in its name stand for?", ("SOEP",)),
        ("Was bedeutet eigentlich EQ in der Liste?", ("EQ",)),
        ("Was bedeutet das Ziel?", ()),
        ("What is the GfS supposed to do?", ()),  # what it does, not what it stands for
        # "these abbreviations": the ones named before, the quoted ones when some are quoted
        ("Wofür stehen die Abkürzungen KoKo und GIB?", ("KoKo", "GIB")),
        (
            "It lists SGB III programmes such as BVB and BaE. What do these two abbreviations "
            "stand for?",
            ("BVB", "BaE"),  # the ones listed together, not the law they stand under
        ),
        # what a word means, or a statement, is no abbreviation asked
        ("Was bedeutet „Integration“?", ()),
        ("Was bedeutet „Kommunales Integrationsmanagement“?", ()),
        ("Laut IAQ sank die Zahl um ein Drittel. Was heißt das?", ()),
        (
            "The aid lists 'PerjuF-H' and 'PerF-F' under SGB III. What do these abbreviations "
            "stand for?",
            ("PerjuF-H", "PerF-F"),
        ),
        (
            "It lists KompAS and KomBer. What do these two abbreviations stand for?",
            ("KompAS", "KomBer"),
        ),
    ],
)
def test_the_abbreviations_asked_for_are_found(question: str, short: tuple[str, ...]) -> None:
    assert abbreviations_asked(question) == short


def test_a_person_asked_for_by_an_english_role_is_a_person() -> None:
    assert classify("What is the name of the process facilitator in the district?").person
    assert classify("What is the name of the coordinator?").person
    assert not classify("What are the names of the partner organisations?").person
    assert not classify("What is the name of the head office?").person


@pytest.mark.parametrize(
    ("question", "lower"),
    [
        ("wie viele kommunen machen mit?", True),
        ("wie erreiche ich frau müller vom KI?", True),  # an acronym is no noun's capital
        ("Wie erreiche ich Frau Müller vom KI?", False),
        ("Was ist KAoA?", False),
    ],
)
def test_a_question_typed_in_lower_case_is_told_by_its_nouns(question: str, lower: bool) -> None:
    assert typed_in_lower_case(question) == lower


@pytest.mark.parametrize(
    ("short", "text", "spelled"),
    [
        ("StuBos", "die Koordinatoren für Studien- und Berufswahl (StuBos).", True),
        ("AsA", "Assistierte Ausbildung (AsA; § 130 SGB III)", True),
        ("KAUSA", "KAUSA (Koordinierungsstelle Ausbildung und Migration) berät.", True),
        ("BKG", "BAMF\tBundesamt für Migration\nBKG\tBündnis-Kerngruppe", True),  # glossary row
        ("GfS", "die Aufgaben der GfS (vgl. Übersicht 3)", False),  # a reference, no long form
        ("GfS", "Die GfS lädt ein.", False),
        ("KAoA", "KAoA steht für „Kein Abschluss ohne Anschluss“.", True),
        ("KAoA", "Kein Abschluss ohne Anschluss (kurz: KAoA)", True),
        ("kausa", "KAUSA\tKoordinierungsstelle Ausbildung und Migration", True),  # any case
        # a parenthesis that holds no long form: a person, an editor's mark, a date
        ("KoKo", "Ansprechpartnerin ist Frau Müller (KoKo).", False),
        ("GIB", "GIB (Hrsg.) 2018: Kräfte bündeln", False),
        ("GfS", "Die GfS (Stand 2019) lädt ein.", False),
    ],
)
def test_a_text_that_spells_out_an_abbreviation_is_told(
    short: str, text: str, spelled: bool
) -> None:
    assert spells_out(short, text) is spelled


def test_an_abbreviation_asked_in_a_second_part_is_not_for_the_direct_answer() -> None:
    both = classify("Wer berät die Betriebe, und wofür steht KAUSA?")
    assert both.abbreviations == ("KAUSA",) and both.direct_abbreviations == ()
    alone = classify("Wofür steht KAUSA?")
    assert alone.direct_abbreviations == ("KAUSA",)
    analyze = GermanAnalyzer().terms
    assert type_fit("KAUSA\tKoordinierungsstelle Ausbildung", alone, set(), analyze) == 1.0
    assert type_fit("Die KAUSA berät Betriebe.", alone, set(), analyze) == 0.0


def test_towns_and_people_are_counted_by_their_like_nouns() -> None:
    analyze = GermanAnalyzer().terms

    def fit(question: str, text: str) -> float:
        asked = classify(question)
        return type_fit(text, asked, counted_terms(asked, analyze), analyze)

    assert fit("In wie vielen Städten gibt es das?", "Das sind landesweit 35 Kommunen.") == 1.0
    assert fit("Wie viele Menschen gehören dazu?", "Es sind mehr als 80 Personen.") == 1.0
    assert fit("Wie viele Kreise machen mit?", "Es machen 35 Kommunen mit.") < 1.0  # districts


def test_a_cause_is_told_from_what_follows() -> None:
    assert gives_cause("Sie helfen nicht, weil sie selbst kaum Erfahrung haben.")
    assert gives_cause("Da sie oft wenig Berufserfahrung mitbringen, fehlt der Rat.")
    # ... in a later sentence of the quote too
    later = "Finanzielle Fragen wiegen schwer. Da dies anders gesagt wurde, springen sie ab."
    assert gives_cause(later) and relates_cause(later)
    # ... but not the adverb ("there", "then")
    assert not gives_cause("Die Gruppe traf sich im Mai. Da wurden die Schritte geplant.")
    assert not gives_cause("Der Kreis lädt die Eltern deshalb zu einem Abend ein.")
    assert gives_cause("Deshalb kommen sie, denn sie wollen helfen.")  # a cause besides
    # a reason named as such
    assert gives_cause("Die Begründung dafür liegt meist in der Vermeidung von Doppelstrukturen.")
    assert gives_cause("Hintergrund ist die Nähe der Ämter.")
    assert not gives_cause("Der Hintergrund des Bildes ist blau gestrichen.")
    assert gives_cause("Hintergrund dieser Entscheidung ist die Nähe.")
    for founded in (
        "Die Initiative wurde 2016 begründet.",
        "Voraussetzung ist die Begründung eines Ausbildungsverhältnisses.",
        "Ihr kultureller Hintergrund ist sehr vielfältig.",
    ):
        assert not gives_cause(founded), founded


def test_a_statement_tied_to_a_cause_aim_or_consequence_is_told_from_a_bare_one() -> None:
    """What the refusal gate takes as an answer to a why-question: a cause, but also what
    follows ("deshalb"), a background or an aim."""
    for tied in (
        "Sie helfen nicht, weil sie selbst kaum Erfahrung haben.",
        "Der Kreis lädt die Eltern deshalb zu einem Abend ein.",
        "Sie beschloss es vor dem Hintergrund der segregierten Lage.",
        "Unternehmen seien dadurch gehemmt, Geflüchtete aufzunehmen.",
        "Ziel ist eine bessere Abstimmung.",
        "Sie kommen, um sich zu beraten.",
    ):
        assert relates_cause(tied), tied
    for bare in (
        "Im Sommer 2019 gab es landesweit 58 Bündnisse.",
        "Damit gibt es nahezu flächendeckend Bündnisse; nur Bochum ist nicht dabei.",
        "Die Familien leben seit Jahren in Münster.",
    ):
        assert not relates_cause(bare), bare


def test_a_question_of_two_parts_splits_into_both() -> None:
    asked = "Ich bin neu hier. Wer macht die Begleitung, und wie viele Tage gibt es dafür?"
    assert parts(asked) == ("Wer macht die Begleitung", "wie viele Tage gibt es dafür?")
    assert parts("Wer macht die Begleitung?") is None


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("How many young refugees found an apprenticeship?", "refugees"),
        ("How many companies exhibit at the fair?", "companies"),
        ("How many process facilitators are there?", "process"),  # not listed: the first word
        ("How much state money is available?", "money"),
        ("How much EU funding does the fund get?", "funding"),
        # not past the verb: the days are counted, not the participants
        ("How many days do participants get?", "days"),
    ],
)
def test_an_english_question_counts_its_noun_after_the_words_before_it(
    question: str, counted: str
) -> None:
    q = classify(question)
    assert q.kind == AnswerType.NUMBER and q.counted == counted
    assert q.amount is (counted in ("money", "funding"))


def test_an_english_counted_noun_is_counted_by_the_german_nouns_for_it() -> None:
    terms = GermanAnalyzer().terms
    q = classify("How many companies exhibit at the fair?")
    counted = counted_terms(q, terms)
    assert type_fit("Es stellen 45 Unternehmen aus.", q, counted, terms) == 1.0
    assert type_fit("Es kommen 300 Schüler.", q, counted, terms) < 1.0


def test_members_and_staff_are_counted_as_people() -> None:
    terms = GermanAnalyzer().terms
    for question in ("Wie viele Mitglieder hat die Gruppe?", "How many members does it have?"):
        q = classify(question)
        said = "Die Gruppe sollte etwa 10 Personen nicht überschreiten."
        assert type_fit(said, q, counted_terms(q, terms), terms) == 1.0, question


def test_a_section_date_or_file_number_counts_nothing() -> None:
    terms = GermanAnalyzer().terms
    q = classify("Wie viele Kulturmittler hat die Stadt eingestellt?")
    counted = counted_terms(q, terms)
    for said in (
        "Zu 3.2: Stellenpool Kulturmittler aufbauen",
        "Die Vorlage V/0588/2018 Kulturmittler beschreibt den Pool.",
        "Seit dem 12.04.2019 Kulturmittler im Einsatz.",
        "Im Schuljahr 2017/18 Kulturmittler eingesetzt.",
    ):
        assert type_fit(said, q, counted, terms) < 1.0, said
    for said in ("Es wurden 1.500 Kulturmittler eingestellt.", "Zu 3.2: 12 Kulturmittler"):
        assert type_fit(said, q, counted, terms) == 1.0, said


def test_a_time_of_day_asked_is_answered_by_a_time_only() -> None:
    terms = GermanAnalyzer().terms
    for question in (
        "wann genau, also um wie viel uhr, geht die berufsbörse los?",
        "Zu welcher Uhrzeit beginnt das Treffen?",
        "What time does the fair open?",
    ):
        q = classify(question)
        assert q.clock and q.own_kind, question
        for said in ("Die Börse beginnt um 10 Uhr.", "Einlass ist ab 9:30.", "It opens at 10 am."):
            assert type_fit(said, q, counted_terms(q, terms), terms) == 1.0, (question, said)
        for said in (
            "Die Börse findet am 14. November 2018 statt.",
            "Zur Börse kamen 25 am Vormittag.",  # "am" is no a.m.
            "Der Betreuungsschlüssel ist 1:15.",  # a ratio
            "Der Kurs hat 20 h Unterricht.",  # a length
        ):
            assert type_fit(said, q, counted_terms(q, terms), terms) == 0.0, (question, said)
    assert not classify("Wann findet die Börse statt?").clock
    assert not classify("At what time of year does the fair take place?").clock
    assert classify("Wie spät beginnt die Börse?").clock


def test_young_people_are_counted_by_what_they_do_or_leave() -> None:
    vocab = Counter({"schul": 50, "abgänger": 20, "jugendliche": 30})
    terms = GermanAnalyzer(CompoundSplitter(vocab), vocab).terms
    said = "Das Verfahren wird für 128 Schulabgängerinnen und Schulabgänger erprobt."
    for question in (
        "Für wie viele Jugendliche wurde das Verfahren erprobt?",
        "Um wie viele junge Leute kümmert sich das Verfahren?",
    ):
        q = classify(question)
        assert type_fit(said, q, counted_terms(q, terms), terms) == 1.0, question
    # ... but schools are no pupils
    q = classify("Wie viele Jugendliche machen mit?")
    assert type_fit("Es machen 45 Schulen mit.", q, counted_terms(q, terms), terms) < 1.0


def test_one_town_asked_by_name_asks_a_place() -> None:
    """ "Welche (kreisfreie) Stadt …?", "Which (independent) city …?": a named town answers; a
    plural asks a list, which the place check does not hold to one town."""
    for question in (
        "Welche kreisfreie Stadt macht bei der Initiative nicht mit?",
        "Welcher Kreis hat den Eigenanteil kritisiert?",
        "Which independent city is not part of the initiative?",
        "Which town hosted the workshop?",
    ):
        assert classify(question).place, question
    for question in (
        "Welche Städte machen mit?",
        "Which two cities hosted the workshops?",
        "Wie viele Kommunen machen mit?",  # a number
        "Welche Stadtteile sind betroffen?",  # no town: a part of one
        "Welche Stadt-Verwaltung ist zuständig?",  # a compound
        "What city council decided this?",  # a noun the town qualifies
        "Which county's youth office helps?",
    ):
        assert not classify(question).place, question
