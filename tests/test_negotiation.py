"""Accept negotiation: q-values decide, the most specific range sets a type's q, q=0 excludes."""
from __future__ import annotations

import pytest

from carbonqa.api.negotiation import media_ranges, preferred

OFFERED = ["application/json", "text/csv", "text/html"]


@pytest.mark.unit
@pytest.mark.parametrize("accept, chosen", [
    (None, "application/json"),  # no header: the route's default
    ("", "application/json"),
    ("*/*", "application/json"),
    ("text/csv", "text/csv"),
    ("TEXT/CSV", "text/csv"),  # media types are case-insensitive
    ("text/csv;q=0, */*", "application/json"),  # q=0: anything but CSV
    ("text/csv;q=0.5, application/json;q=0.9", "application/json"),  # the higher q wins, not the first listed
    ("application/json;q=0.2, text/csv ; q=0.8", "text/csv"),
    ("text/*;q=0.5, text/csv;q=0.1", "text/html"),  # text/csv's own range (0.1) overrides text/* for it
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),  # a browser
    ("text/csv, text/html", "text/csv"),  # a tie goes to the route's order
    ("text/csv;q=abc", "text/csv"),  # an unreadable q counts as 1
    ("garbage", "application/json"),  # nothing readable: no preference
])
def test_the_highest_q_acceptable_type_wins(accept, chosen):
    assert preferred(accept, OFFERED) == chosen


@pytest.mark.unit
@pytest.mark.parametrize("accept", ["text/csv;q=0", "image/png", "application/xml, text/plain;q=0.5",
                                    "*/*;q=0", "text/*;q=0, application/json;q=0"])
def test_nothing_acceptable_is_none(accept):
    assert preferred(accept, OFFERED) is None


@pytest.mark.unit
def test_media_ranges_read_each_range_and_clamp_q():
    assert media_ranges("text/csv;q=2, text/html; level=1; q=0.3, bad, */*;q=-1") == [
        ("text", "csv", 1.0), ("text", "html", 0.3), ("*", "*", 0.0)]
