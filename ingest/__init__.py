"""carbonqa ingest stage."""
