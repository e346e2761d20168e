"""Filters on passages: place (a district includes its municipalities), topic, format, document."""

from collections import Counter
from dataclasses import dataclass

from kb.errors import InvalidInput
from kb.facets.places import Gazetteer
from kb.facets.topics import TOPIC_IDS
from kb.models import Chunk
from kb.retrieval.catalog import Catalog
from kb.retrieval.retriever import ChunkFilter

KINDS = ("pdf", "docx", "html", "markdown", "text")


@dataclass(frozen=True)
class Filters:
    place: str | None = None
    topic: str | None = None
    kind: str | None = None
    doc_id: str | None = None

    def __post_init__(self) -> None:
        if self.topic is not None and self.topic not in TOPIC_IDS:
            raise InvalidInput(f"unknown topic '{self.topic}'; known: {', '.join(TOPIC_IDS)}")
        if self.kind is not None and self.kind not in KINDS:
            raise InvalidInput(f"unknown kind '{self.kind}'; known: {', '.join(KINDS)}")
        if self.place is not None and self.place not in Gazetteer.load().by_name:
            raise InvalidInput(
                f"unknown place '{self.place}' (not a known municipality or district)"
            )

    @property
    def empty(self) -> bool:
        return not (self.place or self.topic or self.kind or self.doc_id)

    def predicate(self, catalog: Catalog) -> ChunkFilter | None:
        if self.empty:
            return None
        places = Gazetteer.load().within(self.place) if self.place else None

        def keep(chunk: Chunk) -> bool:
            tags = catalog.tags_of(chunk)
            return (
                (places is None or bool(places.intersection(tags.places)))
                and (self.topic is None or self.topic in tags.topics)
                and (self.kind is None or chunk.kind == self.kind)
                and (self.doc_id is None or chunk.doc_id == self.doc_id)
            )

        return keep


def facet_counts(catalog: Catalog) -> dict[str, Counter[str]]:
    """How many passages mention each place / are about each topic."""
    places: Counter[str] = Counter()
    topics: Counter[str] = Counter()
    for tags in catalog.tags:
        places.update(tags.places)
        topics.update(tags.topics)
    return {"places": places, "topics": topics}
