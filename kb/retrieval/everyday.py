"""Everyday words of a question, and the words of administrative writing that say the same.

Users ask as they speak ("Wer hat da den Hut auf?", "Gibt's nen Deutschkurs?", "Wer ist
zuständig?"); reports and council papers write "Federführung", "Sprachkurs", "Auszubildende".
The words found here are added to the words the passages are searched by (BM25 and the
second stage), never to what the question is embedded as, and never replace the question's own.
The table holds general German usage, not the words of any one corpus.
"""

import re

_EVERYDAY: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), words)
    for pattern, words in (
        # who is in charge
        (
            r"\bHut\s+auf\w*|\bden\s+Hut\b|\bhauptverantwortlich|\bverantwortlich|\bzuständig"
            r"|\bin\s+charge\b|\bresponsible\b|\bdas\s+Sagen\b",
            "Federführung federführend Verantwortung Zuständigkeit",
        ),
        (r"\bChef(in|s)?\b|\bboss\b", "Leitung Leiter Leiterin"),
        # who does something ("Wer macht die Begleitung?"): who took it on or was given it
        (
            r"^\s*wer\s+(macht|tut)\b|^\s*who\s+(does|is\s+doing|carries\s+out)\b",
            "übernommen übernimmt beauftragt übertragen",
        ),
        # training and work
        (r"\bAzubis?\b", "Auszubildende Ausbildung"),
        (r"\bLehre\b|\bLehrstelle", "Ausbildung Ausbildungsplatz"),
        (r"\bJobs?\b|\bJobben\b|\bjobbt", "Arbeit Beschäftigung Erwerbstätigkeit"),
        (
            r"\bJob\w*(messe|börse)\b|\bJobmessen\b",
            "Berufsbörse Informationsbörse Ausbildungsmesse",
        ),
        # language
        (r"\bDeutschkurs\w*|\bDeutsch\s+lernen", "Sprachkurs Sprachförderung Integrationskurs"),
        # school
        (r"\bschwänz\w*|\bSchule\s+schwänz", "Schulabsentismus Fehlzeiten schulmüde"),
        # being left out or keeping out
        (
            r"\b(raus)?flieg\w*\b.*\braus\b|\brausgeflogen|\brausfliegen",
            "ausgeschlossen Ausschlusskriterium",
        ),
        (r"\bhält\s+sich\b.*\braus\b|\bhalten\s+sich\b.*\braus\b", "zurückhaltend Zurückhaltung"),
        (r"\bwas\s+zu\s+sagen\b|\bdas\s+Sagen\b", "Entscheidungsfunktion Entscheidungsbefugnis"),
        # people and papers
        (r"\bKids\b|\bKinners\b", "Kinder Jugendliche"),
        (r"\bPapiere\b|\bPapierkram\b", "Unterlagen Dokumente Nachweise"),
        (r"\bBleiben\s+dürfen|\bhierbleiben|\bBleiberecht", "Aufenthalt Aufenthaltserlaubnis"),
        (r"\bAbschiebung\w*|\babgeschoben", "Ausreise Duldung Rückführung"),
    )
)


def everyday_words(question: str) -> str:
    """The administrative words for the everyday ones of ``question`` ("" when there are
    none)."""
    return " ".join(words for pattern, words in _EVERYDAY if pattern.search(question))
