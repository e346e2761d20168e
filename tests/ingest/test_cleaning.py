"""Text cleaning: hyphenation, spacing, Unicode, running headers/footers, emphasis markers."""

import pytest

from ingest.cleaning import clean_inline, join_lines, normalize_unicode, remove_running_lines


@pytest.mark.parametrize(
    ("first", "second", "joined"),
    [
        ("Die Ertei-", "lung der Genehmigung", "Die Erteilung der Genehmigung"),
        ("die Bedarfs-", "und Angebotsanalyse", "die Bedarfs- und Angebotsanalyse"),
        ("Sprach-", "oder Integrationskurse", "Sprach- oder Integrationskurse"),
        ("Schul-", "bzw. Berufsabschluss", "Schul- bzw. Berufsabschluss"),
        ("das Land Nordrhein-", "Westfalen fördert", "das Land Nordrhein-Westfalen fördert"),
        ("ein ganz normaler", "Zeilenumbruch", "ein ganz normaler Zeilenumbruch"),
        ("Gedankenstrich -", "danach weiter", "Gedankenstrich - danach weiter"),
    ],
)
def test_join_lines_rejoins_hyphenated_words_but_keeps_suspended_hyphens(
    first: str, second: str, joined: str
) -> None:
    assert join_lines(first, second) == joined


def test_clean_inline_collapses_justified_double_spaces() -> None:
    assert clean_inline("Die  Kommunen  bilden  lokale  Bündnisse.") == (
        "Die Kommunen bilden lokale Bündnisse."
    )


def test_clean_inline_turns_column_gaps_into_one_tab() -> None:
    assert clean_inline("Kreis Neuss      12      Bündnis") == "Kreis Neuss\t12\tBündnis"


def test_clean_inline_rejoins_hyphenation_kept_inside_a_line() -> None:
    assert clean_inline("Migrantenselbst- organisationen und Sprach- und Kulturmittler") == (
        "Migrantenselbstorganisationen und Sprach- und Kulturmittler"
    )


def test_clean_inline_rejoins_hyphenation_in_justified_text() -> None:
    assert clean_inline("und  arbeits-  teilig  bearbeitet") == "und arbeitsteilig bearbeitet"


def test_unicode_is_nfc_without_soft_hyphens_or_nbsp() -> None:
    decomposed = "Fu\u0308r Gefl\u00fcchtete in Mu\u0308n\u00adster\u00a0NRW"
    assert normalize_unicode(decomposed) == "Für Geflüchtete in Münster NRW"
    assert clean_inline(decomposed) == "Für Geflüchtete in Münster NRW"


def test_clean_inline_drops_literal_emphasis_and_footnote_markers() -> None:
    assert clean_inline("Das ist **wichtig** für alle Kommunen¹ im *Land*.") == (
        "Das ist wichtig für alle Kommunen im Land."
    )


def test_running_header_and_page_numbers_are_removed_from_every_page() -> None:
    header = "Bericht der Stadt – Zwischenbericht 2019"
    topics = ["Ausbildung", "Sprachförderung", "Beratung", "Wohnen", "Arbeit"]
    body = [
        [f"Der Abschnitt über {t} beginnt.", f"Hier steht mehr zu {t}.", f"{t} endet."]
        for t in topics
    ]
    pages = [[header, *lines, f"Seite {n}"] for n, lines in enumerate(body, 1)]
    assert remove_running_lines(pages) == body


def test_a_line_repeated_in_the_body_is_not_a_running_header() -> None:
    pages = [
        ["Kopf", f"Anfang {w}.", "Wichtiger Satz.", f"Mitte {w}.", f"Schluss {w}."]
        for w in ("eins", "zwei", "drei", "vier")
    ]
    cleaned = remove_running_lines(pages)
    assert all("Wichtiger Satz." in lines and len(lines) == 4 for lines in cleaned)
    assert all("Kopf" not in lines for lines in cleaned)
