"""Content negotiation: which of the formats a route offers the client's `Accept` header prefers (RFC 9110
§12.5.1: media ranges with q-values, the most specific range deciding a type's q, q=0 meaning "not this")."""
from __future__ import annotations

JSON, CSV, HTML = "application/json", "text/csv", "text/html"
# What a data route that also has a page (GET /indicators) offers, the default first.
DATA_OR_PAGE = [JSON, CSV, HTML]


def media_ranges(accept: str) -> list[tuple[str, str, float]]:
    """(type, subtype, q) of each media range in an Accept header; a malformed q counts as 1, a malformed
    range is skipped."""
    ranges = []
    for item in accept.split(","):
        media, *parameters = (part.strip() for part in item.split(";"))
        kind, slash, subtype = media.lower().partition("/")
        if not (kind and slash and subtype):
            continue
        q = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    pass
        ranges.append((kind, subtype, q))
    return ranges


def quality(media_type: str, ranges: list[tuple[str, str, float]]) -> float:
    """The q the client gives media_type: that of the most specific range matching it (0 if none does)."""
    kind, _, subtype = media_type.partition("/")
    best, specificity = 0.0, -1
    for range_kind, range_subtype, q in ranges:
        if range_kind == kind and range_subtype == subtype:
            level = 2
        elif range_kind == kind and range_subtype == "*":
            level = 1
        elif range_kind == range_subtype == "*":
            level = 0
        else:
            continue
        if level > specificity:
            best, specificity = q, level
    return best


def preferred(accept: str | None, offered: list[str]) -> str | None:
    """The offered media type the client accepts with the highest q (ties go to the earlier offered one);
    the first offered when no Accept header was sent; None when the client accepts none of them."""
    if not accept or not accept.strip():
        return offered[0]
    ranges = media_ranges(accept)
    if not ranges:  # nothing readable in the header: treated as no preference
        return offered[0]
    scored = [(quality(media_type, ranges), -position, media_type) for position, media_type in enumerate(offered)]
    q, _, media_type = max(scored)
    return media_type if q > 0 else None
