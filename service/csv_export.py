"""Every CSV file the service or the CLI writes goes through here.

UTF-8 with a byte-order mark (spreadsheet programs then read the Chinese text correctly) and CRLF
rows; text from the plans or from users never starts a cell the way a formula does, so a spreadsheet
opening the file runs nothing.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from urllib.parse import quote

# A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell: object) -> str:
    """The cell as text, with a leading apostrophe if it starts like a formula (shown as text, not run)."""
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The header and rows as CSV text, every cell neutralised."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralised(cell) for cell in header])
    writer.writerows([neutralised(cell) for cell in row] for row in rows)
    return out.getvalue()


def attachment(name: str, ascii_name: str, day: date | None = None) -> str:
    """A Content-Disposition header for a download called "<name>_<date>.csv" (RFC 6266: the UTF-8
    name for browsers, an ASCII one for older clients)."""
    stamp = (day or date.today()).isoformat()
    return f"attachment; filename=\"{ascii_name}_{stamp}.csv\"; filename*=UTF-8''{quote(f'{name}_{stamp}.csv', safe='')}"
