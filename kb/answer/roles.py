"""A head asked for where the quotes name only a deputy, an acting or former holder, or the
head of a part of the organisation: "Dr. …, stellvertretender Leiter der …" and "Leiter des
Fachbereichs … bei der Regionaldirektion" do not answer "Wer leitet …?" (a slot check of
kb/answer/refusal.py)."""

import re
from collections.abc import Sequence

from kb.text.holds import people_named, person_spans
from kb.text.qtype import PEOPLE_BY_DOING, ROLE_ENDING, ROLE_ROOT, ROLE_WORD
from kb.text.sentences import sentence_texts

# A role held in part, for a time or no longer: "stellvertretende Leiterin", "Stellvertreter",
# "kommissarisch", "ehemaliger Leiter", "deputy head", "acting director", "former chair".
_QUALIFIER = (
    r"(stellv\.|stellvertretende[nrms]?|kommissarische[nrms]?|ehemalige[nrms]?|frühere[nrms]?|"
    r"designierte[nrms]?)"
)
_ROLE_WORD = rf"({ROLE_WORD}|Leitung\b)"
_QUALIFIED_ROLE = re.compile(
    rf"\b{_QUALIFIER}\s+{_ROLE_WORD}|\b(Stellvertreter\w*|Stellvertretung|kommissarisch)\b|"
    r"\b(deputy|acting|former|vice)[\s-]+(head|director|chair\w*|manager|leader|president|"
    r"mayor|coordinator)\b",
    re.I,
)
# ... or the head of a part of it ("Leiter des Fachbereichs … bei der Regionaldirektion",
# "Leiterin der Forschungsabteilung"), which answers for the whole no more than a deputy does
_SUBUNIT = (
    r"(Fachbereich\w*|Abteilung\w*|Referat\w*|Sachgebiet\w*|Team\w*|Ressort\w*|"
    r"Stabsstelle\w*|Arbeitsbereich\w*|department|division|unit|section|team)"
)
_SUBUNIT_ROLE = re.compile(
    rf"\b{_ROLE_WORD}\s+(des|der|eines|einer)\s+\w*{_SUBUNIT}|"
    rf"\b(head|director|manager|leader)\s+of\s+(the\s+)?([\w-]+\s+){{0,4}}{_SUBUNIT}\b",
    re.I,
)
_ASKS_SUBUNIT = re.compile(rf"\w*{_SUBUNIT}", re.I)  # "die Integrationsabteilung" too
# ... and a question that asks for such a holder ("Wer leitet kommissarisch …?")
_ASKS_QUALIFIED = re.compile(
    r"\b(stellv\.|stellvertret\w*|kommissarisch\w*|ehemalig\w*|früher\w*|designiert\w*|"
    r"deputy|acting|former|vice)",
    re.I,
)


def role_qualified(question: str, quotes: Sequence[str]) -> bool:
    """A person asked for by role ("Wer leitet …?") where every person the quotes name holds it
    only as a deputy, for a time or formerly ("Dr. …, stellvertretender Leiter der …") or for a
    part of the organisation ("Leiter des Fachbereichs … bei der …"), and the question does not
    ask for that: the deputy is not the head. The role must stand by the name, in its sentence
    and before the next person named."""
    if _ASKS_QUALIFIED.search(question):
        return False
    subunit = _ASKS_SUBUNIT.search(question) is None
    qualified = [
        bool(_QUALIFIED_ROLE.search(around) or (subunit and _SUBUNIT_ROLE.search(around)))
        for quote in quotes
        for sentence in sentence_texts(quote)
        for around in _around_people(sentence)
    ]
    return bool(qualified) and all(qualified)


def _around_people(sentence: str) -> list[str]:
    """What stands by each person a sentence names: up to 40 characters before and 60 after,
    within the clause (up to a ';') and before the next person named."""
    spans = person_spans(sentence)
    nexts = [s for s, _ in spans[1:]] + [len(sentence)] if spans else []
    out = []
    for (start, end), nxt in zip(spans, nexts, strict=True):
        semicolon = sentence.find(";", end)
        lo = max(start - 40, sentence.rfind(";", 0, start) + 1, 0)
        hi = min(nxt, end + 60, semicolon if semicolon >= 0 else len(sentence))
        out.append(sentence[lo:hi])
    return out


# A head asked for by the role ("Wer ist Direktor des …?", "Wer leitet …?", "Who heads …?")
_HEAD_ASKED = re.compile(
    r"\b(\w*(direktor|leiter|chef|vorsitzende|präsident)(s|n|en|r|e|in|innen)?|leitung|"
    r"leitet|leiten|geleitet|head|heads|director|chair\w*|leads?|leading)\b",
    re.I,
)
# ... and a person named as holding some such role
_HEAD_GIVEN = re.compile(
    rf"\b({ROLE_WORD}|Leitung|leitet|leiten|leitete|geleitet|Federführung|federführend\w*|"
    r"head|director|chair\w*|leads?)",
    re.I,
)


def role_unnamed(question: str, quotes: Sequence[str]) -> bool:
    """A head asked for by role ("Wer ist Direktor des IAQ?") where the quotes name people but
    say of no one that they lead ("Dr. … / Prof. Dr. …, Institut …, Gebäude LE"): who holds
    the role is not said. A head given by role alone ("unter Leitung der Sozialdezernentin")
    answers."""
    if not _HEAD_ASKED.search(question) or _ASKS_QUALIFIED.search(question):
        return False
    named = any(person_spans(sentence) for quote in quotes for sentence in sentence_texts(quote))
    return named and not any(_HEAD_GIVEN.search(quote) for quote in quotes)


# A person asked by name and by what they are ("Wie heißt eigentlich die Sozialdezernentin?",
# "Wie heißen die Masterstudierenden …?"): the word they are named by
_NAME_ASKED = re.compile(
    r"\bwie (?:heißt|heißen|hieß|hießen|lautet) (?:[a-zäöüß]+ ){0,2}(?:der|die) (?:\w+e[nr]? )?"
    rf"(?P<noun>{ROLE_WORD}|{PEOPLE_BY_DOING})",
    re.I,
)


def name_unsaid(question: str, quotes: Sequence[str]) -> bool:
    """A person asked by name and by what they are, where the sentences that speak of what they
    are, and the ones after them, name no one ("unter Leitung der Sozialdezernentin", "Zwei
    Masterstudierende führen …"): a person named elsewhere in the quotes is someone else."""
    m = _NAME_ASKED.search(question)
    if m is None:
        return False
    noun = m.group("noun").lower()
    stem = noun[: max(5, len(noun) - 3)]  # "sozialdezernent" of "Sozialdezernentin"
    said = re.compile(rf"\b{re.escape(stem)}", re.I)  # a word's start: not "begleitet"
    speaking = []
    for quote in quotes:
        sentences = sentence_texts(quote)
        for i, sentence in enumerate(sentences):
            if said.search(sentence):  # ... with the next sentence, which may name them
                speaking += sentences[i : i + 2]
    return bool(speaking) and not any(person_spans(s) for s in speaking)


# Who holds a role asked by its noun, which ends the clause ("Wer ist beim Kreis eigentlich der
# Teilhabemanager?", "Wer ist dort die Koordinatorin?"; not "Wer ist für die Referenten
# zuständig?"), other than a head's (role_unnamed weighs those, which a "Federführung" answers)
_HOLDER_ASKED = re.compile(
    r"\b(wer (ist|war|sind|waren)|who (is|was|are|were))\b[^?]{0,60}?\b(der|die|the)\s+"
    rf"(?P<noun>{ROLE_WORD}|\w*manager(in|innen|s)?\b)\s*(\?|[–,:]|$)",
    re.I,
)
# ... the role's word without its ending ("Teilhabemanager" of "Teilhabemanagerin"), which
# "Teilhabemanagement" or "Koordination" does not hold
_ROLE_ROOT = re.compile(rf"\w*?({ROLE_ROOT}|manager)", re.I)


def holder_unnamed(question: str, quotes: Sequence[str]) -> bool:
    """A person asked for by the role they hold, other than a head ("Wer ist … der
    Teilhabemanager?"), where the quotes name people but none by that role (the "Kreisdirektor"
    who has the "Federführung" is not the Teilhabemanager asked)."""
    m = _HOLDER_ASKED.search(question)
    if m is None or _HEAD_ASKED.fullmatch(m.group("noun")) or _ASKS_QUALIFIED.search(question):
        return False
    root = _ROLE_ROOT.match(m.group("noun"))
    if root is None:
        return False
    return _named_but_unsaid(
        re.compile(rf"{re.escape(root.group())}{ROLE_ENDING}?\b", re.I), quotes
    )


# Who did something asked by its participle ("Wer hat das Werkstattgespräch moderiert?", "Wer
# hat das Beispiel vorgestellt?"), not a passive's subject ("Wer wird gefördert?"): the verb's
# stem without a particle, "ge" and the ending ("stell" of "vorgestellt"); only regular verbs,
# and not "gemacht" ("die Einführung gemacht" says nothing of what was done)
_DOER_ASKED = re.compile(
    r"\bwer (hat|haben|hatte|hatten)\b[^?]{0,80}?"
    r"\b(?:(?:ab|an|auf|aus|bei|ein|fest|mit|nach|vor|zu|zusammen)?ge)?(?P<stem>[a-zäöüß]{4,}?)"
    r"(iert|ierte|et|t)\s*(\?|$)",
    re.I,
)
_LIGHT = {"mach"}


def doer_unnamed(question: str, quotes: Sequence[str]) -> bool:
    """Who did something asked by what they did ("Wer hat … moderiert?"), where the quotes
    name people but none of them does it ("moderierte", "Moderation", "vorgestellt", "stellte …
    vor"): the speakers of a workshop did not moderate it."""
    m = _DOER_ASKED.search(question)
    if m is None or m.group("stem").lower() in _LIGHT:
        return False
    return _named_but_unsaid(re.compile(rf"\b(\w*?ge)?{re.escape(m.group('stem'))}", re.I), quotes)


def _named_but_unsaid(said: re.Pattern[str], quotes: Sequence[str]) -> bool:
    """The quotes name people, and none of them says ``said`` (the role or deed asked)."""
    named = any(people_named(quote) for quote in quotes)
    return named and not any(said.search(quote) for quote in quotes)
