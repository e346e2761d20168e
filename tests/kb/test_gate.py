"""The three bands on a real knowledge base: a figure stated for another place or year than the
one asked for is hedged and says what it lacks, even when the page names the asked one; each
kind of near-miss is hedged while its answerable twin on the same page is answered."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import make_settings
from helpers import ask_documents, ask_one_document, one_document_kb

from kb.answer.extractive import Extract
from kb.answer.refusal import _amount_part, _english_name, _own_words, _stated_apart
from kb.conversation import Turn
from kb.knowledge_base import KnowledgeBase
from kb.models import Answer, Citation
from kb.retrieval.analyzer import GermanAnalyzer
from kb.text.holds import counted_terms
from kb.text.qtype import classify

pytestmark = pytest.mark.slow

FAIRS = (
    "# Ausbildungsmessen für junge Geflüchtete\n\n"
    "Zur Ausbildungsmesse für junge Geflüchtete in Bielefeld kamen im Jahr 2018 rund 500 "
    "Besucher, die sich bei 40 Betrieben über Ausbildungsplätze informierten.\n\n"
    "In Gelsenkirchen gibt es für junge Geflüchtete vor allem Sprachkurse und eine offene "
    "Sprechstunde im Jobcenter, die seit 2021 jeden Dienstag stattfindet.\n"
)
COURSES = (
    "# Sprachkurse für Familien\n\n"
    "Am Sprachkurs in Bielefeld nehmen 14 Familien aus den Westbalkanstaaten teil.\n\n"
    "Den Elterntreff in Gelsenkirchen besuchen jede Woche 9 syrische Familien.\n"
)

CONTACTS = (
    "# Beratung der Kommunen\n\n## Das Institut Alpha\n\n"
    "Das Institut Alpha berät die Kommunen im Kreis unter Tel. 0201 123456.\n\n"
    "## Das Institut Beta\n\n"
    "Das Institut Beta begleitet vier Standorte der Initiative im Kreis.\n"
)


def _one_page_fixture(name: str, text: str) -> Callable[..., Iterator[KnowledgeBase]]:
    """A module fixture ``name``: a knowledge base of one page holding ``text``."""

    @pytest.fixture(scope="module", name=name)
    def one_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeBase]:
        folder = tmp_path_factory.mktemp(name)
        kb = one_document_kb(make_settings(folder / "data"), folder, "page.md", text)
        yield kb
        kb.close()

    return one_page


def _ask_one_page(folder: Path, text: str, *questions: str) -> list[Answer]:
    return ask_one_document(make_settings(folder / "data"), folder, "page.md", text, *questions)


def _ask_each_page(folder: Path, pages: list[str], question: str) -> list[Answer]:
    """The answer to ``question`` from a knowledge base of each page alone."""
    answers = []
    for i, text in enumerate(pages):
        (folder / str(i)).mkdir()
        answers += _ask_one_page(folder / str(i), text, question)
    return answers


fairs_kb = _one_page_fixture("fairs_kb", FAIRS)  # one page about two towns
courses_kb = _one_page_fixture("courses_kb", COURSES)  # ... about families from several countries
contacts_kb = _one_page_fixture("contacts_kb", CONTACTS)  # ... with one of two institutes' phone


def test_a_figure_for_the_asked_place_is_answered(fairs_kb: KnowledgeBase) -> None:
    answer = fairs_kb.ask("Wie viele Besucher kamen zur Ausbildungsmesse in Bielefeld?")
    assert answer.citations and not answer.uncertain
    assert "500" in answer.citations[0].quote


def test_a_figure_for_another_place_on_the_same_page_is_hedged(fairs_kb: KnowledgeBase) -> None:
    answer = fairs_kb.ask("Wie viele Besucher kamen zur Ausbildungsmesse in Gelsenkirchen?")
    assert answer.uncertain and answer.citations and not answer.refused
    assert answer.answer.startswith("Eine eindeutige Antwort habe ich")
    # what was not found, then what was found instead
    assert "Für „Gelsenkirchen“ nennen sie die gefragte Angabe nicht." in answer.answer
    assert "Gefunden habe ich:" in answer.answer and "500" in answer.answer


def test_a_question_typed_in_lower_case_is_checked_for_its_place(
    fairs_kb: KnowledgeBase,
) -> None:
    """ "gelsenkirchen" typed in a chat is the town: its capitals are restored from how the
    documents write the words, so the other town's figure is hedged here too."""
    answer = fairs_kb.ask("wie viele besucher kamen zur ausbildungsmesse in gelsenkirchen?")
    assert answer.uncertain, answer.answer
    assert "Für „Gelsenkirchen“ nennen sie die gefragte Angabe nicht." in answer.answer
    answered = fairs_kb.ask("wie viele besucher kamen zur ausbildungsmesse in bielefeld?")
    assert not answered.uncertain and "500" in answered.answer, answered.answer
    # a follow-up typed so swaps the town of the asker's earlier turn, typed so as well
    earlier = [Turn("user", "wie viele besucher kamen zur ausbildungsmesse in bielefeld?")]
    follow_up = fairs_kb.ask("und in gelsenkirchen?", history=earlier)
    assert "Gelsenkirchen" in follow_up.searched and "ielefeld" not in follow_up.searched
    assert follow_up.uncertain, follow_up.answer
    # an English question keeps its words: "for" is no German word to capitalise
    english = "how many visitors came to the training fair in bielefeld?"
    assert fairs_kb.ask(english).searched == english


def test_a_figure_for_another_year_on_the_same_page_is_hedged(fairs_kb: KnowledgeBase) -> None:
    answer = fairs_kb.ask("Wie viele Besucher kamen 2021 zur Ausbildungsmesse in Bielefeld?")
    assert answer.uncertain and "„2021“" in answer.answer


def test_an_english_count_question_is_answered_by_a_german_count(fairs_kb: KnowledgeBase) -> None:
    """ "how many visitors" is matched with "Besucher" (qtype.ENGLISH_COUNTED); a year or a
    sum of money is no answer to it."""
    answer = fairs_kb.ask("How many visitors came to the training fair in Bielefeld?")
    assert answer.citations and not answer.uncertain
    assert "500" in answer.citations[0].quote


def test_a_figure_for_people_from_another_country_is_hedged(courses_kb: KnowledgeBase) -> None:
    answer = courses_kb.ask(
        "Wie viele Familien aus Afghanistan nehmen am Sprachkurs in Bielefeld teil?"
    )
    assert answer.uncertain and "„Afghanistan“" in answer.answer


def test_a_country_of_a_preamble_is_not_what_is_asked(tmp_path: Path) -> None:
    """Where the asker's protégé comes from is no place the answer must name; in the asking
    sentence it is, and so it is when the passages speak of where people come from."""
    page = "# Sprachkurse\n\nIn Bielefeld gibt es einen Sprachkurs für Familien am Vormittag.\n"
    preamble, asked = _ask_one_page(
        tmp_path,
        page,
        "Ich begleite eine Familie aus Afghanistan. Gibt es in Bielefeld einen Sprachkurs für "
        "Familien?",
        "Gibt es in Bielefeld einen Sprachkurs für Familien aus Afghanistan?",
    )
    assert not preamble.uncertain and "Bielefeld" in preamble.answer, preamble.answer
    assert asked.uncertain and "„Afghanistan“" in asked.answer, asked.answer


def test_an_english_question_is_held_to_the_documents_by_its_names() -> None:
    """The floor against refusing on the cosine alone weighs an English question's names
    ("Rhein-Kreis Neuss"), not its English words the German text happens to hold."""
    asked = (
        "Who is in charge of the initiative in the Rhein-Kreis Neuss, and which office handles it?"
    )
    assert _own_words(asked) == "Rhein-Kreis Neuss"
    # a German question, and one typed in lower case, keep all their words
    for whole in (
        "Wer hat im Rhein-Kreis Neuss die Federführung?",
        "does the rhein-kreis neuss have a coordinator?",
    ):
        assert _own_words(whole) == whole


def test_the_date_of_the_asked_place_answers(tmp_path: Path) -> None:
    page = (
        "# Workshops\n\nDer Entwicklungs-Workshop im April 2019 wurde gemeinsam mit der "
        "Landesstelle geplant und durchgeführt. Er war mit 40 Gästen gut besucht.\n\n"
        "# Arbeitshilfe\n\nIm Frühjahr legte das Institut eine Arbeitshilfe vor. Die Arbeitshilfe "
        "wurde den Kommunen bei zwei Entwicklungs-Workshops (03.04.2019 in Duisburg, 09.04.2019 "
        "in Bielefeld) erläutert.\n"
    )
    [answer] = _ask_one_page(
        tmp_path, page, "Wann wurde der Entwicklungs-Workshop in Bielefeld durchgeführt?"
    )
    assert not answer.uncertain, answer.answer
    assert "09.04.2019 in Bielefeld" in answer.citations[0].quote, answer.answer


def test_a_date_of_the_asked_place_about_something_else_does_not_answer(tmp_path: Path) -> None:
    page = (
        "# Workshops\n\nDer Starter-Workshop fand am 13.03.2019 statt und war gut besucht. Er "
        "wurde gemeinsam mit der Landesstelle geplant.\n\n# Beteiligung\n\nViele Kommunen machen "
        "mit. Bielefeld ist seit dem 01.10.2018 an der Initiative beteiligt.\n"
    )
    asked, preamble = _ask_one_page(
        tmp_path,
        page,
        "Wann war der Starter-Workshop in Bielefeld?",
        "Ich arbeite in Bielefeld. Wann war der Starter-Workshop?",
    )
    for answer in (asked, preamble):
        assert "13.03.2019" in answer.citations[0].quote, answer.answer


def test_the_question_word_and_its_verb_are_no_name_to_place(tmp_path: Path) -> None:
    page = (
        "# Institut Alpha\n\nProf. Dr. Erika Beispiel leitet das Institut Alpha seit 2015. Das "
        "Vorhaben heißt Brücke.\n\n# Institut Gamma\n\nDas Institut Gamma wurde 2017 gegründet "
        "und bietet Sprachkurse an.\n\n# Förderung\n\nDas Land fördert beide Institute.\n"
    )
    named, lower = _ask_one_page(
        tmp_path,
        page,
        "Wie heißt der Leiter des Instituts Alpha?",
        "Wer ist der Chef vom Institut gamma?",  # a name typed in lower case still counts
    )
    assert "„heißt“" not in named.answer and "Erika Beispiel" in named.answer, named.answer
    assert lower.uncertain and "„gamma“" in lower.answer, lower.answer


def test_a_country_of_a_preamble_counts_where_the_passages_speak_of_origins(
    courses_kb: KnowledgeBase,
) -> None:
    answer = courses_kb.ask(
        "Ich begleite eine Familie aus Afghanistan. Darf sie am Sprachkurs in Bielefeld teilnehmen?"
    )
    assert answer.uncertain and "„Afghanistan“" in answer.answer, answer.answer


def test_a_country_named_by_its_adjective_is_answered(courses_kb: KnowledgeBase) -> None:
    answer = courses_kb.ask(
        "Wie viele Familien aus Syrien besuchen den Elterntreff in Gelsenkirchen?"
    )
    assert answer.citations and not answer.uncertain
    assert "9 syrische" in " ".join(c.quote for c in answer.citations)


def test_a_contact_detail_of_the_asked_institute_is_answered(contacts_kb: KnowledgeBase) -> None:
    answer = contacts_kb.ask("Unter welcher Telefonnummer erreiche ich das Institut Alpha?")
    assert not answer.uncertain, answer.answer
    assert "0201 123456" in answer.answer


def test_a_contact_detail_of_another_institute_is_hedged(contacts_kb: KnowledgeBase) -> None:
    q = "Wie lautet die Telefonnummer des Instituts Beta für die Beratung der Kommunen?"
    answer = contacts_kb.ask(q)
    assert answer.uncertain and not answer.refused, answer.answer
    assert "0201 123456" in answer.answer  # Alpha's number, found instead
    assert "Für „Beta“ nennen sie die gefragte Angabe nicht." in answer.answer


def test_the_whole_of_a_group_does_not_say_how_many_of_it(tmp_path: Path) -> None:
    """ "Wie viele der Projektfamilien …?" asks a part: "den 14 Projektfamilien" is the whole
    group, and only a count of those who did what is asked answers."""
    page = (
        "# Fallmanagement\n\nDen 14 Projektfamilien wird ein begleitendes Fallmanagement "
        "angeboten. Es soll ihnen den Weg zu einem dauerhaften Bleiberecht ebnen.\n"
    )
    told = page + "\nBisher haben 3 Projektfamilien ein dauerhaftes Bleiberecht bekommen.\n"
    question = "Wie viele der Projektfamilien haben ein dauerhaftes Bleiberecht bekommen?"
    whole, part = _ask_each_page(tmp_path, [page, told], question)
    assert whole.uncertain, whole.answer
    assert not part.uncertain, part.answer
    assert "3 Projektfamilien" in part.answer


def test_a_date_does_not_say_at_what_time(tmp_path: Path) -> None:
    page = (
        "# Berufsbörse\n\nDie jährliche Berufsbörse für Neuzugewanderte findet am 14. November "
        "2018 in der Volkshochschule statt. Erwartet werden mehr als 500 Gäste.\n"
    )
    timed = page.replace("2018 in", "2018 ab 10 Uhr in")
    question = "Um wie viel Uhr beginnt die Berufsbörse in der Volkshochschule?"
    dated, told = _ask_each_page(tmp_path, [page, timed], question)
    assert dated.uncertain and not dated.refused, dated.answer
    assert not told.uncertain, told.answer
    assert "10 Uhr" in told.answer


def test_a_place_of_an_event_in_another_month_is_hedged(tmp_path: Path) -> None:
    page = (
        "# Auftakt\n\nDie Auftaktveranstaltung für die Geschäftsführenden Stellen fand am "
        "27.11.2018 in Essen statt. Eingeladen hatte das Ministerium.\n"
    )
    other, same = _ask_one_page(
        tmp_path,
        page,
        "In welcher Stadt fand die Auftaktveranstaltung im September 2018 statt?",
        "In welcher Stadt fand die Auftaktveranstaltung im November 2018 statt?",
    )
    assert other.uncertain and not other.refused, other.answer
    assert "September 2018" in other.answer
    assert not same.uncertain, same.answer


def test_a_verb_of_a_contact_question_names_no_one(tmp_path: Path) -> None:
    """Only a capitalised word can name the asked person or body in German: "melden" is a rare
    word of the page, not an institute whose number is missing."""
    page = CONTACTS + "Die Standorte melden ihre Zahlen jedes Jahr an das Institut Beta.\n"
    [answer] = _ask_one_page(
        tmp_path, page, "Unter welcher Telefonnummer kann ich mich bei Alpha melden?"
    )
    assert not answer.uncertain and "0201 123456" in answer.answer, answer.answer


def _forums(topic: str, count: int) -> str:
    return " ".join(
        f"Im Forum {n} ging es um {topic}, um Fragen der Ausbildung, der Sprachförderung und der "
        "Beratung junger Erwachsener in den Kommunen, um Wohnraum, Arbeit und den Übergang in den "
        "Beruf."
        for n in range(1, count + 1)
    )


def test_a_quoted_name_is_what_the_towns_must_be_named_with(tmp_path: Path) -> None:
    """The towns a quoted programme („Brücken bauen“) runs in are answered by the sentence that
    names it with them, though the question's rarest word ("Einsatz") stands elsewhere."""
    page = (
        "# Programme im Land\n\n"
        "Das Programm „Brücken bauen“ hat einen Beirat aus Schulen und Betrieben.\n\n"
        f"{_forums('Netzwerke', 40)}\n\n"
        "Beim Einsatz von Sprachmittlern gibt es in vielen Kommunen noch Lücken.\n\n"
        f"{_forums('Beratung', 40)}\n\n"
        "Das Programm „Brücken bauen“ läuft in den Städten Bielefeld, Hamm und Gelsenkirchen.\n"
    )
    question = "In welchen Städten ist das Programm „Brücken bauen“ im Einsatz?"
    [answer] = _ask_one_page(tmp_path, page, question)
    assert not answer.uncertain and "Bielefeld, Hamm" in answer.answer, answer.answer


def test_an_english_word_of_the_question_is_no_name_the_towns_must_stand_with(
    tmp_path: Path,
) -> None:
    """English words are rare in a German document ("one" of an English slogan): in an English
    question only a capitalised word is taken for the name the towns must be named with."""
    page = (
        "# Bündnisse im Land\n\n"
        "Das Motto der Kampagne lautet „Each one counts“.\n\n"
        f"{_forums('Netzwerke', 40)}\n\n"
        "Unter den kreisfreien Städten ist nur die Stadt Bochum nicht dabei.\n\n"
        f"{_forums('Beratung', 40)}\n"
    )
    question = "Which city is the only one not taking part in the alliances?"
    [answer] = _ask_one_page(tmp_path, page, question)
    assert not answer.uncertain and "Bochum" in answer.answer, answer.answer


def test_the_place_a_document_is_about_is_named_in_its_lead(tmp_path: Path) -> None:
    """A workshop record says where the workshop was in its lead; a talk reported pages later is
    from that workshop, and a workshop elsewhere is not."""
    talks = _forums("Netzwerke", 8)
    record = (
        "# Werkstattgespräch Netzwerke\n\n"
        "Die Tagung fand im Juni 2018 in Hamm statt.\n\n"
        f"## Foren\n\n{talks}\n\n## Vorträge\n\n"
        "Dr. Anna Berg, Leiterin der Koordinierungsstelle, stellte die Netzwerkarbeit der "
        "Kommunalen Integrationszentren vor.\n"
    )
    asked, elsewhere = ask_documents(
        make_settings(tmp_path / "data"),
        tmp_path,
        {"werkstatt.md": record},
        "Wer hat beim Werkstattgespräch in Hamm die Netzwerkarbeit der Integrationszentren "
        "vorgestellt?",
        "Wer hat beim Werkstattgespräch in Bielefeld die Netzwerkarbeit der Integrationszentren "
        "vorgestellt?",
    )
    assert not asked.uncertain and "Anna Berg" in asked.answer, asked.answer
    assert elsewhere.uncertain and "„Bielefeld“" in elsewhere.answer, elsewhere.answer


def test_the_place_a_document_is_about_is_named_in_its_file_name(tmp_path: Path) -> None:
    """A council paper whose lead (title, file number, heading) names no place is about the
    place its file name names."""
    paper = (
        "# Informationen zur Landesinitiative\n\n50/3407/XVI/2019\n\n## Mitteilung\n\n"
        "Die Bündniskerngruppe hat sich am 27.06.2019 zur konstituierenden Sitzung getroffen "
        "und kümmert sich um die weitere Umsetzung des Projektes.\n\n## Vorbild\n\n"
        "Die Verwaltung knüpft an Erfahrungen an, die Duisburg mit einem Modellprojekt gemacht "
        "hat.\n"
    )
    asked, elsewhere = ask_documents(
        make_settings(tmp_path / "data"),
        tmp_path,
        {"hamm-mitteilung-2019.md": paper},
        "Wann hat sich die Bündniskerngruppe in Hamm zur konstituierenden Sitzung getroffen?",
        "Wann hat sich die Bündniskerngruppe in Bielefeld zur konstituierenden Sitzung getroffen?",
    )
    assert not asked.uncertain and "27.06.2019" in asked.answer, asked.answer
    assert elsewhere.uncertain and "„Bielefeld“" in elsewhere.answer, elsewhere.answer


def test_a_date_the_question_offers_is_an_answer(tmp_path: Path) -> None:
    [answer] = _ask_one_page(
        tmp_path,
        "# Kreis\n\nDie Koordinierungsstelle des Kreises gibt es seit 2018.\n",
        "Seit wann gibt es die Koordinierungsstelle des Kreises, seit 2018?",
    )
    assert not answer.uncertain and "seit 2018" in answer.answer, answer.answer


@dataclass(frozen=True)
class Twins:
    """A page, a near-miss question about it and an answerable twin: the near-miss is hedged
    and its hedge says each of ``says``; the twin is answered and quotes ``quotes``."""

    page: str
    near_miss: str
    says: tuple[str, ...]
    twin: str
    quotes: str


TWINS = {
    "a person named apart from the asked role": Twins(
        "# Lenkungsgruppe\n\n"
        "Die Lenkungsgruppe des Projekts steht unter Leitung der Sozialdezernentin der Stadt.\n\n"
        "## Hochschule\n\n"
        "Frau Prof. Dr. Muster von der Hochschule nimmt an der Lenkungsgruppe des Projekts teil.\n",
        "Wie heißt die Sozialdezernentin, die die Lenkungsgruppe des Projekts leitet?",
        ("Für „Sozialdezernentin“ nennen sie die gefragte Angabe nicht.",),
        "Wer nimmt von der Hochschule an der Lenkungsgruppe teil?",
        "Prof. Dr. Muster",
    ),
    "a deputy named where the head is asked": Twins(
        "# Fachtag\n\n"
        "Dr. Max Muster, stellvertretender Leiter der Landesfachstelle Berufsorientierung, "
        "stellte die Arbeit der Beratungsstellen vor.\n",
        "Wer leitet die Landesfachstelle Berufsorientierung?",
        ("Dr. Max Muster", "nur eine Stellvertretung"),
        "Wer leitet kommissarisch die Landesfachstelle Berufsorientierung?",
        "Dr. Max Muster",
    ),
    "a date given for another ordinal": Twins(
        "# Veranstaltungsreihe\n\n"
        "Dem Thema Arbeitgeber widmet sich das 15. Fachgespräch der Reihe. Das Thema Wohnen "
        "wird Gegenstand des 16. Fachgesprächs sein, das im Dezember 2018 stattfinden wird.\n",
        "Wann findet das 15. Fachgespräch der Reihe statt?",
        ("Für „15. Fachgespräch“ nennen sie die gefragte Angabe nicht.",),
        "Wann findet das 16. Fachgespräch der Reihe statt?",
        "Dezember 2018",
    ),
    "results of a study that is only announced": Twins(
        "# Evaluation\n\n"
        "Das Sprachkursprogramm der Stadt wird durch ein externes Institut evaluiert. "
        "Dazu finden Interviews mit den beteiligten Trägern statt.\n\n"
        "# Befragung\n\n"
        "Die Befragung der Ausbildungsbetriebe ergab, dass vor allem Sprachkenntnisse fehlen.\n",
        "Welche Ergebnisse hat die Evaluation des Sprachkursprogramms gebracht?",
        ("evaluiert", "Ergebnisse nennen sie nicht"),
        "Was hat die Befragung der Ausbildungsbetriebe ergeben?",
        "Sprachkenntnisse",
    ),
    "a part asked of a figure that is only restated": Twins(
        "# Übergänge\n\n"
        "Das neue Verfahren wird erstmals für 128 (von ursprünglich 650) Schulabgängerinnen und "
        "Schulabgänger der Förderklassen erprobt.\n\n"
        "# Ausbildungsmesse\n\n"
        "Von den 40 ausstellenden Betrieben der Ausbildungsmesse boten 25 Betriebe Praktika an.\n",
        "Wie viele der 128 Schulabgängerinnen und Schulabgänger haben ein Angebot bekommen?",
        ("Wie viele von „128“ es sind",),
        "Wie viele der 40 ausstellenden Betriebe der Ausbildungsmesse boten Praktika an?",
        "25 Betriebe",
    ),
    "a deadline asked where only a start is dated": Twins(
        "# Förderung\n\n"
        "Im Frühjahr 2019 begannen die Kommunen mit der Auswahl der Teilnehmenden für das "
        "Sprachkursprogramm.\n\n"
        "# Arbeitshilfe\n\n"
        "Die ausgefüllte Arbeitshilfe zur Angebotsanalyse war bis Mitte Juni 2019 beim "
        "Landesinstitut einzureichen.\n",
        "Bis wann mussten die Kommunen die Teilnehmenden für das Sprachkursprogramm melden?",
        ("Eine Frist nennen sie dazu nicht.",),
        "Bis wann war die ausgefüllte Arbeitshilfe zur Angebotsanalyse einzureichen?",
        "Mitte Juni 2019",
    ),
    "a period asked where only a start is dated": Twins(
        "# Förderung\n\n"
        "Im Frühjahr 2019 begannen die Kommunen mit dem Sprachkursprogramm für junge "
        "Geflüchtete.\n\n"
        "# Modellprojekt\n\n"
        "Das Modellprojekt Sprachbrücke lief von Oktober 2017 bis Juni 2019 in drei Kommunen.\n",
        "Von wann bis wann läuft das Sprachkursprogramm für junge Geflüchtete?",
        ("Einen Zeitraum, von wann bis wann, nennen sie dazu nicht.",),
        "Von wann bis wann lief das Modellprojekt Sprachbrücke?",
        "Oktober 2017 bis Juni 2019",
    ),
    "the second meeting asked where only the first is dated": Twins(
        "# Steuerungsgruppe\n\n"
        "Die Steuerungsgruppe in Medorf hat sich am 12.05.2019 zur konstituierenden Sitzung "
        "getroffen.\n\n"
        "# Beirat\n\n"
        "Der Beirat in Medorf traf sich am 03.09.2019 zum zweiten Mal.\n",
        "Wann hat sich die Steuerungsgruppe in Medorf zum zweiten Mal getroffen?",
        ("Zu „zum zweiten Mal“ steht dort nichts.",),
        "Wann hat sich der Beirat in Medorf zum zweiten Mal getroffen?",
        "03.09.2019",
    ),
    "a division head named where the organisation's head is asked": Twins(
        "# Fachtag\n\n"
        "Dr. Max Muster, Leiter des Fachbereichs Ausbildung bei der Landesagentur für Arbeit, "
        "stellte die Arbeit der Beratungsstellen vor.\n",
        "Wer leitet die Landesagentur für Arbeit?",
        ("Dr. Max Muster", "die Leitung eines Teils davon"),
        "Wer leitet den Fachbereich Ausbildung der Landesagentur für Arbeit?",
        "Dr. Max Muster",
    ),
    "towns named for another programme than the asked one": Twins(
        "# Förderung junger Geflüchteter\n\n## Innovationsfonds\n\n"
        "In einigen Kommunen wurden große Hoffnungen in den angekündigten Innovationsfonds "
        "gesetzt, aus dem innovative Projektideen gefördert werden sollen.\n\n"
        "## Sprachbrücke\n\n"
        "Eine Zusage für das Modellprojekt Sprachbrücke haben schon die Kommunen Bielefeld, "
        "Dortmund und Hamm bekommen.\n",
        "Welche Kommunen haben aus dem Innovationsfonds schon eine Zusage bekommen?",
        ("Für „Innovationsfonds“ nennen sie die gefragte Angabe nicht.",),
        "Welche Kommunen haben für das Modellprojekt Sprachbrücke schon eine Zusage bekommen?",
        "Bielefeld, Dortmund und Hamm",
    ),
    "a way to reach a person the page gives no contact for": Twins(
        "# Projekt Sprachbrücke\n\n## Lenkungsgruppe\n\n"
        "Frau Prof. Dr. Erika Muster von der Hochschule Nord nimmt an der Lenkungsgruppe teil "
        "und unterstützt das Projekt mit einem Lehrforschungsprojekt.\n\n## Autor\n\n"
        "Max Beispiel, Tel.: 0251 123456, max@beispiel.de\n",
        "Wie erreiche ich Frau Muster von der Hochschule Nord wegen des Lehrforschungsprojekts?",
        ("Eine eindeutige Antwort",),
        "Wie erreiche ich Max Beispiel, den Autor des Berichts?",
        "0251 123456",
    ),
    "a figure its own sentence dates to another year than the asked one": Twins(
        "# Projektbericht 2018\n\n"
        "In Edorf lebten Ende 2016 insgesamt 335 Personen mit einem Duldungsstatus, die meisten "
        "von ihnen schon seit mehreren Jahren.\n\n"
        "Das Projekt begleitet 14 Familien durch ein Fallmanagement.\n",
        "Wie viele geduldete Menschen lebten 2018 in Edorf?",
        ("Für „2018“ nennen sie die gefragte Angabe nicht.",),
        "Wie viele geduldete Menschen lebten Ende 2016 in Edorf?",
        "335 Personen",
    ),
    "an abbreviation the documents never spell out": Twins(
        "# Beratung\n\n"
        "Das ies berät vier Standorte der Initiative bei der Umsetzung.\n\n"
        "Die Kommunalen Koordinierungsstellen (KoKo) steuern vor Ort den Übergang von der "
        "Schule in den Beruf.\n",
        "Wofür steht die Abkürzung „ies“, das vier Standorte der Initiative berät?",
        ("Wofür „ies“ steht, schreiben sie nicht aus.",),
        "Wofür steht KoKo beim Übergang von der Schule in den Beruf?",
        "Kommunalen Koordinierungsstellen (KoKo)",
    ),
    "the whole programme's sum where what one part gets is asked": Twins(
        "# Förderprogramm Sprachbrücke\n\n"
        "Das Land stellt für das Förderprogramm Sprachbrücke insgesamt 20 Millionen Euro für "
        "die Jahre 2019 und 2020 bereit.\n\n"
        "## Innovationsfonds\n\n"
        "Aus dem Innovationsfonds des Förderprogramms werden modellhafte Projektideen der "
        "Kommunen gefördert; dafür stehen 2 Millionen Euro zur Verfügung.\n\n"
        "## Begleitung\n\n"
        "Die wissenschaftliche Begleitung des Förderprogramms übernimmt das Landesinstitut.\n",
        "Wie viel Geld erhält das Landesinstitut für die wissenschaftliche Begleitung?",
        ("Für „Landesinstitut“ nennen sie die gefragte Angabe nicht.",),
        "Wie viel Geld steht für den Innovationsfonds des Förderprogramms zur Verfügung?",
        "2 Millionen Euro",
    ),
}


@pytest.mark.parametrize("case", TWINS.values(), ids=TWINS.keys())
def test_a_near_miss_is_hedged_and_its_answerable_twin_answered(
    tmp_path: Path, case: Twins
) -> None:
    near_miss, twin = _ask_one_page(tmp_path, case.page, case.near_miss, case.twin)
    assert near_miss.uncertain, near_miss.answer
    for said in case.says:
        assert said in near_miss.answer, near_miss.answer
    assert not twin.uncertain and case.quotes in twin.answer, twin.answer


def test_a_date_given_for_the_event_without_its_number_is_answered(tmp_path: Path) -> None:
    (unnumbered,) = _ask_one_page(
        tmp_path,
        "# Das 14. Fachgespräch der Reihe\n\n"
        "Das Fachgespräch der Reihe fand am 29. Juni 2018 in Bochum statt.\n\n"
        "## Ausblick\n\n"
        "Das Thema Wohnen wird Gegenstand des 16. Fachgesprächs sein, das im Dezember 2018 "
        "stattfinden wird.\n",
        "Wann fand das 14. Fachgespräch der Reihe statt?",
    )
    assert not unnumbered.uncertain and "29. Juni 2018" in unnumbered.answer, unnumbered.answer


CORE_GROUPS = (
    "# Bündnisse im Land\n\n## Beteiligte Akteure\n\n"
    "Die Kerngruppen der Bündnisse sind sehr unterschiedlich zusammengesetzt, wie die folgende "
    "Übersicht zeigt.\n\n"
    "Übersicht 3: An den Bündnis-Kerngruppen beteiligte Akteure\n\n"
    "| Akteure | Nennungen insgesamt (N=45) | Nennungen in Kreisen (N=22) |\n"
    "|---|---|---|\n"
    "| Kommunales Integrationszentrum | 45 (100%) | 22 (100%) |\n"
    "| Ausländerbehörde | 39 (86,6%) | 20 (90,9%) |\n"
    "| Integrationsagentur | 14 (31,1%) | 10 (45,5%) |\n\n"
    "## Beitritte\n\n"
    "Nach und nach sind die meisten Kreise der Initiative beigetreten, teils mit ihren Städten.\n"
)


def test_a_table_row_is_read_with_its_header_and_a_quantifier_gives_a_part(
    tmp_path: Path,
) -> None:
    """The row "Ausländerbehörde 39 (86,6%)" is about the question's 45 core groups: its
    header says so (N=45); "die meisten Kreise" tells how many of the districts joined."""
    row, most = _ask_one_page(
        tmp_path,
        CORE_GROUPS,
        "How many of the 45 core groups include the immigration office (Ausländerbehörde)?",
        "Wie viele der Kreise sind der Initiative beigetreten?",
    )
    assert not row.uncertain and "39 (86,6%)" in row.answer, row.answer
    assert not most.uncertain and "die meisten Kreise" in most.answer, most.answer


def test_a_length_of_time_answers_how_long(tmp_path: Path) -> None:
    """ "Wie lange dauert …?" is answered by a duration ("ein Jahr"), not only by a date, and
    the sentence with the asked duration is quoted, in either language."""
    german, english = _ask_one_page(
        tmp_path,
        "# Pflegehelfer\n\n"
        "Die Ausbildung zur Pflegehelferin dauert ein Jahr und endet mit einer Prüfung.\n\n"
        "Der Starterworkshop zur Ausbildung fand im Mai 2019 statt.\n",
        "Wie lange dauert die Ausbildung zur Pflegehelferin?",
        "How long does the training take?",
    )
    for answer in (german, english):
        assert not answer.uncertain and "dauert ein Jahr" in answer.answer, answer.answer


def test_a_cost_is_answered_by_a_price_or_no_cost_and_hedged_without(tmp_path: Path) -> None:
    course = (
        "# Weiterbildung\n\n"
        "Am Weiterbildungskolleg Nord können junge Erwachsene zunächst Vorkurse ohne Nachweis "
        "einer Berufstätigkeit belegen. {}\n"
    )
    question = "Was kostet die Teilnahme an den Vorkursen am Weiterbildungskolleg Nord?"
    prices = ("", "Die Teilnahme ist kostenlos.", "Ein Vorkurs kostet 40 Euro.")
    unpriced, free, priced = _ask_each_page(tmp_path, [course.format(p) for p in prices], question)
    assert unpriced.uncertain and "Die gefragte Angabe steht dort nicht." in unpriced.answer
    for answer, quoted in ((free, "kostenlos"), (priced, "40 Euro")):
        assert not answer.uncertain and quoted in answer.answer, answer.answer


def test_a_date_only_another_document_gives_is_not_the_asked_one(tmp_path: Path) -> None:
    """The direct answer is about the asked institute and gives no date; the date in the other
    document's quote is when another institute began."""
    docs = {
        "beta.md": "# Institut Beta\n\n"
        "Das Institut Beta ist Teil des Beratungsteams und hat die Begleitung von Akteuren an "
        "vier Standorten der Initiative übernommen.\n",
        "alpha.md": "# Institut Alpha\n\n"
        "Das Institut Alpha hat im Oktober 2018 die wissenschaftliche Begleitung der Initiative "
        "übernommen und berät seitdem die Kommunen.\n",
    }
    near_miss, twin = ask_documents(
        make_settings(tmp_path / "data"),
        tmp_path,
        docs,
        "Seit wann begleitet das Institut Beta seine vier Standorte?",
        "Seit wann begleitet das Institut Alpha die Initiative?",
    )
    assert near_miss.citations[0].file == "beta.md", near_miss.answer
    assert near_miss.uncertain and "Die gefragte Angabe steht dort nicht." in near_miss.answer
    assert not twin.uncertain and "Oktober 2018" in twin.answer, twin.answer


# A page without the asked kind of fact, and with it: the first is hedged and says what is
# missing, the second answered. (title, page text with {} for the answering sentence, question,
# answering sentence, a phrase of it the answer quotes, what the hedge says is missing)
KIND_TWINS = [
    pytest.param(
        "Lenkungsgruppe",
        "Die Lenkungsgruppe des Projekts in Edorf hat sich am 12.03.2018 zur konstituierenden "
        "Sitzung getroffen. {}",
        "Wie oft trifft sich die Lenkungsgruppe des Projekts in Edorf?",
        "Seitdem trifft sie sich zweimal pro Jahr.",
        "zweimal pro Jahr",
        "Die gefragte Angabe steht dort nicht.",
        id="a frequency, not a date",
    ),
    pytest.param(  # in English too, where any count would otherwise stand for "how many"
        "Projekt Brücke",
        "Im Projekt Brücke in Edorf arbeiten fünf Partner zusammen und beraten jedes Jahr rund "
        "120 junge Erwachsene. {}",
        "Up to what age can people take part in the Brücke project in Edorf?",
        "Teilnehmen können junge Menschen bis zum 27. Lebensjahr.",
        "27. Lebensjahr",
        "They do not give the figure or date asked for.",
        id="an age, not another number",
    ),
    pytest.param(
        "Sprachmittlerpool",
        "Der Pool der Sprachmittlerinnen und Sprachmittler in Edorf ergänzt die Dienste des "
        "Jugendamtes, des Schulamtes und des Integrationszentrums. {}",
        "Welche Sprachen deckt der Pool der Sprachmittler in Edorf ab?",
        "Er deckt vor allem Arabisch, Farsi und Tigrinya ab.",
        "Arabisch, Farsi",
        "Die gefragte Angabe steht dort nicht.",
        id="languages, not other items",
    ),
    pytest.param(
        "Coaching",
        "Für das Coaching junger Geflüchteter in Edorf stellt das Land insgesamt 2 Millionen "
        "Euro bereit. {}",
        "Wie viel Geld gibt es pro Teilnehmer für das Coaching in Edorf?",
        "Je Teilnehmer werden bis zu 3.000 Euro gezahlt.",
        "3.000 Euro",
        "Die gefragte Angabe steht dort nicht.",
        id="a sum per head, not a total",
    ),
    pytest.param(
        "Potenzialanalysen",
        "Die Potenzialanalysen in Klasse 8 werden in Edorf von Trägern durchgeführt, mit denen "
        "die Koordinierungsstelle einen regelmäßigen Qualitätsdialog führt. {}",
        "Welcher Träger führt in Edorf die Potenzialanalysen in Klasse 8 durch?",
        "Durchgeführt werden sie vom Träger „Lernwerk Edorf“.",
        "Lernwerk Edorf",
        "Einen Namen für „Träger“ nennen sie nicht, sie sprechen nur allgemein davon.",
        id="which one of a kind, not the kind in general",
    ),
    pytest.param(
        "Teilhabemanagement",
        "Das Teilhabemanagement wird in allen 53 Kommunen der Initiative in Edorf gefördert. {}",
        "How many Teilhabemanagement positions are funded across the 53 municipalities in Edorf?",
        "Insgesamt werden 120 Stellen gefördert.",
        "120 Stellen",
        "They do not give the figure or date asked for.",
        id="a number, not the question's own",
    ),
    pytest.param(
        "Kerngruppe",
        "Die Kerngruppe in Edorf soll höchstens 12 Mitglieder haben und trifft sich seit März "
        "2019. {}",
        "Wie viele Mitglieder hat die Kerngruppe in Edorf im Durchschnitt?",
        "Im Durchschnitt kommen 9 Mitglieder zu den Sitzungen.",
        "Im Durchschnitt kommen 9",
        "Einen Durchschnitt nennen sie nicht.",
        id="an average, not a size",
    ),
    pytest.param(  # an English counted noun the German nouns for it stand for
        "Ausbildungsmesse",
        "Zur Ausbildungsmesse in Edorf werden am 5. Mai rund 300 Schülerinnen und Schüler "
        "erwartet. {}",
        "How many companies exhibit at the training fair in Edorf?",
        "Es stellen 45 Unternehmen und Betriebe aus der Region aus.",
        "45 Unternehmen",
        "They do not give the figure or date asked for.",
        id="a count of companies in English, not of pupils",
    ),
    pytest.param(
        "Institut für Bildung Edorf",
        "Das Institut für Bildung in Edorf berät Kommunen. Kontakt: Dr. Anna Beispiel und Prof. "
        "Dr. Max Muster, Institut für Bildung, Hauptstraße 1, Edorf. {}",
        "Wer ist Direktor des Instituts für Bildung in Edorf?",
        "Direktor des Instituts ist seit 2015 Prof. Dr. Max Muster.",
        "Direktor des Instituts ist",
        "Wer diese Funktion innehat, sagen sie nicht.",
        id="a head by role, not people without one",
    ),
]


@pytest.mark.parametrize(
    ("title", "page", "question", "answering", "quoted", "missing"), KIND_TWINS
)
def test_the_asked_kind_of_fact_answers_and_its_absence_is_hedged(
    tmp_path: Path, title: str, page: str, question: str, answering: str, quoted: str, missing: str
) -> None:
    text = f"# {title}\n\n{page}\n"
    without, given = _ask_each_page(tmp_path, [text.format(""), text.format(answering)], question)
    assert without.uncertain and missing in without.answer, without.answer
    assert not given.uncertain and quoted in given.answer, given.answer


def test_a_figure_only_in_a_quote_about_something_else_does_not_answer() -> None:
    analyze = GermanAnalyzer().terms
    asked = "Wie viele Monate soll der Erprobungszeitraum für die Zuführung dauern?"
    qtype = classify(asked)
    direct = "Die Zuführung soll nach einem Erprobungszeitraum statistisch ausgewertet werden."

    def units(*quotes: str) -> list[list[Citation]]:
        return [[Citation(n, "d", "d.pdf", "D", 3, q)] for n, q in enumerate(quotes, 1)]

    counted = counted_terms(qtype, analyze)
    elsewhere = units(direct, "Eine Aufenthaltserlaubnis wird nach acht Jahren erteilt.")
    assert _stated_apart(asked, qtype, elsewhere, direct, elsewhere[1:], counted, analyze)
    # a figure in a quote that speaks of the asked thing may answer it
    beside = units(direct, "Nach zwölf Monaten wird die Zuführung bewertet.")
    assert not _stated_apart(asked, qtype, beside, direct, beside[1:], counted, analyze)
    # a direct answer with a figure of its own is judged by the other checks
    own = units("Der Erprobungszeitraum dauert zwölf Monate.", elsewhere[1][0].quote)
    assert not _stated_apart(asked, qtype, own, own[0][0].quote, own, counted, analyze)


def test_a_figure_that_counts_the_asked_noun_in_the_next_quote_answers() -> None:
    """ "Im Ergebnis verblieben 14 Familien" shares no word with the question but the counted
    noun, and counts it: the figure is of what is asked."""
    analyze = GermanAnalyzer().terms
    asked = "Mit wie vielen Familien arbeitet das Projekt nach der Eingrenzung der Zielgruppe?"
    qtype = classify(asked)
    counted = counted_terms(qtype, analyze)
    direct = "Das Projekt beschäftigt sich mit einer Zielgruppe: langjährig geduldeten Familien."
    quotes = [
        [Citation(n, "d", "d.pdf", "D", 3, q)]
        for n, q in enumerate((direct, "Im Ergebnis verblieben 14 Familien."), 1)
    ]
    assert not _stated_apart(asked, qtype, quotes, direct, quotes[1:], counted, analyze)
    dated = "Mit wie vielen Familien arbeitete das Projekt 2019 nach der Eingrenzung?"  # a year
    assert not _stated_apart(dated, classify(dated), quotes, direct, quotes[1:], counted, analyze)
    # ... a figure of something else does not, nor one on another page (how many families a
    # project began with does not say how many of them gained something)
    for page, figure in ((3, "Im Ergebnis verblieben 14 Monate."), (9, "Es sind 14 Familien.")):
        quotes[1] = [Citation(2, "d", "d.pdf", "D", page, figure)]
        assert _stated_apart(asked, qtype, quotes, direct, quotes[1:], counted, analyze), figure
    # ... nor the question's own figure restated
    among = "Wie viele der zehn Familien des Projekts haben eine Zielgruppe?"
    quotes[1] = [Citation(2, "d", "d.pdf", "D", 3, "Es wurden 10 Familien ausgewählt.")]
    assert _stated_apart(among, classify(among), quotes, direct, quotes[1:], counted, analyze)


def test_a_date_in_a_sentence_that_shares_only_a_verb_or_the_place_does_not_answer() -> None:
    """What the date would be of is named by the question's nouns; "wurde" is in every other
    sentence, and the place is what the quotes' document and the question share."""
    analyze = GermanAnalyzer().terms
    asked = "Wann wurde die kreisweite Bedarfsanalyse im Rhein-Kreis Neuss abgeschlossen?"
    qtype = classify(asked)
    direct = "Zurzeit wird eine kreisweite Bedarfsanalyse durchgeführt."
    other = (
        "Die Kreisverwaltung im Rhein-Kreis Neuss knüpft an ein Modellprojekt an. Am 13.03.2019 "
        "wurde ein Starterworkshop durchgeführt."
    )
    quotes = [[Citation(n, "d", "d.pdf", "D", 3, q)] for n, q in enumerate((direct, other), 1)]
    assert _stated_apart(asked, qtype, quotes, direct, quotes[1:], set(), analyze)
    # a sentence that speaks of it by its verb and a pronoun answers
    rule = "Wann wurde die Förderrichtlinie für den Förderbaustein VI erlassen?"
    about = "Die Förderrichtlinie für den Förderbaustein VI liegt vor."
    erlassen = [
        [Citation(n, "d", "d.pdf", "D", 3, q)]
        for n, q in enumerate((about, "Erlassen wurde sie am 15.05.2019 vom MKFFI."), 1)
    ]
    assert not _stated_apart(rule, classify(rule), erlassen, about, erlassen[1:], set(), analyze)
    # a sentence with the date that names the asked thing answers
    named = "Die Bedarfsanalyse wurde am 13.03.2019 abgeschlossen."
    quotes[1] = [Citation(2, "d", "d.pdf", "D", 3, named)]
    assert not _stated_apart(asked, qtype, quotes, direct, quotes[1:], set(), analyze)


def test_how_often_something_was_named_is_answered_by_a_table_row_counting_it(
    tmp_path: Path,
) -> None:
    page = (
        "# Kerngruppen\n\nÜbersicht 10: An den Kerngruppen beteiligte Akteure\n\n"
        "Akteure\tNennungen insgesamt (N=45)\tNennungen in Kreisen (N=22)\n\n"
        "Jobcenter\t41 (91,1%)\t20 (90,9%)\n\n"
        "Industrie- und Handelskammer (IHK)\t20 (44,4%)\t10 (45,5%)\n"
    )
    asked, other = _ask_one_page(
        tmp_path,
        page,
        "Wie oft war die Industrie- und Handelskammer in den Kerngruppen vertreten?",
        "Wie oft war die Handwerkskammer in den Kerngruppen vertreten?",  # no row of its own
    )
    assert not asked.uncertain and "20 (44,4%)" in asked.answer, asked.answer
    assert other.uncertain, other.answer


def test_a_day_asked_is_not_given_by_a_month_and_another_events_day(tmp_path: Path) -> None:
    page = (
        "# Werkstattgespräche\n\nDas 16. Werkstattgespräch zum Thema geflüchtete Frauen wird "
        "voraussichtlich im Dezember 2018 veranstaltet.\n\n# Messen\n\nDie Ausbildungsmesse "
        "findet wieder am 28. September 2018 in Ennepetal statt.\n"
    )
    [answer] = _ask_one_page(tmp_path, page, "Wann genau findet das 16. Werkstattgespräch statt?")
    assert answer.uncertain and "Dezember 2018" in answer.answer, answer.answer


def test_a_yes_no_question_that_names_a_which_of_the_towns_is_not_asked_for_the_towns(
    tmp_path: Path,
) -> None:
    """ "Kann ich erkennen, aus welcher der Kommunen …?" asks yes or no; a "welche Kommunen"
    question is hedged when the answer names none."""
    page = (
        "# Reflexionsgespräche in Edorf\n\nAufgrund der in den Reflexionsgesprächen in Edorf "
        "zugesicherten Vertraulichkeit werden die Zitate nicht einer der zehn Kommunen "
        "zugeordnet; die Auswertung erfolgt anonymisiert.\n"
    )
    yes_no, which = _ask_one_page(
        tmp_path,
        page,
        "Kann ich bei den Zitaten aus den Reflexionsgesprächen in Edorf erkennen, aus welcher "
        "der zehn Kommunen sie stammen?",
        "Aus welchen Kommunen stammen die Zitate aus den Reflexionsgesprächen in Edorf?",
    )
    assert not yes_no.uncertain and "Vertraulichkeit" in yes_no.answer, yes_no.answer
    assert which.uncertain, which.answer


def test_all_of_the_questions_figure_answers_how_many_of_them(tmp_path: Path) -> None:
    """The question's own figures do not answer it, but "alle 53" is a part of "der 53"."""
    page = "# Programm in Edorf\n\nAm Programm in Edorf nehmen inzwischen alle 53 Kommunen teil.\n"
    (answer,) = _ask_one_page(
        tmp_path, page, "Wie viele der 53 Kommunen in Edorf nehmen am Programm teil?"
    )
    assert not answer.uncertain and "alle 53 Kommunen" in answer.answer, answer.answer


GLOSSARY_PAGE = (
    "# Übergang Schule–Beruf\n\n## Abkürzungen\n\n"
    "KAUSA\tKoordinierungsstelle Ausbildung und Migration\n"
    "KoKo\tKommunale Koordinierungsstelle\n\n## Schulen\n\n"
    "An den Schulen begleiten die Koordinatorinnen und Koordinatoren für Studien- und "
    "Berufswahl (StuBos) die Jugendlichen beim Übergang in den Beruf.\n\n"
    "Die KAUSA-Servicestelle berät Betriebe von Zugewanderten rund um die Ausbildung.\n\n"
    "Die G.I.B. lädt die Kommunen zweimal im Jahr zu einem Werkstattgespräch ein.\n"
)


def test_what_an_abbreviation_stands_for_is_quoted_where_it_is_spelled_out(
    tmp_path: Path,
) -> None:
    """The words of "Wofür steht …?" are rarely those of the sentence or glossary row that
    spells the abbreviation out: that one is found, quoted and answered, also for the second
    part of a question; one the documents never spell out is hedged."""
    stubos, kausa, both, gib, two = _ask_one_page(
        tmp_path,
        GLOSSARY_PAGE,
        "Wofür steht die Abkürzung „StuBos“?",
        "What does KAUSA stand for?",
        "Wer berät Betriebe von Zugewanderten zur Ausbildung, und wofür steht KAUSA?",
        "What does the abbreviation G.I.B. stand for?",
        "Wofür stehen die Abkürzungen StuBos und G.I.B.?",
    )
    assert not stubos.uncertain and "Studien- und Berufswahl (StuBos)" in stubos.answer
    assert not kausa.uncertain, kausa.answer
    assert "Koordinierungsstelle Ausbildung und Migration" in kausa.answer
    assert "KAUSA-Servicestelle berät" in both.answer, both.answer
    assert "Koordinierungsstelle Ausbildung und Migration" in both.answer, both.answer
    assert gib.uncertain and "do not spell out what „G.I.B.“ stands for" in gib.answer
    # one of two spelled out: the other is said to be missing
    assert two.uncertain and "Wofür „G.I.B.“ steht, schreiben sie nicht aus." in two.answer


def test_a_procedure_the_documents_name_but_do_not_describe_is_hedged(tmp_path: Path) -> None:
    """ "Wie läuft … ab?" answered by quotes that name the thing but give no steps (no sequence,
    no list) says so; the same question of a page that gives the steps is answered."""
    named = (
        "# Ankommen in der Stadt\n\n"
        "Die Erstaufnahmeeinrichtung der Stadt bietet ämterübergreifende Angebote für "
        "geflüchtete Menschen an. Auch der Integration Point ist ein Beispiel für die "
        "Zusammenarbeit der Ämter.\n"
    )
    described = named.replace(
        "Auch der Integration Point",
        "Die Zusammenarbeit läuft so ab: Zunächst klärt das Sozialamt den Anspruch, danach "
        "vermittelt das Jobcenter in einen Kurs. Auch der Integration Point",
    )
    question = "Wie läuft die ämterübergreifende Zusammenarbeit in der Erstaufnahmeeinrichtung ab?"
    hedged, answered = _ask_each_page(tmp_path, [named, described], question)
    assert hedged.uncertain and "beschreiben sie nicht" in hedged.answer, hedged.answer
    assert not answered.uncertain and "Zunächst klärt das Sozialamt" in answered.answer


def test_an_english_questions_name_is_capitalised_inside_it_or_names_a_document() -> None:
    names = frozenset({"ies"})
    question = "Besides the ies, which office does Borchers advise?"
    assert _english_name(question, "Borchers", ["borchers"], names)
    assert _english_name(question, "ies", ["ies"], names)  # a word of a document's name
    assert not _english_name(question, "Besides", ["besid"], names)  # it opens the question
    assert not _english_name(question, "office", ["offic"], names)


def test_where_an_event_took_place_is_hedged_when_no_place_is_named(tmp_path: Path) -> None:
    """ "Wo fand … statt?" answered by a quote that gives the date but no town, room or building
    says so; the same question of a page that names the hall is answered."""
    dated = (
        "# Veranstaltungen des Bündnisses\n\n"
        "Der Fachtag für ehrenamtliche Begleiterinnen und Begleiter wurde am 12. März 2019 "
        "erfolgreich durchgeführt, um die Angebote für junge Geflüchtete vorzustellen.\n"
    )
    placed = dated.replace("erfolgreich durchgeführt", "im Ratssaal durchgeführt")
    question = "Wo fand der Fachtag für ehrenamtliche Begleiter statt?"
    hedged, answered = _ask_each_page(tmp_path, [dated, placed], question)
    assert hedged.uncertain and "Einen Ort dafür nennen sie nicht." in hedged.answer, hedged.answer
    assert "12. März 2019" in hedged.answer  # what was found instead
    assert not answered.uncertain and "Ratssaal" in answered.answer, answered.answer


def test_the_next_meeting_asked_is_hedged_when_only_a_past_one_is_dated(tmp_path: Path) -> None:
    past = (
        "# Das Bündnis im Kreis\n\n"
        "Die Bündniskerngruppe des Kreises hat sich am 27.06.2019 zur konstituierenden Sitzung "
        "getroffen und kümmert sich um die weitere Umsetzung.\n"
    )
    coming = past.replace(
        "und kümmert sich um die weitere Umsetzung.",
        "und wird sich am 12.11.2019 wieder treffen.",
    )
    question = "Wann trifft sich die Bündniskerngruppe des Kreises das nächste Mal?"
    hedged, answered = _ask_each_page(tmp_path, [past, coming], question)
    assert hedged.uncertain and "Einen kommenden Termin nennen sie nicht" in hedged.answer
    assert not answered.uncertain and "12.11.2019" in answered.answer, answered.answer


def test_a_figure_under_an_introduction_naming_the_place_is_answered(tmp_path: Path) -> None:
    """The introduction above the figure places it ("In Gelsenkirchen kamen:", "- rund 500
    Besucher"); only a paragraph after the figure is left out of its scope."""
    text = (
        "# Ausbildungsmessen\n\n"
        "Zur Ausbildungsmesse für junge Geflüchtete in Gelsenkirchen kamen im Jahr 2018:\n"
        "- rund 500 Besucher\n- 40 Betriebe\n\n"
        "In Bielefeld gibt es für junge Geflüchtete vor allem Sprachkurse.\n"
    )
    question = "Wie viele Besucher kamen zur Ausbildungsmesse in Gelsenkirchen?"
    (answer,) = _ask_one_page(tmp_path, text, question)
    assert not answer.uncertain and "500" in answer.answer, answer.answer


def test_a_why_question_is_hedged_when_its_document_gives_no_reason(tmp_path: Path) -> None:
    """ "Warum …?" answered by a quote that only states the fact asked about says that no
    reason is given; the same question of a page that gives one is answered."""
    stated = (
        "# Das Bündnis im Kreis\n\n"
        "Im Sommer 2019 gab es im Land 58 Bündnisse; unter den Städten ist nur die Stadt "
        "Kleinstadt beim Bündnis für junge Geflüchtete nicht dabei.\n"
    )
    reasoned = stated.replace(
        "nicht dabei.", "nicht dabei, weil sie bereits ein eigenes Netzwerk für Geflüchtete hat."
    )
    question = "Warum ist die Stadt Kleinstadt beim Bündnis für junge Geflüchtete nicht dabei?"
    hedged, answered = _ask_each_page(tmp_path, [stated, reasoned], question)
    assert hedged.uncertain and "Einen Grund dafür nennen sie nicht." in hedged.answer
    assert not answered.uncertain and "eigenes Netzwerk" in answered.answer, answered.answer


def test_a_purpose_in_a_supporting_quote_gives_no_reason_for_the_direct_answer(
    tmp_path: Path,
) -> None:
    """The reason must be the direct answer's: a supporting quote's "um … zu" says why
    something else is done ("Um die Förderung … zu systematisieren, ruft das Land … auf")."""
    fact = (
        "Im Sommer 2019 gab es im Land 58 Bündnisse; unter den Städten ist nur die Stadt "
        "Kleinstadt beim Bündnis für junge Geflüchtete nicht dabei."
    )
    purpose = (
        "Um die Förderung junger Geflüchteter zu systematisieren, ruft das Land die Städte zur "
        "Bildung von Bündnissen auf."
    )
    # a paragraph between: an adjacent support would be merged into the direct quote
    text = f"# Das Bündnis im Kreis\n\n{fact}\n\nIm Kreis gibt es Sprachkurse.\n\n{purpose}\n"
    question = "Warum ist die Stadt Kleinstadt beim Bündnis für junge Geflüchtete nicht dabei?"
    kb = one_document_kb(make_settings(tmp_path / "data"), tmp_path, "page.md", text)
    try:
        catalog = kb.catalog()
        chunk = catalog.chunks[0]
        page = kb.page(chunk.doc_id, chunk.page).text

        def cite(n: int, quote: str) -> Citation:
            start = page.index(quote)
            return Citation.of(n, chunk, start, start + len(quote), page)

        pages = {(chunk.doc_id, chunk.page): page}
        qtype = classify(question)
        alone = Extract([cite(1, fact)], fact, chunks=[chunk], pages=pages)
        supported = Extract([cite(1, fact), cite(2, purpose)], "…", chunks=[chunk], pages=pages)
        assert kb.gate.missing(question, qtype, alone, pages, catalog).kind == "reason"
        assert kb.gate.missing(question, qtype, supported, pages, catalog).kind == "reason"
        # ... while the direct answer's own reason counts
        reasoned = fact.replace("nicht dabei.", "nicht dabei, weil sie ein eigenes Netz hat.")
        own = Extract([Citation(1, chunk.doc_id, "page.md", "B", None, reasoned)], reasoned)
        assert kb.gate.missing(question, qtype, own, pages, catalog).kind != "reason"
    finally:
        kb.close()


def test_a_lower_case_word_of_the_question_names_no_one_whose_towns_are_missing(
    tmp_path: Path,
) -> None:
    # "ebenfalls" is as rare in the documents as a name, but a lower-case word of a question
    # typed with capitals names nothing: the towns quoted are those asked
    (answer,) = _ask_one_page(
        tmp_path,
        "# Förderung\n\n## Innovationsfonds\n\n"
        "Die Stadt Edorf will sich ebenfalls um Mittel aus dem Innovationsfonds bewerben, "
        "wie es schon viele Kommunen im letzten Jahr getan haben.\n\n"
        "## Sprachbrücke\n\n"
        "Eine Zusage für das Modellprojekt Sprachbrücke haben schon die Kommunen Bielefeld, "
        "Dortmund und Hamm bekommen.\n",
        "Welche Kommunen haben ebenfalls eine Zusage für das Modellprojekt Sprachbrücke bekommen?",
    )
    assert not answer.uncertain, answer.answer
    assert "Bielefeld, Dortmund und Hamm" in answer.answer


def test_a_preamble_of_a_question_typed_in_lower_case_asks_no_number(tmp_path: Path) -> None:
    # the capitals restored to "ich begleite …" begin it with one; the preamble's "10 jahren"
    # is still no number the answer must give
    (answer,) = _ask_one_page(
        tmp_path,
        "# Förderung\n\n"
        "Ein Ausschluss von Maßnahmen der Arbeitsagentur gilt nur für Personen, deren Asylantrag "
        "nach dem 31.08.2015 gestellt und abgelehnt worden ist.\n",
        "ich begleite eine familie, seit über 10 jahren geduldet. kriegen die überhaupt "
        "maßnahmen von der arbeitsagentur?",
    )
    assert not answer.uncertain, answer.answer
    assert "31.08.2015" in answer.answer


def test_the_part_of_a_question_that_asks_a_sum_is_the_one_weighed() -> None:
    """Of "Wie viele Stellen …, und wie hoch ist das Budget in Euro?" the second part asks the
    sum; a simple question is its asking sentence; two parts of which neither asks one, none."""
    assert (
        _amount_part("Wie viele Stellen hat das Projekt, und wie hoch ist das Budget in Euro?")
        == "wie hoch ist das Budget in Euro?"
    )
    assert _amount_part("Ich plane ein Projekt. Wie viel Geld gibt es?") == "Wie viel Geld gibt es?"
    assert _amount_part("Wann startet das Projekt, und wer leitet es?") is None
