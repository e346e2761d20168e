"""What the maintainers' API returns for documents, versions, jobs, feedback and audit entries."""

from typing import Any

from kb.models import DocumentMeta, VersionInfo
from service.audit import Entry
from service.jobs.store import Job
from service.library import STATE_LABELS, DocumentRow


def version_out(v: VersionInfo) -> dict[str, Any]:
    return {
        "version": v.version,
        "state": v.state,
        "state_label": STATE_LABELS.get(v.state, v.state),
        "file": v.file_name,
        "format": v.kind,
        "title": v.title,
        "date": v.date,
        "pages": v.pages,
        "chunks": v.chunks,
        "size_bytes": v.size_bytes,
        "created_at": v.created_at,
        "retired_at": v.retired_at,
        "file_url": f"/api/admin/documents/{v.doc_id}/versions/{v.version}/file",
    }


def meta_out(meta: DocumentMeta | None, head: VersionInfo | None) -> dict[str, Any]:
    meta = meta or DocumentMeta(doc_id=head.doc_id if head else "")
    return {
        "title": head.title if head else None,
        "date": head.date if head else None,
        "kind": meta.kind,
        "places": list(meta.places),
        "topics": list(meta.topics),
        "source_url": meta.source_url,
        "description": meta.description,
    }


def document_out(row: DocumentRow) -> dict[str, Any]:
    head = next((v for v in row.versions if v.state == "active"), row.versions[0])
    return {
        "id": row.doc_id,
        "state": row.state,
        "published": row.published,
        "title": row.title,
        "file": row.file_name,
        "active_version": row.active.version if row.active else None,
        "metadata": meta_out(row.meta, head),
        "versions": [version_out(v) for v in row.versions],
        "public_url": f"/dokumente/{row.doc_id}" if row.published else None,
    }


def job_out(job: Job) -> dict[str, Any]:
    return {**job.public(), "status_url": f"/api/admin/jobs/{job.id}"}


def audit_out(e: Entry) -> dict[str, Any]:
    return {
        "id": e.id,
        "at": e.at,
        "actor": e.actor,
        "action": e.action,
        "action_label": e.label,
        "document_id": e.doc_id,
        "version": e.version,
        "detail": e.detail,
    }
