"""Wording around the extracted sentences: refusals, suggestions, English lead-ins."""

from kb.models import SECTION_SEPARATOR, Hit
from kb.retrieval.analyzer import is_english
from kb.text.smalltalk import small_talk_in_english

REFUSAL_DE = "Dazu habe ich in den Dokumenten nichts gefunden."
REFUSAL_EN = "I found nothing about this in the documents."


def _shortened(title: str, limit: int = 70) -> str:
    return title if len(title) <= limit else title[:limit].rsplit(" ", 1)[0] + " …"


def small_talk_reply(question: str, titles: list[str]) -> str:
    """What the assistant does, for a greeting, thanks or "Was kannst du?" (kb/text/smalltalk.py),
    with the names of some of the documents to ask about."""
    english = is_english(question) or small_talk_in_english(question)
    named = ", ".join(f"„{_shortened(t)}“" for t in titles)
    if english:
        text = (
            "I answer questions about the documents of this knowledge base, and every answer "
            "shows the passage and page it comes from."
        )
        return text + (f" Ask, for example, about {named}." if named else "")
    text = (
        "Ich beantworte Fragen zu den Dokumenten dieser Wissensbasis und zeige zu jeder Antwort "
        "die Stelle und Seite, aus der sie stammt."
    )
    return text + (f" Fragen Sie zum Beispiel nach Inhalten aus {named}." if named else "")


def refusal(question: str, related: list[Hit]) -> str:
    english = is_english(question)
    text = REFUSAL_EN if english else REFUSAL_DE
    if related:
        c = related[0].chunk
        where = f", {'page' if english else 'S.'} {c.page}" if c.page else ""
        section = f" ({c.section.split(SECTION_SEPARATOR)[-1]})" if c.section else ""
        lead = "Possibly related" if english else "Am ehesten verwandt ist"
        text += f" {lead}: „{c.title}“{where}{section}."
    return text


CAUTION_DE = "Eine eindeutige Antwort habe ich in den Dokumenten nicht gefunden."
CAUTION_EN = "I found no clear answer in the documents."
_NOT_FOUND_DE = {
    "number": "Zu {} steht dort nichts.",
    "contact": "Kontaktdaten dazu stehen dort nicht.",
    "place": "Zu {} steht dort nichts.",
    "type": "Die gefragte Angabe steht dort nicht.",
    "scope": "Für {} nennen sie die gefragte Angabe nicht.",
    "role": (
        "Genannt ist dort nur eine Stellvertretung, eine kommissarische oder frühere Besetzung "
        "oder die Leitung eines Teils davon."
    ),
    "holder": "Wer diese Funktion innehat, sagen sie nicht.",
    "pending": (
        "Ergebnisse nennen sie nicht, nur dass die Arbeit läuft, geplant oder zurückgestellt ist."
    ),
    "part": "Wie viele von {} es sind, nennen sie nicht.",
    "deadline": "Eine Frist nennen sie dazu nicht.",
    "period": "Einen Zeitraum, von wann bis wann, nennen sie dazu nicht.",
    "average": "Einen Durchschnitt nennen sie nicht.",
    "steps": "Wie es im Einzelnen abläuft, beschreiben sie nicht.",
    "abbreviation": "Wofür {} steht, schreiben sie nicht aus.",
    "instance": "Einen Namen für {} nennen sie nicht, sie sprechen nur allgemein davon.",
    "venue": "Einen Ort dafür nennen sie nicht.",
    "next": "Einen kommenden Termin nennen sie nicht, nur einen vergangenen.",
    "reason": "Einen Grund dafür nennen sie nicht.",
}
_NOT_FOUND_EN = {
    "number": "They say nothing about {}.",
    "contact": "They give no such contact details.",
    "place": "They say nothing about {}.",
    "type": "They do not give the figure or date asked for.",
    "scope": "They do not give it for {}.",
    "role": (
        "They only name who holds the role as a deputy, for a time, formerly or for a part of "
        "the organisation."
    ),
    "holder": "They do not say who holds that role.",
    "pending": "They give no results, only that the work is under way, planned or put off.",
    "part": "They do not say how many of {} it is.",
    "deadline": "They give no deadline for it.",
    "period": "They give no period, from when until when, for it.",
    "average": "They give no average.",
    "steps": "They do not describe how it works step by step.",
    "abbreviation": "They do not spell out what {} stands for.",
    "instance": "They speak of {} only in general and give no name.",
    "venue": "They name no place for it.",
    "next": "They give no upcoming date, only a past one.",
    "reason": "They give no reason for it.",
}


def lead_in(
    question: str, uncertain: bool = False, missing_kind: str | None = None, words: tuple = ()
) -> str:
    """What comes before the quotes; a hedge says what was not found and what was instead."""
    english = is_english(question)
    if not uncertain:
        return "The documents say (in German): " if english else ""
    parts = [CAUTION_EN if english else CAUTION_DE]
    if missing_kind is not None:
        template = (_NOT_FOUND_EN if english else _NOT_FOUND_DE)[missing_kind]
        quoted = ", ".join(f"„{w}“" for w in words)
        parts.append(template.format(quoted) if "{}" in template else template)
    parts.append("Found instead (in German):" if english else "Gefunden habe ich:")
    return " ".join(parts) + " "
