"""An ordinal of the question that the quotes number otherwise: "Wann findet das 15.
Werkstattgespräch statt?" is not answered by "… des 16. Werkstattgesprächs, das im Dezember 2018
stattfinden wird", though one paragraph names both (a slot check of kb/answer/refusal.py)."""

import re
from collections.abc import Callable, Sequence

from kb.text.qtype import MONTHS, SHORT_MONTHS

# Month names and their short forms: a number before one is a date, not an ordinal
_MONTHS = rf"{MONTHS}|{SHORT_MONTHS}"
# "das 15. Werkstattgespräch", "die 2.Sitzung", "zum 2. und 3. Fachtag": ordinals and the noun
# they number; not a date ("am 15. Mai") nor a paragraph ("§ 3. Absatz")
_ORDINAL_NOUN = re.compile(
    r"(?<![\d.§])(?<!§ )((?:\d{1,3}\.\s*(?:und|oder|bis|sowie|,|–|-)\s*)*)(\d{1,3})\.\s*"
    rf"(?!(?:{_MONTHS})\b)([^\W\d]{{3,}})"
)
# ... and one typed without its dot in a chat ("wann is das 15 werkstattgespräch"): after an
# article or preposition that goes with one thing only ("das", "beim"; "die 14 Familien" counts)
_DOTLESS = re.compile(
    rf"\b(das|dem|des|beim|im|zum|vom|am)\s+(\d{{1,3}})\s+(?!(?:{_MONTHS})\b)([^\W\d]{{3,}})", re.I
)
_ORDINAL_WORDS = (
    "erst", "zweit", "dritt", "viert", "fünft", "sechst", "siebt", "acht", "neunt", "zehnt",
)  # fmt: skip
_FIRST_WORDS = ("konstituierend",)  # the constituent meeting is the first
_WRITTEN_ORDINAL = re.compile(
    rf"\b({'|'.join(_ORDINAL_WORDS + _FIRST_WORDS)})(?:e|er|es|en|em)\s+([^\W\d]{{3,}})", re.I
)


def _ordinals(
    text: str, analyze: Callable[[str], list[str]]
) -> list[tuple[set[str], tuple[str, ...], str]]:
    """The ordinals a text gives: their numbers, the terms of the noun they number, the words."""
    out = []
    for m in _ORDINAL_NOUN.finditer(text):
        numbers = {*re.findall(r"\d{1,3}", m.group(1)), m.group(2)}
        out.append((numbers, tuple(analyze(m.group(3))), f"{m.group(2)}. {m.group(3)}"))
    for m in _WRITTEN_ORDINAL.finditer(text):
        word = m.group(1).lower()
        number = "1" if word in _FIRST_WORDS else str(_ORDINAL_WORDS.index(word) + 1)
        out.append(({number}, tuple(analyze(m.group(2))), m.group()))
    return out


def ordinals_unmatched(
    question: str, sentences: Sequence[str], analyze: Callable[[str], list[str]]
) -> list[str]:
    """Ordinals of the question ("das 15. Werkstattgespräch") where every sentence stating the
    asked fact that names the same noun numbers it otherwise ("des 16.
    Werkstattgesprächs"): the date of the 16th is not the date of the 15th, though one
    paragraph names both. A sentence naming the noun without a number may be about the asked
    one ("das Werkstattgespräch … am 29. Juni")."""
    asked_ordinals = [o for o in _ordinals(_DOTLESS.sub(r"\1 \2. \3", question), analyze) if o[1]]
    if not asked_ordinals:
        return []
    # each sentence once: its terms and the ordinals it gives
    read = [(set(analyze(s)), _ordinals(s, analyze)) for s in sentences]
    out = []
    for asked, noun, words in asked_ordinals:
        given = [
            set().union(*(n for n, other, _ in ordinals if other == noun))
            for terms, ordinals in read
            if set(noun) <= terms
        ]
        if given and all(n and not n & asked for n in given):
            out.append(words)
    return out
