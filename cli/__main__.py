"""`python -m carbonqa.cli …`, the same as the `carbonqa` command."""
from carbonqa.cli import app

app()
