"""One indicator name for every wording of a subject, by the vocabulary's rules (ingest/vocabulary.py)."""
from __future__ import annotations

import re

from carbonqa.ingest.vocabulary import (ABBREVIATIONS, CURATED_TERMS, EDGE_WORDS, ENUMERATION, MEASURE_VARIANTS, NOTE,
                                       SCOPE_PREFIX)


def indicator_name(subject: str) -> str:
    """One name for a subject however a plan words it: notes and scope dropped, abbreviations written out.

    单位地区生产总值能耗 and 单位GDP能耗 both become 单位地区生产总值能源消耗.
    """
    name = NOTE.sub("", subject)
    name = ENUMERATION.sub("", name)
    previous = None
    while name != previous:  # prefixes and edge words can nest: 全市推动…的
        previous = name
        name = EDGE_WORDS.sub("", SCOPE_PREFIX.sub("", name))
    return written_out(name)


def written_out(text: str) -> str:
    """The text with the abbreviations it uses written out (单位GDP能耗 -> 单位地区生产总值能源消耗) and
    variant measure words made one (装机规模 -> 装机容量)."""
    for short, forms in ABBREVIATIONS.items():
        if short in text and forms[0] not in text:
            text = expand(text, short, forms[0])
    for variant, canonical in MEASURE_VARIANTS.items():
        text = text.replace(variant, canonical)
    return text


def expand(name: str, short: str, full: str) -> str:
    """Write out an abbreviation except inside a domain term that contains it (超低能耗建筑 stays)."""
    kept = [term for term in CURATED_TERMS if short in term and term != short and term in name]
    parts = re.split("(" + "|".join(map(re.escape, kept)) + ")", name) if kept else [name]
    return "".join(part if part in kept else part.replace(short, full) for part in parts)


def share_modifier(parts: list[str]) -> list[str]:
    """A和B分别: B takes the domain term that opens A (公共机构单位建筑面积能耗和人均综合能耗 ->
    公共机构人均综合能耗), when that term is only a modifier of A and B does not name it itself."""
    head = opening_term(parts[0])
    return [parts[0]] + [p if not head or p.startswith(head) else head + p for p in parts[1:]]


def opening_term(name: str, min_rest: int = 1) -> str:
    """The longest domain term the name opens with, leaving at least `min_rest` characters ("" if none):
    公共机构 for 公共机构人均综合能源消耗."""
    return max((t for t in CURATED_TERMS if name.startswith(t) and len(name) - len(t) >= min_rest),
               key=len, default="")
