"""Knowledge base core: store, retrieval and answering. Imports nothing from ingest/service/eval."""

__version__ = "0.1.0"
