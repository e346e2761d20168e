"""What the catalog needs of one document version, computed once per version.

BM25 term counts, place and topic tags and glossary candidates of each document are computed by
the writer at ingest and stored in the registry with the version, so a reader assembles its
catalog from stored parts (and after a change loads only the changed documents) instead of
analysing the whole corpus again.

BM25 terms depend on the compound lexicon, the corpus' word counts (kb/retrieval/analyzer.py):
"Bündniskerngruppe" is split into known words. The lexicon is therefore a stored snapshot of
the corpus vocabulary, not the live corpus: the writer renews it at the end of a write session
when the corpus has drifted from it by more than ``lexicon_refresh_drift`` of its words (always
for a new knowledge base), and then analyses every document again. Between renewals, new
documents and all queries are analysed against the same stored lexicon, so index and queries
always agree, and every process and host derives the same catalog from the same registry.
"""

import json
import sys
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from kb.facets.places import Gazetteer
from kb.facets.topics import TopicClassifier
from kb.fingerprint import source_fingerprint
from kb.models import Chunk
from kb.retrieval.analyzer import CompoundSplitter, GermanAnalyzer, vocabulary
from kb.retrieval.glossary import GlossaryParts
from kb.retrieval.units import context_text, sentence_units

# Stored analyses of another revision are ignored (and renewed by the next writer). The revision
# follows the code that makes them (kb/fingerprint.py): the analyzer and its stemmer, glossary,
# sentence units, place and topic tags; the number is for a change of the stored format.
ANALYSIS_FORMAT = "5"
_ANALYSIS_CODE = (
    "kb.retrieval.analysis",
    "kb.retrieval.analyzer",
    "kb.retrieval.glossary",
    "kb.retrieval.units",
    "kb.text.sentences",
    "kb.facets.places",
    "kb.facets.topics",
)


def analysis_revision() -> str:
    code = source_fingerprint(_ANALYSIS_CODE, ("nrw_places.tsv",), ("PyStemmer",))
    return f"{ANALYSIS_FORMAT}/{code}"


@dataclass(frozen=True)
class DocAnalysis:
    """Parallel to the document's chunks in position order."""

    terms: list[dict[str, int]]
    places: list[tuple[str, ...]]
    topics: list[tuple[str, ...]]
    sentences: list[list[str]]  # ids of the sentences with a vector (units.sentence_units)
    glossary: GlossaryParts
    vocabulary: dict[str, int]  # what the document adds to the lexicon

    @property
    def tokens(self) -> int:
        return sum(self.vocabulary.values())

    def to_blob(self) -> bytes:
        g = self.glossary
        data = {
            "terms": self.terms,
            "places": self.places,
            "topics": self.topics,
            "sentences": self.sentences,
            "glossary": [g.table_rows, g.patterns, list(g.lowercase)],
        }
        return zlib.compress(json.dumps(data, ensure_ascii=False).encode("utf-8"), 3)

    @classmethod
    def from_blob(cls, blob: bytes) -> "DocAnalysis":
        """Readers need no vocabulary: it stays empty (the writer reads it separately)."""
        data = json.loads(zlib.decompress(blob))
        rows, patterns, lowercase = data["glossary"]
        return cls(
            terms=[{sys.intern(t): n for t, n in c.items()} for c in data["terms"]],
            places=[tuple(p) for p in data["places"]],
            topics=[tuple(t) for t in data["topics"]],
            sentences=data["sentences"],
            glossary=GlossaryParts(
                [(a, b) for a, b in rows],
                [(a, b) for a, b in patterns],
                tuple(sys.intern(w) for w in lowercase),
            ),
            vocabulary={},
        )


def vocabulary_blob(vocab: dict[str, int]) -> bytes:
    return zlib.compress(json.dumps(vocab, ensure_ascii=False).encode("utf-8"), 3)


def vocabulary_from_blob(blob: bytes) -> dict[str, int]:
    data: dict[str, int] = json.loads(zlib.decompress(blob))
    return data


def document_vocabulary(chunks: list[Chunk]) -> Counter[str]:
    return vocabulary([context_text(c) for c in chunks])


class Analyzer:
    """Analyses documents against one lexicon; ``splits``: compound decisions already made
    against it (stored with the lexicon), so they need not be searched again."""

    def __init__(self, lexicon: Counter[str], splits: dict[str, list[str]] | None = None) -> None:
        self.lexicon = lexicon
        self.splitter = CompoundSplitter(lexicon, known=splits)
        self.terms = GermanAnalyzer(self.splitter, lexicon)
        self._places = Gazetteer.load()
        self._topics = TopicClassifier()

    def document(self, chunks: list[Chunk]) -> DocAnalysis:
        texts = [context_text(c) for c in chunks]
        return DocAnalysis(
            terms=[dict(Counter(self.terms.terms(t))) for t in texts],
            places=[
                tuple(p.name for p in self._places.find(f"{c.title}\n{c.section or ''}\n{c.text}"))
                for c in chunks
            ],
            topics=[tuple(self._topics.classify(c.text)) for c in chunks],
            sentences=[[u.id for u in sentence_units(c)] for c in chunks],
            glossary=GlossaryParts.of([c.text for c in chunks]),
            vocabulary=dict(vocabulary(texts)),
        )


def corpus_lexicon(vocabularies: Iterable[dict[str, int]]) -> Counter[str]:
    lexicon: Counter[str] = Counter()
    for vocab in vocabularies:
        lexicon.update(vocab)
    return lexicon
