"""What a maintainer checks before publishing: what the system made of a file (title, date,
kind, language, pages, headings, chunks, places, topics) and what looks wrong (no text, mostly
form fields, running headers left in, a near-duplicate of a document already there)."""

import dataclasses
import re
from collections import Counter
from typing import Any

from kb.facets.places import Gazetteer
from kb.facets.topics import TOPICS, TopicClassifier
from kb.models import DOCUMENT_KINDS, ParsedDocument, chunk_id
from kb.retrieval.analyzer import ENGLISH_STOPWORDS, GERMAN_STOPWORDS

NEAR_DUPLICATE = 0.8  # share of the smaller document's word 5-grams found in the other
SHINGLE = 5
SAMPLES = 4
_WORDS = re.compile(r"[a-zäöüß]+")
_FORM_LINE = re.compile(r"_{3,}|\.{5,}|…{2,}|:\s*$|\[\s*\]")
# Words in a title that say what kind of document it is (the kinds' own names, in German).
_KIND_CUES = [
    ("Gute Praxis", re.compile(r"gute[rn]? praxis|praxisbeispiel|good practice", re.I)),
    ("Werkstattdokumentation", re.compile(r"\bwerkstatt|dokumentation\b|workshop", re.I)),
    ("Vorlage/Mitteilung", re.compile(r"vorlage|mitteilung|drucksache|beschluss", re.I)),
    ("Bericht", re.compile(r"bericht|report|evaluation|auswertung", re.I)),
]
Existing = dict[str, tuple[str, str, list[str]]]  # doc_id → (title, file name, chunk texts)


def with_doc_id(doc: ParsedDocument, doc_id: str) -> ParsedDocument:
    """The same parsed file under another document id (a new version of an existing document,
    or a free id when the file's name is taken); chunk ids follow the id."""
    if doc.doc_id == doc_id:
        return doc
    chunks = [
        dataclasses.replace(c, id=chunk_id(doc_id, doc.version, c.position), doc_id=doc_id)
        for c in doc.chunks
    ]
    return dataclasses.replace(doc, doc_id=doc_id, chunks=chunks)


def detect_language(text: str, min_words: int = 20) -> str:
    """'de', 'en' or 'unbekannt', by the share of function words."""
    words = _WORDS.findall(text[:20000].lower())
    if len(words) < min_words:
        return "unbekannt"
    de = sum(w in GERMAN_STOPWORDS for w in words)
    en = sum(w in ENGLISH_STOPWORDS for w in words)
    if max(de, en) < len(words) * 0.08:
        return "unbekannt"
    return "de" if de >= en else "en"


def guess_kind(title: str, file_name: str) -> str:
    text = f"{title} {file_name}"
    for kind, cue in _KIND_CUES:
        if cue.search(text):
            return kind
    return DOCUMENT_KINDS[-1]


def build_preview(
    doc: ParsedDocument, file_label: str, existing: Existing, replaces: dict[str, Any] | None
) -> dict[str, Any]:
    text = "\n".join(p.text for p in doc.pages)
    duplicates = near_duplicates(doc, existing)
    warnings = _warnings(doc) + [
        {
            "code": "near_duplicate",
            "message": f"Fast identisch mit „{d['title']}“ ({d['file']}, "
            f"{round(d['similarity'] * 100)} % gleicher Text)",
        }
        for d in duplicates
    ]
    return {
        "file_name": doc.file_name,
        "format": file_label,
        "size_bytes": len(doc.source_bytes),
        "detected": {
            "title": doc.title,
            "date": doc.date,
            "kind": guess_kind(doc.title, doc.file_name),
            "language": detect_language(text),
        },
        "pages": len(doc.pages) if doc.kind == "pdf" else None,
        "characters": len(text),
        "headings": [
            {"page": p.number, "level": h.level, "title": h.title}
            for p in doc.pages
            for h in p.headings
        ][:60],
        "chunks": len(doc.chunks),
        "samples": _samples(doc),
        "places": _places(doc),
        "topics": _topics(doc),
        "warnings": warnings,
        "near_duplicates": duplicates,
        "replaces": replaces,
    }


def _samples(doc: ParsedDocument) -> list[dict[str, Any]]:
    n = len(doc.chunks)
    picks = sorted({round(i * (n - 1) / max(SAMPLES - 1, 1)) for i in range(min(SAMPLES, n))})
    return [
        {
            "position": doc.chunks[i].position + 1,
            "page": doc.chunks[i].page,
            "section": doc.chunks[i].section,
            "text": doc.chunks[i].text[:500] + ("…" if len(doc.chunks[i].text) > 500 else ""),
        }
        for i in picks
    ]


def _places(doc: ParsedDocument) -> list[dict[str, Any]]:
    gazetteer = Gazetteer.load()
    counts: Counter[str] = Counter()
    for c in doc.chunks:
        counts.update({p.name for p in gazetteer.find(f"{c.section or ''}\n{c.text}")})
    return [
        {"name": name, "label": gazetteer.by_name[name].label, "count": n}
        for name, n in counts.most_common(15)
    ]


def _topics(doc: ParsedDocument) -> list[dict[str, Any]]:
    classifier = TopicClassifier()
    counts: Counter[str] = Counter()
    for c in doc.chunks:
        counts.update(classifier.classify(c.text))
    labels = {t.id: t.label for t in TOPICS}
    return [{"id": t, "label": labels[t], "count": n} for t, n in counts.most_common()]


def _warnings(doc: ParsedDocument) -> list[dict[str, str]]:
    out = [{"code": "loader", "message": _german_loader_warning(w)} for w in doc.warnings]
    if doc.kind == "pdf" and doc.pages:
        chars = sum(len(p.text) for p in doc.pages) / len(doc.pages)
        if chars < 200:
            out.append(
                {
                    "code": "ocr",
                    "message": f"Sehr wenig Text je Seite (⌀ {round(chars)} Zeichen): vermutlich "
                    "gescannt – für gute Antworten eine Fassung mit Text (OCR) hochladen",
                }
            )
    lines = [ln.strip() for p in doc.pages for ln in p.text.splitlines() if ln.strip()]
    forms = sum(bool(_FORM_LINE.search(ln)) for ln in lines)
    if len(lines) >= 8 and forms > 0.35 * len(lines):
        out.append(
            {
                "code": "form_fields",
                "message": f"Überwiegend Formularfelder ({forms} von {len(lines)} Zeilen): "
                "wenig zitierfähiger Text",
            }
        )
    running = _running_lines(doc)
    if running:
        out.append(
            {
                "code": "headers_footers",
                "message": "Kopf- oder Fußzeilen nicht erkannt: „"
                + "“, „".join(running[:3])
                + "“ steht auf vielen Seiten im Text",
            }
        )
    return out


def _german_loader_warning(text: str) -> str:
    if text.startswith("pages without text"):
        return f"Seiten ohne Text (Scan? OCR nötig) – {text}"
    return text


def _running_lines(doc: ParsedDocument) -> list[str]:
    """Lines still at the top or bottom of many pages after cleaning (not removed as running
    headers or footers)."""
    pages = [p for p in doc.pages if p.text.strip()]
    if len(pages) < 3:
        return []
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for p in pages:
        lines = [ln.strip() for ln in p.text.splitlines() if ln.strip()]
        for line in {lines[0], lines[-1]}:
            key = re.sub(r"\d+", "#", line.lower())
            counts[key] += 1
            shown.setdefault(key, line[:80])
    needed = max(3, int(len(pages) * 0.4))
    return [shown[k] for k, n in counts.most_common() if n >= needed]


def near_duplicates(doc: ParsedDocument, existing: Existing) -> list[dict[str, Any]]:
    """Documents sharing most of their text with this one (word 5-grams), best first."""
    mine = _shingles(c.text for c in doc.chunks)
    if len(mine) < 10:
        return []
    found = []
    for doc_id, (title, file_name, texts) in existing.items():
        theirs = _shingles(texts)
        if not theirs:
            continue
        share = len(mine & theirs) / min(len(mine), len(theirs))
        if share >= NEAR_DUPLICATE:
            found.append({"doc_id": doc_id, "title": title, "file": file_name, "similarity": share})
    return sorted(found, key=lambda d: -d["similarity"])[:3]


def _shingles(texts: Any) -> set[int]:
    out: set[int] = set()
    for text in texts:
        words = _WORDS.findall(text.lower())
        out.update(hash(tuple(words[i : i + SHINGLE])) for i in range(len(words) - SHINGLE + 1))
    return out
