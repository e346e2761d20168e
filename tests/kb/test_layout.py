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
