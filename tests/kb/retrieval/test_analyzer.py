"""The German analyzer behind BM25: words, gender forms, compounds, stemming, stopwords."""

from collections import Counter

import pytest

from kb.retrieval.analyzer import CompoundSplitter, GermanAnalyzer, vocabulary, words

# A hand-made corpus lexicon: word -> frequency.
VOCAB = Counter(
    {
        "bündnis": 10,
        "kerngruppe": 5,
        "ausbildung": 20,
        "duldung": 15,
        "sprache": 30,
        "förderung": 25,
        "kern": 3,
        "gruppe": 8,
    }
)


@pytest.fixture
def plain() -> GermanAnalyzer:
    return GermanAnalyzer()


@pytest.fixture
def splitting() -> GermanAnalyzer:
    return GermanAnalyzer(CompoundSplitter(VOCAB), VOCAB)


# --- words -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "base"),
    [
        ("Vertreter/innen", "vertreter"),
        ("Vertreter/-innen", "vertreter"),
        ("Schüler*innen", "schüler"),
        ("Lehrer:innen", "lehrer"),
        ("Kolleg_innen", "kolleg"),
        ("Ansprechpartner/inne/n", "ansprechpartner"),
        ("SchülerInnen", "schüler"),
        ("Vertreter*in", "vertreter"),
    ],
)
def test_gender_forms_reduce_to_the_base_word(text: str, base: str) -> None:
    assert words(f"Die {text} der Stadt") == ["die", base, "der", "stadt"]


@pytest.mark.parametrize("text", ["Bürger(innen) und Gäste", "Bürger(in) und Gäste"])
def test_parenthesized_gender_forms_reduce_to_the_base_word(text: str) -> None:
    assert words(text) == ["bürger", "und", "gäste"]


def test_the_word_innen_on_its_own_is_kept() -> None:
    assert words("Innen und Außen") == ["innen", "und", "außen"]


def test_hyphenated_compounds_are_kept_whole() -> None:
    assert words("Teilhabemanagement-Stellen in NRW") == ["teilhabemanagement-stellen", "in", "nrw"]


# --- CompoundSplitter ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("compound", "parts"),
    [
        ("bündniskerngruppe", ["bündnis", "kerngruppe"]),
        ("ausbildungsduldung", ["ausbildung", "duldung"]),  # linking "s"
        ("sprachförderung", ["sprache", "förderung"]),  # head "sprach" is "sprache" minus "e"
    ],
)
def test_compounds_split_into_known_words(compound: str, parts: list[str]) -> None:
    assert CompoundSplitter(VOCAB).split(compound) == parts


def test_a_word_more_frequent_than_its_parts_is_not_split() -> None:
    # "kerngruppe" (5) beats the geometric mean of "kern" (3) and "gruppe" (8).
    assert CompoundSplitter(VOCAB).split("kerngruppe") == []


def test_unknown_words_are_not_split() -> None:
    assert CompoundSplitter(VOCAB).split("integrationszentrum") == []


def test_short_words_are_not_split_into_tiny_parts() -> None:
    # "Rathaus" would need the 3-letter part "rat"; the default minimal part is 4 letters.
    vocab = Counter({"rat": 50, "haus": 50})
    assert CompoundSplitter(vocab).split("rathaus") == []
    assert CompoundSplitter(vocab, min_part=3).split("rathaus") == ["rat", "haus"]


def test_max_parts_limits_the_decomposition() -> None:
    vocab = Counter({"kinder": 10, "garten": 10, "kindergarten": 3, "leitung": 10})
    assert CompoundSplitter(vocab, max_parts=3).split("kindergartenleitung") == [
        "kinder",
        "garten",
        "leitung",
    ]
    assert CompoundSplitter(vocab, max_parts=2).split("kindergartenleitung") == [
        "kindergarten",
        "leitung",
    ]


def test_words_with_digits_are_not_split() -> None:
    assert CompoundSplitter(Counter({"ausbildung": 20, "2024": 5})).split("ausbildung2024") == []


# --- GermanAnalyzer --------------------------------------------------------------------------


def test_german_and_english_stopwords_and_question_words_are_dropped(
    plain: GermanAnalyzer,
) -> None:
    assert plain.terms("Wann gibt es die Förderung?") == plain.terms("Förderung")
    assert plain.terms("What is the Förderung, please?") == plain.terms("Förderung")
    assert plain.terms("Wer, wie, was, wann, warum?") == []


def test_light_verbs_that_frame_a_question_are_dropped(plain: GermanAnalyzer) -> None:
    # "machen" and "tun" say as little as "geben": in a report they are rare enough to weigh
    # more than the asked topic, and a quoted remark ("das macht Sinn") would match on them
    assert plain.terms("Wer macht die Begleitung?") == plain.terms("Begleitung")
    assert plain.terms("Was kann man tun, was machen die Kommunen?") == plain.terms("Kommunen")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Bündnis", "Bundnis"),  # umlauts folded
        ("Förderung", "Foerderung"),  # umlaut spelled out
        ("Straße", "Strasse"),  # ß folded
        ("Kommunen", "Kommune"),  # stemmed
        ("Ausländerbehörde", "AUSLÄNDERBEHÖRDE"),  # lowercased
    ],
)
def test_spelling_variants_give_the_same_term(plain: GermanAnalyzer, a: str, b: str) -> None:
    assert plain.terms(a) == plain.terms(b)
    assert len(plain.terms(a)) == 1


def test_hyphenated_compound_yields_terms_of_the_whole_and_of_the_parts(
    plain: GermanAnalyzer,
) -> None:
    terms = plain.terms("Teilhabemanagement-Stellen")
    assert set(plain.terms("Stellen")) <= set(terms)
    assert set(plain.terms("Teilhabemanagement")) <= set(terms)
    # The same compound written without the hyphen still matches.
    assert set(plain.terms("Teilhabemanagementstellen")) <= set(terms)


def test_compound_parts_are_indexed_so_a_part_finds_the_compound(
    splitting: GermanAnalyzer,
) -> None:
    terms = splitting.terms("Die Bündniskerngruppe tagt.")
    assert set(splitting.terms("Kerngruppe")) <= set(terms)
    assert set(splitting.terms("Bündnis")) <= set(terms)
    assert set(splitting.terms("Ausbildung")).isdisjoint(terms)


def test_feminine_plural_maps_to_the_base_form_known_from_the_corpus() -> None:
    vocab = Counter({"teilhabemanager": 1, "teilhabe": 5, "manager": 5})
    knows_base = GermanAnalyzer(CompoundSplitter(vocab), vocab)
    assert knows_base.terms("Teilhabemanagerinnen") == knows_base.terms("Teilhabemanager")
    # The parts come from the base form: without it the plural is not split at all.
    unknown = Counter({"teilhabe": 5, "manager": 5})
    knows_parts = GermanAnalyzer(CompoundSplitter(unknown), unknown)
    assert set(knows_base.terms("Teilhabe")) <= set(knows_base.terms("Teilhabemanagerinnen"))
    assert set(knows_parts.terms("Teilhabe")).isdisjoint(knows_parts.terms("Teilhabemanagerinnen"))


def test_numbers_are_terms_but_single_letters_are_not(plain: GermanAnalyzer) -> None:
    assert plain.terms("Anlage x Stufe 3 im Jahr 2024") == plain.terms("Anlage Stufe 3 Jahr 2024")
    assert "3" in plain.terms("Stufe 3")
    assert "2024" in plain.terms("2024")


def test_query_terms_are_deduplicated_in_order(splitting: GermanAnalyzer) -> None:
    query = "Kommunen Bündnis Kommune Bündniskerngruppe"
    terms = splitting.query_terms(query)
    assert len(terms) == len(set(terms))
    assert terms == list(dict.fromkeys(splitting.terms(query)))
    assert terms[0] == splitting.stem("kommunen")


# --- vocabulary ------------------------------------------------------------------------------


def test_vocabulary_counts_words_and_hyphen_parts_without_stopwords() -> None:
    counts = vocabulary(
        [
            "Die Teilhabemanagement-Stellen und die Stellen",
            "Bündnis bündnis der Schüler*innen",
        ]
    )
    assert counts == Counter(
        {
            "teilhabemanagementstellen": 1,
            "teilhabemanagement": 1,
            "stellen": 2,
            "bündnis": 2,
            "schüler": 1,
        }
    )


# --- participles -------------------------------------------------------------------------------


def test_a_participle_shares_a_term_with_its_verb_or_noun_in_the_corpus() -> None:
    known = Counter(
        {"aufruf": 2, "auswertung": 3, "einführung": 1, "gelegenheit": 4, "sprachen": 2}
    )
    analyzer = GermanAnalyzer(CompoundSplitter(known), known)
    for participle, noun in (
        ("aufgerufen", "Aufruf"),
        ("ausgewertet", "Auswertung"),
        ("eingeführt", "Einführung"),
        ("ausgewerteten", "Auswertung"),
    ):
        assert set(analyzer.terms(participle)) & set(analyzer.terms(noun)), participle
    # a noun that only looks like one, and a stem the corpus does not know, add nothing
    for noun in ("Gelegenheit", "Gelegenheiten", "Gesprächen"):
        assert analyzer.terms(noun) == GermanAnalyzer().terms(noun), noun
    assert analyzer.terms("gewandert") == GermanAnalyzer().terms("gewandert")


def test_a_compound_cut_short_is_indexed_whole_when_the_corpus_writes_it_so() -> None:
    known = Counter(
        {"hauptschulabschluss": 3, "schule": 5, "abschluss": 4, "schulabschluss": 2, "suche": 3}
    )
    analyzer = GermanAnalyzer(CompoundSplitter(known), known)
    cut = "Kurse für den Hauptschul- oder den mittleren Schulabschluss"
    assert set(analyzer.terms("Hauptschulabschluss")) <= set(analyzer.terms(cut))
    # a whole word the corpus does not know is not made up ("Job-" of "Job- und Ausbildungssuche")
    job = analyzer.terms("Job- und Ausbildungssuche")
    assert analyzer.stem("jobsuche") not in job


SEPARABLE_CORPUS = Counter(
    {"einladung": 3, "teilnehmen": 2, "zustimmung": 2, "mitmachen": 1, "abteilung": 2, "angebot": 4}
)


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("Wer lädt zu den Fallkonferenzen ein?", "einladung"),  # the third person's "t" goes
        ("Welche Kommunen nehmen teil, und wann?", "teilnehmen"),
        ("Stimmt die Stadt zu?", "zustimmung"),  # the verb first in a question
        ("wer stimmt dem eigentlich zu", "zustimmung"),  # typed in lower case
        ("Wer macht mit?", "mitmachen"),  # a light verb among the stopwords
        ("Die Stadt lädt die Eltern ein. Dann geht es los.", "einladung"),
    ],
)
def test_a_separable_verb_is_also_indexed_by_its_particle_and_verb_joined(
    text: str, joined: str
) -> None:
    analyzer = GermanAnalyzer(known=SEPARABLE_CORPUS)
    assert analyzer.stem(joined) in analyzer.terms(text)
    assert analyzer.stem(joined) in analyzer.rejoined(text)
    assert analyzer.stem(joined) not in analyzer.terms(text, rejoin=False)


@pytest.mark.parametrize(
    "text",
    [
        "Teils decken sie einen Teil des Kreises ab.",  # "teils" is no verb: no "Abteilung"
        "Er lädt die Eltern ein.",  # the corpus has no such word: no term is made up
        "Die Stadt bietet Kurse an.",  # "anbieten" is not "Angebot"
        "Die Einladung kam an einem Montag.",  # "an" begins a phrase, it ends no clause
        "Sie knüpft an die Erkenntnisse an.",  # "an" + "die": no verb
    ],
)
def test_no_term_is_joined_from_what_is_no_separated_verb(text: str) -> None:
    known = SEPARABLE_CORPUS if "Eltern" not in text else Counter({"eltern": 2})
    analyzer = GermanAnalyzer(known=known)
    assert analyzer.rejoined(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Welche Kommunen nehmen einen Teil?",  # "Teil", a noun, is no particle
        "In einer weiteren Kommune fällt das Urteil negativ aus.",  # no "ausweiten"
    ],
)
def test_a_noun_or_an_adjective_is_not_taken_for_a_separated_verb(text: str) -> None:
    known = Counter({"teilnehmen": 2, "ausweitung": 1})
    assert GermanAnalyzer(known=known).rejoined(text) == []


def test_an_unknown_hyphenated_whole_of_known_parts_is_no_query_term(
    splitting: GermanAnalyzer,
) -> None:
    # "Kern-Bündnis" is no corpus word, its parts are: the whole matches no passage and would
    # only count as a word the documents lack
    terms = splitting.query_terms("Wie viele Kern-Bündnisse gibt es?")
    assert splitting.stem("kernbündnisse") not in terms
    assert {splitting.stem("kern"), splitting.stem("bündnisse")} <= set(terms)
    # ... while a compound written as one word keeps its whole: it may be what is asked
    assert splitting.stem("bündniskantine") in splitting.query_terms("Bündniskantine")
    # a document's terms keep the whole: another document may write it
    assert splitting.stem("kernbündnisse") in splitting.terms("Kern-Bündnisse")


def test_an_apostrophe_s_inside_a_hyphenated_compound_keeps_it_one_word() -> None:
    assert words("Gemeinsam-klappt's-Bündnisse") == ["gemeinsam-klappt-bündnisse"]
    assert words("Gemeinsam-klappt’s-Bündnisse") == ["gemeinsam-klappt-bündnisse"]
    assert words("Gemeinsam klappt's") == ["gemeinsam", "klappt", "s"]
