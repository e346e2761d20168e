"""Wording around the extracted sentences: refusals, suggestions, English lead-ins."""

import re

from kb.models import SECTION_SEPARATOR, Hit
from kb.retrieval.analyzer import ENGLISH_STOPWORDS, GERMAN_STOPWORDS

REFUSAL_DE = "Dazu habe ich in den Dokumenten nichts gefunden."
REFUSAL_EN = "I found nothing about this in the documents."


def is_english(question: str) -> bool:
    words = re.findall(r"[a-zäöüß]+", question.lower())
    en = sum(w in ENGLISH_STOPWORDS and w not in GERMAN_STOPWORDS for w in words)
    de = sum(w in GERMAN_STOPWORDS and w not in ENGLISH_STOPWORDS for w in words)
    return en > de


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


CAUTION_DE = (
    "Eine eindeutige Antwort habe ich in den Dokumenten nicht gefunden. Am nächsten kommt: "
)
CAUTION_EN = "I found no clear answer in the documents. The closest passages (in German): "


def lead_in(question: str, uncertain: bool = False) -> str:
    english = is_english(question)
    if uncertain:
        return CAUTION_EN if english else CAUTION_DE
    return "The documents say (in German): " if english else ""
