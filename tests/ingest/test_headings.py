"""Heading detection for line-based text, and the headings found in the real corpus."""

import re
from collections.abc import Sequence

from ingest.headings import HeadingDetector
from kb.models import ParsedDocument

IAQ = "iaq-zwischenbericht-gemeinsam-klappts-2019.pdf"
MUENSTER = "muenster-einwanderung-gestalten-2018.pdf"


def headings(lines: Sequence[str]) -> list[str]:
    """Titles the detector accepts, reading ``lines`` in order as one document."""
    detector = HeadingDetector()
    found = []
    for i, line in enumerate(lines):
        match = detector.match(line, lines[i + 1] if i + 1 < len(lines) else None)
        if match:
            found.append(match.title)
    return found


def test_numbered_sections_and_captions_are_headings() -> None:
    lines = [
        "5 Zwischenbilanz",  # a first "section 5" is more likely a stray numbered line
        "1 Vorbemerkung",
        "Der Bericht beschreibt die Initiative.",
        "2 Die Landesinitiative",
        "2.1 Ziele",
        "2.2 Bausteine",
        "Übersicht 6: Faktenblatt der Initiative",
        "3 Die Planung",
        "3.1 Die Planung von Angeboten",
        "3.1.1 Informationen zu Zielgruppen und Bedarfen",
    ]
    assert headings(lines) == lines[1:2] + lines[3:]


def test_a_dotted_list_item_is_not_a_heading_where_sections_have_no_dot() -> None:
    lines = [
        "1 Einleitung",
        "2 Förderbausteine",
        "Die Initiative sieht folgende Bausteine vor:",
        "3. Die Förderung eines Coachings für junge Geflüchtete",
        "3 Ergebnisse",
    ]
    assert headings(lines) == ["1 Einleitung", "2 Förderbausteine", "3 Ergebnisse"]


def test_questionnaire_items_are_not_headings() -> None:
    lines = [
        "1 Bestandsaufnahme",
        "2 Einrichtung einer Bündnis-Kerngruppe",
        "2.1 Welche Institutionen sind im Bündnis vertreten?",
        "2.2 Gibt es bereits Gremien? Bitte beschreiben Sie diese",
        "2.3 Kann die Kerngruppe angegliedert werden?",
        "2.1 Beteiligte Institutionen",
    ]
    assert headings(lines) == [lines[0], lines[1], lines[5]]


def test_a_wrapped_questionnaire_item_is_not_a_heading() -> None:
    lines = [
        "Anhang 3: Arbeitshilfe für die Bedarfs- und Angebotsanalyse",
        "4.3 Sind Lücken in Bezug auf Sprachlernangebote identifiziert worden?",
        "4.3.1 In Bezug auf allgemeine Sprachlernangebote: Wenn ja: Welche Angebote fehlen oder",
        "lassen sich nicht für bestimmte Aufenthaltstitel öffnen? Gibt es Kapazitätsengpässe?",
    ]
    assert headings(lines) == [lines[0]]


def test_table_of_contents_lines_are_not_headings() -> None:
    lines = [
        "Inhaltsverzeichnis",
        "1 Vorbemerkung 4",
        "2 Die Landesinitiative\t4",
        "3 Die wissenschaftliche Begleitung – konzeptionelle Grundlagen und",
        "Verlauf\t11",
        "3.1 Die Planung von Angeboten ........ 17",
        "1 Vorbemerkung",
    ]
    assert headings(lines) == ["Inhaltsverzeichnis", "1 Vorbemerkung"]


def test_a_heading_wrapped_after_a_connector_takes_its_second_line() -> None:
    lines = ["1 Die wissenschaftliche Begleitung der", "Landesinitiative", "Text folgt hier."]
    assert headings(lines) == ["1 Die wissenschaftliche Begleitung der Landesinitiative"]


# -- the real corpus ----------------------------------------------------------------------------


def heading_pages(doc: ParsedDocument) -> dict[str, int | None]:
    return {h.title: p.number for p in doc.pages for h in p.headings}


def test_iaq_report_sections_are_found_on_their_pages(
    parsed_corpus: dict[str, ParsedDocument],
) -> None:
    found = heading_pages(parsed_corpus[IAQ])
    assert found["5.4 Die Planung von Angeboten"] == 40
    assert found["5.4.1 Informationen zu Zielgruppen und Bedarfen"] == 40
    assert "Übersicht 3: Aufgaben der Geschäftsführenden Stelle" in found
    assert "Anhang 1: Konzept der wissenschaftlichen Begleitung" in found
    # the table of contents on page 1 lists the same sections with page numbers: not headings
    assert all(p != 1 for t, p in found.items() if t[0].isdigit())


def test_muenster_report_sections_are_found_in_order(
    parsed_corpus: dict[str, ParsedDocument],
) -> None:
    doc = parsed_corpus[MUENSTER]
    numbered = [h.title.split()[0] for p in doc.pages for h in p.headings if h.title[0].isdigit()]
    expected = ["1", "2", "3", "3.1", "3.2", "4", "5", "5.1", "5.2", "5.3", "5.4", "6", "6.1"]
    assert numbered[: len(expected)] == expected
    assert numbered[-2:] == ["7", "8"]


def test_no_corpus_heading_is_a_question_or_a_toc_line(
    parsed_corpus: dict[str, ParsedDocument],
) -> None:
    for doc in parsed_corpus.values():
        for page in doc.pages:
            for h in page.headings:
                words = h.title.split()
                first = words[1] if words[0][0].isdigit() and len(words) > 1 else words[0]
                assert first.lower() not in {"welche", "wie", "gibt", "bitte", "kann"}, h
                assert not re.search(r"(\t|\s|\.)\d{1,3}$", h.title), h
