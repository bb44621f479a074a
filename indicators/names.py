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
    for short, forms in ABBREVIATIONS.items():
        if short in name and forms[0] not in name:
            name = expand(name, short, forms[0])
    for variant, canonical in MEASURE_VARIANTS.items():
        name = name.replace(variant, canonical)
    return name


def expand(name: str, short: str, full: str) -> str:
    """Write out an abbreviation except inside a domain term that contains it (超低能耗建筑 stays)."""
    kept = [term for term in CURATED_TERMS if short in term and term != short and term in name]
    parts = re.split("(" + "|".join(map(re.escape, kept)) + ")", name) if kept else [name]
    return "".join(part if part in kept else part.replace(short, full) for part in parts)


def share_modifier(parts: list[str]) -> list[str]:
    """A和B分别: B takes the domain term that opens A (公共机构单位建筑面积能耗和人均综合能耗 ->
    公共机构人均综合能耗), when that term is only a modifier of A and B does not name it itself."""
    head = max((t for t in CURATED_TERMS if parts[0].startswith(t) and len(t) < len(parts[0])), key=len, default="")
    return [parts[0]] + [p if not head or p.startswith(head) else head + p for p in parts[1:]]
