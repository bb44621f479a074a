"""carbonqa index stage."""
