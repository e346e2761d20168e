"""Topics of a passage for the offer finder: a transparent keyword classifier.

Each topic has word patterns (matched case-insensitively at word starts, so "Sprachkurs"
also finds "Sprachkursen"): strong ones (the topic's unmistakable names) score 2 points,
weak ones 1. A passage is about a topic when it reaches ``min_points``: one passing mention
is not enough.
Precision and recall on a labelled sample: tests/kb/test_facets.py and docs/service.md.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    id: str
    label: str
    strong: tuple[str, ...]  # one hit is enough
    weak: tuple[str, ...]  # need company


TOPICS = (
    Topic(
        "sprache",
        "Sprache",
        (
            "sprachförder",
            "sprachkurs",
            "deutschkurs",
            "integrationskurs",
            "deutschförder",
            "spracherwerb",
            "sprachlern",
            "alphabetisierung",
            "berufssprach",
            "jugendintegrationskurs",
        ),
        ("sprach", "deutschkenntnis", "sprachkenntnis", "sprachniveau", "deutsch lernen"),
    ),
    Topic(
        "schulabschluss",
        "Schulabschluss",
        (
            "schulabschluss",
            "hauptschulabschluss",
            "schulabschlüsse",
            "internationale förderklasse",
            "internationalen förderklasse",
            "weiterbildungskolleg",
            "abendrealschule",
            "abendschule",
            "schulbesuch",
            "schulverweigerung",
            "schulpflicht",
        ),
        ("schule", "schüler", "berufskolleg", "unterricht", "schulsozialarbeit", "bildungsgang"),
    ),
    Topic(
        "ausbildung",
        "Ausbildung",
        (
            "ausbildungsduldung",
            "einstiegsqualifizierung",
            "berufsausbildung",
            "ausbildungsplatz",
            "duale ausbildung",
            "dualen ausbildung",
            "ausbildungsbegleitende",
            "übergang schule",
            "berufsorientierung",
            "helferausbildung",
            "ausbildungsstelle",
        ),
        ("ausbildung", "auszubildende", "berufsvorbereitung", "azubi", "lehrstelle"),
    ),
    Topic(
        "arbeit",
        "Arbeit",
        (
            "arbeitsmarktintegration",
            "erwerbstätigkeit",
            "beschäftigungsverhältnis",
            "integration point",
            "arbeitsaufnahme",
            "berufsbörse",
            "arbeitsgelegenheit",
            "minijob",
            "jobbörse",
        ),
        (
            "arbeitsmarkt",
            "beschäftigung",
            "jobcenter",
            "agentur für arbeit",
            "arbeitgeber",
            "arbeitsagentur",
            "erwerbs",
            "arbeitsplatz",
            "praktik",
            "nebenbei arbeit",
            "berufstätig",
        ),
    ),
    Topic(
        "beratung",
        "Beratung / Case Management",
        (
            "case management",
            "fallmanagement",
            "teilhabemanagement",
            "coaching",
            "fallkonferenz",
            "jugendmigrationsdienst",
            "flüchtlingsberatung",
            "beratungsstelle",
            "lotsenfunktion",
        ),
        (
            "beratung",
            "begleitung",
            "betreuung",
            "ansprechperson",
            "ansprechpartner",
            "mentoring",
            "lotse",
            "beraten",
        ),
    ),
    Topic(
        "wohnen",
        "Wohnen",
        (
            "wohnraum",
            "wohnungsmarkt",
            "wohnungssuche",
            "unterbringung",
            "flüchtlingsunterkunft",
            "wohnungslos",
            "unterkünfte",
        ),
        ("wohnen", "wohnung", "unterkunft", "miete"),
    ),
    Topic(
        "kinderbetreuung",
        "Kinderbetreuung",
        ("kinderbetreuung", "kindertagesstätte", "kindertagespflege", "kita"),
        ("kindergarten", "betreuung der kinder", "betreuungsangebot"),
    ),
    Topic(
        "ehrenamt",
        "Ehrenamt",
        ("ehrenamt", "ehrenamtlich", "patenschaft", "bürgerschaftliches engagement", "freiwillige"),
        ("paten", "engagement", "freiwillig"),
    ),
)
TOPIC_IDS = tuple(t.id for t in TOPICS)


class TopicClassifier:
    """About a topic when its points reach ``min_points`` (strong words 2, others 1)."""

    def __init__(self, topics: tuple[Topic, ...] = TOPICS, min_points: int = 3) -> None:
        if min_points < 1:
            raise ValueError("min_points must be >= 1")
        self.topics = topics
        self.min_points = min_points
        self._strong = {t.id: _compile(t.strong) for t in topics}
        self._weak = {t.id: _compile(t.weak) for t in topics}

    def classify(self, text: str) -> list[str]:
        out = []
        for topic in self.topics:
            strong = len(self._strong[topic.id].findall(text))
            weak = len(self._weak[topic.id].findall(text))
            if 2 * strong + weak >= self.min_points:
                out.append(topic.id)
        return out


def _compile(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<![\wäöüß])(" + "|".join(re.escape(w) for w in words) + ")", re.I)
