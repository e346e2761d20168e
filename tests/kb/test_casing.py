from kb.retrieval.analyzer import GermanAnalyzer
from kb.text.casing import Casing

DOCUMENTS = [
    "Im Kreis Neuss arbeiten die Städte zusammen. Die Mütter kommen aus dem Kreis.\n"
    "Das KI berät die Familien, und die Geduldeten bekommen Hilfe vom Jobcenter.",
    "Die Kommunen im Kreis Neuss und das KI treffen sich. die Bündnisse sind neu.",
]


def test_a_lower_case_question_gets_the_capitals_the_documents_write() -> None:
    casing = Casing.of(DOCUMENTS, GermanAnalyzer().stem)
    assert casing.restore("machen im kreis neuss alle städte mit?") == (
        "Machen im Kreis Neuss alle Städte mit?"
    )
    assert casing.restore("hilft das ki?") == "Hilft das KI?"  # an acronym as written
    # another form of a capitalised word ("Mütter"), a word the documents do not use
    assert casing.restore("was ist mit der mutter und dem kumpel?") == (
        "Was ist mit der Mutter und dem kumpel?"
    )
    # "die" opens a sentence in capitals but is lower case where a sentence goes on
    assert casing.restore("sind die bündnisse neu?") == "Sind die Bündnisse neu?"


def test_a_question_with_any_capital_is_left_as_typed() -> None:
    casing = Casing.of(DOCUMENTS)
    assert casing.restore("Machen im kreis neuss alle mit?") == "Machen im kreis neuss alle mit?"
    assert casing.restore("") == ""
