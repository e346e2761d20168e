"""The background worker inside `kb serve`: takes queued jobs one at a time and runs them.

A job: parse the upload (isolated) → check it (duplicates, free id) → stage the version with
its vectors under the writer lock (invisible to readers) → review, or publish at once. Anything
wrong with the file fails that job with its reason; the knowledge base is never half-changed
(a version is staged completely or purged by the next writer).
"""

import logging
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from kb.errors import IngestError, KBError
from service.jobs.store import Alive, Job, process_id

if TYPE_CHECKING:
    from service.workspace import Workspace

log = logging.getLogger("kb.jobs")
HEARTBEAT_S = 10.0
IDLE_POLL_S = 2.0  # another process may queue a job: look again this often


class Stopped(Exception):
    """The server shuts down: the job goes back to the queue."""


# Where each stage starts and ends on the 0..1 progress scale.
STAGES = {"read": (0.0, 0.12), "check": (0.12, 0.15), "embed": (0.15, 0.97)}
PARSE_STAGES = {
    "reading": (0.02, "Lesen: Text aus der Datei holen"),
    "cleaning": (0.07, "Bereinigen: Kopf- und Fußzeilen, Trennungen, Überschriften"),
    "chunking": (0.10, "Gliedern: in Abschnitte teilen"),
}


class Reporter:
    """Progress of one job: stage text, 0..1, and an estimate of the time left."""

    def __init__(self, space: "Workspace", job: Job, stop: threading.Event) -> None:
        self.space, self.job, self.stop = space, job, stop
        self.total = 0
        self.done = 0
        self.embed_started = 0.0
        self.last_write = 0.0

    def stage(self, key: str, text: str) -> None:
        self._check_stop()
        self._write(progress=STAGES[key][0], stage=text, eta_s=None, force=True)

    def parsing(self, stage: str) -> None:
        """A stage of the isolated parser began (reading, cleaning, chunking)."""
        progress, text = PARSE_STAGES.get(stage, (None, stage))
        values: dict[str, object] = {"stage": text}
        if progress is not None:
            values["progress"] = progress
        self._write(force=True, **values)

    def waiting(self, holder: str) -> None:
        self._write(stage=f"wartet auf einen anderen Schreibvorgang: {holder}", force=True)

    def embedding(self, total: int) -> None:
        self.total, self.done = total, 0
        self.embed_started = time.monotonic()
        self._write(progress=0.15, stage=f"Einbetten 0/{total} Abschnitte", force=True)

    def embedded(self, n: int) -> None:
        self._check_stop()
        self.done += n
        low, high = STAGES["embed"]
        share = self.done / max(self.total, 1)
        elapsed = time.monotonic() - self.embed_started
        eta = elapsed / self.done * (self.total - self.done) if self.done else None
        self._write(
            progress=low + (high - low) * share,
            stage=f"Einbetten {self.done}/{self.total} Abschnitte",
            eta_s=eta,
        )

    def _check_stop(self) -> None:
        if self.stop.is_set():
            raise Stopped()

    def _write(self, force: bool = False, **values: object) -> None:
        now = time.monotonic()
        if not force and now - self.last_write < 0.25:  # at most 4 writes a second
            return
        self.last_write = now
        self.space.jobs.update(self.job.id, **values)
        self.space.changes.notify()


class JobRunner:
    def __init__(self, space: "Workspace") -> None:
        self.space = space
        self.owner = process_id()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._current: str | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="kb-jobs", daemon=True)
        self._thread.start()
        threading.Thread(target=self._beat, name="kb-jobs-heartbeat", daemon=True).start()

    def stop(self, timeout_s: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)

    def wake(self) -> None:
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._recover()
                job = self.space.jobs.claim(self.owner)
            except Exception:  # a locked or broken database must not end the worker
                log.exception("cannot read the job queue")
                job = None
            if job is None:
                self._wake.wait(IDLE_POLL_S)
                self._wake.clear()
                continue
            self._current = job.id
            try:
                self.run(job)
            finally:
                self._current = None

    def _recover(self) -> None:
        for job, status in self.space.jobs.recover(Alive(self.owner)):
            log.warning("job %s was running when its process died: now %s", job.id, status)
            self.space.changes.notify()

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT_S):
            current = self._current
            if current:
                try:
                    self.space.jobs.heartbeat(current)
                except Exception:
                    log.exception("heartbeat failed")

    def run(self, job: Job) -> None:
        reporter = Reporter(self.space, job, self._stop)
        try:
            self.space.process(job, reporter)
        except Stopped:
            self.space.jobs.update(
                job.id,
                status="queued",
                stage="neu eingereiht (Server wurde beendet)",
                progress=0.0,
                eta_s=None,
                owner=None,
                attempts=max(job.attempts - 1, 0),
            )
        except IngestError as e:
            self.space.fail(job, f"Die Datei konnte nicht verarbeitet werden ({e})")
        except KBError as e:
            self.space.fail(job, str(e))
        except Exception as e:  # a bug must fail this job only, with a reason
            log.exception("job %s failed", job.id)
            self.space.fail(job, f"Unerwarteter Fehler ({type(e).__name__}); siehe Server-Log")
        self.space.changes.notify()


def upload_path(data_dir: Path, job: Job) -> Path:
    return data_dir / (job.upload or "")
