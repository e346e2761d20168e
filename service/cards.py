""" "Gute Praxis" documents as cards on the offer finder, filtered by the same facets."""

import re
from dataclasses import dataclass

from kb.facets.places import Gazetteer
from kb.facets.topics import TOPICS
from kb.knowledge_base import KnowledgeBase
from kb.models import GOOD_PRACTICE
from service.present import file_url

_WORD = re.compile(r"\w{3,}")


@dataclass(frozen=True)
class Card:
    doc_id: str
    title: str
    places: list[str]  # labels
    topics: list[str]  # labels
    description: str | None
    url: str  # the document in the viewer
    file_url: str
    source_url: str | None


def good_practice_cards(
    kb: KnowledgeBase, q: str, place: str, topic: str, found: set[str]
) -> list[Card]:
    """Cards of published "Gute Praxis" documents that match the place and topic filters, and
    (with a query) either have a passage among the results or its words in title/description."""
    gazetteer = Gazetteer.load()
    labels = {t.id: t.label for t in TOPICS}
    titles = {d.doc_id: d.title for d in kb.documents()}
    words = {w.lower() for w in _WORD.findall(q)}
    cards = []
    for doc_id, meta in kb.metadata().items():
        if meta.kind != GOOD_PRACTICE or doc_id not in titles:
            continue
        if place and not _near(gazetteer, place, meta.places):
            continue
        if topic and topic not in meta.topics:
            continue
        text = f"{titles[doc_id]} {meta.description or ''}".lower()
        if words and doc_id not in found and not any(w in text for w in words):
            continue
        cards.append(
            Card(
                doc_id=doc_id,
                title=titles[doc_id],
                places=[gazetteer.by_name[p].label for p in meta.places if p in gazetteer.by_name],
                topics=[labels.get(t, t) for t in meta.topics],
                description=meta.description,
                url=f"/dokumente/{doc_id}",
                file_url=file_url(doc_id, None),
                source_url=meta.source_url,
            )
        )
    return sorted(cards, key=lambda c: c.title.lower())


def _near(gazetteer: Gazetteer, place: str, tagged: tuple[str, ...]) -> bool:
    """The filter place contains a tagged place, or a tagged district contains the place."""
    wanted = gazetteer.within(place)
    return any(p in wanted or place in gazetteer.within(p) for p in tagged)
