"""Hybrid search: BM25 and dense candidates fused, restricted to the plans a question names.

The question is read once into a QuestionFrame (retriever/frame.py); the answerer passes its frame in
so nothing reads the question twice; the search's result carries that frame with the intent the
question's vector means (retriever/intent_prototypes.py). The clause tree and the catalogs come from the Corpus
(retriever/corpus.py), built once and shared with the answerer.
"""
from __future__ import annotations

import time
from collections import defaultdict
from functools import cached_property

from carbonqa.index.chunk_store import ArmHit, ChunkStore
from carbonqa.index.interface import TextEmbedder
from carbonqa.index.query_adapter import AdapterUse, QueryAdapter
from carbonqa.index.tokenizer import widen
from carbonqa.indicators.matching import Meaning
from carbonqa.ingest.models import Chunk, ChunkKind
from carbonqa.ingest.tree import ClauseTree
from carbonqa.retriever.corpus import Corpus
from carbonqa.retriever.frame import read_question
from carbonqa.retriever.fusion import Arm, FusionConfig, fuse
from carbonqa.retriever.intent_prototypes import IntentPrototypes
from carbonqa.retriever.models import Fusion, QuestionFrame, SearchHit, SearchMode, SearchResult
from carbonqa.retriever.plans import PlanCatalog, UnknownDocumentError
from carbonqa.retriever.regions import RegionCatalog, UnknownRegionError
from carbonqa.retriever.validation import EmptyQueryError, non_empty

__all__ = ["EmptyQueryError", "Retriever", "UnknownDocumentError", "UnknownRegionError"]

CONTAINER_KINDS = (ChunkKind.part, ChunkKind.section)


def answer_meaning(embedder: TextEmbedder, adapter: QueryAdapter | None, use: AdapterUse) -> Meaning:
    """The embedding an analytical question's indicator is matched with: the question adapted where
    the answer stage adapts it (AdapterUse.both)."""
    adapt = adapter.apply if adapter is not None and use is AdapterUse.both else None
    return Meaning(embedder.embed_queries, embedder.embed_passages, adapt)


class Retriever:
    def __init__(self, index: ChunkStore, embedder: TextEmbedder, fusion: FusionConfig | None = None,
                 corpus: Corpus | None = None, adapter: QueryAdapter | None = None,
                 adapter_use: AdapterUse = AdapterUse.both):
        """`corpus` is the index's (Corpus.of_index), built here unless the caller shares one it built;
        `adapter` maps the question vector where `adapter_use` says (index/query_adapter.py)."""
        self.index = index
        self.embedder = embedder
        self.adapter = None if adapter_use is AdapterUse.off else adapter
        self.adapter_use = adapter_use
        self.fusion = fusion or FusionConfig()
        self.corpus = corpus or Corpus.of_index(index)
        self.row_of = {chunk.id: row for row, chunk in enumerate(self.corpus.chunks)}

    @property
    def meaning(self) -> Meaning:
        return answer_meaning(self.embedder, self.adapter, self.adapter_use)

    # The corpus's tree and catalogs, for callers that hold only the retriever (the HTTP layer).
    @property
    def tree(self) -> ClauseTree:
        return self.corpus.tree

    @property
    def regions(self) -> RegionCatalog:
        return self.corpus.regions

    @property
    def plans(self) -> PlanCatalog:
        return self.corpus.plans

    def read(self, question: str, regions: list[str] | None = None, use_region_detection: bool = True,
             documents: list[str] | None = None) -> QuestionFrame:
        """The question's frame (see retriever/frame.py); a filter naming a place without a plan is an
        UnknownRegionError, one naming a plan not in the library an UnknownDocumentError."""
        corpus = self.corpus
        return read_question(non_empty(question), corpus.regions, corpus.tokenizer, regions,
                             use_region_detection, plans=corpus.plans, documents=documents)

    def search(self, question: str, regions: list[str] | None = None, top_k: int | None = None,
               mode: SearchMode = SearchMode.hybrid, fusion: Fusion | None = None,
               use_region_detection: bool = True, frame: QuestionFrame | None = None,
               documents: list[str] | None = None) -> SearchResult:
        """`frame`, when the caller already read the question, replaces `regions`, `documents` and
        detection; `fusion` overrides the configured method for this search (the eval's ablation); `top_k`
        defaults to the configured one."""
        top_k = top_k or self.fusion.top_k
        if frame is None:
            frame = self.read(question, regions, use_region_detection, documents)
        timings: dict[str, float] = {}
        region_query = frame.regions
        query = widen(frame.text)
        # Each arm returns its best candidates inside the plans asked about (the store filters): the
        # plans picked, else the regions named, else all.
        regions, documents, limit = region_query.regions, region_query.documents, self.fusion.candidates

        bm25 = dense = vector = None
        if mode in (SearchMode.bm25, SearchMode.hybrid):
            started = time.perf_counter()
            bm25 = self._arm(self.index.bm25_search(query, regions, limit, documents))
            timings["bm25"] = _ms(started)
        if mode in (SearchMode.dense, SearchMode.hybrid):
            started = time.perf_counter()
            vector = self.embedder.embed_queries([query])
            frame = self.intents.refine(frame, vector[0])  # "下设几条": a structure question by meaning
            adapted = vector if self.adapter is None else self.adapter.apply(vector)
            timings["embed"] = _ms(started)
            started = time.perf_counter()
            dense = self._arm(self.index.dense_search(adapted, regions, limit, documents))
            if self.adapter_use is AdapterUse.both:
                vector = adapted
            timings["dense"] = _ms(started)

        started = time.perf_counter()
        config = self.fusion if fusion is None else self.fusion.model_copy(update={"method": fusion})
        ranked = fuse(bm25, dense, config)
        selected = self._per_region(ranked, frame, top_k)
        fused: Arm = {row: (score, rank) for rank, (row, score) in enumerate(ranked, 1)}
        hits = [self._hit(row, fused, bm25, dense) for row, _ in selected]
        # A question asking where a topic sits, or pointing at a part by its topic, needs the topic's clauses
        # found, not a list put first.
        if frame.wants_list and not frame.compared_regions and not (frame.locates or frame.points_to_part):
            hits = self._expand_list(frame.text, hits, fused, bm25, dense, top_k)
        timings["fuse"] = _ms(started)
        result = SearchResult(question=question, mode=mode, regions=region_query, hits=hits, timings_ms=timings)
        result._query_vector = None if vector is None else vector[0]
        result._frame = frame
        return result

    @cached_property
    def intents(self) -> IntentPrototypes:
        """The intent prototypes' vectors, embedded on the first dense search (once per retriever)."""
        return IntentPrototypes(self.embedder)

    def _arm(self, hits: list[ArmHit]) -> Arm:
        return {self.row_of[hit.chunk_id]: (hit.score, rank) for rank, hit in enumerate(hits, 1)}

    def _per_region(self, ranked: list[tuple[int, float]], frame: QuestionFrame,
                    top_k: int) -> list[tuple[int, float]]:
        """Top k; a question about several plans takes turns: each plan's best, then each one's second..."""
        regions = [r for r in self.corpus.regions.regions if r in frame.compared_regions]  # corpus order breaks ties
        if not regions:
            return ranked[:top_k]
        queues = {region: [item for item in ranked if self.corpus.chunks[item[0]].region == region]
                  for region in regions}
        order = sorted(regions, key=lambda r: -queues[r][0][1] if queues[r] else 0.0)
        picked: list[tuple[int, float]] = []
        for turn in range(top_k):
            for region in order:
                if turn < len(queues[region]) and len(picked) < top_k:
                    picked.append(queues[region][turn])
        return picked

    def _expand_list(self, question: str, hits: list[SearchHit], fused: Arm,
                     bm25: Arm | None, dense: Arm | None, top_k: int) -> list[SearchHit]:
        """Put the best-matching part/section first, followed by all its children in document order.

        The container and all its children are kept even beyond top_k (a list is answered whole);
        the other hits fill only the places left: at most max(0, top_k - len(head)).
        """
        container = self._best_container(question, hits)
        if container is None:
            return hits
        rows = [self.row_of[chunk.id] for chunk in (container, *self.corpus.tree.children(container.id))]
        head = [self._hit(row, fused, bm25, dense, via_tree=row != rows[0]) for row in rows]
        ids = {hit.chunk.id for hit in head}
        return head + [hit for hit in hits if hit.chunk.id not in ids][: max(0, top_k - len(head))]

    def _best_container(self, question: str, hits: list[SearchHit]) -> Chunk | None:
        """The part/section a list question asks about, or None when no container clearly matches.

        Candidates are the top hits that are parts/sections and the parents of top hits; one wins on
        rank support plus how much of its heading the question repeats. It must be the top hit itself
        or have at least half its heading in the question: otherwise "哪些" asks about details.
        """
        tree, tokenize = self.corpus.tree, self.corpus.tokenizer.tokenize
        question_tokens = set(tokenize(question))
        support: dict[str, float] = defaultdict(float)
        for rank, hit in enumerate(hits[:self.fusion.list_hits]):
            for chunk in (hit.chunk, tree.get(hit.chunk.parent_id)):
                if chunk is not None and chunk.kind in CONTAINER_KINDS and tree.children(chunk.id):
                    support[chunk.id] += 1.0 / (rank + 1)
        best, best_score = None, 0.0
        for chunk_id, weight in support.items():
            chunk = tree[chunk_id]
            heading_tokens = set(tokenize(chunk.heading))
            overlap = len(question_tokens & heading_tokens) / (len(heading_tokens) or 1)
            children = tree.children(chunk_id)
            named = sum(any(child.heading.rstrip("。.").endswith(token) for token in question_tokens)
                        for child in children) / len(children)
            score = weight + overlap + named
            if (chunk_id == hits[0].chunk.id or max(overlap, named) >= 0.5) and score > best_score:
                best, best_score = chunk, score
        return best

    def _hit(self, row: int, fused: Arm, bm25: Arm | None, dense: Arm | None,
             via_tree: bool = False) -> SearchHit:
        """Arm scores and ranks are None when the arm was not run or the chunk is not among its candidates;
        the fused rank is None for a chunk that came only through the tree."""
        fused_score, fused_rank = fused.get(row, (0.0, None))
        bm25_score, bm25_rank = (bm25 or {}).get(row, (None, None))
        dense_score, dense_rank = (dense or {}).get(row, (None, None))
        return SearchHit(chunk=self.corpus.chunks[row], score=fused_score, fused_rank=fused_rank,
                         bm25_score=bm25_score, dense_score=dense_score, bm25_rank=bm25_rank, dense_rank=dense_rank, via_tree=via_tree)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
