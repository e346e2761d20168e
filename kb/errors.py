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
│   └── TooLarge             a body or an upload over its limit
├── Conflict                 the action does not fit the current state (a job not in review)
├── AccessDenied             no valid session or token, or wrong credentials
│   ├── Forbidden            signed in, but the role does not allow it
│   └── TooManyAttempts      failed logins: slowed down, then locked for a while
└── BackendError             the optional LLM endpoint or another backend failed
    ├── UpstreamError        one call to the LLM endpoint failed (retryable or not)
    ├── LLMUnavailable       the endpoint is not asked: circuit open or all slots busy
    └── OutputRejected       the model's output cannot be shown (it echoed its instructions)
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


class UpstreamError(BackendError):
    def __init__(self, message: str, retryable: bool = False, retry_after: float | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


class LLMUnavailable(BackendError):
    pass


class OutputRejected(BackendError):
    pass


class TooLarge(InvalidInput):
    pass


class Conflict(KBError):
    pass


class AccessDenied(KBError):
    pass


class Forbidden(AccessDenied):
    pass


class TooManyAttempts(AccessDenied):
    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
