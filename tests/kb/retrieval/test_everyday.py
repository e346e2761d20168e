"""Everyday words of a question bring in the words administrative writing uses for them."""

import pytest

from kb.retrieval.everyday import everyday_words, spoken_words


@pytest.mark.parametrize(
    ("question", "written"),
    [
        ("Wer hat im Kreis eigentlich den Hut auf?", "Federführung"),
        ("Wer ist dafür hauptverantwortlich?", "Federführung"),
        ("Who is in charge of the initiative?", "Federführung"),
        ("Wer macht die Prozessbegleitung?", "übertragen"),
        ("Wo kann mein Azubi nachfragen?", "Auszubildende"),
        ("Gibt's irgendwo ne Jobmesse?", "Berufsbörse"),
        ("Fliegen wir dann aus dem Projekt raus?", "ausgeschlossen"),
        ("Was tun, wenn er die Schule schwänzt?", "Schulabsentismus"),
        ("Gibt's nen Deutschkurs am Abend?", "Sprachkurs"),
        ("Darf er nach der Lehre hierbleiben?", "Aufenthalt"),
        ("Darf sie danach in Deutschland bleiben?", "Aufenthalt"),
        ("Und wer macht die Prozessbegleitung?", "übertragen"),
        ("Wer hat im Kreis das Sagen?", "Federführung"),
        ("Wer war neu an der Spitze der Abteilung?", "Leitung"),
        ("Welche Person leitet das Bündnis?", "Leiter"),
        ("Plant die Stadt was mit Übersetzern?", "Dolmetscher"),
        ("Is there help from interpreters?", "Sprachmittler"),
        ("Wer leitete das Projekt?", "Leitung"),
        ("Who is leading the project?", "Leitung"),
        ("Welche Ämter sitzen unter einem Dach?", "Haus"),
        ("Die Kinder gehen kaum noch zur Schule. Wer hilft?", "Schulverweigerung"),
        ("He keeps skipping school, what can we do?", "Schulabsentismus"),
        ("Wer sitzt in der Lenkungsgruppe?", "vertreten"),
        ("In wie vielen Gruppen sitzt die VHS mit am Tisch?", "vertreten"),
        ("Welche Hochschule macht die Prozessbegleitung?", "University"),
        ("Which university evaluates the initiative?", "Universität"),
        ("Welche Uni ist in der Lenkungsgruppe vertreten?", "Hochschule"),
        ("Gibt es Geld für Mathe-Nachhilfe?", "Mathematik"),
        ("Gibt es Geld für Mathe-Nachhilfe?", "Förderunterricht"),
        ("Die Jungs im Container haben kaum WLAN.", "Internet"),
        ("Wie viel Kohle gibt's eigentlich insgesamt?", "Euro"),
        ("wann hat die kerngruppe das erste mal getagt", "konstituierende"),
        ("Wann ist das Bündnis zum ersten Mal zusammengekommen?", "Sitzung"),
        ("Wann tagte die Kerngruppe zum ersten Mal?", "konstituierende"),
        ("wie viel knete bekommt die kommune", "Geld"),
    ],
)
def test_an_everyday_word_brings_in_the_written_one(question: str, written: str) -> None:
    assert written in everyday_words(question).split()


def test_a_first_decision_and_coal_are_no_first_meeting_and_no_money() -> None:
    assert everyday_words("Wann wurde das erste Mal eine Entscheidung getroffen?") == ""
    assert everyday_words("Was bedeutet der Ausstieg aus der Kohle für die Region?") == ""


def test_a_question_in_the_documents_words_gets_none() -> None:
    assert everyday_words("Welche Förderbausteine gibt es?") == ""
    # words inside other words are not everyday words ("Lehrerinnen"), nor the same letters
    # in another sense ("Forschung und Lehre", "Können Sie mir das sagen?")
    assert everyday_words("Wie viele Lehrerinnen unterrichten dort?") == ""
    assert everyday_words("Was sagt der Bericht zu Forschung und Lehre?") == ""
    assert "Federführung" not in everyday_words("Können Sie mir das sagen: Wer leitet es?")
    # too young for school, or no place yet, is no truancy
    assert "Schulverweigerung" not in everyday_words("Sie darf noch nicht in die Schule.")
    # a word the documents write themselves is searched as it is ("zuständig" is no
    # "Federführung": mapped, it brought a confident quote about another thing)
    assert everyday_words("Wer ist für die wissenschaftliche Begleitung zuständig?") == ""


def test_leading_in_another_sense_brings_in_no_head() -> None:
    for question in (
        "Wer leitet die Anträge an die Ausländerbehörde weiter?",
        "Was leitet sich daraus ab?",
        "What leads to school dropouts?",
        "Welche Kommune liegt an der Spitze bei den Vermittlungen?",
    ):
        assert "Leitung" not in everyday_words(question).split(), question


def test_an_english_counted_noun_brings_in_the_german_nouns_for_it() -> None:
    words = everyday_words("How many local alliances existed in summer 2019?").split()
    assert "Bündnisse" in words
    assert "Familien" in everyday_words("Which families does the project support?").split()
    # German questions hold no such English word
    assert everyday_words("Wie viele Bündnisse gab es im Sommer 2019?") == ""


@pytest.mark.parametrize(
    ("question", "written"),
    [
        ("When did the alliance core group hold its constituent meeting?", "Kerngruppe"),
        ("How long may a tolerated refugee stay after the apprenticeship?", "Duldung"),
        ("Who provides the process facilitation for the municipalities?", "Prozessbegleitung"),
        ("Which immigration office handles the cases?", "Ausländerbehörde"),
        ("What does the interim report say about language courses?", "Sprachkurs"),
        ("What share of cities in NRW are taking part?", "Anteil"),
        ("What share of cities in NRW are taking part?", "Städte"),
        ("What share of cities in NRW are taking part?", "beteiligt"),
    ],
)
def test_an_english_question_brings_in_the_german_words_of_its_field(
    question: str, written: str
) -> None:
    assert written in everyday_words(question).split()


def test_an_english_phrase_is_read_before_its_words_and_common_words_bring_nothing() -> None:
    # "case conference" is no conference (Veranstaltung), "social work" no work (Arbeit)
    assert everyday_words("How does the case conference work?") == "Fallkonferenz Fallkonferenzen"
    assert "Arbeit" not in everyday_words("What does social work do for families?").split()
    # verbs and function words of English are no words of the field
    for question in ("How do they address the families?", "Do I need a permit?"):
        assert not {"Adresse", "Bedarf"} & set(everyday_words(question).split())


def test_a_german_question_gets_no_english_words() -> None:
    # "Workshop", "Support" and "Jobcenter" are German words too: searched as they are
    assert "Unterstützung" not in everyday_words("Wie läuft der Support im Workshop?").split()
    assert everyday_words("Wann traf sich die Kerngruppe in der Stadt?") == ""


def test_the_everyday_words_themselves_are_told_apart() -> None:
    """What the refusal's coverage leaves out: the documents do not write them."""
    assert "Hut" in spoken_words("Wer hat in Neuss eigentlich den Hut auf?").split()
    assert "Kohle" in spoken_words("Wie viel Kohle gibt es?").split()
    # a longer match spans the question's own words, which stay its own
    assert spoken_words("Sitzt die Ausländerbehörde in Wuppertal mit am Tisch?") == ""
    assert spoken_words("Wer hat bei der Landesinitiative in Neuss das Sagen?") == ""
    assert spoken_words("Wann hat die Gruppe das erste Mal getagt?") == "das erste Mal getagt"
    assert spoken_words("Welche Förderbausteine gibt es?") == ""
    assert spoken_words("Who is in charge of the initiative?") == ""  # English: by similarity
