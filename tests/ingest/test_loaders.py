"""Each input format → cleaned page text, headings and chunk metadata (ingest.parse)."""

import re
from pathlib import Path

import pytest
from helpers import make_docx, make_pdf, unicode_font
from pypdf import PdfReader

from ingest.chunking import SECTION_SEPARATOR, Chunker
from ingest.parse import parse_bytes, parse_file
from kb.models import Chunk, ParsedDocument, document_id

CHUNKER = Chunker(110, 20)
IAQ = "iaq-zwischenbericht-gemeinsam-klappts-2019.pdf"
MUENSTER = "muenster-einwanderung-gestalten-2018.pdf"
DOCX = "rhein-kreis-neuss-mitteilung-gemeinsam-klappts-2019.docx"
HTML = "ies-projekt-gemeinsam-klappts.html"
MD = "gib-werkstattgespraech-14-kraefte-buendeln-2018.md"
DECOMPOSED = "Fu\u0308r Gefl\u00fcchtete in Mu\u0308nster"  # "Für … Münster", decomposed umlauts


def full_text(doc: ParsedDocument) -> str:
    return "\n".join(p.text for p in doc.pages)


def chunk_with(doc: ParsedDocument, needle: str) -> Chunk:
    return next(c for c in doc.chunks if needle in c.text)


def assert_chunks_point_into_pages(doc: ParsedDocument) -> None:
    pages = {p.number: p for p in doc.pages}
    for c in doc.chunks:
        assert pages[c.page].text[c.start : c.end] == c.text
        assert (c.doc_id, c.file_name, c.title, c.kind) == (
            document_id(doc.file_name),
            doc.file_name,
            doc.title,
            doc.kind,
        )


# -- PDF ------------------------------------------------------------------------------------------

HEADER = "Förderbericht der Stadt Beispielhausen 2020"
PDF_PAGES = [
    "1 Einleitung\n"
    "Die Stadt beschreibt in diesem Bericht die Ertei-\n"
    "lung von Genehmigungen für junge Geflüchtete.\n"
    "Die Ergebnisse der Bedarfs-\n"
    "und Angebotsanalyse liegen seit dem Frühjahr vor.\n"
    "Die  Kommune  prüft  alle  Anträge  sorgfältig.",
    "2 Umsetzung\nDas Bündnis trifft sich jeden Monat im Rathaus. Es berät über neue Angebote.",
    "2.1 Sprachförderung\nDie Volkshochschule bietet zusätzliche Sprachkurse am Abend an.",
    "3 Ausblick\nIm nächsten Jahr soll das Teilhabemanagement ausgebaut werden.",
]


@pytest.fixture(scope="module")
def pdf_doc(tmp_path_factory: pytest.TempPathFactory) -> ParsedDocument:
    path = tmp_path_factory.mktemp("pdf") / "Förderbericht 2020.pdf"
    make_pdf(path, PDF_PAGES, title="Förderbericht Beispielhausen", header=HEADER, page_footer=True)
    return parse_file(path, CHUNKER)


def test_pdf_running_header_and_page_numbers_are_removed(pdf_doc: ParsedDocument) -> None:
    assert [p.number for p in pdf_doc.pages] == [1, 2, 3, 4]
    for page in pdf_doc.pages:
        assert HEADER not in page.text
        assert not re.search(r"Seite \d", page.text), page.text


def test_pdf_hyphenation_is_rejoined_but_suspended_hyphens_are_kept(
    pdf_doc: ParsedDocument,
) -> None:
    text = pdf_doc.pages[0].text
    assert "die Erteilung von Genehmigungen" in text
    assert "Ertei-" not in text
    assert "der Bedarfs- und Angebotsanalyse" in text


def test_pdf_justified_double_spaces_are_collapsed(pdf_doc: ParsedDocument) -> None:
    assert "Die Kommune prüft alle Anträge sorgfältig." in pdf_doc.pages[0].text
    assert all("  " not in p.text for p in pdf_doc.pages)


def test_pdf_headings_give_the_section_path_and_page_of_each_chunk(pdf_doc: ParsedDocument) -> None:
    assert [h.title for p in pdf_doc.pages for h in p.headings] == [
        "1 Einleitung",
        "2 Umsetzung",
        "2.1 Sprachförderung",
        "3 Ausblick",
    ]
    vhs = chunk_with(pdf_doc, "Volkshochschule")
    assert (vhs.page, vhs.section) == (3, f"2 Umsetzung{SECTION_SEPARATOR}2.1 Sprachförderung")
    assert chunk_with(pdf_doc, "Teilhabemanagement").section == "3 Ausblick"
    assert all(isinstance(c.page, int) for c in pdf_doc.chunks)
    assert_chunks_point_into_pages(pdf_doc)


def test_pdf_metadata(pdf_doc: ParsedDocument) -> None:
    assert pdf_doc.kind == "pdf"
    assert pdf_doc.title == "Förderbericht Beispielhausen"
    assert pdf_doc.doc_id == "forderbericht-2020-pdf"
    assert pdf_doc.date == "2020"  # from the file name


def test_pdf_text_is_nfc(tmp_path: Path) -> None:
    font = unicode_font()
    if font is None:
        pytest.skip("no TrueType font with combining marks (apt-get install fonts-dejavu-core)")
    path = make_pdf(tmp_path / "nfc.pdf", [f"{DECOMPOSED} sind willkommen."], font=font)
    assert "u\u0308" in PdfReader(path).pages[0].extract_text()  # pypdf yields it decomposed
    assert parse_file(path, CHUNKER).pages[0].text == "Für Geflüchtete in Münster sind willkommen."


CAPTIONED_PAGE = (
    "Die Kommunen haben im ersten Jahr eigene Bündnisse gegründet und dazu Kerngruppen mit den\n"
    "wichtigsten Akteuren vor Ort eingerichtet, die sich regelmäßig zu Arbeitstreffen sehen und\n"
    "dort über die nächsten Schritte der lokalen Initiative für junge Geflüchtete beraten.\n"
    "Quelle: Eigene Berechnungen\n"
    "Einige Grundlagen für die Arbeit der Bündnisse wurden in einer Broschüre zusammengestellt,\n"
    "die allen beteiligten Kommunen zu Beginn der Initiative im Herbst zugeschickt worden ist.\n"
    "Schulabschlüsse und Allgemeinbildung\n"
    "Schulische Angebote sind für junge Geflüchtete eine Möglichkeit, Abschlüsse nachzuholen,\n"
    "und sie werden in vielen Kommunen von Berufskollegs und Weiterbildungskollegs gemacht.\n"
    "Eine Vertreterin sprach von einer klaren Trennung zwischen Städten und\n"
    "Kreisen. Die Zusammenarbeit der Kreise mit ihren Kommunen sei dagegen noch im Aufbau."
)


def test_pdf_caption_and_label_lines_stand_alone(tmp_path: Path) -> None:
    """A short line ending in a noun after a finished sentence or with a label ("Quelle: Eigene
    Berechnungen", a title line) was not wrapped: it is a line of its own, neither the end of
    the paragraph above nor the start of the one below. A short line that ends in a function
    word runs on."""
    text = parse_file(make_pdf(tmp_path / "bericht.pdf", [CAPTIONED_PAGE]), CHUNKER).pages[0].text
    lines = text.split("\n")
    assert "Quelle: Eigene Berechnungen" in lines
    assert "Schulabschlüsse und Allgemeinbildung" in lines
    assert lines[0].endswith("junge Geflüchtete beraten.")
    assert lines[2].startswith("Einige Grundlagen für die Arbeit")
    assert lines[4].startswith("Schulische Angebote")
    assert "zwischen Städten und Kreisen. Die Zusammenarbeit" in lines[4]
    assert len(lines) == 5


def test_pdf_without_metadata_title_is_named_by_its_first_heading(tmp_path: Path) -> None:
    doc = parse_file(make_pdf(tmp_path / "bericht.pdf", PDF_PAGES[:2]), CHUNKER)
    assert doc.title == "1 Einleitung"


# -- DOCX -----------------------------------------------------------------------------------------

DOCX_BLOCKS = [
    ("Heading 1", "Mitteilung an den Ausschuss"),
    ("", f"Einleitender Absatz {DECOMPOSED}."),
    ("Heading 2", "Aufgaben der Kerngruppe"),
    ("", "Aufgaben der Bündniskerngruppe sind:"),
    ("List Bullet", "Festlegung von Prioritäten"),
    ("List Bullet", "Lenkungsfunktion"),
    ("List Bullet", "Planung von lokalen Angeboten"),
    ("Heading 2", "Ausblick"),
    ("", "Das Kommunale Integrationszentrum berichtet weiter."),
]


@pytest.fixture(scope="module")
def docx_doc(tmp_path_factory: pytest.TempPathFactory) -> ParsedDocument:
    path = tmp_path_factory.mktemp("docx") / "mitteilung.docx"
    return parse_file(make_docx(path, DOCX_BLOCKS, title="Mitteilung Kerngruppe"), CHUNKER)


def test_docx_list_paragraphs_become_list_items(docx_doc: ParsedDocument) -> None:
    text = docx_doc.pages[0].text
    assert (
        "Aufgaben der Bündniskerngruppe sind:\n- Festlegung von Prioritäten\n- Lenkungsfunktion\n"
        in text
    )


def test_docx_heading_styles_give_the_section_path(docx_doc: ParsedDocument) -> None:
    assert [(h.level, h.title) for h in docx_doc.pages[0].headings] == [
        (1, "Mitteilung an den Ausschuss"),
        (2, "Aufgaben der Kerngruppe"),
        (2, "Ausblick"),
    ]
    tasks = chunk_with(docx_doc, "Lenkungsfunktion")
    assert tasks.section == f"Mitteilung an den Ausschuss{SECTION_SEPARATOR}Aufgaben der Kerngruppe"
    assert chunk_with(docx_doc, "berichtet weiter").section.endswith("Ausblick")
    assert tasks.page is None


def test_docx_text_is_nfc_and_the_title_comes_from_the_properties(docx_doc: ParsedDocument) -> None:
    assert "Einleitender Absatz Für Geflüchtete in Münster." in docx_doc.pages[0].text
    assert docx_doc.title == "Mitteilung Kerngruppe"
    assert docx_doc.kind == "docx"
    assert_chunks_point_into_pages(docx_doc)


def test_docx_tables_become_tab_separated_rows(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Beteiligte Kommunen im Kreis.")
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate([("Kommune", "Mitglieder"), ("Neuss", "12")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.save(str(tmp_path / "tabelle.docx"))
    doc = parse_file(tmp_path / "tabelle.docx", CHUNKER)
    assert doc.pages[0].text.endswith("Kommune\tMitglieder\nNeuss\t12")


# -- HTML -----------------------------------------------------------------------------------------

HTML_PAGE = f"""<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>Projekt Brückenbau</title>
<script>var tracking = "SKRIPTINHALT";</script><style>.x {{ color: red }}</style></head>
<body>
<nav><a href="/">Startseite NAVIGATION</a> | <a href="/projekte">Projekte</a></nav>
<div class="cookie-banner">Wir verwenden COOKIES.</div>
<main>
<h1>Projekt Brückenbau</h1>
<p>Das Projekt unterstützt junge Geflüchtete. {DECOMPOSED}.</p>
<h2>Ziele</h2>
<p>Mehr Ausbildungsplätze in der <b>Region</b> schaffen.</p>
<h3>Zielgruppe</h3>
<ul><li>Geduldete</li><li>Gestattete</li></ul>
<script>document.write("NOCHEINSKRIPT")</script>
</main>
<footer>Impressum | Datenschutz FUSSZEILE</footer>
</body></html>"""


@pytest.mark.parametrize("with_main", [True, False])
def test_html_boilerplate_is_dropped(with_main: bool) -> None:
    page = (
        HTML_PAGE
        if with_main
        else HTML_PAGE.replace("<main>", "<div>").replace("</main>", "</div>")
    )
    doc = parse_bytes("projekt.html", page.encode(), CHUNKER)
    text = full_text(doc)
    for boilerplate in ("NAVIGATION", "COOKIES", "SKRIPT", "FUSSZEILE", "Impressum", "color"):
        assert boilerplate not in text
    assert "Mehr Ausbildungsplätze in der Region schaffen." in text


def test_html_headings_list_items_and_metadata() -> None:
    doc = parse_bytes("projekt.html", HTML_PAGE.encode(), CHUNKER)
    page = doc.pages[0]
    assert [(h.level, h.title) for h in page.headings] == [
        (1, "Projekt Brückenbau"),
        (2, "Ziele"),
        (3, "Zielgruppe"),
    ]
    assert "- Geduldete\n- Gestattete" in page.text
    assert "Für Geflüchtete in Münster" in page.text
    assert chunk_with(doc, "Geduldete").section == SECTION_SEPARATOR.join(
        ["Projekt Brückenbau", "Ziele", "Zielgruppe"]
    )
    assert (doc.kind, doc.title, page.number) == ("html", "Projekt Brückenbau", None)
    assert_chunks_point_into_pages(doc)


# -- Markdown -------------------------------------------------------------------------------------

MARKDOWN = f"""# Kräfte bündeln

Werkstätten gelten als Orte der **Information** und *Inspiration*. {DECOMPOSED}.

## Förderlücken schließen

Die Ertei-
lung von Duldungen bleibt schwierig.

### Ausbildungsduldung

- hilft den Betrieben
- gibt Sicherheit

**Ansprechpersonen**

Oliver Schweer, Tel.: 02041 767252
"""


def test_markdown_headings_give_the_section_path() -> None:
    doc = parse_bytes("werkstatt.md", MARKDOWN.encode(), CHUNKER)
    assert [(h.level, h.title) for h in doc.pages[0].headings] == [
        (1, "Kräfte bündeln"),
        (2, "Förderlücken schließen"),
        (3, "Ausbildungsduldung"),
        (4, "Ansprechpersonen"),
    ]
    assert chunk_with(doc, "Betrieben").section == SECTION_SEPARATOR.join(
        ["Kräfte bündeln", "Förderlücken schließen", "Ausbildungsduldung"]
    )
    assert (doc.kind, doc.title) == ("markdown", "Kräfte bündeln")
    assert_chunks_point_into_pages(doc)


def test_markdown_text_is_clean() -> None:
    text = parse_bytes("werkstatt.md", MARKDOWN.encode(), CHUNKER).pages[0].text
    assert "Werkstätten gelten als Orte der Information und Inspiration." in text
    assert "*" not in text and "#" not in text
    assert "Die Erteilung von Duldungen bleibt schwierig." in text
    assert "- hilft den Betrieben\n- gibt Sicherheit" in text
    assert "Für Geflüchtete in Münster" in text


# -- plain text -----------------------------------------------------------------------------------

PLAIN = f"""1 Einleitung

Das Bündnis wurde im Frühjahr gegründet und hat
seitdem viermal getagt. Die Ertei-
lung von Aufträgen läuft.

2 Aufgaben

- Daten zur Zielgruppe sammeln
- Angebote planen

{DECOMPOSED}  sind  willkommen.
"""


def test_plain_text_paragraphs_headings_and_lists() -> None:
    doc = parse_bytes("notiz.txt", PLAIN.encode(), CHUNKER)
    page = doc.pages[0]
    assert [h.title for h in page.headings] == ["1 Einleitung", "2 Aufgaben"]
    assert "Das Bündnis wurde im Frühjahr gegründet und hat seitdem viermal getagt." in page.text
    assert "Die Erteilung von Aufträgen läuft." in page.text
    assert "- Daten zur Zielgruppe sammeln\n- Angebote planen" in page.text
    assert "Für Geflüchtete in Münster sind willkommen." in page.text
    assert chunk_with(doc, "Angebote planen").section == "2 Aufgaben"
    assert (doc.kind, page.number) == ("text", None)
    assert_chunks_point_into_pages(doc)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1252"])
def test_plain_text_encodings(encoding: str) -> None:
    text = "Die Förderung für Geflüchtete läuft – größtenteils gut."
    doc = parse_bytes("alt.txt", text.encode(encoding), CHUNKER)
    assert doc.pages[0].text == text


# -- the real corpus ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", [IAQ, MUENSTER])
def test_corpus_pdfs_have_no_running_header_or_page_numbers(
    parsed_corpus: dict[str, ParsedDocument], name: str
) -> None:
    doc = parsed_corpus[name]
    running_title = doc.title  # the running header repeats the document title on every page
    assert running_title.startswith(("IAQ:", "Stadt Münster:"))
    for page in doc.pages:
        assert running_title not in page.text, page.number
        assert not re.search(r"^\s*Seite \d+\s*$", page.text, re.M), page.number


def test_iaq_chunk_on_the_page_of_section_5_4_carries_that_heading(
    parsed_corpus: dict[str, ParsedDocument],
) -> None:
    doc = parsed_corpus[IAQ]
    page40 = [c for c in doc.chunks if c.page == 40]
    planning = chunk_with(doc, "Die Strategien für die Planung von Angeboten")
    assert planning.page == 40
    assert planning.section is not None
    assert planning.section.split(SECTION_SEPARATOR)[-1] == "5.4 Die Planung von Angeboten"
    assert planning.section.startswith("5 Zwischenbilanz und Weiterentwicklung")
    assert any("5.4.1 Informationen zu Zielgruppen" in (c.section or "") for c in page40)
    # the section path carries on to the next page
    assert all(
        "5.4 Die Planung von Angeboten" in (c.section or "") for c in doc.chunks if c.page == 41
    )


def test_corpus_docx_list_items_are_list_lines(parsed_corpus: dict[str, ParsedDocument]) -> None:
    doc = parsed_corpus[DOCX]
    lines = doc.pages[0].text.splitlines()
    assert "- Lenkungsfunktion" in lines
    assert "- Multiplikatorenfunktion" in lines
    assert lines[lines.index("- Lenkungsfunktion") - 2] == "Aufgaben der Bündniskerngruppe sind:"
    assert chunk_with(doc, "Lenkungsfunktion").section.endswith("Sachverhalt")


def test_corpus_html_and_markdown_are_clean(parsed_corpus: dict[str, ParsedDocument]) -> None:
    html = full_text(parsed_corpus[HTML])
    assert "Startseite" not in html and "Datenschutz" not in html
    assert "Kontakt: Dr. Andreas Borchers" in html
    md = parsed_corpus[MD]
    assert "**" not in full_text(md)
    titles = [h.title for h in md.pages[0].headings]
    assert "Förderlücken auch für Geduldete schließen" in titles
    assert "Ausbildungsduldung hilft auch den Betrieben" in titles


def test_corpus_text_is_nfc_without_double_spaces(parsed_corpus: dict[str, ParsedDocument]) -> None:
    import unicodedata

    for doc in parsed_corpus.values():
        for page in doc.pages:
            assert unicodedata.is_normalized("NFC", page.text), (doc.file_name, page.number)
            assert "  " not in page.text, (doc.file_name, page.number)
            assert "\u00ad" not in page.text


def test_parse_file_and_parse_bytes_agree(corpus_dir: Path) -> None:
    path = corpus_dir / HTML
    a, b = parse_file(path, CHUNKER), parse_bytes(path.name, path.read_bytes(), CHUNKER)
    assert (a.version, [c.text for c in a.chunks]) == (b.version, [c.text for c in b.chunks])
