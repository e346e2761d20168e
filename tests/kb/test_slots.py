"""The slot check: what a near-miss question names or asks for and the quotes lack."""

import re
from dataclasses import dataclass

from kb.answer import ordinals, roles, slots
from kb.answer.slots import Named
from kb.facets.places import Gazetteer
from kb.retrieval.analyzer import GermanAnalyzer
from kb.text.holds import quantifies
from kb.text.qtype import AnswerType, classify


@dataclass(frozen=True)
class Place:
    name: str


def find_places(text: str) -> list[Place]:
    """A two-place gazetteer, typed like the real one (the logic under test is the matching)."""
    known = ["Rhein-Kreis Neuss", "Gelsenkirchen", "Bielefeld"]
    return [Place(n) for n in known if n in text or n.split()[-1] in text]


def nrw_places(text: str) -> list[Named]:
    """The real list of NRW places, which names a district and its town apart ("Rhein-Kreis
    Neuss", "Neuss") and knows which towns a district holds."""
    return list(Gazetteer.load().find(text))


STEM = GermanAnalyzer().stem


def test_a_number_of_the_question_must_be_in_the_cited_pages() -> None:
    assert slots.numbers_missing("Wie viele Bündnisse gab es im Sommer 2020?", "Sommer 2019: 58")
    assert not slots.numbers_missing("Wie viele Bündnisse gab es 2019?", "Im Sommer 2019: 58")
    assert slots.numbers_missing("Wann ist das 17. Treffen?", "das 16. Treffen") == ["17"]
    assert slots.numbers_missing("Wie viele Kurse gab es 2018 und 2019?", "2019") == ["2018"]
    assert not slots.numbers_missing("Was geschah im März 2019?", "am 13.03.2019 begann")
    assert slots.numbers_missing("Gab es 13 Kurse?", "am 13.03.2019 begann") == ["13"]
    # an ordinal is not the same number counting something else
    assert slots.numbers_missing("Wann ist das 15. Treffen?", "ca. 15 Termine") == ["15"]
    assert not slots.numbers_missing("Wann ist das 15. Treffen?", "Das 15. Treffen ist im Mai.")


def test_the_day_of_a_date_written_with_its_months_name_matches_any_way_of_writing_it() -> None:
    held = "Die Informationsveranstaltung am 11.07.2019 fand in Düsseldorf statt."
    assert not slots.numbers_missing("Where was the event on 11 July 2019?", held)
    assert not slots.numbers_missing("What happened on July 11, 2019?", held)
    assert not slots.numbers_missing("Was war am 11. Juli 2019?", "am 11.7.2019")
    assert not slots.numbers_missing("Was war am 3. März?", "am 3. März 2019")
    # another day, or the day of another month, is still missing
    assert slots.numbers_missing("Was war am 12. Juli 2019?", held) == ["12"]
    assert slots.numbers_missing("Was war am 11. August 2019?", held) == ["11"]
    assert not slots.numbers_missing("What happened on 11 July 2019?", "am 2019-07-11")
    assert not slots.numbers_missing("What happened on 11 July 2019?", "am 11.Juli 2019")
    # a number beside a month's name that is no day is looked for as it is
    assert not slots.numbers_missing("Fanden im Juli 25 Kurse statt?", "Im Juli fanden 25 Kurse")
    assert not slots.numbers_missing("Which offers may 16-year-olds use?", "ab 16 Jahren")


def test_a_sum_of_money_or_a_rate_asked_for_must_be_given() -> None:
    rate_q = "Wie hoch ist die Abbruchquote?"
    rate = classify(rate_q)
    assert slots.amount_missing(rate, rate_q, "Sie ist hoch.")
    assert slots.amount_missing(rate, rate_q, "Es gab 120 Abbrüche.")  # a count is no rate
    assert not slots.amount_missing(rate, rate_q, "Sie liegt bei 30 %.")
    assert not slots.amount_missing(rate, rate_q, "Knapp zwei Drittel brechen ab.")
    money_q = "Wie viel Geld aus den 50 Millionen Euro bekommt der Kreis?"
    money = classify(money_q)
    # the question's own sum, restated, does not answer it
    assert slots.amount_missing(money, money_q, "Das Land stellt 50 Millionen Euro bereit.")
    assert not slots.amount_missing(money, money_q, "Der Kreis erhält 1,2 Mio. Euro.")
    assert slots.amount_missing(rate, rate_q, "Im Stadtviertel wohnen 12 europäische Familien.")
    count_q = "Wie viele Menschen profitieren?"
    assert not slots.amount_missing(classify(count_q), count_q, "Es profitieren 13.700 Menschen.")
    cost_q = "Was kostet die Teilnahme am Vorkurs?"
    cost = classify(cost_q)
    assert slots.amount_missing(cost, cost_q, "Vorkurse können ohne Nachweis belegt werden.")
    assert not slots.amount_missing(cost, cost_q, "Die Teilnahme ist kostenfrei.")
    assert not slots.amount_missing(cost, cost_q, "Ein Vorkurs kostet 40 Euro.")
    # no cost at all is no rate
    assert slots.amount_missing(rate, rate_q, "Die Teilnahme ist kostenlos.")
    # a sum asked in euros is not given by a rate
    euro_q = "Wie hoch ist das Budget des Projekts in Euro?"
    euro = classify(euro_q)
    assert euro.amount
    assert slots.amount_missing(euro, euro_q, "Gefördert werden 90 Prozent der Personalkosten.")
    assert not slots.amount_missing(euro, euro_q, "Das Projekt erhält 1,2 Mio. Euro.")
    assert slots.amount_missing(euro, euro_q, "In NRW leben 1,5 Millionen Geflüchtete.")
    assert not slots.amount_missing(euro, euro_q, "Es gibt eine 500-Euro-Pauschale.")
    assert not slots.amount_missing(rate, rate_q, "Gefördert werden 90 Prozent der Kosten.")


def _contact_missing(question: str, held: str) -> bool:
    return slots.contact_missing(classify(question), question, held)


def test_each_contact_detail_asked_for_must_be_given() -> None:
    address = "Sozialamt, Hafenstraße 8, 48153 Münster"
    mail = "E-Mail: info@amt.de"
    assert _contact_missing("Unter welcher Telefonnummer erreiche ich das Amt?", address)
    assert not _contact_missing("Wie lautet die Anschrift des Amts?", address)
    assert _contact_missing("Wie lautet die E-Mail-Adresse?", "Kontakt: Dr. Muster")
    assert not _contact_missing("Wer leitet das Amt?", address)
    assert _contact_missing("Welche Faxnummer hat das Amt?", address)
    assert not _contact_missing("Welche Faxnummer hat das Amt?", "Fax: 0251 492-0")
    assert _contact_missing("Hat das Projekt eine Website?", address)
    assert not _contact_missing("Which website?", "siehe www.example.org")
    # an e-mail address however written is the e-mail's; a postal one however named, the post's
    for asked in ("E-Mail Adresse", "Mailadresse", "E-Mail-Adresse"):
        assert not _contact_missing(f"Wie lautet die {asked} des Amtes?", mail), asked
    assert not _contact_missing("What's the email-address of the office?", mail)
    for asked in ("Anschrift", "Postanschrift", "Postadresse", "Adresse"):
        assert _contact_missing(f"Wie lautet die {asked} des Amtes?", mail), asked
        assert not _contact_missing(f"Wie lautet die {asked} des Amtes?", address), asked
    assert not _contact_missing("What is the web address of the project?", "www.example.org")
    # one of two details asked with "oder" is enough; with "und" both are needed
    assert not _contact_missing("Hast du Telefon oder E-Mail vom Amt?", mail)
    assert _contact_missing("Wie sind Telefon und E-Mail des Amts?", mail)


def test_places_the_cited_passages_never_name() -> None:
    question = "Gibt es in Gelsenkirchen eine Messe?"
    assert slots.places_unnamed(question, "Die Messe in Bielefeld", find_places) == [
        "Gelsenkirchen"
    ]
    assert not slots.places_unnamed(question, "In Gelsenkirchen gibt es", find_places)
    # the town's name and the district named after it count as the same
    assert not slots.places_unnamed("Was plant der Kreis Neuss?", "Rhein-Kreis Neuss", find_places)


def test_towns_asked_for_and_none_given() -> None:
    assert slots.places_missing("Welche Kommunen haben zugesagt?", "Es gab Zusagen.", find_places)
    assert not slots.places_missing("Welche Kommunen?", "Bielefeld und andere.", find_places)
    assert slots.asks_places("In welchen Modellregionen wird das erprobt?")
    assert not slots.asks_places("Welche Arbeitskreise gibt es?")
    assert not slots.asks_places("Welche Rolle spielen Moscheegemeinden?")
    assert not slots.asks_places("Welche Kirchengemeinden beteiligen sich?")
    # one town asked for is asked for as well; a compound with the word is another thing
    one = "Welche Kommune hat den Leitfaden entwickelt?"
    assert slots.places_missing(one, "Den Leitfaden hat eine Kommune entwickelt.", find_places)
    assert not slots.places_missing(one, "Den Leitfaden hat Bielefeld entwickelt.", find_places)
    assert slots.asks_places("In which town did the workshop take place?")
    # sites and locations, as German "Standorte": "vier Standorte" names none of them
    sites = "Which four sites does the institute advise?"
    assert slots.asks_places(sites) and slots.asks_places("Which locations take part?")
    assert not slots.asks_places("Which web sites list the offers?")
    assert not slots.asks_places("What is the location of the counselling office?")
    advised = "Das Institut berät vier unterschiedliche Standorte."
    assert slots.places_missing(sites, advised, find_places)
    assert not slots.places_missing(sites, "Es berät Bielefeld und Hamm.", find_places)
    assert not slots.asks_places("Welche Kreis-Bündnisse gibt es?")
    assert not slots.asks_places("Welche Ortsteile gehören dazu?")
    # the words between may be adjectives ("kreisangehörigen"), not the noun asked for
    assert not slots.asks_places("In welchen Bereichen haben Kommunen Lücken festgestellt?")
    assert slots.asks_places("Welche kreisangehörigen Kommunen machen mit?")
    assert not slots.asks_places("Es gibt Angebote, welche die Stadt finanziert.")
    assert not slots.asks_places("Which district office handles the applications?")
    assert not slots.asks_places("An welchem Ort findet das Treffen statt?")  # a venue
    # the district the question names is not one of the asked towns in it
    asked = "Welche Städte im Rhein-Kreis Neuss haben zugesagt?"
    assert slots.places_missing(asked, "Alle acht Kommunen im Rhein-Kreis Neuss.", find_places)
    assert not slots.places_missing(asked, "Zugesagt haben Bielefeld und Neuss.", find_places)


def test_where_something_took_place_needs_a_place_room_or_building() -> None:
    asked = "Wo fand der Starterworkshop statt?"
    assert slots.venue_missing(asked, "Am 13.03.2019 fand ein Starterworkshop statt.", find_places)
    for given in (
        "Er fand in Bielefeld statt.",
        "Er fand im Senatssaal, 1. Etage, statt.",
        "Er fand in der VHS statt.",
        "Er war in den Räumlichkeiten des Kommunalen Integrationszentrums.",
        "Man traf sich in der Hauptstr. 5.",
        "Er fand per Videokonferenz statt.",
        # a place the list of NRW towns does not know, in a sentence saying where it took place
        "Die Bundeskonferenz fand am 3. Mai 2019 in Berlin statt.",
        "Er findet in der Beratungsstelle der Diakonie statt.",
    ):
        assert not slots.venue_missing(asked, given, find_places), given
    # a span of time, a workplace or the transition from school to work name no venue
    for none in (
        "Im Zeitraum bis Mai fanden viele Workshops statt.",
        "Es ging um den Arbeitsplatz und den Übergang Schule-Beruf.",
        # an institution named for what it does
        "Das Ministerium für Arbeit und die Universität Duisburg-Essen stellten es vor.",
    ):
        assert slots.venue_missing(asked, none, find_places), none
    # the town the question names itself is no answer to which building in it
    building = "In welchem Gebäude in Bielefeld war das Werkstattgespräch?"
    assert slots.venue_missing(building, "Man hatte nach Bielefeld eingeladen.", find_places)
    assert slots.venue_missing(building, "Es fand in Bielefeld statt.", find_places)
    assert not slots.venue_missing(building, "Es war im Rathaus von Bielefeld.", find_places)
    english = "Where did the information event take place?"
    assert slots.venue_missing(
        english, "Die Veranstaltung am 11.07.2019 stellte es vor.", find_places
    )
    assert not slots.venue_missing(english, "Sie war in Gelsenkirchen.", find_places)
    assert slots.venue_missing("Wo tagt die Kerngruppe?", "Sie tagt zweimal im Jahr.", find_places)
    # where something is, where help is found, which towns: other questions
    for other in (
        "Wo ist die GfS angesiedelt?",
        "Wo waren die größten Schwierigkeiten?",
        "Wo finden junge Menschen Unterstützung bei der Ausbildungssuche?",
        "Wo läuft das Projekt?",
        "Welche Kommunen haben zugesagt?",
        "Wann fand der Workshop statt?",
    ):
        assert not slots.venue_missing(other, "Es gab Zusagen.", find_places), other


def test_the_asked_place_under_another_name_is_no_venue() -> None:
    # "Rhein-Kreis Neuss" is the question's "Neuss", not a place where the workshop was held
    asked = "Wo fand der Starterworkshop des Rhein-Kreises Neuss im März 2019 statt?"
    quotes = "Die Kreisverwaltung knüpft an die im Rhein-Kreis Neuss erfolgreiche Umsetzung an."
    assert slots.venue_missing(asked, quotes, nrw_places)
    assert not slots.venue_missing(asked, "Er fand in Grevenbroich statt.", nrw_places)
    # ... and which towns of the district: the district itself is none of them
    towns = "Welche Städte im Kreis Neuss haben zugesagt?"
    assert slots.places_missing(towns, "Alle Kommunen im Rhein-Kreis Neuss.", nrw_places)


def test_a_building_in_another_town_is_no_venue_for_the_asked_town() -> None:
    asked = "In welchem Gebäude in Bochum fand das 14. Werkstattgespräch statt?"
    quotes = (
        "Viele Gespräche auf dem Werkstattgespräch in Bochum zielten darauf ab, Kräfte zu "
        "bündeln. Bei der 16. Auflage werden in der VHS Bielefeld mehr als 500 Interessierte "
        "erwartet."
    )
    assert slots.venue_missing(asked, quotes, nrw_places)
    assert not slots.venue_missing(asked, "Es fand in der VHS Bochum statt.", nrw_places)
    # a sentence that names no town may name the building
    assert not slots.venue_missing(asked, "Es fand im Rathaus statt.", nrw_places)


def test_a_place_dated_otherwise_is_another_events_venue() -> None:
    asked = "Wo fand die Auftaktveranstaltung am 11. September 2018 statt?"
    other = (
        "- November: Vorbereitung der Auftaktveranstaltung (27.11.2018 in Essen)\n"
        "Mit einer Auftaktveranstaltung am 11.09.2018 hat das Ministerium den Start verkündet."
    )
    assert slots.venue_missing(asked, other, nrw_places)
    # the asked day, however written, or no day at all: the place counts
    for given in (
        "Die Auftaktveranstaltung am 11.09.2018 fand in Essen statt.",
        "Am 11. September 2018 kamen alle in Essen zusammen.",
        "Die Auftaktveranstaltung war in Essen.",
    ):
        assert not slots.venue_missing(asked, given, nrw_places), given
    # a question that names no day reads every place
    undated = "Wo fand die Auftaktveranstaltung statt?"
    assert not slots.venue_missing(undated, other, nrw_places)
    # a span of days holds the asked one; a section number is no date
    span = "Die Tagung vom 10. bis 12. September 2018 fand in Essen statt."
    assert not slots.venue_missing(asked, span, nrw_places)
    assert not slots.venue_missing(asked, "3.1. Die Tagung fand in Essen statt.", nrw_places)
    assert slots.venue_missing(asked, "Am 3.10.2018 tagte man in Essen.", nrw_places)


def test_a_town_of_the_asked_district_and_the_asked_towns_district_are_the_asked_place() -> None:
    # the district of the asked town: its building answers
    town = "Wo fand der Workshop in Grevenbroich statt?"
    held = "Der Workshop des Rhein-Kreises Neuss fand im Kreishaus statt."
    assert not slots.venue_missing(town, held, nrw_places)
    # a town named like its district is one of the district's towns
    towns = "Welche Kommunen im Kreis Unna machen mit?"
    assert not slots.places_missing(towns, "Mit dabei ist die Stadt Unna.", nrw_places)
    assert slots.places_missing(towns, "Der Kreis Unna ist dabei.", nrw_places)


def test_the_asked_kind_of_fact_must_be_held() -> None:
    assert slots.type_missing(classify("Wie viele Familien nehmen teil?"), 0.6)
    assert not slots.type_missing(classify("Wie viele Familien nehmen teil?"), 1.0)
    assert slots.type_missing(classify("Wann ist das Treffen?"), 0.4)
    assert slots.type_missing(classify("Wer leitet das Referat?"), 0.3)  # an office, no person
    assert not slots.type_missing(classify("Wer leitet das Referat?"), 1.0)
    assert not slots.type_missing(classify("Was ist eine ZAB?"), 0.0)
    assert not slots.Missing() and slots.Missing(("2020",), "number")


def test_a_place_counts_as_named_in_another_word_order() -> None:
    """The place list spells "Ennepe-Ruhr-Kreis"; a text saying "Kreis Ennepe-Ruhr" names it."""

    def listed_only(text: str) -> list[Place]:
        return [Place("Ennepe-Ruhr-Kreis")] if "Ennepe-Ruhr-Kreis" in text else []

    question = "Was bietet die Messe im Ennepe-Ruhr-Kreis?"
    assert not slots.places_unnamed(question, "die Messe des Kreises Ennepe-Ruhr", listed_only)
    assert slots.places_unnamed(question, "die Messe in Hagen", listed_only) == [
        "Ennepe-Ruhr-Kreis"
    ]


def test_the_quote_holding_the_fact_must_be_about_the_asked_year_and_place() -> None:
    question = "Wie viele Besucher kamen 2019 zur Messe in Gelsenkirchen?"
    context = "Zur Messe in Bielefeld kamen 2018 rund 500 Besucher."
    assert slots.unscoped(question, context, find_places) == ["2019", "Gelsenkirchen"]
    assert not slots.unscoped(question, "In Gelsenkirchen kamen 2019 rund 300.", find_places)
    # single digits are counting words, not a scope
    assert not slots.unscoped("Gibt es 3 Messen in Bielefeld?", "Bielefeld: Messen", find_places)


def test_a_count_is_a_number_that_is_no_year_date_sum_or_reference() -> None:
    assert slots.holds_count("rund 500 Besucher") and slots.holds_count("alle acht Kommunen")
    for text in ("50 Mio. Euro", "im Sommer 2019", "am 09.04.2019", "knapp 70 % der Städte"):
        assert not slots.holds_count(text), text
    assert not slots.holds_count("die 16. Auflage (vgl. Übersicht 6)")


def test_a_country_of_the_question_must_be_named_where_the_fact_is() -> None:
    from kb.facets.countries import Countries

    countries = Countries.load().find
    question = "Wie viele Familien aus Syrien nehmen am Projekt teil?"
    elsewhere = "14 Familien aus den Westbalkanstaaten nehmen teil."
    assert slots.unscoped(question, elsewhere, countries) == ["Syrien"]
    # the adjective names it too, and so does the other language's name
    assert not slots.unscoped(question, "14 syrische Familien nehmen teil.", countries)
    assert not slots.unscoped("How many families from Syria?", "Familien aus Syrien", countries)
    # the documents' own country is seldom named: asking "in Deutschland" hedges nothing
    assert not countries("Wie viele Geflüchtete leben in Deutschland?")
    assert [c.name for c in countries("aus Afghanistan, dem Irak und Eritrea")] == [
        "Afghanistan",
        "Irak",
        "Eritrea",
    ]


def test_place_names_match_as_proper_nouns_and_not_by_shared_generic_words() -> None:
    from kb.facets.places import Gazetteer

    towns = Gazetteer.load().find
    # the verb "essen" does not name the town Essen
    assert slots.places_unnamed("Was gibt es in Essen?", "Wir essen gern", towns) == ["Essen"]
    assert not slots.places_unnamed("Was gibt es in Essen?", "In Essen gibt es", towns)
    # "Bad" is shared by many towns and names none of them
    other_spa = "Zur Messe in Bad Oeynhausen kamen 2019 rund 500 Besucher."
    assert slots.places_unnamed("Wer kam in Bad Salzuflen?", other_spa, towns) == ["Bad Salzuflen"]
    # another word order of the same district still counts
    assert not slots.places_unnamed("Was plant der Ennepe-Ruhr-Kreis?", "Kreis Ennepe-Ruhr", towns)


def test_a_country_is_named_by_its_own_adjective_not_by_any_word_beginning_alike() -> None:
    from kb.facets.countries import Countries

    countries = Countries.load().find
    question = "Wie viele Familien aus Nordmazedonien nehmen teil?"
    assert slots.unscoped(question, "In Nordrhein-Westfalen nehmen 14 Familien teil.", countries)
    assert not slots.unscoped(question, "14 nordmazedonische Familien", countries)
    # proper nouns only: the English "island" is not Iceland
    assert not countries("How many people live on the island?")
    # everyday names the standard spells otherwise
    assert [c.name for c in countries("aus Russland, der Türkei und dem Kosovo")] == [
        "Russland",
        "Türkei",
        "Kosovo",
    ]


def test_numbers_of_a_contact_block_are_no_count() -> None:
    assert not slots.holds_count("Universität, 47057 Duisburg")
    assert not slots.holds_count("Tel.: 0203 / 379-1234")
    assert not slots.holds_count("Hafenstraße 8")
    assert slots.holds_count("Es kamen rund 500 Besucher.")


def _words(text: str) -> list[str]:
    """A stand-in for the analyzer: lower-cased words without a genitive -s."""
    return [w.removesuffix("s") for w in re.findall(r"[^\W\d]+", text.lower())]


def test_an_ordinal_must_be_named_where_another_of_the_same_noun_is() -> None:
    question = "Wann findet das 15. Werkstattgespräch statt?"
    other = "Thema des 16. Werkstattgesprächs ist die Ausbildung; es findet im Dezember statt."
    fair = "Die Messe findet im Mai statt."  # a sentence about something else counts for neither
    assert ordinals.ordinals_unmatched(question, [other, fair], _words) == ["15. Werkstattgespräch"]
    # the asked ordinal named too, or the noun named without an ordinal: it may be the asked one
    both = "Das 15. Werkstattgespräch findet im Mai statt, das 16. Werkstattgespräch im Juni."
    assert not ordinals.ordinals_unmatched(question, [both], _words)
    unnumbered = "Das Werkstattgespräch fand am 29. Juni in Bochum statt."
    assert not ordinals.ordinals_unmatched(question, [other, unnumbered], _words)
    assert not ordinals.ordinals_unmatched(question, [fair], _words)
    # a date is no ordinal, neither on the question's side nor on the quote's
    day = "Wie viele Besucher kamen am 15. Mai 2019?"
    assert not ordinals.ordinals_unmatched(day, ["Am 20. Mai kamen 80 Besucher."], _words)
    # "2. und 3." numbers both; a written ordinal numbers too
    second = "Wann war die 2. Sitzung?"
    assert not ordinals.ordinals_unmatched(second, ["Die 2. und 3. Sitzung waren im Mai."], _words)
    assert not ordinals.ordinals_unmatched(second, ["Die zweite Sitzung war im Mai."], _words)
    assert ordinals.ordinals_unmatched(second, ["Die dritte Sitzung war im Mai."], _words)
    assert ordinals.ordinals_unmatched(second, ["Die 3.Sitzung war im Mai."], _words)
    # the constituent meeting is the first
    constituent = ["Die Gruppe traf sich am 27.06.2019 zur konstituierenden Sitzung."]
    assert ordinals.ordinals_unmatched(second, constituent, _words)
    assert not ordinals.ordinals_unmatched("Wann war die erste Sitzung?", constituent, _words)


def test_an_ordinal_typed_without_its_dot_is_an_ordinal() -> None:
    """ "wann is das 15 werkstattgespräch" as typed in a chat: after "das", "beim", "zum" the
    number counts one thing, so it numbers it; after "die" it may count ("die 14 Familien")."""
    other = "Thema des 16. Werkstattgesprächs ist die Ausbildung; es findet im Dezember statt."
    typed = "wann is das 15 werkstattgespräch"
    assert ordinals.ordinals_unmatched(typed, [other], _words) == ["15. werkstattgespräch"]
    assert not ordinals.ordinals_unmatched("was war beim 16 Werkstattgespräch?", [other], _words)
    count = ["Die 16. Familie kam im Mai."]
    assert not ordinals.ordinals_unmatched("Wann kamen die 14 Familien?", count, _words)
    assert not ordinals.ordinals_unmatched("Was war am 15 Mai?", [other], _words)


def test_a_deputy_is_not_the_head_asked_for() -> None:
    question = "Wer leitet die Koordinierungsstelle?"
    deputy = "Dr. Max Muster, stellvertretender Leiter der Koordinierungsstelle, sprach."
    head = "Die Koordinierungsstelle leitet Frau Erika Beispiel."
    assert roles.role_qualified(question, [deputy])
    assert roles.role_qualified(
        "Who heads the office?", ["Erika Beispiel, stellvertretende Leiterin."]
    )
    # a quote that names the head too answers; so does no person at all (another check)
    assert not roles.role_qualified(question, [deputy, head])
    assert not roles.role_qualified(question, ["Die Koordinierungsstelle berät Kommunen."])
    # asked for the deputy, the deputy answers
    assert not roles.role_qualified("Wer leitet kommissarisch die Stelle?", [deputy])
    # the qualifier must stand by the person's role, in the person's clause
    for head_too in (
        "Leiterin: Dr. Erika Beispiel. Stellv. Leiter: Max Muster.",
        "Leiterin ist Frau Erika Beispiel; ihr Stellvertreter ist Herr Max Muster.",
        "Dr. Erika Beispiel ist Leiterin der früheren Koordinierungsstelle.",
    ):
        assert not roles.role_qualified(question, [head_too]), head_too


def test_a_person_asked_by_name_with_fillers_is_a_person_question() -> None:
    for asked in (
        "Wie heißt eigentlich die Sozialdezernentin in Münster?",
        "Wie heißt die zuständige Sozialdezernentin?",
        "Wie heißt noch mal die Leiterin?",
        "Wie heißt bloß der Leiter?",
    ):
        assert classify(asked).person, asked
    assert not classify("Wie heißt das Berufskolleg?").person
    # people named by what they do
    assert classify("Wie heißen die Masterstudierenden, die die Interviews führen?").person
    for other in (
        "Wie heißen die Träger?",
        "Wer hat den Workshop moderiert?",  # an office may have
        "Wie heißen die teilnehmenden Kommunen?",  # a participle before a noun
    ):
        assert not classify(other).person, other


def test_a_person_asked_by_name_is_not_given_by_the_role_and_someone_else() -> None:
    role = "Die Lenkungsgruppe wird von der Sozialdezernentin geleitet."
    other = "Frau Dr. Anna Muster vom Jobcenter nimmt an der Lenkungsgruppe teil."
    assert roles.name_unsaid("Wie heißt eigentlich die Sozialdezernentin?", [role, other])
    students = "Zwei Masterstudierende führen Interviews mit den Familien."
    assert roles.name_unsaid("Wie heißen die Masterstudierenden?", [students, other])
    # named beside what they are, they are given; asked who leads, the role answers
    named = "Die Lenkungsgruppe leitet Sozialdezernentin Dr. Erika Beispiel."
    assert not roles.name_unsaid("Wie heißt die Sozialdezernentin?", [named])
    assert not roles.name_unsaid("Wer leitet die Lenkungsgruppe?", [role])
    # ... nor where the next sentence names them, and a word that only holds the role's letters
    # ("begleitet" for "Leiterin") is none
    next_one = role + " Seit 2018 ist das Frau Dr. Erika Beispiel."
    assert not roles.name_unsaid("Wie heißt die Sozialdezernentin?", [next_one])
    begleitet = "Die Gruppe wird von Ehrenamtlichen begleitet."
    assert not roles.name_unsaid("Wie heißt die Leiterin der Gruppe?", [begleitet])


def test_a_holder_asked_by_role_is_not_given_by_someone_of_another_role() -> None:
    """ "Wer ist … der Teilhabemanager?" is not answered by the Kreisdirektor who has the
    Federführung; it is by a person named as one, and a head asked is weighed by role_unnamed."""
    asked = "Wer ist beim Kreis Edorf eigentlich der Teilhabemanager – wie heißt der?"
    other = "Die Federführung hat Kreisdirektor Dirk Beispiel."
    assert roles.holder_unnamed(asked, [other])
    named = "Teilhabemanager im Kreis ist Herr Dr. Max Muster."
    assert not roles.holder_unnamed(asked, [other, named])
    # no one named: what the quotes say of the role is weighed elsewhere
    assert not roles.holder_unnamed(asked, ["Teilhabemanagement-Stellen werden gefördert."])
    assert not roles.holder_unnamed("Wer ist der Leiter des Projekts?", [other])
    assert roles.holder_unnamed("Wer ist dort die Koordinatorin?", [other])
    assert not roles.holder_unnamed("Wer ist dort die Koordinatorin, kommissarisch?", [other])
    # a word that only begins like the role is not it ("Teilhabemanagement", "Koordination")
    management = "Die Federführung für das Teilhabemanagement hat Kreisdirektor Dirk Beispiel."
    assert roles.holder_unnamed(asked, [management])
    # the role must be what is asked, not a word of the question's clause
    assert not roles.holder_unnamed(
        "Wer ist für die Referenten zuständig?", ["Zuständig ist Frau Erika Beispiel."]
    )


def test_who_did_something_is_not_given_by_people_named_doing_something_else() -> None:
    """ "Wer hat das Fachgespräch moderiert?" is not answered by its speakers; by the person the
    quotes say moderated it ("Moderation", "moderierte"), or by no one named at all."""
    asked = "Wer hat das Fachgespräch in Edorf moderiert?"
    speakers = "Dr. Max Muster (Landesstelle) und Frau Erika Beispiel stellten ihre Arbeit vor."
    assert roles.doer_unnamed(asked, [speakers])
    assert not roles.doer_unnamed(asked, [speakers, "Die Moderation übernahm Frau Dr. Anna Test."])
    assert not roles.doer_unnamed(asked, ["Das Fachgespräch fand in Edorf statt."])
    assert roles.doer_unnamed("Wer hat die Messe organisiert?", [speakers])
    assert not roles.doer_unnamed("Wer leitet die Messe?", [speakers])  # role_unnamed's
    # the participle itself, and a separable verb written apart, say it too
    shown = "Das Beispiel wurde von Dr. Max Muster vorgestellt."
    assert not roles.doer_unnamed("Wer hat das Beispiel vorgestellt?", [shown])
    apart = "So stellte Frau Erika Beispiel, Leiterin des KI, die Börse vor."
    assert not roles.doer_unnamed("Wer hat die Börse vorgestellt?", [apart])
    # a passive asks who is done to, not who does
    assert not roles.doer_unnamed("Wer wird im Programm gefördert?", [speakers])


def test_the_head_of_a_division_is_not_the_head_of_the_organisation() -> None:
    division = (
        "Dieter Muster, Leiter des Fachbereichs Ausbildung bei der Regionaldirektion, sprach."
    )
    assert roles.role_qualified("Wer leitet die Regionaldirektion?", [division])
    assert roles.role_qualified(
        "Who heads the institute?", ["Erika Beispiel, head of the research department, spoke."]
    )
    # ... nor of a division named in one word
    research = "Prof. Dr. Erika Beispiel ist Leiterin der Forschungsabteilung „Bildung“."
    assert roles.role_qualified("Wer leitet das Institut?", [research])
    # a topic is no division ("im Bereich Bildung"); a compound asks for the division
    topic = "Erika Beispiel, Koordinatorin im Bereich Bildung des Zentrums, sprach."
    assert not roles.role_qualified("Wer leitet das Zentrum?", [topic])
    unit = "Max Muster, Leiter der Abteilung Integration, sprach."
    assert not roles.role_qualified("Wer leitet die Integrationsabteilung?", [unit])
    # asked for the division, its head answers; so does the head of the whole
    assert not roles.role_qualified("Wer leitet den Fachbereich Ausbildung?", [division])
    assert not roles.role_qualified(
        "Wer leitet die Regionaldirektion?", ["Erika Beispiel, Leiterin der Regionaldirektion."]
    )


def test_results_asked_where_the_study_is_only_under_way_or_planned() -> None:
    question = "Welche Ergebnisse hat die Befragung der Träger gebracht?"
    asked = classify(question)
    assert asked.findings
    assert slots.findings_pending(asked, "Die Träger werden im Herbst befragt.", question)
    assert slots.findings_pending(asked, "Die Befragung soll 2020 ausgewertet werden.", question)
    assert slots.findings_pending(asked, "Die Frist für die Befragung wurde verschoben.", question)
    assert slots.findings_pending(asked, "Er kündigte für September die Auswertung an.", question)
    # put off, or not taken up at all
    group = classify("Welche Ergebnisse hat die Projektgruppe zur frühen Bildung erarbeitet?")
    put_off = (
        "Weitere Fragen, wie die frühe Bildung in Kitas, können mit den Ressourcen nicht "
        "bearbeitet werden und wurden daher zunächst zurückgestellt."
    )
    assert slots.findings_pending(group, put_off, "Welche Ergebnisse hat die Gruppe erarbeitet?")
    assert slots.findings_pending(asked, "Die Befragung der Träger wurde zurückgestellt.", question)
    # advice is what a recommendation asked finds, whatever else its quote plans
    size = "wie groß darf die kerngruppe max werden, gibts da ne empfehlung"
    advice = (
        "Die Größe der Kerngruppe sollte in der Regel etwa 10 Personen nicht überschreiten. "
        "Darüber hinaus können erweiterte Foren geplant werden."
    )
    assert not slots.findings_pending(classify(size), advice, size)
    assert slots.findings_pending(classify(size), "Eine Empfehlung ist geplant.", size)
    # ... not a plan written with "sollten", nor an "advisory board" asked
    advised = "Welche Empfehlungen hat die Evaluation ergeben?"
    plan = "Die Ergebnisse der Evaluation sollten Ende 2020 vorgelegt werden."
    assert slots.findings_pending(classify(advised), plan, advised)
    board = "What results did the advisory board publish?"
    assert slots.findings_pending(classify(board), "It is to be published in 2020.", board)
    # a measure not carried out is a finding, not a plan
    assert not slots.findings_pending(
        asked, "In drei Kommunen wurden die Maßnahmen nicht umgesetzt.", question
    )
    # the future tense or a plan with the verb's infinitive
    interviews = "Im dritten Quartal werden die Studierenden Interviews mit den Familien führen."
    assert slots.findings_pending(
        classify("Was kam bei den Interviews heraus?"),
        interviews,
        "Was kam bei den Interviews heraus?",
    )
    assert slots.findings_pending(
        asked, "Die Träger sollen im Herbst die Befragung auswerten.", question
    )
    # ... not "lead to", nor a relative clause's "werden" before a finding's verb
    for finding in (
        "Kurse, die früh angeboten werden, führen häufiger zu einem Abschluss.",
        "Nach Auskunft der Fachkräfte wird die frühe Beratung zu weniger Abbrüchen führen.",
    ):
        assert not slots.findings_pending(asked, finding, question), finding
    talks = "Dazu sollen zunächst Gespräche mit der Schulaufsicht geführt werden."
    assert slots.findings_pending(
        classify("Was haben die Gespräche ergeben?"), talks, "Was haben die Gespräche ergeben?"
    )
    dialogue = "Dazu soll ein regelmäßiger Qualitätsdialog mit den Trägern stattfinden."
    assert slots.findings_pending(
        classify("Was hat der Qualitätsdialog ergeben?"),
        dialogue,
        "Was hat der Qualitätsdialog ergeben?",
    )
    # a finding given, or a quote that says nothing of the study's state: not pending
    found = "Die Befragung wird jährlich durchgeführt und zeigt, dass Sprachkurse fehlen."
    assert not slots.findings_pending(asked, found, question)
    assert not slots.findings_pending(
        asked, "Die Träger bemängelten fehlende Sprachkurse.", question
    )
    for finding in (
        "Die Befragung wird jährlich durchgeführt; 80 % sind zufrieden.",
        "Die Ergebnisse zeigen, dass Kurse fehlen; vorgesehen ist eine Ausweitung.",
        "Die Auswertung hat ergeben, dass Kurse fehlen; eine Ausweitung ist geplant.",
        "Wie geplant nahmen 120 Betriebe teil.",
    ):
        assert not slots.findings_pending(asked, finding, question), finding
    # what is hoped of a study, where a form is, when results come out: no results asked
    for other in (
        "Welche Ergebnisse soll das Projekt bringen?",
        "Which outcomes does the programme aim for?",
        "Where can I find the form?",
        "Wann werden die Ergebnisse veröffentlicht?",
    ):
        assert not classify(other).findings, other
    for results in ("Was hat die Studie gezeigt?", "What did the survey reveal?"):
        assert classify(results).findings, results
    # no results asked
    who_asked = "Wer führt die Befragung durch?"
    who = classify(who_asked)
    assert not who.findings
    assert not slots.findings_pending(
        who, "Die Befragung wird vom Institut durchgeführt.", who_asked
    )


def test_a_part_of_the_questions_figure_must_be_given() -> None:
    question = "Wie viele der 128 Schulabgänger haben ein Angebot bekommen?"
    # the figure restated, or a larger one: no part
    assert slots.part_missing(question, "… für 128 (von ursprünglich 650) Schulabgänger …") == "128"
    assert slots.part_missing(question, "Für die 128 Schulabgänger wird es 2017/18 erprobt.")
    # a smaller count, a share, or all of them: a part
    assert not slots.part_missing(question, "Davon erhielten 95 ein Angebot.")
    assert not slots.part_missing(question, "Knapp die Hälfte erhielt ein Angebot.")
    assert not slots.part_missing(question, "Alle 128 erhielten ein Angebot.")
    assert not slots.part_missing(question, "Der überwiegende Teil erhielt ein Angebot.")
    assert not slots.part_missing(question, "Die meisten Schulabgänger erhielten eines.")
    assert not slots.part_missing("How many of the 650 leavers got an offer?", "Some 80 % did.")
    # a figure given as an estimate is a whole too
    estimate = "Wie viele der rund 75.000 jungen Geflüchteten sind geduldet?"
    assert slots.part_missing(estimate, "Auszugehen ist von ca. 75.000 Personen.") == "75.000"
    upto = "Wie viele der bis zu 13.700 geförderten Personen entfallen auf das Coaching?"
    assert slots.part_missing(upto, "Bis zu 13.700 Menschen sollen profitieren.") == "13.700"
    # no figure of a whole asked
    assert not slots.part_missing("Wie viele Schulabgänger bekamen ein Angebot?", "128 (von 650)")


def test_the_next_date_asked_needs_one_still_to_come() -> None:
    question = "Wann trifft sich die Kerngruppe das nächste Mal?"
    asked = classify(question)
    past = "Die Kerngruppe hat sich am 27.06.2019 zur konstituierenden Sitzung getroffen."
    assert slots.next_missing(question, asked, past)
    assert slots.next_missing(question, asked, "Die Sitzung fand am 27.06.2019 statt.")
    # planned before, and held: no plan to come
    for done in (
        "Der Workshop im April 2019 wurde gemeinsam mit der LaKI geplant und durchgeführt.",
        "Der Workshop wurde am 12.04.2019 mit der LaKI geplant und durchgeführt.",
    ):
        assert slots.next_missing(question, asked, done), done
    # ... but a plan made for what is to come is one
    coming = "Die Kerngruppe hat die nächste Sitzung für den 12.11.2019 geplant."
    assert not slots.next_missing(question, asked, coming)
    for coming in (
        "Die nächste Sitzung ist für den 12.11.2019 geplant.",
        "Die Kerngruppe wird sich am 12.11.2019 wieder treffen.",
        "Bei der 16. Auflage am 14. November 2018 werden 500 Gäste erwartet.",
        # the present tense may well be the next date: not doubted
        "Die Sitzung findet am 12.11.2019 statt.",
        "Die Kerngruppe trifft sich am 12.11.2019 erneut.",
        "Termine: 12.11.2019, 10.12.2019.",
    ):
        assert not slots.next_missing(question, asked, coming), coming
    for english in ("When is the next meeting of the core group?", "When does it meet next?"):
        assert slots.next_missing(english, classify(english), past), english
    # a date asked without "next", one asked of the past, or no date asked
    for other in (
        "Wann traf sich die Kerngruppe?",
        "Wann war die nächste Sitzung nach dem Auftakt?",
        "Landen die Jugendlichen immer in der nächsten Maßnahme?",
    ):
        assert not slots.next_missing(other, classify(other), past), other


def test_a_deadline_asked_needs_a_date_given_as_one() -> None:
    asked = classify("Bis wann mussten die Kommunen ihre Anträge einreichen?")
    assert asked.deadline and not classify("Wann begann die Initiative?").deadline
    assert slots.deadline_missing(asked, "Im Frühjahr 2019 wurde mit der Auswahl begonnen.")
    for given in (
        "Die Anträge waren bis Mitte Juni einzureichen.",
        "Die Frist wurde auf Anfang September verschoben.",
        "Gespräche wurden zwischen dem 04.07. und dem 15.08.2019 geführt.",
        "Die Auswertung sollte Anfang Juli eingereicht werden.",
    ):
        assert not slots.deadline_missing(asked, given), given
    # the cut-off day the direct answer names gives a "Stichtag" asked; not a deadline, not a
    # period, and not from another quote
    cut_off = "Der Ausschluss gilt für Anträge, die nach dem 31.08.2015 gestellt wurden."
    stichtag = "Gibt es da einen Stichtag?"
    assert not slots.deadline_missing(classify(stichtag), cut_off, stichtag, cut_off)
    written = cut_off.replace("31.08.2015", "31. August 2015")
    assert not slots.deadline_missing(classify(stichtag), written, stichtag, written)
    assert slots.deadline_missing(
        classify(stichtag), cut_off, stichtag, "Es gibt einen Ausschluss."
    )
    for other in (
        "Bis wann mussten die Anträge gestellt werden?",
        "Von wann bis wann lief die Frist?",
    ):
        assert slots.deadline_missing(classify(other), cut_off, other, cut_off), other
    # a period is given by its start and its end, not by the question's own date
    period = "Von wann bis wann arbeiteten die Projektgruppen?"
    both = "Die Arbeit startete im November 2017 und wurde im März 2018 abgeschlossen."
    assert not slots.deadline_missing(classify(period), both, period, both)
    # ... of one thing, not two dates of two events
    two_events = (
        "Am 13.03.2019 fand der Starterworkshop statt, die Kerngruppe traf sich erstmals am "
        "27.06.2019."
    )
    assert slots.deadline_missing(classify(period), two_events, period, two_events)
    one_day = "Von wann bis wann läuft die Börse am 14. November 2018?"
    held = "Die Börse findet am 14. November 2018 in der VHS statt."
    assert slots.deadline_missing(classify(one_day), held, one_day, held)


def test_a_place_that_names_a_document_is_not_asked() -> None:
    towns = Gazetteer.load().find
    cited = "Für den Innovationsfonds stehen insgesamt 5 Millionen Euro zur Verfügung."
    named = "In der Neusser Mitteilung steht was vom Innovationsfonds. Wie viel Geld ist da drin?"
    documents = {"Neuss", "Münster"}.__contains__  # the places the documents are named by
    assert not slots.places_unnamed(named, cited, towns, documents)
    assert not slots.places_unnamed("Was sagt der Münsteraner Bericht?", cited, towns, documents)
    # a place adjective that names no document of the corpus is a place asked
    essen = "Wie viel Geld nennt der Essener Bericht?"
    assert slots.places_unnamed(essen, cited, towns, documents) == ["Essen"]
    # a place asked about still is
    assert slots.places_unnamed("Wie viel Geld bekommt Neuss?", cited, towns) == ["Neuss"]


def test_a_quantifier_before_the_counted_noun_gives_a_part() -> None:
    def terms(text: str) -> list[str]:
        return [w.lower().rstrip("n") for w in re.findall(r"\w+", text)]

    assert quantifies("Beigetreten sind die meisten Kreise.", {"kreise"}, terms)
    assert quantifies("Der überwiegende Teil der Familien lebt dort.", {"familie"}, terms)
    assert not quantifies("Die meisten Kommunen sind beigetreten.", {"kreise"}, terms)
    assert not quantifies("Es sind 24 Kreise.", {"kreise"}, terms)  # a number is type_fit's
    assert not quantifies("Es liegen keine Daten der Kreise vor.", {"kreise"}, terms)


def test_a_sum_asked_per_head_is_not_given_by_a_total() -> None:
    question = "Wie viel Geld gibt es pro Teilnehmer für ein Coaching?"
    per_head = classify(question)
    for total in (
        "Das Land stellt jährlich 50 Mio. Euro bereit.",  # a year's total
        "Je nach Standort gibt es insgesamt 2 Mio. Euro.",
        "Es gibt 2 Mio. Euro, die Anmeldung erfolgt per Post.",
    ):
        assert slots.amount_missing(per_head, question, total), total
    for rate in (
        "Je Teilnehmer werden bis zu 3.000 Euro gezahlt.",
        "Gefördert werden 500 Euro pro Person.",
        "Jede Kommune erhält jeweils 300 Euro.",
    ):
        assert not slots.amount_missing(per_head, question, rate), rate
    # "je nachdem" and a name with "Pro" ask no sum per head
    for asked in ("Was kostet die Beratung bei Pro Asyl?", "Was kostet es, je nachdem?"):
        assert not slots.amount_missing(classify(asked), asked, "Sie kostet 40 Euro."), asked


def test_which_one_of_a_kind_needs_a_name_where_the_answer_speaks_of_the_kind() -> None:
    asked = "Welcher Träger führt in Edorf die Potenzialanalysen in Klasse 8 durch?"
    assert slots.one_asked(asked) == "Träger"
    assert slots.one_asked("An welcher Münsteraner Schule gibt es ein Elterncafé?") == "Schule"
    assert slots.one_asked("Wie heißt das Berufskolleg in Edorf?") == "Berufskolleg"
    assert slots.one_asked("Welche Aufgaben hat die Kerngruppe?") is None  # a list, as often
    # kinds that ask what or how, not which one by name
    for what in ("Welches Ziel hat es?", "Aus welchem Grund?", "Mit welcher Begründung?"):
        assert slots.one_asked(what) is None, what

    def missing(question: str, quotes: str) -> str | None:
        return slots.instance_missing(question, quotes, STEM)

    generic = "Dazu findet ein Qualitätsdialog mit den durchführenden Trägern statt."
    assert missing(asked, generic) == "Träger"
    assert missing(asked, "Ein Vertrag mit den Trägern besteht.") == "Träger"  # no compound
    assert missing("Welcher Verein macht mit?", "Es machen mehrere Vereine mit.") == "Verein"
    # named: by a compound, a name after the kind, an abbreviation or a quoted name beside it
    assert missing(asked, "Durchführender Träger ist der Bildungsträger.") is None
    assert missing(asked, f"{generic} Es ist die AWO.") is None
    assert missing(asked, "Der Träger „Lernwerk Edorf“ führt sie durch.") is None
    assert missing(asked, "Durchgeführt werden sie vom Träger Lernwerk Edorf.") is None
    assert missing(asked, "Es sind die Träger der Caritas in Edorf.") is None
    assert missing(asked, "Es sind die Träger der zwei Schulen.") == "Träger"
    assert missing("Welches Jobcenter ist zuständig?", "Es ist das Jobcenter Edorf.") is None
    # an abbreviation far from the kind names nothing
    portal = "Über welches Buchungsportal buchen die Schulen in Edorf die Praktikumstage?"
    far = (
        "Das Integrationszentrum wird die Maßnahmen im Rahmen von KAoA und des LVR begleiten. "
        "Im Zusammenhang mit der Buchung der betrieblichen Berufsfelderkundungstage über das "
        "entsprechende Buchungsportal findet ein Austausch statt."
    )
    assert missing(portal, far) == "Buchungsportal"
    # a quote that does not speak of the kind may answer in other words
    assert missing(asked, "Das macht das Lernwerk am Markt.") is None
    # a numbered kind is named by a code beside it; the question's own figures name nothing
    assert missing(asked, "Ab Klasse 8 sind Träger beteiligt.") == "Träger"
    vorlage = "Unter welcher Vorlagennummer steht der Beschluss?"
    assert missing(vorlage, "Die Vorlage wurde beschlossen.") is None
    assert missing(vorlage, "Der Beschluss zur Vorlagennummer fiel.") == "Vorlagennummer"
    assert missing(vorlage, "Zur Vorlagennummer V/0588/2018 …") is None
    # long hyphenated text is read in linear time
    assert missing(asked, "mit den Trägern, " + "bildungs-netz-werk-" * 2000) == "Träger"


def test_a_procedure_needs_steps_or_items() -> None:
    asked = "Wie läuft die Anmeldung ab?"
    how = classify(asked)
    assert how.kind == AnswerType.PROCEDURE
    assert slots.steps_missing(asked, how, ["Die Stadt bietet eine Anmeldung an."])
    steps = "Zunächst füllt man den Bogen aus, dann folgt ein Test."
    assert not slots.steps_missing(asked, how, [steps])
    assert not slots.steps_missing(asked, how, ["Die Anmeldung:\n- Bogen ausfüllen\n- Test"])
    # one item quoted on its own is no list of steps
    one = ["Die Stadt bietet eine Anmeldung an.", "- die Einbindung der Nachbarschaft"]
    assert slots.steps_missing(asked, how, one)
    assert not slots.steps_missing(
        "Wer bietet die Anmeldung an?", classify("Wer bietet die Anmeldung an?"), ["Die Stadt."]
    )
    # "Wie kann ich …?" asks a way, not a sequence: "Die Anmeldung erfolgt online." answers it
    can = "Wie kann ich mich zum Sprachkurs anmelden?"
    assert classify(can).kind == AnswerType.PROCEDURE
    assert not slots.steps_missing(can, classify(can), ["Die Anmeldung erfolgt online."])


def test_a_procedure_whose_question_says_what_of_it_is_asked_needs_no_steps() -> None:
    """ "Wie läuft … ab – wer lädt ein, und was gilt …?": what follows the dash is asked, and
    the quotes that answer it need no sequence; unless it asks the steps themselves."""
    asked = "Wie laufen die Fallkonferenzen in Edorf ab – wer lädt ein, und was gilt dabei?"
    how = classify(asked)
    quotes = [
        "Die Einladung zu den Fallkonferenzen erfolgt durch die Fallmanagerin.",
        "Fallkonferenzen sind nur mit dem Einverständnis der Betroffenen möglich.",
    ]
    assert how.kind == AnswerType.PROCEDURE
    assert not slots.steps_missing(asked, how, quotes)
    plain = "Wie laufen die Fallkonferenzen in Edorf ab?"
    assert slots.steps_missing(plain, classify(plain), quotes)
    steps = "Wie laufen die Fallkonferenzen in Edorf ab – welche Schritte gibt es?"
    assert slots.steps_missing(steps, classify(steps), quotes)
    colon = "Fallkonferenzen in Edorf: Wie laufen sie ab, und wer lädt ein?"
    assert slots.steps_missing(colon, classify(colon), quotes)  # the colon only names the topic
    after = "Wie laufen die Fallkonferenzen in Edorf ab: Wer lädt ein?"
    assert not slots.steps_missing(after, classify(after), quotes)
    order = "Wie läuft die Anmeldung in Edorf ab – was muss ich zuerst tun, was danach?"
    assert slots.steps_missing(order, classify(order), quotes)


def test_a_year_the_quote_names_scopes_it_whatever_the_title_says() -> None:
    asked = "Wie viele Menschen lebten 2018 in Edorf?"
    assert slots.years_contradicted(asked, "Ende 2016 lebten dort 335 Personen.") == ["2018"]
    assert slots.years_contradicted(asked, "2018 lebten dort 335 Personen.") == []
    assert slots.years_contradicted(asked, "Dort lebten 335 Personen.") == []  # no year: context
    assert slots.years_contradicted("Wie viele sind es?", "Ende 2016 waren es 335.") == []
    # a year inside a date, or at a sentence's end, is named too
    assert slots.years_contradicted(asked, "Zum Stichtag 31.12.2018 waren es 335.") == []
    assert slots.years_contradicted(asked, "Gezählt wurden 335 Personen Ende 2016.") == ["2018"]


def test_a_quote_dated_in_another_month_of_the_asked_year_contradicts_it() -> None:
    asked = "In welcher Stadt fand die Auftaktveranstaltung im September 2018 statt?"
    assert slots.months_contradicted(asked, "(27.11.2018 in Essen)") == ["September 2018"]
    assert slots.months_contradicted(asked, "im November 2018 in Essen") == ["September 2018"]
    assert slots.months_contradicted(asked, "am 11.09.2018 in Essen") == []
    assert slots.months_contradicted(asked, "Sie fand in Essen statt.") == []  # undated
    assert slots.months_contradicted(asked, "am 27.11.2019 in Essen") == []  # another year
    # a deadline or a start covers other months
    assert slots.months_contradicted("Was lag bis August 2019 vor?", "im Mai 2019") == []
    assert slots.months_contradicted("What happened in May 2019?", "am 03.04.2019") == ["May 2019"]
    period = "Was geschah vom 1. September 2018 bis Dezember 2018?"
    assert slots.months_contradicted(period, "Am 03.10.2018 und am 27.11.2018 …") == []
    # the end or start of a year asked is its last or first months
    end = "Wie viele Arbeitshilfen lagen bis Ende 2019 vor?"
    assert slots.months_contradicted(end, "Bis August 2019 waren 48 eingegangen.") == ["Ende 2019"]
    assert slots.months_contradicted(end, "Bis Ende 2019 waren es 50.") == []  # undated month
    assert slots.months_contradicted(end, "Am 27.11.2019 waren es 50.") == []
    assert slots.months_contradicted("Was geschah Anfang 2019?", "Im März 2019 …") == []
    assert slots.months_contradicted("Was geschah Anfang 2019?", "Im Mai 2019 …") == ["Anfang 2019"]
    # ... not as the start of a period
    assert slots.months_contradicted("Was geschah seit Anfang 2019?", "Im Juli 2019 …") == []
    span = "Was geschah von Anfang 2019 bis Ende 2019?"
    assert slots.months_contradicted(span, "Im Mai 2019 …") == []


def test_the_whole_of_the_asked_group_is_blanked_only_before_its_noun() -> None:
    asked = "Wie viele der Projektfamilien haben ein Bleiberecht bekommen?"
    terms = GermanAnalyzer().terms
    counted = set(terms("Projektfamilien"))
    whole = slots.without_group_totals(
        asked, "Den 14 Projektfamilien wird geholfen.", counted, terms
    )
    assert "14" not in whole
    # all of them is an answer; a count of something else, an ordinal and a part stay
    for said in (
        "Alle 14 Projektfamilien haben ein Bleiberecht.",
        "Die 3 Ämter helfen den Familien.",
        "Der 2. Sitzung folgten 3 Projektfamilien.",
        "Bisher haben 3 Projektfamilien ein Bleiberecht.",
    ):
        assert slots.without_group_totals(asked, said, counted, terms) == said, said
    # no group asked: nothing changes
    said = "Den 14 Projektfamilien wird geholfen."
    assert slots.without_group_totals("Wie viele Familien gibt es?", said, counted, terms) == said


def test_a_kind_spoken_of_only_as_one_of_its_kind_is_not_the_one_asked_for() -> None:
    question = "Nach welchem Schlüssel verteilt das Land die Mittel auf die Kreise?"
    unsaid = "Die Verteilung der Fördermittel wird anhand eines Schlüssels erfolgen."
    assert slots.only_said_to_exist(question, unsaid, STEM) == "Schlüssel"
    # said which: by a relative clause, a colon, what it follows or a definite mention
    for said in (
        "Die Verteilung erfolgt anhand eines Schlüssels, der sich nach der Einwohnerzahl richtet.",
        "Die Verteilung erfolgt nach einem Schlüssel: 60 % nach Einwohnern, 40 % nach Fällen.",
        "Die Verteilung erfolgt anhand eines Schlüssels nach der Zahl der Geduldeten.",
        "Der Schlüssel richtet sich nach der Zahl der Geduldeten.",
        "Die Mittel werden anhand eines Schlüssels verteilt, der sich nach den Fällen richtet.",
        "Einer der wichtigsten Schlüssel ist die Einwohnerzahl.",
        "Die Verteilung erfolgt nach einem festen Schlüssel 60:40.",
        "Die Verteilung erfolgt nach einem Schlüssel. Dieser richtet sich nach der Zahl.",
        "Dafür gibt es keinen außergewöhnlich nachvollziehbaren Schlüssel.",
    ):
        assert slots.only_said_to_exist(question, said, STEM) is None, said
    # the kind not spoken of, or a question that asks what or how ("Welches Ziel …?")
    assert slots.only_said_to_exist(question, "Die Kreise erhalten die Mittel.", STEM) is None
    goal = "Welches Ziel verfolgt das Land damit?"
    assert slots.only_said_to_exist(goal, "Das Land verfolgt ein Ziel.", STEM) is None


def test_an_amount_asked_for_a_town_is_not_given_by_the_states_total() -> None:
    asked = "Wie viel Geld aus dem Programm bekommt der Rhein-Kreis Neuss?"
    total = "Der Landtag hat der Landesregierung für das Programm 50 Millionen Euro bereitgestellt."
    assert slots.total_for_all(asked, total, nrw_places) == ["Rhein-Kreis Neuss"]
    # the district's own amount, however it names the district
    own = "Der Rhein-Kreis Neuss erhält aus den Landesmitteln 1,2 Millionen Euro."
    assert slots.total_for_all(asked, own, nrw_places) == []
    assert slots.total_for_all(asked, f"{total} {own}", nrw_places) == []
    # an amount said without saying whose: no total, so nothing to tell apart
    assert slots.total_for_all(asked, "Dafür stehen 200.000 Euro bereit.", nrw_places) == []
    # a question for the state's total asks for no town
    assert slots.total_for_all("Wie viel Geld stellt das Land bereit?", total, nrw_places) == []
    # an amount the state pays each place is the town's too, and "Mio." ends no sentence
    each = "Jede teilnehmende Kommune erhält vom Land jährlich 100.000 Euro."
    assert slots.total_for_all(asked, each, nrw_places) == []
    both = (
        "Der Rhein-Kreis Neuss bzw. die Stadt erhält 10 Mio. Euro. "
        "Das Land zahlt insgesamt 50 Mio. Euro."
    )
    assert slots.total_for_all(asked, both, nrw_places) == []
    assert slots.total_for_all(asked, "Landesweit stehen 50 Mio. Euro bereit.", nrw_places) == [
        "Rhein-Kreis Neuss"
    ]


def test_an_average_asked_needs_an_average_stated() -> None:
    asked = "Wie viele Mitglieder haben die Kerngruppen im Durchschnitt?"
    assert slots.average_missing(asked, "Die Kerngruppe sollte etwa 10 Personen umfassen.")
    assert not slots.average_missing(asked, "Durchschnittlich sind es 9 Mitglieder.")
    assert not slots.average_missing(asked, "Im Mittel kommen 9 Mitglieder.")
    assert slots.average_missing("How many members do they have on average?", "Es sind 10.")
    # a question that asks no average is not checked for one ("mean" as in "What does …
    # mean?"), and "überdurchschnittlich" states none
    assert not slots.average_missing("Wie viele Mitglieder hat sie?", "Es sind 10.")
    assert not slots.average_missing("What does Kerngruppe mean?", "Sie umfasst 10 Personen.")
    assert slots.average_missing("Welches Durchschnittsalter haben sie?", "Sie sind 20.")
    assert slots.average_missing("Wie viele im Mittel?", "überdurchschnittlich hoch bei 30")


def test_a_head_asked_where_the_quotes_say_of_no_one_that_they_lead_is_not_answered() -> None:
    asked = "Wer ist Direktor des Instituts Arbeit und Qualifikation?"
    contact = (
        "Dr. Karola Köhling / Prof. Dr. Sybille Stöbe-Blossey, Institut Arbeit und Qualifikation"
    )
    assert roles.role_unnamed(asked, [contact])
    assert roles.role_unnamed("Who heads the institute?", [contact])
    # a head named, or given by role alone, answers
    assert not roles.role_unnamed(asked, ["Direktor des Instituts ist Prof. Dr. Max Muster."])
    lead = (
        "Die Lenkungsgruppe wurde unter Leitung der Sozialdezernentin eingerichtet. "
        "Frau Prof. Dr. Hasenjürgen nimmt an der Lenkungsgruppe teil."
    )
    assert not roles.role_unnamed("Wer leitet die Lenkungsgruppe?", [lead])
    # no head asked, or a deputy asked (roles.role_qualified's case), or no one named
    assert not roles.role_unnamed("Wer nimmt an der Lenkungsgruppe teil?", [contact])
    assert not roles.role_unnamed("Wer ist stellvertretender Direktor?", [contact])
    assert not roles.role_unnamed(asked, ["Das Institut hat seinen Sitz in Duisburg."])


def test_the_occurrence_asked_is_said_by_its_ordinal() -> None:
    asked = "Wann hat sich die Gruppe zum zweiten Mal getroffen?"
    for said in ("Die zweite Sitzung fand im Mai statt.", "Das 2. Treffen war im Mai."):
        assert slots.occurrence_missing(asked, said) is None, said
    for unsaid in (
        "Die Gruppe hat sich am 27.06.2019 zur konstituierenden Sitzung getroffen.",
        "Die Gruppe Deutsch als Zweitsprache traf sich.",  # no ordinal, a compound
        "Am 2. Mai 2019 fand die konstituierende Sitzung statt.",  # a date
    ):
        assert slots.occurrence_missing(asked, unsaid) == "zum zweiten Mal", unsaid
    assert slots.occurrence_missing("Wann war die 3. Sitzung?", "Nichts dazu.") == "die 3. Sitzung"
    assert slots.occurrence_missing("When was the second meeting?", "Nichts.") == "second meeting"
    assert slots.occurrence_missing("Wann fand das 14. Werkstattgespräch statt?", "x") is None
