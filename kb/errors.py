"""One error hierarchy for the knowledge base.

KBError                      anything the user can act on; never shown as a traceback
├── ConfigError              bad settings, missing model directory, missing optional package
├── IngestError              one input file could not be ingested (reason in the message)
│   └── UnsupportedFormat    file type we do not read
├── ModelMismatch            the index was built with another embedding model → `kb reindex`
├── NotFound                 unknown document id or page
├── EmptyKnowledgeBase       nothing ingested yet
├── WriterBusy               another process is changing the knowledge base
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


class InvalidInput(KBError):
    pass


class BackendError(KBError):
    pass
