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


# The German words for an English question's words of the field (migration, education, work,
# administration): the German documents are searched and their sentences chosen by them too.
# General usage, not the names or facts of any document.
_ENGLISH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"\b({pattern})\b", re.I), words)
    for pattern, words in (
        (r"alliances?", "Bündnis Bündnisse"),
        (r"core\s+groups?", "Kerngruppe Kerngruppen"),
        (r"steering\s+(group|committee)s?", "Lenkungsgruppe Steuerungsgruppe"),
        (r"working\s+groups?|task\s+forces?", "Arbeitsgruppe Arbeitskreis"),
        (r"municipalit(y|ies)|municipal", "Kommune Kommunen kommunal"),
        (r"districts?|count(y|ies)", "Kreis Kreise"),
        (r"independent\s+cit(y|ies)|urban\s+districts?", "kreisfreie Stadt"),
        (r"refugees?", "Geflüchtete Flüchtlinge"),
        (r"young\s+(adults?|people)", "junge Erwachsene junge Menschen volljährige"),
        (r"tolerated|toleration|exceptional\s+leave", "Duldung geduldet"),
        (r"asylum(\s+seekers?)?", "Asyl Asylbewerber"),
        (r"residence(\s+permits?)?|right\s+to\s+(stay|remain)", "Aufenthalt Bleiberecht"),
        (r"deport(ed|ation|ations)?", "Abschiebung abgeschoben"),
        (
            r"immigration\s+(office|authorit(y|ies))|foreigners'?\s+(office|authorit(y|ies))",
            "Ausländerbehörde",
        ),
        (r"job\s*cent(re|er)s?", "Jobcenter"),
        (r"employment\s+agenc(y|ies)|labou?r\s+agenc(y|ies)", "Agentur Arbeitsagentur"),
        (r"labou?r\s+market", "Arbeitsmarkt"),
        (r"employment|jobs?|work", "Arbeit Beschäftigung Erwerbstätigkeit"),
        (r"funding|funds?|funded|grants?|subsid(y|ies)", "Förderung Fördermittel gefördert"),
        (r"budget|money|euros?", "Mittel Euro Millionen"),
        (r"costs?", "Kosten"),
        (r"evaluat(ion|ions|ed|e)|assess(ment|ed)", "Evaluation Auswertung ausgewertet"),
        (r"scientific|academic|research", "wissenschaftlich Forschung"),
        (r"monitoring|accompan(y|ies|ied|ying)", "Begleitung begleitet"),
        (
            r"facilitat(or|ors|ion|ing)|consult(ing|ant|ants|ancy)",
            "Prozessbegleitung Prozessbegleiter Beratung",
        ),
        (r"support(s|ed|ing)?", "Unterstützung unterstützt Begleitung"),
        (r"advi(ce|se|ses|sed|sing)|counsell?ing", "Beratung beraten"),
        (r"training|apprenticeships?|traineeships?", "Ausbildung Qualifizierung"),
        (r"vocational|occupational|careers?", "beruflich Beruf"),
        (
            r"school[-\s]+leaving|qualifications?|certificates?|diplomas?",
            "Schulabschluss Abschluss",
        ),
        (r"schools?", "Schule Schulen"),
        (r"language\s+(courses?|classes|lessons|support)", "Sprachkurs Sprachförderung"),
        (r"courses?|classes", "Kurs Kurse"),
        (r"coordinat(ion|ing|or|ors|e|es|ed)", "Koordinierung Koordination Geschäftsführung"),
        (r"offices?|agenc(y|ies)|bodies|body", "Stelle Amt Behörde"),
        (r"stakeholders?|actors?|partners?", "Akteure Partner"),
        (r"networks?|networking", "Netzwerk Vernetzung"),
        (r"case\s+management|case\s+managers?", "Fallmanagement Case"),
        (r"case\s+conferences?", "Fallkonferenz Fallkonferenzen"),
        (r"nursing|care\s+work(ers?)?|carers?", "Pflege Pflegehelfer"),
        (r"clinics?|hospitals?", "Klinik Kliniken Krankenhaus"),
        (r"ministr(y|ies)", "Ministerium Ministerien"),
        (r"state\s+government|federal\s+state|state", "Land Landes Landesregierung"),
        (r"federal", "Bund Bundes"),
        (r"interim\s+report", "Zwischenbericht"),
        (r"final\s+report", "Abschlussbericht"),
        (r"reports?", "Bericht"),
        (r"guidelines?|directives?", "Richtlinie Förderrichtlinie"),
        (r"modules?|components?|building\s+blocks?|pillars?", "Baustein Bausteine"),
        (r"measures?|programmes?|programs?", "Maßnahme Maßnahmen Programm"),
        (r"offers?|services?|provision", "Angebot Angebote"),
        (r"needs?|demand", "Bedarf Bedarfe"),
        (r"surveys?|questionnaires?", "Befragung Fragebogen"),
        (r"interviews?|talks?|conversations?", "Gespräch Gespräche Interviews"),
        (r"constituent|inaugural", "konstituierende"),
        (r"kick[-\s]?off|launch(ed|es)?", "Auftakt Auftaktveranstaltung Start"),
        (r"events?|conferences?", "Veranstaltung Tagung"),
        (r"fairs?", "Messe Börse"),
        (r"participat(ion|e|es|ed|ing)|take\s+part|took\s+part", "Teilnahme teilgenommen Teilhabe"),
        (r"homeless(ness)?", "wohnungslos Wohnungslosenhilfe"),
        (r"housing|accommodation|shelters?", "Unterbringung Unterkunft Wohnung"),
        (r"social\s+work(ers?)?", "Sozialarbeit Sozialarbeiter"),
        (r"youth\s+welfare|child\s+and\s+youth\s+services", "Jugendhilfe Jugendamt"),
        (r"youth|adolescents?|teenagers?", "Jugendliche Jugend"),
        (r"women|female", "Frauen"),
        (r"volunteers?|voluntary", "Ehrenamt Ehrenamtliche"),
        (r"parents?", "Eltern"),
        (r"phone|telephone", "Telefon"),
        (r"e-?mail", "E-Mail"),
        (r"address", "Adresse Anschrift"),
        (r"contact(\s+persons?)?", "Kontakt Ansprechpartner"),
        (r"staff|personnel|positions?|posts?", "Personal Stellen"),
        (r"years?", "Jahr Jahre"),
        (r"months?", "Monat Monate"),
    )
)


def everyday_words(question: str) -> str:
    """The administrative words for the everyday ones of ``question``, the German nouns for the
    English ones that count people, places and bodies ("alliances" → Bündnisse;
    qtype.ENGLISH_COUNTED), and for an English question the German words of its field
    ("tolerated" → Duldung); "" when there are none."""
    everyday = [words for pattern, words in _EVERYDAY if pattern.search(question)]
    if is_english(question):
        everyday += [words for pattern, words in _ENGLISH if pattern.search(question)]
    english = [
        " ".join(ENGLISH_COUNTED[w])
        for w in dict.fromkeys(re.findall(r"[a-z]+", question.lower()))
        if w in ENGLISH_COUNTED
    ]
    return " ".join([*everyday, *english])
