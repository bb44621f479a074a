"""Hybrid search: BM25 and dense candidates fused, restricted to the plans a question names."""
from __future__ import annotations

import re
import time
from collections import defaultdict
from typing import Protocol

import numpy as np

from index.store import HybridIndex
from index.tokenizer import widen
from ingest.models import Chunk, ChunkKind
from ingest.text import squash
from retriever.models import Fusion, RegionQuery, SearchHit, SearchMode, SearchResult
from retriever.regions import detect_regions, normalise_region

RRF_K = 60  # the usual reciprocal-rank-fusion constant
DENSE_WEIGHT = 0.5  # weight of the dense arm in weighted fusion
CANDIDATES = 50  # per arm, before fusion
# Questions asking what a part or section contains: answer with the whole list from the tree.
LIST_QUESTION = re.compile(r"哪些|哪几|包括什么|包含什么|几大|几项|几个方面|几方面|主要内容|什么内容|列出|列举|有何|讲了什么|讲什么")
CONTAINER_KINDS = (ChunkKind.part, ChunkKind.section)


class QueryEmbedder(Protocol):
    def embed_queries(self, texts: list[str]) -> np.ndarray: ...


class EmptyQueryError(ValueError):
    """The question is empty or whitespace only."""


class UnknownRegionError(ValueError):
    """A region filter names a place with no plan in the corpus."""


class Retriever:
    def __init__(self, index: HybridIndex, embedder: QueryEmbedder, fusion: Fusion = Fusion.rrf):
        self.index = index
        self.embedder = embedder
        self.fusion = fusion
        self.regions = list(dict.fromkeys(c.region for c in index.chunks))  # corpus order
        self.row_of = {chunk.id: row for row, chunk in enumerate(index.chunks)}
        self.children: dict[str, list[int]] = defaultdict(list)
        for row, chunk in enumerate(index.chunks):
            if chunk.parent_id:
                self.children[chunk.parent_id].append(row)
        self.region_rows = {r: np.array([c.region == r for c in index.chunks]) for r in self.regions}
        self.plan_texts = {r: "".join(squash(c.text) for c in index.chunks if c.region == r)
                           for r in self.regions}

    def resolve_regions(self, question: str, regions: list[str] | None, use_region_detection: bool) -> RegionQuery:
        """An explicit filter wins over detection; a filter naming a place without a plan is an error."""
        if regions:
            resolved = []
            for name in regions:
                region = normalise_region(name, self.regions)
                if region is None:
                    raise UnknownRegionError(
                        f"未知地区“{name}”，可选：{'、'.join(self.regions)} / unknown region {name!r}")
                if region not in resolved:
                    resolved.append(region)
            return RegionQuery(regions=sorted(resolved, key=self.regions.index))
        if use_region_detection:
            return detect_regions(question, self.regions, self.plan_texts)
        return RegionQuery()

    def search(self, question: str, regions: list[str] | None = None, top_k: int = 8,
               mode: SearchMode = SearchMode.hybrid, fusion: Fusion | None = None,
               use_region_detection: bool = True, region_query: RegionQuery | None = None) -> SearchResult:
        """`region_query`, when the caller already resolved the regions, replaces `regions` and detection."""
        if not question or not question.strip():
            raise EmptyQueryError("问题不能为空 / the question must not be empty")
        timings: dict[str, float] = {}
        if region_query is None:
            region_query = self.resolve_regions(question, regions, use_region_detection)
        allowed = self._allowed_rows(region_query)
        query = widen(question)

        bm25_scores = dense_scores = None
        if mode in (SearchMode.bm25, SearchMode.hybrid):
            started = time.perf_counter()
            bm25_scores = self.index.bm25.get_scores(self.index.tokenizer.tokenize(query))
            timings["bm25"] = _ms(started)
        if mode in (SearchMode.dense, SearchMode.hybrid):
            started = time.perf_counter()
            vector = self.embedder.embed_queries([query])
            timings["embed"] = _ms(started)
            started = time.perf_counter()
            scores, rows = self.index.dense.search(vector, self.index.dense.ntotal)
            dense_scores = np.empty(self.index.dense.ntotal, dtype=np.float32)
            dense_scores[rows[0]] = scores[0]
            timings["dense"] = _ms(started)

        started = time.perf_counter()
        ranked = self._fuse(bm25_scores, dense_scores, allowed, fusion or self.fusion)
        selected = self._per_region(ranked, region_query, top_k)
        fused = dict(ranked)
        hits = [self._hit(row, fused, bm25_scores, dense_scores) for row, _ in selected]
        if LIST_QUESTION.search(question) and not self.compared_regions(region_query):
            hits = self._expand_list(question, hits, fused, bm25_scores, dense_scores, top_k)
        timings["fuse"] = _ms(started)
        return SearchResult(question=question, mode=mode, regions=region_query, hits=hits, timings_ms=timings)

    def _allowed_rows(self, region_query: RegionQuery) -> np.ndarray:
        if not region_query.regions:
            return np.ones(len(self.index.chunks), dtype=bool)
        return np.logical_or.reduce([self.region_rows[r] for r in region_query.regions])

    def _fuse(self, bm25: np.ndarray | None, dense: np.ndarray | None, allowed: np.ndarray,
              fusion: Fusion) -> list[tuple[int, float]]:
        """(row, fused score) best first, over the allowed rows' top candidates of each arm.

        With one arm the score is that arm's own; RRF adds 1/(60+rank) per arm; weighted fusion adds
        each arm's min-max normalised score, the dense arm weighted DENSE_WEIGHT.
        """
        arms = [(scores, weight) for scores, weight in ((bm25, 1 - DENSE_WEIGHT), (dense, DENSE_WEIGHT))
                if scores is not None]
        fused: dict[int, float] = defaultdict(float)
        for scores, weight in arms:
            masked = np.where(allowed, scores, -np.inf)
            top = [int(row) for row in np.argsort(-masked, kind="stable")[:CANDIDATES] if np.isfinite(masked[row])]
            if not top:
                continue
            low, high = float(masked[top].min()), float(masked[top].max())
            for rank, row in enumerate(top):
                if len(arms) == 1:
                    fused[row] = float(scores[row])
                elif fusion == Fusion.rrf:
                    fused[row] += 1 / (RRF_K + rank + 1)
                else:
                    fused[row] += weight * (float(scores[row]) - low) / ((high - low) or 1.0)
        return sorted(fused.items(), key=lambda item: (-item[1], item[0]))

    def _per_region(self, ranked: list[tuple[int, float]], region_query: RegionQuery,
                    top_k: int) -> list[tuple[int, float]]:
        """Top k; a question about several plans takes turns: each plan's best, then each one's second..."""
        regions = self.compared_regions(region_query)
        if not regions:
            return ranked[:top_k]
        queues = {region: [item for item in ranked if self.index.chunks[item[0]].region == region]
                  for region in regions}
        order = sorted(regions, key=lambda r: -queues[r][0][1] if queues[r] else 0.0)
        picked: list[tuple[int, float]] = []
        for turn in range(top_k):
            for region in order:
                if turn < len(queues[region]) and len(picked) < top_k:
                    picked.append(queues[region][turn])
        return picked

    def compared_regions(self, region_query: RegionQuery) -> list[str]:
        """The plans a comparison question spans: those named, or all of them for 各市/分别 questions."""
        if len(region_query.regions) > 1:
            return region_query.regions
        if region_query.all_regions and not region_query.regions:
            return self.regions
        return []

    def _expand_list(self, question: str, hits: list[SearchHit], fused: dict[int, float],
                     bm25: np.ndarray | None, dense: np.ndarray | None, top_k: int) -> list[SearchHit]:
        """Put the best-matching part/section first, followed by all its children in document order.

        The container and all its children are kept even beyond top_k (a list is answered whole);
        the other hits fill only the places left: at most max(0, top_k - len(head)).
        """
        container = self._best_container(question, hits)
        if container is None:
            return hits
        rows = [self.row_of[container.id]] + self.children[container.id]
        head = [self._hit(row, fused, bm25, dense, via_tree=row != rows[0]) for row in rows]
        ids = {hit.chunk.id for hit in head}
        return head + [hit for hit in hits if hit.chunk.id not in ids][: max(0, top_k - len(head))]

    def _best_container(self, question: str, hits: list[SearchHit]) -> Chunk | None:
        """The part/section a list question asks about, or None when no container clearly matches.

        Candidates are the top hits that are parts/sections and the parents of top hits; one wins on
        rank support plus how much of its heading the question repeats. It must be the top hit itself
        or have at least half its heading in the question: otherwise "哪些" asks about details.
        """
        question_tokens = set(self.index.tokenizer.tokenize(question))
        support: dict[str, float] = defaultdict(float)
        for rank, hit in enumerate(hits[:8]):
            for chunk_id in (hit.chunk.id, hit.chunk.parent_id):
                chunk = self.index.chunks[self.row_of[chunk_id]] if chunk_id in self.row_of else None
                if chunk is not None and chunk.kind in CONTAINER_KINDS and self.children[chunk.id]:
                    support[chunk.id] += 1.0 / (rank + 1)
        best, best_score = None, 0.0
        for chunk_id, weight in support.items():
            chunk = self.index.chunks[self.row_of[chunk_id]]
            heading_tokens = set(self.index.tokenizer.tokenize(chunk.heading))
            overlap = len(question_tokens & heading_tokens) / (len(heading_tokens) or 1)
            children = self.children[chunk_id]
            named = sum(any(self.index.chunks[row].heading.rstrip("。.").endswith(token) for token in question_tokens)
                        for row in children) / len(children)
            score = weight + overlap + named
            if (chunk_id == hits[0].chunk.id or max(overlap, named) >= 0.5) and score > best_score:
                best, best_score = chunk, score
        return best

    def _hit(self, row: int, fused: dict[int, float], bm25: np.ndarray | None, dense: np.ndarray | None,
             via_tree: bool = False) -> SearchHit:
        return SearchHit(
            chunk=self.index.chunks[row],
            score=fused.get(row, 0.0),
            bm25_score=None if bm25 is None else float(bm25[row]),
            dense_score=None if dense is None else float(dense[row]),
            bm25_rank=None if bm25 is None else _rank(bm25, row),
            dense_rank=None if dense is None else _rank(dense, row),
            via_tree=via_tree,
        )


def _rank(scores: np.ndarray, row: int) -> int:
    """1-based rank of a row in one arm over the whole corpus."""
    return int((scores > scores[row]).sum()) + 1


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
