"""One error hierarchy for the knowledge base.

KBError                      anything the user can act on; never shown as a traceback
├── ConfigError              bad settings, missing model directory, missing optional package
├── IngestError              one input file could not be ingested (reason in the message)
│   └── UnsupportedFormat    file type we do not read
├── ModelMismatch            the index was built with another embedding model → `kb reindex`
├── NotFound                 unknown document id or page
├── EmptyKnowledgeBase       nothing ingested yet
├── WriterBusy               another process is changing the knowledge base
├── ReadOnly                 the data directory cannot be written (served read-only)
├── StorageFull              the disk or a storage budget is full
├── StoreUnavailable         the vector store failed (e.g. the Chroma server is down)
├── Overloaded               too many questions at once; try again shortly
├── InvalidInput             a question or request parameter that cannot be answered as given
└── BackendError             the optional LLM endpoint or another backend failed
"""


class KBError(Exception):
    """Base class: the message is meant for the user."""


class ConfigError(KBError):
    pass


class IngestError(KBError):
    pass


class UnsupportedFormat(IngestError):
    pass


class ModelMismatch(KBError):
    pass


class NotFound(KBError):
    pass


class EmptyKnowledgeBase(KBError):
    pass


class WriterBusy(KBError):
    pass


class ReadOnly(KBError):
    pass


class StorageFull(KBError):
    pass


class StoreUnavailable(KBError):
    pass


class Overloaded(KBError):
    def __init__(self, message: str, retry_after_s: int = 1) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class InvalidInput(KBError):
    pass


class BackendError(KBError):
    pass
