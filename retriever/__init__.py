"""carbonqa retriever stage."""
