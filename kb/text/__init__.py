"""Text utilities shared by ingest (chunking) and answering (sentence picking)."""
