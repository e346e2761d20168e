"""Rules of the extractive answer that need no knowledge base (kb/answer/extractive.py)."""

import pytest

from kb.answer.extractive import (
    _ANAPHORIC_START,
    _SECTION,
    _about_document,
    _asks,
    _dangling,
    _heading,
    completes_quote,
)


@pytest.mark.parametrize(
    "sentence",
    [
        "In diesem Kapitel wird ein erster Überblick über den Start der Bündnisse gegeben.",
        "Im Folgenden werden die Grundlagen der Initiative dargestellt.",
        "Der Ansatz ist identisch mit Aktivität 3.1 und wird dort ausführlicher beschrieben.",
        "This chapter gives an overview of the first year.",
        "Im Frühjahr 2019 wird in diesem Kapitel ein Überblick gegeben.",  # a year is no fact
        "Übersicht 10 gibt einen Überblick über die an den BKG beteiligten Akteure.",  # a figure
        # a chapter it points to in brackets is no fact
        "Im Folgenden werden zunächst die Grundlagen der Initiative dargestellt (2).",
        "Im Folgenden wird der Ablauf dargestellt (vgl. Kapitel 4.1).",
        "Im Folgenden wird der Ablauf dargestellt (siehe Kapitel 4).",
    ],
)
def test_a_sentence_about_the_document_is_recognised(sentence: str) -> None:
    assert _about_document(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Die Volkshochschule bietet an zwei Abenden pro Woche Sprachkurse an.",
        "Im folgenden Jahr wurden 14 Familien begleitet.",  # a year, not a chapter
        "In the following year, 14 families were supported.",
        "In diesem Bericht wurden 58 Bündnisse gezählt.",  # it states a figure
        "In diesem Bericht wurden 58 Bündnisse gezählt (3).",
        "In diesem Bericht sind die beteiligten Kommunen (12) dargestellt.",  # a count
        "Übersicht 1 zeigt, dass es im Sommer 58 Bündnisse gab.",  # ... through a figure
        # it introduces a list: the items that follow are the content
        "Im Folgenden wird aufgeführt, welche Aufenthaltstitel infrage kommen:",
    ],
)
def test_a_sentence_about_the_subject_is_not(sentence: str) -> None:
    assert not _about_document(sentence)


@pytest.mark.parametrize(
    ("sentence", "asks"),
    [
        ("- 2. Ist, Ihrer Einschätzung nach, eine Vernetzungsstruktur vorhanden?", True),
        ("„Was machen wir dann mit denen?“", True),  # a question in an interview
        ("2.1\tKann die lokale Bündnis-Kerngruppe an vorhandene", True),  # cut before its '?'
        ("- 3. Wie viele junge Geflüchtete leben in Ihrer Kommune", True),
        ("- 2. Die Förderung einer berufsbegleitenden Qualifizierung.", False),
        ("2019 gab es 58 Bündnisse.", False),
        ("Ist die Stelle besetzt, beginnt die Arbeit.", False),
        ("- 3. Sind die Kurse voll, wird eine Warteliste geführt.", False),  # a statement
        # a form's request to the one filling it in asks too
        ("Bitte dokumentieren Sie daher, soweit möglich, die vorhandene Datenlage.", True),
        ("5.1 Bitte berücksichtigen Sie dabei besonders die Geduldeten.", True),
        ("Please list the partners of your alliance.", True),
        ("Bitte wenden sich Interessierte an die GfS.", False),  # no one addressed as "Sie"
        # a note to the reader states something
        ("Bitte beachten Sie, dass die Frist am 30.06.2019 endet.", False),
        ("Bitte wenden Sie sich an das Kommunale Integrationszentrum.", False),
        ("Please note that the deadline is 30 June.", False),
        # ... and what a notice asks one to do says when and where
        ("Bitte stellen Sie Ihren Antrag bis zum 30. Juni beim Jobcenter.", False),
        ("Bitte geben Sie die Unterlagen im Bürgerbüro ab.", False),
        ("Please fill in the application form and send it by 15 March.", False),
    ],
)
def test_a_question_is_recognised_as_one(sentence: str, asks: bool) -> None:
    assert _asks(sentence) is asks


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("Aufgaben der Geschäftsführenden Stelle", True),
        ("Geschäftsführende Stelle", True),
        # it spells out an abbreviation, or gives a legal basis: a programme table's row
        ("Einstiegsqualifizierung (EQ; § 54a SGB III)", False),
        ("Perspektiven für junge Flüchtlinge (PerjuF) und im Handwerk (PerjuF-H)", False),
        ("Förderung nach § 45 SGB III", True),  # no parenthesis: a heading
        ("Ablauf (Überblick)", True),  # a parenthesis that abbreviates nothing
        ("Die Stelle plant die Kurse.", False),  # a sentence
        ("Kontakt: Dr. Andreas Borchers", False),  # a labelled field
        ("- Deutschförderung", False),  # a list item
        ("Aufgaben der Bündniskerngruppe sind:", False),  # it introduces a list
    ],
)
def test_a_heading_line_is_recognised(line: str, heading: bool) -> None:
    assert _heading(line, line) is heading


def test_a_short_sentence_inside_a_longer_line_is_no_heading() -> None:
    assert not _heading("Aufgaben der Stelle", "Aufgaben der Stelle sind vielfältig. Sie planen.")


@pytest.mark.parametrize(
    ("page", "dangling"),
    [
        ("Aufgaben der Gruppe sind:\nKontakt: Frau Muster", True),  # no items follow
        ("Aufgaben der Gruppe sind:\n- Planung\n- Lenkung", False),  # its items follow
        ("Das sagt eine Befragte:\n„Wir fangen erst an.“", False),  # quoted words follow
        ("Aufgaben der Gruppe sind:", False),  # the page ends: the next page carries them
        ("Die Gruppe plant die Kurse.\nKontakt: Frau Muster", False),  # no introduction
    ],
)
def test_an_introduction_without_what_it_introduces_is_recognised(
    page: str, dangling: bool
) -> None:
    end = page.index("\n") if "\n" in page else len(page)
    assert _dangling(page[:end], page, end) is dangling


@pytest.mark.parametrize(
    ("line", "section"),
    [
        ("5.3 Festlegung von Schwerpunktthemen", True),
        ("2.1. Konzeptentwicklung Begleitperson für Familien", False),  # an item of a list
        ("1.000 Teilnehmende erreicht", False),  # a figure
    ],
)
def test_a_numbered_section_heading_is_told_from_an_item_and_a_figure(
    line: str, section: bool
) -> None:
    assert bool(_SECTION.match(line)) == section


@pytest.mark.parametrize(
    ("sentence", "leans"),
    [
        ("Dabei wurden drei Gruppen gebildet.", True),
        # a conclusion drawn from the sentence before, within the first words
        ("Wenn mithin das vorzeitige Ende nicht auszuschließen ist, zögern die Agenturen.", True),
        ("Es ist somit nicht verwunderlich, dass wenige Plätze frei sind.", True),
        ("Somit ist die Kerngruppe das zentrale Gremium.", True),
        # a reason said on its own, as people speak ("Weil die reine Mitgliedschaft reicht ja
        # nicht aus, …"): it gives the reason for the sentence before
        ("Weil die reine Vereinsmitgliedschaft reicht ja nicht aus.", True),
        ("Weilerswist ist eine Gemeinde.", False),
        # (a full sentence that begins with its reason leans too: "Weil die Mittel knapp waren,
        # hat der Kreis gekürzt." joins the one before; most such sentences are spoken ones)
        ("Die Agenturen setzen Förderinstrumente zurückhaltend ein.", False),
        ("Die Gruppe hat sich drei Jahre lang getroffen und folglich viel erreicht.", False),
    ],
)
def test_a_sentence_that_leans_on_the_one_before_is_recognised(sentence: str, leans: bool) -> None:
    assert bool(_ANAPHORIC_START.match(sentence)) is leans


@pytest.mark.parametrize(
    ("quote", "following", "completes"),
    [
        # a quote that opens a sequence goes on with the next sentence, its next step
        (
            "Die Sozialarbeiter erfassen zunächst in Gesprächen, welche Hilfen nötig sind.",
            "Die Ergebnisse fließen in eine Übergangskonferenz ein.",
            True,
        ),
        (
            "Es besteht in einem ersten Schritt die Möglichkeit, Vorkurse zu belegen.",
            "Die Semesterangebote lassen den Freitag für eine Arbeit frei.",
            True,
        ),
        # ... unless it names the later step itself, or "zunächst" means "for now"
        (
            "Zunächst wird ein Bogen ausgefüllt, danach folgt ein Gespräch.",
            "Die Stadt bietet das Verfahren seit 2018 an.",
            False,
        ),
        (
            "Das Projekt ist zunächst bis 2020 befristet.",
            "Die Stadt Edorf hat 80.000 Einwohner.",
            False,
        ),
        ("The first meeting was held in May 2019.", "The city has 80,000 inhabitants.", False),
        # a sentence that points back and qualifies the quote goes with it
        (
            "Das Bundesprogramm ist für Personen im Duldungsstatus ausgeschlossen.",
            "Diesem Personenkreis stünden jedoch die Arbeitsgelegenheiten offen.",
            True,
        ),
        ("Ein Laufzettel wurde diskutiert.", "Das Format wurde jedoch wieder verworfen.", True),
        # ... not one that merely goes on, adds ("aber auch") or qualifies something else
        ("Ein Laufzettel wurde diskutiert.", "Das Format ist in vielen Kommunen bekannt.", False),
        ("Das Jobcenter berät.", "Das Jobcenter bietet aber auch Sprachkurse an.", False),
        ("Ein Laufzettel wurde diskutiert.", "Andere Kommunen haben jedoch keinen.", False),
    ],
)
def test_a_sentence_that_completes_a_quote_is_recognised(
    quote: str, following: str, completes: bool
) -> None:
    assert completes_quote(quote, following) is completes
