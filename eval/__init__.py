"""carbonqa eval stage."""
