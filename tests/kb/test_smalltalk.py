import pytest

from kb.conversation import Turn, resolve
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
        "",
    ],
)
def test_a_question_with_more_in_it_is_no_small_talk(turn: str) -> None:
    assert not is_small_talk(turn)


def test_a_follow_up_after_thanks_refers_to_the_question_before() -> None:
    history = [
        Turn("user", "Welche Angebote gibt es für junge Geflüchtete in Bochum?"),
        Turn("assistant", "…"),
        Turn("user", "Danke!"),
        Turn("assistant", "…"),
    ]
    resolved = resolve("Und in Bielefeld?", history)
    assert "Bielefeld" in resolved and "Angebote" in resolved, resolved
