"""Everyday words of a question, and the words administrative writing uses for them.

Users ask as they speak ("Wer hat da den Hut auf?", "Gibt's nen Deutschkurs?", "Wer ist
zuständig?"); reports and council papers write "Federführung", "Sprachkurs", "Auszubildende".
The words found here are added to the words the passages are searched by (BM25 and the second
stage) and the sentences are chosen by (Retrieval.everyday); never to what the question is
embedded as, never to the words whose coverage the refusal weighs, and never instead of the
question's own words.
The table is general German usage, written while reading questions the system missed; a word of
it that no passage holds is dropped (Retriever). Words the documents write themselves
("zuständig", "verantwortlich") are not in it: searched as typed, they find their own sentences.
English nouns that count people, places and bodies bring the German nouns for them
(qtype.ENGLISH_COUNTED, which the number check uses too).
"""

import re

from kb.text.qtype import ENGLISH_COUNTED

_EVERYDAY: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), words)
    for pattern, words in (
        # who is in charge
        (
            r"\bHut\s+auf\w*|\bden\s+Hut\b|\bhauptverantwortlich"
            r"|\bin\s+charge\b|\bresponsible\b|\b(hat|haben)\b.*\bdas\s+(?-i:Sagen)\b",
            "Federführung federführend Verantwortung Zuständigkeit",
        ),
        (
            r"\bChef(in|s)?\b|\bboss\b|\ban\s+der\s+Spitze\s+(de[rs]|von|vom)\b"
            # "leitet das Projekt", not "leitet … weiter" or "leitet sich … ab"
            r"|\bleite(n|t|te|ten)\b(?![^.!?]*\b(weiter|ab|sich)\b)"
            r"|\bwho\s+(heads|leads|is\s+leading|is\s+heading)\b",
            "Leitung Leiter Leiterin",
        ),
        # who does something ("Wer macht die Begleitung?"): who took it on or was given it
        (
            r"(^|[,;:–-]\s*|\bund\s+)wer\s+(genau\s+)?(macht|tut)\b"
            r"|^\s*who\s+(does|is\s+doing|carries\s+out)\b",
            "übernommen übernimmt beauftragt übertragen",
        ),
        # training and work
        (r"\bAzubis?\b", "Auszubildende Ausbildung"),
        (
            r"\bLehre\s+(mach|anfang|beginn|absolvier)\w*|\b(eine|ne|nen|seine|ihre)\s+Lehre\b"
            r"|\bLehrstelle",
            "Ausbildung Ausbildungsplatz",
        ),
        (r"\bJobs?\b|\bjobb\w*", "Arbeit Beschäftigung Erwerbstätigkeit"),
        (r"\bJob\w*(messe|börse)n?\b", "Berufsbörse Ausbildungsmesse Jobbörse"),
        # language
        (r"\bDeutschkurs\w*|\bDeutsch\s+lernen", "Sprachkurs Sprachförderung Integrationskurs"),
        (
            r"\bÜbersetzer\w*|\bübersetz(t|en)\b|\btranslat(e|ors?|ion)\b|\binterpreters?\b",
            "Dolmetscher Sprachmittler Sprachmittlung",
        ),
        # school
        (
            # not "noch nicht in die Schule" (too young, or no place yet)
            r"\bschwänz\w*|\b(kaum|(?<!noch\s)nicht|selten|nie)\s+(mehr\s+|noch\s+)?"
            r"(zur|in\s+die)\s+Schule\b"
            r"|\b(skip(s|ping)?|miss(es|ing)?)\s+school\b",
            "Schulabsentismus Schulverweigerung Fehlzeiten schulmüde",
        ),
        # who is a member: who sits on a body, or at its table
        (
            r"\bwer\s+sitzt\b|\bsitz(t|en)\s+(\w+\s+){0,4}?(mit\s+)?am\s+Tisch\b"
            r"|\bwho\s+sits\s+(on|in)\b",
            "vertreten Mitglieder",
        ),
        # being left out, keeping out, having a say
        (
            r"\bflieg\w*\s+(\w+\s+){0,6}raus\b|\brausgeflogen|\brausfliegen",
            "ausgeschlossen Ausschluss Ausschlusskriterium",
        ),
        (
            r"\bhält\s+sich\s+(\w+\s+){0,4}raus\b|\bhalten\s+sich\s+(\w+\s+){0,4}raus\b",
            "zurückhaltend",
        ),
        (r"\bwas\s+zu\s+sagen\s+haben\b", "Entscheidung entscheiden"),
        (r"\bunter\s+einem\s+Dach\b|\bunder\s+one\s+roof\b", "Haus"),
        # people and papers
        (r"\bKids\b", "Kinder Jugendliche"),
        # a "Hochschule" is any university; the documents name them ("Frankfurt University of
        # Applied Sciences", "Universität Duisburg-Essen")
        (
            r"\bHochschulen?\b|\buniversit(y|ies)\b|\bUnis?\b|\bUniversität(en)?\b",
            "Hochschule Universität University Fachhochschule",
        ),
        (r"\bPapiere\b|\bPapierkram\b", "Unterlagen Dokumente Nachweise"),
        (
            r"\bhier\s*bleiben|\bBleiberecht|\b(darf|dürfen|kann|können)\s+(\w+\s+){0,4}bleiben\b",
            "Aufenthalt Aufenthaltserlaubnis",
        ),
        (r"\bAbschiebung\w*|\babgeschoben", "Ausreise Duldung Rückführung"),
    )
)


def everyday_words(question: str) -> str:
    """The administrative words for the everyday ones of ``question``, and the German nouns for
    the English ones that count people, places and bodies ("alliances" → Bündnisse;
    qtype.ENGLISH_COUNTED); "" when there are none."""
    everyday = [words for pattern, words in _EVERYDAY if pattern.search(question)]
    english = [
        " ".join(ENGLISH_COUNTED[w])
        for w in dict.fromkeys(re.findall(r"[a-z]+", question.lower()))
        if w in ENGLISH_COUNTED
    ]
    return " ".join([*everyday, *english])
