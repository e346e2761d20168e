"""The audit log: who uploaded, published, replaced, withdrew, restored, purged or changed what,
for which document and version, and when. Append-only; in accounts.sqlite3 next to the users."""

import csv
import io
import json
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kb.store.sqlite import connect

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL,
    action TEXT NOT NULL, doc_id TEXT, version TEXT, detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_doc ON audit (doc_id, id);
"""
# action → German label (pages and CSV); anything else is shown as is
ACTIONS = {
    "upload": "hochgeladen",
    "upload_failed": "Verarbeitung fehlgeschlagen",
    "publish": "veröffentlicht",
    "replace": "ersetzt",
    "discard": "verworfen",
    "withdraw": "zurückgezogen",
    "restore": "wiederhergestellt",
    "metadata": "Metadaten geändert",
    "purge": "endgültig gelöscht",
    "ingest": "per Kommandozeile aufgenommen",
    "login": "angemeldet",
    "logout": "abgemeldet",
    "user_add": "Konto angelegt",
    "user_remove": "Konto entfernt",
    "user_role": "Rolle geändert",
    "token_create": "API-Token erstellt",
    "token_revoke": "API-Token widerrufen",
    "settings": "Website-Einstellungen geändert",
    "feedback_handled": "Rückmeldung erledigt",
    "feedback_to_eval": "als Testfrage übernommen",
}
CSV_COLUMNS = ("id", "at", "actor", "action", "action_label", "doc_id", "version", "detail")


@dataclass(frozen=True)
class Entry:
    id: int
    at: str
    actor: str
    action: str
    doc_id: str | None
    version: str | None
    detail: dict[str, Any]

    @property
    def label(self) -> str:
        return ACTIONS.get(self.action, self.action)


class AuditLog:
    def __init__(self, path: Path) -> None:
        self._db = connect(path, _SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        self._db.close()

    def record(
        self,
        actor: str,
        action: str,
        doc_id: str | None = None,
        version: str | None = None,
        **detail: Any,
    ) -> None:
        at = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock:
            self._db.execute(
                "INSERT INTO audit (at, actor, action, doc_id, version, detail)"
                " VALUES (?,?,?,?,?,?)",
                (at, actor, action, doc_id, version, json.dumps(detail, ensure_ascii=False)),
            )

    def entries(self, limit: int = 100, offset: int = 0, doc_id: str | None = None) -> list[Entry]:
        sql = "SELECT id, at, actor, action, doc_id, version, detail FROM audit"
        args: list[Any] = []
        if doc_id is not None:
            sql += " WHERE doc_id=?"
            args.append(doc_id)
        sql += " ORDER BY id DESC LIMIT ? OFFSET ?"
        with self._lock:
            rows = self._db.execute(sql, [*args, limit, offset]).fetchall()
        return [Entry(*r[:6], detail=json.loads(r[6])) for r in rows]

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM audit").fetchone()[0])


def to_csv(entries: list[Entry]) -> str:
    """CSV for spreadsheets; cells that a spreadsheet would run as a formula are defused."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        row = {**asdict(e), "action_label": e.label, "detail": json.dumps(e.detail)}
        writer.writerow([_cell(row[c]) for c in CSV_COLUMNS])
    return out.getvalue()


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
