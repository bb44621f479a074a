"""carbonqa answer stage."""
