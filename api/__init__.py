"""carbonqa api stage."""
