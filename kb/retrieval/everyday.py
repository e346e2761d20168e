"""Everyday words of a question, and the words administrative writing uses for them.

Users ask as they speak ("Wer hat da den Hut auf?", "Gibt's nen Deutschkurs?", "Wer ist
zuständig?"); reports and council papers write "Federführung", "Sprachkurs", "Auszubildende".
The words found here are added to the words the passages are searched by (BM25 and the second
stage) and the sentences are chosen by (Retrieval.everyday); never to what the question is
embedded as, never to the words whose coverage the refusal weighs, and never instead of the
question's own words (only the refusal's floor also weighs a question without its everyday
wordings: spoken_words).
The table is general German usage, written while reading questions the system missed; a word of
it that no passage holds is dropped (Retriever). Words the documents write themselves
("zuständig", "verantwortlich") are not in it: searched as typed, they find their own sentences.
English nouns that count people, places and bodies bring the German nouns for them
(qtype.ENGLISH_COUNTED, which the number check uses too); an English question's words of the
field bring the German ones ("tolerated" → Duldung, "core group" → Kerngruppe), so that BM25
and the choice of sentences have German words to go by (its refusal is still judged by
similarity alone).
"""

import re

from kb.retrieval.analyzer import is_english
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
        # a body meeting for the first time is its constituent meeting ("das erste Mal getagt",
        # "tagte zum ersten Mal", "erstmals zusammengekommen"; not "das erste Mal eine
        # Entscheidung getroffen")
        (
            r"\b(das\s+erste|zum\s+ersten)\s+Mal\s+(\w+\s+)?(getagt|zusammengekommen|"
            r"zusammengetreten)\b|\berstmals\s+(\w+\s+)?(getagt|zusammengekommen|zusammengetreten)\b"
            r"|\b(tagte|tagten|tagt)\s+(\w+\s+){0,3}?(zum\s+ersten\s+Mal|erstmals)\b",
            "konstituierende konstituierenden Sitzung",
        ),
        # money: "Wie viel Kohle gibt's?" asks the amount the documents write in euros (not
        # coal: "Ausstieg aus der Kohle")
        (
            r"\b(wie\s*viel|genug|mehr|keine|viel|wenig)\s+(Kohle|Knete|Zaster|Moneten)\b",
            "Geld Euro",
        ),
        # school and learning
        (r"\bMathe\b", "Mathematik"),
        (r"\bNachhilfe\w*", "Förderunterricht Lernförderung Kurse"),
        (r"\bW-?LAN\b|\bWi-?Fi\b", "Internet Internetversorgung"),
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


# The German words for an English question's words of the field (migration, education, work,
# administration): the German documents are searched and their sentences chosen by them too.
# General usage, not the names or facts of any document. A phrase is read before the words in
# it ("case conference" is no "conference"): the longer entries come first, and what one
# matched is not read again.
_ENGLISH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"\b({pattern})\b", re.I), words)
    for pattern, words in (
        # phrases
        (r"core\s+groups?", "Kerngruppe Kerngruppen"),
        (r"steering\s+(group|committee)s?", "Lenkungsgruppe Steuerungsgruppe"),
        (r"working\s+groups?|task\s+forces?", "Arbeitsgruppe Arbeitskreis"),
        (r"independent\s+cit(y|ies)|urban\s+districts?", "kreisfreie Stadt"),
        (r"young\s+(adults?|people)", "junge Erwachsene junge Menschen volljährige"),
        (r"exceptional\s+leave", "Duldung geduldet"),
        (r"asylum\s+seekers?", "Asylbewerber Asyl"),
        (r"residence\s+permits?|right\s+to\s+(stay|remain)", "Aufenthaltserlaubnis Bleiberecht"),
        (
            r"immigration\s+(office|authorit(y|ies))|foreigners'?\s+(office|authorit(y|ies))",
            "Ausländerbehörde",
        ),
        (r"employment\s+agenc(y|ies)|labou?r\s+agenc(y|ies)", "Agentur Arbeitsagentur"),
        (r"labou?r\s+market", "Arbeitsmarkt"),
        (r"process\s+(support|facilitat(or|ors|ion))", "Prozessbegleitung Prozessbegleiter"),
        (r"school[-\s]+leaving\s+(certificates?|qualifications?)", "Schulabschluss"),
        (r"language\s+(courses?|classes|lessons|support)", "Sprachkurs Sprachförderung"),
        (r"case\s+management|case\s+managers?", "Fallmanagement Case"),
        (r"case\s+conferences?", "Fallkonferenz Fallkonferenzen"),
        (r"care\s+work(ers?)?", "Pflege"),
        (r"state\s+government|federal\s+state", "Land Landesregierung"),
        (r"interim\s+report", "Zwischenbericht"),
        (r"final\s+report", "Abschlussbericht"),
        (r"building\s+blocks?", "Baustein Bausteine"),
        (r"needs\s+analys[ie]s|needs\s+assessments?", "Bedarfsanalyse Bedarf"),
        (r"kick[-\s]?off|launch(ed|es)?", "Auftakt Auftaktveranstaltung Start"),
        (r"take\s+part|took\s+part|taking\s+part", "Teilnahme teilgenommen beteiligt beteiligen"),
        (r"social\s+work(ers?)?", "Sozialarbeit Sozialarbeiter"),
        (r"youth\s+welfare|child\s+and\s+youth\s+services", "Jugendhilfe Jugendamt"),
        (r"job\s*cent(re|er)s?", "Jobcenter"),
        (r"(postal|e-?mail|web)\s+address(es)?", "Adresse Anschrift"),
        (r"contact\s+persons?", "Ansprechpartner Kontakt"),
        # words
        (r"alliances?", "Bündnis Bündnisse"),
        (r"municipalit(y|ies)|municipal", "Kommune Kommunen kommunal"),
        (r"districts?|count(y|ies)", "Kreis Kreise"),
        (r"refugees?", "Geflüchtete Flüchtlinge"),
        (r"tolerated|toleration", "Duldung geduldet"),
        (r"asylum", "Asyl"),
        (r"residence", "Aufenthalt"),
        (r"deport(ed|ation|ations)?", "Abschiebung abgeschoben"),
        (r"employment|jobs?", "Arbeit Beschäftigung Erwerbstätigkeit"),
        (r"funding|funds?|funded|grants?|subsid(y|ies)", "Förderung Fördermittel gefördert"),
        (r"budget|money|euros?", "Geld Euro"),
        (r"costs?", "Kosten"),
        (r"evaluat(ion|ions|ed|e)|assessments?", "Evaluation Auswertung ausgewertet"),
        (r"scientific|academic|research", "wissenschaftlich Forschung"),
        (r"monitoring|accompan(y|ies|ied|ying)", "Begleitung begleitet"),
        (r"facilitat(or|ors|ion|ing)|consult(ing|ant|ants|ancy)", "Moderation Beratung"),
        (r"support(s|ed|ing)?", "Unterstützung unterstützt Begleitung"),
        (r"advi(ce|se|ses|sed|sing)|counsell?ing", "Beratung beraten"),
        (r"training|apprenticeships?|traineeships?", "Ausbildung Qualifizierung"),
        (r"vocational|occupational|careers?", "beruflich Beruf"),
        (r"schools?", "Schule Schulen"),
        (r"courses?|classes", "Kurs Kurse"),
        (r"coordinat(ion|ing|or|ors|e|es|ed)", "Koordinierung Koordination"),
        (r"offices?|agenc(y|ies)|authorit(y|ies)", "Stelle Amt Behörde"),
        (r"stakeholders?|actors?|partners?", "Akteure Partner"),
        (r"networks?|networking", "Netzwerk Vernetzung"),
        (r"nursing|carers?", "Pflege"),
        (r"clinics?|hospitals?", "Klinik Kliniken Krankenhaus"),
        (r"ministr(y|ies)", "Ministerium Ministerien"),
        (r"federal", "Bund Bundes"),
        (r"reports?", "Bericht"),
        (r"guidelines?|directives?", "Richtlinie Förderrichtlinie"),
        (r"modules?", "Baustein Bausteine"),
        (r"programmes?|programs?", "Programm Maßnahmen"),
        (r"offers?|services?|provision", "Angebot Angebote"),
        (r"surveys?|questionnaires?", "Befragung Fragebogen"),
        (r"interviews?|conversations?", "Gespräch Gespräche Interviews"),
        (r"constituent|inaugural", "konstituierende"),
        (r"events?", "Veranstaltung"),
        (r"fairs?", "Messe Börse"),
        (r"participat(ion|e|es|ed|ing)", "Teilnahme teilgenommen Teilhabe beteiligt Beteiligung"),
        (r"share|percentage|proportion", "Anteil Prozent"),
        (r"cities|towns?", "Städte Kommunen"),
        (r"homeless(ness)?", "wohnungslos Wohnungslosenhilfe"),
        (r"housing|accommodation|shelters?", "Unterbringung Unterkunft Wohnung"),
        (r"youth|adolescents?|teenagers?", "Jugendliche Jugend"),
        (r"women|female", "Frauen"),
        (r"volunteers?|voluntary", "Ehrenamt Ehrenamtliche"),
        (r"parents?", "Eltern"),
        (r"phone|telephone", "Telefon"),
        (r"e-?mail", "E-Mail"),
        (r"staff|personnel", "Personal Stellen"),
        (r"years?", "Jahr Jahre"),
        (r"months?", "Monat Monate"),
    )
)


def _english_words(question: str) -> list[str]:
    """The German words of an English question's words of the field, each phrase or word read
    once (a phrase before the words in it)."""
    found = []
    rest = question
    for pattern, words in _ENGLISH:
        rest, matched = pattern.subn(" ", rest)
        if matched:
            found.append(words)
    return found


# An everyday wording is a few words ("den Hut", "das erste Mal getagt"); a longer match spans
# words of the question between the pattern's ends ("hat … in Neuss das Sagen"), which are its
# own and stay
_SPOKEN_WORDS = 4


def spoken_words(question: str) -> str:
    """The everyday wordings of a German question the table has the documents' words for ("den
    Hut auf", "das erste Mal getagt"), joined: a passage that answers holds the documents' words
    for them instead, so their absence says nothing (RefusalGate.assess's floor)."""
    if is_english(question):
        return ""
    return " ".join(
        m.group(0)
        for pattern, _ in _EVERYDAY
        for m in pattern.finditer(question)
        if len(m.group(0).split()) <= _SPOKEN_WORDS
    )


def everyday_words(question: str) -> str:
    """The administrative words for the everyday ones of ``question``, the German nouns for the
    English ones that count people, places and bodies ("alliances" → Bündnisse;
    qtype.ENGLISH_COUNTED), and for an English question the German words of its field
    ("tolerated" → Duldung); "" when there are none."""
    everyday = [words for pattern, words in _EVERYDAY if pattern.search(question)]
    if is_english(question):
        everyday += _english_words(question)
    english = [
        " ".join(ENGLISH_COUNTED[w])
        for w in dict.fromkeys(re.findall(r"[a-z]+", question.lower()))
        if w in ENGLISH_COUNTED
    ]
    return " ".join([*everyday, *english])
