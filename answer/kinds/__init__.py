"""The answer kinds: one module per kind of reply, behind the interface in base.py."""
