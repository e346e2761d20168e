"""Lines that are not prose are recognised by their shape (kb/text/layout.py)."""

import pytest

from kb.text import layout
from kb.text.layout import kind_at, layout_spans, line_kind, nonprose_share


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("5.3\tDie Entwicklung der Bündnis-Arbeit\t33", layout.TOC),
        ("Übersicht 7:\tThemenfelder der Workshops\t11", layout.TOC),
        ("Arbeit.....\t27", layout.TOC),
        ("2.1 Welche Institutionen haben direkten Kontakt zur Zielgruppe?", layout.FORM),
        # a numbered request to the one filling the form in
        ("5.1 Bitte dokumentieren Sie die Möglichkeiten des Schulbesuchs.", layout.FORM),
        ("5.1 Beispiele guter Praxis aus den Kommunen", None),
        ("Duldung (D):\tKlicken oder tippen Sie hier, um Text einzugeben.", layout.FORM),
        ("Zugang für Geduldete?\tWeitere Öffnung möglich?\tBemerkungen", layout.FORM),
        ("2\tEinrichtung einer Bündnis-Kerngruppe\tJa\tNein", layout.FORM),  # a row to tick
        ("☐ Jobcenter ☐ Agentur für Arbeit", layout.FORM),
        ("Existing cooperation\tYes\tNo", layout.FORM),
        ("□ Sprachkurse am Abend", None),  # a bullet, not a box
        ("Ja, das stimmt. Nein, nicht immer.", None),
        ("Jobcenter\t40 (88,8%)\t16 (88,8%)\t20 (90,9%)\t4 (80%)", layout.TABLE),
        ("Oliver Muster, Tel.: 02041 767252 o.muster@example.org", layout.CONTACT),
        ("- Muster, A. / Beispiel, B., 2016: Ein Titel. Verlag", layout.REFERENCE),
        ("www.example.org Inhalte der Arbeitshilfe – Beispiele /1", layout.RUNNING),
        ("Die Bündniskerngruppe hat sich am 27.06.2019 getroffen.", None),
        ("Im Sommer 2019 gab es landesweit 58 Bündnisse.", None),
        ("- Festlegung von Prioritäten für die lokale Initiative", None),
    ],
)
def test_line_kinds(line: str, kind: str | None) -> None:
    assert line_kind(line) == kind


def test_spans_are_page_offsets_and_shares_count_only_noise() -> None:
    text = "Inhalt\n1\tEinleitung\t4\nDie Initiative startete 2018 mit einer Auftaktveranstaltung."
    spans = layout_spans(text)
    assert [(text[s:e], k) for s, e, k in spans] == [("1\tEinleitung\t4", layout.TOC)]
    assert kind_at(spans, spans[0][0], spans[0][1]) == layout.TOC
    assert kind_at(spans, text.index("Die"), len(text)) is None
    assert 0 < nonprose_share(text) < 0.5
    contact = "Kontakt: Dr. Muster, Tel.: 0201 123456, muster@example.org"
    assert nonprose_share(contact) == 0.0  # a contact line can answer, it is not noise


def test_a_table_row_is_read_with_its_header_and_caption() -> None:
    page = (
        "Die Kerngruppen setzen sich sehr unterschiedlich zusammen, wie die Übersicht zeigt.\n"
        "Übersicht 10: An den Kerngruppen beteiligte Akteure\n"
        "Akteure\tNennungen insgesamt (N=45)\tNennungen in Kreisen (N=22)\n"
        "Migration und Integration\n"
        "KI\t45 (100%)\t22 (100%)\n"
        "Ausländerbehörde\t39 (86,6%)\t20 (90,9%)\n"
        "Die Jobcenter sind in fast allen Kerngruppen vertreten, wie die Befragung zeigt.\n"
    )
    row = page.index("Ausländerbehörde")
    around = layout.table_around(page, row, row + 10)
    assert around.startswith("Übersicht 10:") and around.endswith("20 (90,9%)")
    assert "(N=45)" in around and "Die Kerngruppen setzen" not in around
    # a prose line is only itself
    prose = page.index("Die Jobcenter")
    assert layout.table_around(page, prose, prose + 5) == layout.lines_around(
        page, prose, prose + 5
    )


def test_a_table_head_ends_at_a_blank_line_a_heading_or_another_table() -> None:
    page = (
        "Übersicht 3: Kerngruppen nach Kreisen\n"
        "Kreis Wesel\t12 (40%)\t3 (10%)\n"
        "Kreis Kleve\t10 (33%)\t4 (13%)\n"
        "Schulform\tNennungen (N=30)\n"
        "Gymnasium\t14 (46%)\t2 (6%)\n"
    )
    row = page.index("Gymnasium")
    # the second table's header, not the first table's rows and caption
    assert layout.table_head(page, row, row + 5) == "Schulform\tNennungen (N=30)"
    for gap in ("\n", "## Befragung der Schulen\n"):
        split = page.replace("Schulform", gap + "Schulform")
        row = split.index("Gymnasium")
        assert layout.table_head(split, row, row + 5) == "Schulform\tNennungen (N=30)"
    assert layout.table_head(page, 0, 5) == ""  # a caption is no row


def test_a_table_head_is_found_past_group_labels_and_over_a_page_break() -> None:
    before = (
        "Die Kerngruppen setzen sich sehr unterschiedlich zusammen, wie die Übersicht zeigt.\n"
        "Übersicht 10: An den Bündnis-Kerngruppen beteiligte Akteure\n"
        "Akteure\tNennungen insgesamt (N=45)\tin Kreisen (N=22)\n"
        "Migration und Integration\n"
        "KI\t45 (100%)\t22 (100%)\n"
        "Ausländerbehörde\t39 (86,6%)\t20 (90,9%)\n"
        "Bildung und Sprache\n"
    )
    vhs = "VHS\t22 (48,8%)\t11 (50,0%)\nArbeitsmarkt und Wirtschaft"
    page = f"{vhs}\nJobcenter\t40 (88,8%)\t20 (90,9%)\n"
    caption = "Übersicht 10: An den Bündnis-Kerngruppen beteiligte Akteure"
    # a row under a group label within one page
    whole = before + page
    row = whole.index("Jobcenter")
    assert layout.table_head(whole, row, row + 5).startswith(caption)
    # a row on the page after the caption: read on in the page before
    row = page.index("Jobcenter")
    assert layout.table_head(page, row, row + 5) == vhs
    assert layout.table_head(page, row, row + 5, before=before).startswith(caption)
    # a label does not join a table to the rows of another one above a header
    other = (
        "Kreis Wesel\t12 (40%)\t3 (10%)\nSchulform\tNennungen (N=30)\nGymnasium\t14 (46%)\t2 (6%)\n"
    )
    row = other.index("Gymnasium")
    assert layout.table_head(other, row, row + 5) == "Schulform\tNennungen (N=30)"


def test_the_span_of_a_tables_caption_and_header_and_whether_it_goes_on_overleaf() -> None:
    page = (
        "Die Übersicht zeigt die Stellen, die in den Kerngruppen mitarbeiten, nach Gebieten.\n"
        "Übersicht 4: An den Kerngruppen beteiligte Stellen\n"
        "Stellen\tNennungen insgesamt (N=40)\tin Kreisen (N=20)\n"
        "Migration und Integration\n"
        "Integrationszentrum\t40 (100%)\t20 (100%)\n"
        "Ausländeramt\t35 (87,5%)\t18 (90,0%)\n"
    )
    row = page.index("Ausländeramt")
    start, end = layout.table_head_span(page, row, row + 5)
    assert page[start:end] == (
        "Übersicht 4: An den Kerngruppen beteiligte Stellen\n"
        "Stellen\tNennungen insgesamt (N=40)\tin Kreisen (N=20)"
    )
    assert layout.head_at_page_end(page) == (start, end)  # the table goes on overleaf
    assert layout.head_at_page_end(page + "Seite 12\n") is None  # the page ends otherwise
    assert layout.table_head_span(page, 0, 10) is None  # prose is no row
    overleaf = "Volkshochschule\t21 (52,5%)\t11 (55,0%)\nSchulamt\t13 (32,5%)\t7 (35,0%)\n"
    assert layout.table_head_span(overleaf, overleaf.index("Schulamt"), len(overleaf)) is None
    assert layout.table_opens_page(overleaf, overleaf.index("Schulamt"))
    assert not layout.table_opens_page(page, row)
    # a source line under one table is no label: the next table's row is not put under it
    two = page + "Quelle: eigene Berechnungen\nSchulamt\t13 (32,5%)\t7 (35,0%)\n"
    school = two.index("Schulamt")
    assert layout.table_head_span(two, school, school + 5) is None
    assert layout.table_head(two, school, school + 5) == "Quelle: eigene Berechnungen"
