"""The maintainers' document workflow: upload → process → review → publish; replace, withdraw,
restore, edit metadata, purge. Pages and API call this; every change is in the audit log."""

import contextlib
import dataclasses
import logging
import secrets
import time
from pathlib import Path
from typing import Any

from ingest.review import Existing, build_preview, with_doc_id
from kb.errors import Conflict, InvalidInput, NotFound
from kb.knowledge_base import KnowledgeBase
from kb.models import DocumentMeta, ParsedDocument, VersionInfo
from kb.settings import Settings
from service.admin.schemas import MetadataIn
from service.admin.upload import Upload, move_into
from service.audit import AuditLog
from service.jobs.changes import Changes
from service.jobs.parsing import parse_upload
from service.jobs.runner import Reporter
from service.jobs.store import Job, JobStore

log = logging.getLogger("kb.jobs")
UPLOADS = Path("jobs") / "uploads"
INCOMING = Path("jobs") / "incoming"  # uploads still streaming in (temp files)
STALE_INCOMING_S = 24 * 3600
SUGGESTED_PLACES = 5
SUGGESTED_TOPICS = 3


class Workspace:
    def __init__(
        self,
        kb: KnowledgeBase,
        jobs: JobStore,
        audit: AuditLog,
        settings: Settings,
        changes: Changes | None = None,
    ) -> None:
        self.kb, self.jobs, self.audit, self.settings = kb, jobs, audit, settings
        self.changes = changes or Changes()
        self.wake = lambda: None  # set by the app to the runner's wake

    @property
    def registry(self) -> Any:
        return self.kb.store.registry

    def sweep_incoming(self) -> int:
        """Temp files of uploads a crash interrupted (old enough that none is still running)."""
        folder = self.settings.data_dir / INCOMING
        if not folder.is_dir():
            return 0
        cutoff = time.time() - STALE_INCOMING_S
        stale = [p for p in folder.iterdir() if p.is_file() and p.stat().st_mtime < cutoff]
        for path in stale:
            path.unlink(missing_ok=True)
        return len(stale)

    # -- submitting ------------------------------------------------------------------------------
    def submit(
        self,
        upload: Upload,
        actor: str,
        metadata: MetadataIn,
        publish: bool,
        target_doc_id: str | None = None,
    ) -> Job:
        try:
            self._check_new(upload, target_doc_id)
            name = f"{secrets.token_hex(12)}{Path(upload.file_name).suffix}"
            move_into(upload, self.settings.data_dir / UPLOADS / name)
        except BaseException:
            upload.path.unlink(missing_ok=True)
            raise
        job = self.jobs.create(
            action="replace" if target_doc_id else "add",
            actor=actor,
            file_name=upload.file_name,
            upload=(UPLOADS / name).as_posix(),
            size_bytes=upload.size,
            sha256=upload.sha256,
            content_version=upload.content_version,
            target_doc_id=target_doc_id,
            doc_id=target_doc_id,
            publish=publish,
            metadata=metadata.given(),
            preview={
                "format": upload.label,
                **({"renamed_from": upload.original_name} if upload.renamed else {}),
            },
        )
        self.wake()
        return job

    def _check_new(self, upload: Upload, target: str | None) -> None:
        if target is not None and not self.registry.versions_of(target):
            raise NotFound(f"no document with id '{target}'")
        for v in self.registry.same_content(upload.content_version):
            where = "veröffentlicht" if v.state == "active" else "in Prüfung"
            raise Conflict(
                f"Diese Datei ist bereits vorhanden als „{v.title}“ ({v.file_name}, {where}, "
                f"Dokument {v.doc_id})"
            )
        pending = self.jobs.pending_with(upload.content_version)
        if pending is not None:
            raise Conflict(
                f"Diese Datei wird bereits verarbeitet (Job {pending.id}, {pending.file_name})"
            )

    # -- processing (the runner's thread) ---------------------------------------------------------
    def process(self, job: Job, report: Reporter) -> None:
        report.stage("read", "Datei wird geöffnet")
        source = self.settings.data_dir / (job.upload or "")
        if not job.upload or not source.is_file():
            raise InvalidInput("die hochgeladene Datei fehlt (the uploaded file is gone)")
        doc = parse_upload(source, job.file_name, self.settings, report.parsing)
        report.stage("check", "Prüfen: Dubletten, Metadaten, Warnungen")
        doc, replaces = self._identify(doc, job)
        preview = self._preview(doc, job, replaces)
        holder = f"Web-Job {job.id[:8]} ({job.file_name})"
        with self.kb.writer(command=holder, on_wait=report.waiting) as writer:
            self._check_still_new(doc)
            report.embedding(len(doc.chunks))
            writer.stage(doc, on_progress=report.embedded, review=True)
            self.jobs.update(job.id, doc_id=doc.doc_id, version=doc.version, preview=preview)
            self.audit.record(
                job.actor, "upload", doc.doc_id, doc.version, job=job.id, file=job.file_name
            )
            if job.publish:
                job = self._refreshed(job)
                self._publish(writer, job, job.actor)
        # The status moves on once the writer has finished: a client that sees "published"
        # (or "review") finds the new version in every answer and listing from then on.
        if job.publish:
            self._mark_published(job.id)
        else:
            self.jobs.update(
                job.id, status="review", progress=1.0, stage="wartet auf Prüfung", eta_s=None
            )
        with contextlib.suppress(OSError):
            source.unlink()
        self.jobs.update(job.id, upload=None)

    def _identify(
        self, doc: ParsedDocument, job: Job
    ) -> tuple[ParsedDocument, dict[str, Any] | None]:
        """The document id (the target's, or a free one) and title/date as given or kept."""
        replaces = None
        if job.target_doc_id:
            doc = with_doc_id(doc, job.target_doc_id)
            current = self._current_version(job.target_doc_id)
            if current is not None:
                replaces = {
                    "doc_id": current.doc_id,
                    "title": current.title,
                    "file_name": current.file_name,
                    "version": current.version,
                    "published": current.state == "active",
                }
                doc.title = current.title  # the document keeps its name unless told otherwise
                doc.date = doc.date or current.date
        else:
            doc = with_doc_id(doc, self._free_id(doc.doc_id))
        given = job.metadata
        doc.title = given.get("title") or doc.title
        doc.date = given.get("date") or doc.date
        doc.chunks = [dataclasses.replace(c, title=doc.title) for c in doc.chunks]
        return doc, replaces

    def _preview(
        self, doc: ParsedDocument, job: Job, replaces: dict[str, Any] | None
    ) -> dict[str, Any]:
        label = (job.preview or {}).get("format") or doc.kind.upper()
        preview = build_preview(doc, label, self._existing(doc.doc_id), replaces)
        if job.preview and job.preview.get("renamed_from"):
            preview["warnings"].insert(
                0,
                {
                    "code": "renamed",
                    "message": f"Die Datei „{job.preview['renamed_from']}“ ist dem Inhalt nach "
                    f"{label}; sie wird als {doc.file_name} gespeichert",
                },
            )
        preview["suggested"] = {
            "kind": preview["detected"]["kind"],
            "places": [p["name"] for p in preview["places"][:SUGGESTED_PLACES]],
            "topics": [t["id"] for t in preview["topics"][:SUGGESTED_TOPICS]],
        }
        return preview

    def _free_id(self, base: str) -> str:
        """A new upload never takes over an existing document: replacing is explicit."""
        if not self.registry.doc_id_in_use(base):
            return base
        n = 2
        while self.registry.doc_id_in_use(f"{base}-{n}"):
            n += 1
        return f"{base}-{n}"

    def _existing(self, exclude: str) -> Existing:
        by_doc: Existing = {}
        for c in self.registry.active_chunks():
            if c.doc_id != exclude:
                by_doc.setdefault(c.doc_id, (c.title, c.file_name, []))[2].append(c.text)
        return by_doc

    def _check_still_new(self, doc: ParsedDocument) -> None:
        for v in self.registry.same_content(doc.version):
            raise Conflict(f"Diese Datei ist bereits vorhanden als „{v.title}“ ({v.file_name})")

    def _current_version(self, doc_id: str) -> VersionInfo | None:
        versions = [v for v in self.registry.versions_of(doc_id) if v.state != "review"]
        return versions[0] if versions else None

    def _refreshed(self, job: Job) -> Job:
        fresh = self.jobs.get(job.id)
        assert fresh is not None
        return fresh

    def fail(self, job: Job, reason: str) -> None:
        self.jobs.update(job.id, status="failed", error=reason, eta_s=None, stage="fehlgeschlagen")
        upload = self.settings.data_dir / (job.upload or "")
        if job.upload:
            upload.unlink(missing_ok=True)
            self.jobs.update(job.id, upload=None)
        self.audit.record(
            job.actor,
            "upload_failed",
            job.doc_id,
            None,
            job=job.id,
            file=job.file_name,
            reason=reason,
        )

    # -- review ---------------------------------------------------------------------------------
    def publish_job(self, job_id: str, actor: str, metadata: MetadataIn | None = None) -> Job:
        job = self._job_in_review(job_id)
        if metadata is not None:
            job = self.update_job_metadata(job_id, metadata)
        with self._writer(actor, "veröffentlichen") as writer:
            job = self._job_in_review(job_id)
            self._publish(writer, job, actor)
        self._mark_published(job.id)
        self.changes.notify()
        return self._refreshed(job)

    def _publish(self, writer: Any, job: Job, actor: str) -> None:
        assert job.doc_id and job.version
        was_published = self.registry.active_version(job.doc_id) is not None
        meta = self._effective_meta(job)
        self.registry.save_doc_meta(meta)
        retired = writer.publish(job.doc_id, job.version)
        self.audit.record(
            actor,
            "replace" if was_published else "publish",
            job.doc_id,
            job.version,
            job=job.id,
            file=job.file_name,
            previous=retired,
        )

    def _mark_published(self, job_id: str) -> None:
        self.jobs.update(
            job_id, status="published", progress=1.0, stage="veröffentlicht", eta_s=None
        )

    def _effective_meta(self, job: Job) -> DocumentMeta:
        assert job.doc_id
        current = self.registry.doc_meta(job.doc_id)
        suggested = (job.preview or {}).get("suggested", {})
        base: dict[str, Any] = (
            {
                "kind": current.kind,
                "places": list(current.places),
                "topics": list(current.topics),
                "source_url": current.source_url,
                "description": current.description,
            }
            if current is not None
            else dict(suggested)
        )
        given = {k: v for k, v in job.metadata.items() if k not in ("title", "date")}
        merged = {**base, **given}
        return DocumentMeta(
            doc_id=job.doc_id,
            kind=merged.get("kind") or "Sonstiges",
            places=tuple(merged.get("places") or ()),
            topics=tuple(merged.get("topics") or ()),
            source_url=merged.get("source_url"),
            description=merged.get("description"),
        )

    def update_job_metadata(self, job_id: str, metadata: MetadataIn) -> Job:
        job = self._job_in_review(job_id)
        given = metadata.given()
        merged = {**job.metadata, **given}
        self.jobs.update(job.id, metadata=merged)
        assert job.doc_id and job.version
        if "title" in given or "date" in given:
            info = self.registry.version_info(job.doc_id, job.version)
            if info is not None:
                self.registry.set_title_date(
                    job.doc_id,
                    job.version,
                    merged.get("title") or info.title,
                    merged["date"] if "date" in given else info.date,
                )
        return self._refreshed(job)

    def discard_job(self, job_id: str, actor: str) -> Job:
        self._job_in_review(job_id)
        with self._writer(actor, "verwerfen") as writer:
            job = self._job_in_review(job_id)
            assert job.doc_id and job.version
            writer.discard(job.doc_id, job.version)
            self.jobs.update(job.id, status="discarded", stage="verworfen", eta_s=None)
        self.audit.record(actor, "discard", job.doc_id, job.version, job=job.id)
        self.changes.notify()
        return self._refreshed(job)

    def _job_in_review(self, job_id: str) -> Job:
        job = self.jobs.get(job_id)
        if job is None:
            raise NotFound(f"no job '{job_id}'")
        if job.status != "review":
            raise Conflict(f"Job {job_id} ist nicht in Prüfung, sondern „{job.status}“")
        return job

    def _writer(self, actor: str, what: str) -> Any:
        return self.kb.writer(
            command=f"{actor}: {what}", timeout_s=self.settings.request_writer_wait_s
        )
