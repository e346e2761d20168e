"""Documents as maintainers manage them: published, withdrawn or in review; withdraw, restore
a kept version, edit metadata, purge for good. Every change goes to the audit log."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.errors import InvalidInput, NotFound
from kb.knowledge_base import KnowledgeBase
from kb.models import DocumentInfo, DocumentMeta, Page, VersionInfo
from kb.settings import Settings
from service.admin.schemas import MetadataIn
from service.audit import AuditLog
from service.jobs.changes import Changes

STATE_LABELS = {"active": "veröffentlicht", "review": "in Prüfung", "retired": "frühere Fassung"}


@dataclass(frozen=True)
class DocumentRow:
    doc_id: str
    title: str
    file_name: str
    state: str  # veröffentlicht | zurückgezogen | in Prüfung
    active: DocumentInfo | None
    versions: list[VersionInfo]
    meta: DocumentMeta | None

    @property
    def published(self) -> bool:
        return self.active is not None

    @property
    def kept(self) -> list[VersionInfo]:
        """Versions that can be restored."""
        return [v for v in self.versions if v.state == "retired"]


class Library:
    def __init__(
        self, kb: KnowledgeBase, audit: AuditLog, settings: Settings, changes: Changes
    ) -> None:
        self.kb, self.audit, self.settings, self.changes = kb, audit, settings, changes

    @property
    def registry(self) -> Any:
        return self.kb.store.registry

    def rows(self) -> list[DocumentRow]:
        metas = self.registry.all_doc_meta()
        active = {d.doc_id: d for d in self.registry.documents()}
        rows = [
            self._row(doc_id, active.get(doc_id), metas.get(doc_id))
            for doc_id in self.registry.all_doc_ids()
        ]
        return sorted(rows, key=lambda r: (not r.published, r.title.lower()))

    def row(self, doc_id: str) -> DocumentRow:
        if not self.registry.versions_of(doc_id):
            raise NotFound(f"no document with id '{doc_id}'")
        return self._row(doc_id, self.registry.document(doc_id), self.registry.doc_meta(doc_id))

    def _row(
        self, doc_id: str, active: DocumentInfo | None, meta: DocumentMeta | None
    ) -> DocumentRow:
        versions = self.registry.versions_of(doc_id)
        head = active or versions[0]
        if active is not None:
            state = "veröffentlicht"
        elif any(v.state == "retired" for v in versions):
            state = "zurückgezogen"
        else:
            state = "in Prüfung"
        return DocumentRow(doc_id, head.title, head.file_name, state, active, versions, meta)

    def version(self, doc_id: str, version: str) -> VersionInfo:
        info = self.registry.version_info(doc_id, version)
        if info is None or info.state == "staged":
            raise NotFound(f"'{doc_id}' has no version '{version}'")
        return info

    def version_pages(self, doc_id: str, version: str) -> list[Page]:
        self.version(doc_id, version)
        return list(self.registry.version_pages(doc_id, version))

    def version_original(self, doc_id: str, version: str) -> tuple[Path, VersionInfo]:
        info = self.version(doc_id, version)
        rel = self.registry.original_of(doc_id, version)
        if rel is None:
            raise NotFound("the original file is not stored")
        return self.kb.store.files.path(rel), info

    # -- changes --------------------------------------------------------------------------------
    def withdraw(self, doc_id: str, actor: str) -> DocumentInfo:
        with self._writer(actor, "zurückziehen") as writer:
            info: DocumentInfo = writer.withdraw(doc_id)
        self.audit.record(actor, "withdraw", doc_id, info.version, file=info.file_name)
        self.changes.notify()
        return info

    def restore(self, doc_id: str, version: str, actor: str) -> VersionInfo:
        before = self.registry.active_version(doc_id)
        with self._writer(actor, "wiederherstellen") as writer:
            writer.restore(doc_id, version)
        self.audit.record(actor, "restore", doc_id, version, previous=before)
        self.changes.notify()
        return self.version(doc_id, version)

    def edit(self, doc_id: str, actor: str, metadata: MetadataIn) -> DocumentRow:
        row = self.row(doc_id)
        given = metadata.given()
        if not given:
            raise InvalidInput("nothing to change: give at least one metadata field")
        current = row.meta or DocumentMeta(doc_id)
        meta = DocumentMeta(
            doc_id=doc_id,
            kind=given.get("kind") or current.kind,
            places=tuple(given["places"]) if "places" in given else current.places,
            topics=tuple(given["topics"]) if "topics" in given else current.topics,
            source_url=given.get("source_url", current.source_url),
            description=given.get("description", current.description),
        )
        self.registry.save_doc_meta(meta)
        head = row.active or row.versions[0]
        if "title" in given or "date" in given:
            self.registry.set_title_date(
                doc_id,
                head.version,
                given.get("title") or head.title,
                given.get("date", head.date),
            )
        self.audit.record(actor, "metadata", doc_id, head.version, changed=sorted(given))
        self.changes.notify()
        return self.row(doc_id)

    def purge(self, doc_id: str, actor: str) -> list[VersionInfo]:
        with self._writer(actor, "endgültig löschen") as writer:
            gone: list[VersionInfo] = writer.purge_document(doc_id)
        self.audit.record(actor, "purge", doc_id, None, versions=[v.version for v in gone])
        self.changes.notify()
        return gone

    def _writer(self, actor: str, what: str) -> Any:
        return self.kb.writer(
            command=f"{actor}: {what}", timeout_s=self.settings.request_writer_wait_s
        )
