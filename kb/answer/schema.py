"""The answer object as `kb ask --json`, the batch output and the HTTP API return it."""

from typing import Any

from kb.models import Answer


def answer_to_dict(answer: Answer, item_id: Any = None) -> dict[str, Any]:
    return {
        "id": item_id,
        "question": answer.question,
        "answer": answer.answer,
        "refused": answer.refused,
        "citations": [
            {"n": c.n, "file": c.file, "title": c.title, "page": c.page, "quote": c.quote}
            for c in answer.citations
        ],
        "sources": [
            {
                "file": h.chunk.file_name,
                "title": h.chunk.title,
                "page": h.chunk.page,
                "section": h.chunk.section,
                "score": round(h.score, 6),
                "text": h.chunk.text,
            }
            for h in answer.sources
        ],
        "timings_ms": dict(answer.timings_ms),
    }
