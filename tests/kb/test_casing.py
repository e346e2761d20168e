from kb.facets.places import TYPED_CUE
from kb.retrieval.analyzer import GermanAnalyzer
from kb.text.casing import Casing

DOCUMENTS = [
    "Im Kreis Neuss arbeiten die Städte zusammen. Die Mütter kommen aus dem Kreis Neuss.\n"
    "Das KI berät die Familien, und die Geduldeten bekommen Hilfe vom Jobcenter. Im Kreis "
    "arbeiten alle mit. Das KI hilft den Geduldeten. Die Bedeutung ist groß, die Bedeutung "
    "wächst. Einmal steht hier FOR für die Fachoberschulreife. In Essen tagt das Bündnis, "
    "aus Essen kommen viele.",
    "Die Kommunen im Kreis Neuss und das KI treffen sich. die Bündnisse sind neu, die Bündnisse "
    "arbeiten. Wir Arbeiten nur einmal so.",
]


def casing() -> Casing:
    return Casing.of(
        DOCUMENTS,
        GermanAnalyzer().stem,
        keep=["für"],
        placed_only=["Essen"],
        placed=TYPED_CUE.search,
    )


def test_a_lower_case_question_gets_the_capitals_the_documents_write() -> None:
    restore = casing().restore
    assert restore("machen im kreis neuss alle städte mit?") == (
        "Machen im Kreis Neuss alle Städte mit?"
    )
    assert restore("hilft das ki?") == "Hilft das KI?"  # an acronym as written
    # another form of a capitalised word ("Mütter"); a word the documents do not use
    assert restore("was ist mit der mutter und dem kumpel?") == (
        "Was ist mit der Mutter und dem kumpel?"
    )
    # "die" opens sentences in capitals but is lower case where a sentence goes on
    assert restore("sind die bündnisse neu?") == "Sind die Bündnisse neu?"
    # a first capital, as phones type it, and acronyms leave the rest typed in lower case
    assert restore("Machen im kreis neuss alle mit?") == "Machen im Kreis Neuss alle mit?"


def test_what_the_documents_write_in_lower_case_stays_so() -> None:
    restore = casing().restore
    assert restore("wir arbeiten mit") == "Wir arbeiten mit"  # "Arbeiten" once, else lower
    assert restore("was bedeutet das?") == "Was bedeutet das?"  # a verb, not "Bedeutung"
    assert restore("hilfe für das ki") == "Hilfe für das KI"  # a stopword is kept


def test_a_town_that_is_a_word_too_is_capitalised_only_where_it_is_placed() -> None:
    restore = casing().restore
    assert restore("gibt es was zu essen?") == "Gibt es was zu essen?"
    assert restore("gibt es in essen hilfe?") == "Gibt es in Essen Hilfe?"


def test_addresses_and_capitalised_questions_are_left_as_typed() -> None:
    restore = casing().restore
    assert restore("schreib an ki@kreis-neuss.de oder www.kreis-neuss.de/ki/hilfe") == (
        "Schreib an ki@kreis-neuss.de oder www.kreis-neuss.de/ki/hilfe"
    )
    assert restore("Machen im Kreis neuss alle mit?") == "Machen im Kreis neuss alle mit?"
    assert restore("") == ""
    assert restore("ß?") == "ß?"  # no capital of its own
    # decomposed umlauts ("mu" + combining diaeresis) are read composed
    assert restore("die mu\u0308tter") == "Die Mütter"
