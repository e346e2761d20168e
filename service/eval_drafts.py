"""Rated answers become draft test questions: one line in the schema of eval/qa.jsonl, appended
to KB_DATA_DIR/eval/qa-local.jsonl (`kb eval --qa FILE` runs them against this knowledge base)."""

import fcntl
import json
import os
from pathlib import Path
from typing import Any

from ingest.review import detect_language
from kb.errors import Conflict, InvalidInput

LOCAL_QA = Path("eval") / "qa-local.jsonl"


def draft_item(
    feedback: dict[str, Any],
    answer: str,
    sources: list[int],
    unanswerable: bool,
    question: str | None = None,
) -> dict[str, Any]:
    """A Q&A line: the question (as asked, or corrected), the expected answer, and the chosen
    citations of the rated answer as its sources (none: the documents do not answer it)."""
    question = " ".join((question or feedback["question"]).split())
    if not question:
        raise InvalidInput("the question is empty")
    citations = feedback.get("citations") or []
    chosen = [] if unanswerable else [c for i, c in enumerate(citations, 1) if i in set(sources)]
    if not unanswerable and not chosen:
        raise InvalidInput(
            "choose at least one citation as the source, or mark the question as not answered "
            "by the documents"
        )
    return {
        "id": f"local-{feedback['id'][:12]}",
        "question": question,
        "lang": "en" if detect_language(question, min_words=3) == "en" else "de",
        "type": "unanswerable" if unanswerable else "feedback",
        "answer": " ".join(answer.split()),
        "must_include": [],
        "sources": [
            {
                "file": str(c.get("file", "")),
                "page": c.get("page"),
                "quote": str(c.get("quote", "")),
            }
            for c in chosen
        ],
    }


def append_draft(data_dir: Path, item: dict[str, Any]) -> Path:
    """Append under a file lock (several server processes); one id only once."""
    path = data_dir / LOCAL_QA
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with os.fdopen(os.dup(fd), "r+", encoding="utf-8") as f:
            f.seek(0)
            for line in f:
                if line.strip() and json.loads(line).get("id") == item["id"]:
                    raise Conflict(
                        f"diese Rückmeldung ist schon als Testfrage {item['id']} übernommen"
                    )
            f.write(json.dumps(item, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())
    finally:
        os.close(fd)
    return path
