import pytest

from kb.conversation import Turn, resolve, without_small_talk
from kb.text.smalltalk import is_small_talk


@pytest.mark.parametrize(
    "turn",
    [
        "Hallo",
        "Danke!",
        "Vielen Dank, super!",
        "ok",
        "Test",
        "was geht ab?",
        "Guten Morgen zusammen",
        "Wie geht es dir?",
        "Wer bist du?",
        "Kannst du mir bitte helfen?",
        "Hallo, ich habe eine Frage",
        "Was kannst du alles?",
        "Hello!",
        "Thanks a lot",
        "Bist du ein Mensch?",
        "Das war hilfreich",
        "Ich habe noch eine Frage",
        "Bis später",
        "Könnten Sie mir helfen?",
        "Danke für die Antwort!",
        "Good morning, how are you today?",
        "Wie geht es Ihnen heute?",
    ],
)
def test_greetings_thanks_and_questions_about_the_assistant_are_small_talk(turn: str) -> None:
    assert is_small_talk(turn)


@pytest.mark.parametrize(
    "turn",
    [
        "Hallo, wer leitet das KI in Bielefeld?",
        "Danke, und wie viele Bündnisse gibt es?",
        "Welcher Test wird gemacht?",
        "Wie geht es mit dem Bündnis weiter?",
        "Kannst du mir helfen, eine Ansprechperson in Viersen zu finden?",
        "Wer hilft jungen Geflüchteten bei der Ausbildungssuche?",
        "Danke für die Info, und wer finanziert das?",
        "Hallo, ich habe eine Frage zur Duldung",
        "How are you funded?",
        "Can you help me find a job?",
        "War die Förderung hilfreich?",
        "",
    ],
)
def test_a_question_with_more_in_it_is_no_small_talk(turn: str) -> None:
    assert not is_small_talk(turn)


def test_a_follow_up_after_thanks_refers_to_the_question_before() -> None:
    history = [
        Turn("user", "Welche Angebote gibt es für junge Geflüchtete in Bochum?"),
        Turn("assistant", "…"),
        Turn("user", "Danke für die Antwort!"),
        Turn("assistant", "…"),
    ]
    resolved = resolve("Und in Bielefeld?", history)
    assert "Bielefeld" in resolved and "Angebote" in resolved, resolved


def test_small_talk_and_the_replies_to_it_leave_the_conversation() -> None:
    question = Turn("user", "Welche Angebote gibt es in Bochum?")
    answer = Turn("assistant", "In Bochum …")
    thanks, reply = Turn("user", "Danke!"), Turn("assistant", "Ich beantworte Fragen …")
    assert without_small_talk([question, answer, thanks, reply]) == [question, answer]
