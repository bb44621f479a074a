"""Library benchmark (a script, not a test): add plans to a running service under load.

    .venv/bin/python -m carbonqa.eval.bench_library [--concurrency 8] [--settle-s 8]

Starts `carbonqa serve` on a free loopback port with the shipped corpus, an empty library and a copy
of the index in a temporary folder, keeps `--concurrency` clients asking the eval questions, and while
they ask uploads two plans from eval/library_plans/: a plan of a region the corpus lacks
(深圳市南山区, as .docx) and a 2025 revision of 珠海's plan (as a text-layer .pdf); then removes and
adds back the 南山区 plan with `carbonqa remove`/`add` in another process.

Prints: requests and failures before, during and after each change, latency, how long each update took
and how many chunks it embedded, whether each new plan answers its own question right after, how soon
the service served a change made by another process; then, in process, the eval metrics on the
original five plans' questions with 5 and with 7 plans in the library (with the share of top-5 chunks
from another plan), and questions naming one of 珠海's two plans (修订后 / 原方案 / a year): the plans
searched and the share of top-5 chunks from the other plan.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from carbonqa.answer.models import AnswerRequest
from carbonqa.eval.bench_load import ClientThreads, free_port, memory_mb, own_library, start_server, wait_ready
from carbonqa.eval.metrics import percentile, score_all, summarize
from carbonqa.eval.plan_formats import write_format
from carbonqa.eval.qa_models import QAItem, load_qa
from carbonqa.service.runtime import load_runtime
from carbonqa.service.settings import Settings, get_settings

REPO = Path(__file__).resolve().parents[1]
PLANS = Path(__file__).resolve().parent / "library_plans"
SHIPPED_DOCS = 5
# Each upload and a question only it answers, with a figure the answer must quote.
UPLOADS = [
    ("nanshan-2024", "docx", "南山区到2025年新能源汽车保有量目标是多少？", "25万辆"),
    ("zhuhai-2025", "pdf", "珠海修订后的方案中虚拟电厂可调节能力目标是多少？", "50万千瓦"),
]
# Questions naming one of 珠海's two plans (the 2023 plan and its 2025 revision), the plan meant and a
# figure only that plan gives.
PLAN_QUESTIONS = [
    ("珠海修订后的方案中新型储能装机规模目标是多少？", "zhuhai-2025", "100万千瓦"),
    ("珠海2025年修订版方案提出建成多少个零碳建筑示范项目？", "zhuhai-2025", "10个"),
    ("珠海原方案中风电和光伏装机目标是多少？", "zhuhai-2023", "355万千瓦"),
    ("珠海2023年印发的方案中单位地区生产总值能耗要比2020年下降多少？", "zhuhai-2023", "14.5%"),
]


@dataclass
class Phase:
    name: str
    latencies_ms: list[float] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        ms = self.latencies_ms
        fails = sum(self.failures.values())
        stats = f"p50 {percentile(ms, 50):.0f} ms, p95 {percentile(ms, 95):.0f} ms" if ms else "no answers"
        return f"  {self.name:<28} {len(ms) + fails:>5} requests, {fails} failed {self.failures or ''}; {stats}"


class Load(ClientThreads):
    """Clients asking in a loop; every result is counted in the phase current when it was sent."""

    def __init__(self, base: str, questions: list[str], concurrency: int):
        self.base, self.questions, self.concurrency = base, questions, concurrency
        self.phase = Phase("warm-up")
        self.phases = [self.phase]
        super().__init__(concurrency)

    def switch(self, name: str) -> None:
        self.phase = Phase(name)
        self.phases.append(self.phase)

    def run_client(self, number: int) -> None:
        with httpx.Client(base_url=self.base, timeout=60) as client:
            i = number
            while not self.stop.is_set():
                phase = self.phase
                started = time.perf_counter()
                try:
                    response = client.post("/ask", json={"question": self.questions[i % len(self.questions)]})
                    response.json()
                    kind = None if response.status_code == 200 else f"HTTP {response.status_code}"
                except (httpx.HTTPError, ValueError) as error:
                    kind = type(error).__name__
                if kind is None:
                    phase.latencies_ms.append((time.perf_counter() - started) * 1000)
                else:
                    phase.failures[kind] = phase.failures.get(kind, 0) + 1
                i += self.concurrency


def served_after(client: httpx.Client, plans: int, timeout_s: float = 120.0) -> float:
    """Seconds until the service lists `plans` plans (it checks for another process's index once a second)."""
    started = time.perf_counter()
    while len(client.get("/documents").json()) != plans:
        if time.perf_counter() - started > timeout_s:
            sys.exit(f"the service did not switch to {plans} plans within {timeout_s:.0f} s")
        time.sleep(0.05)
    return time.perf_counter() - started


def eval_on_shipped(runtime, items) -> tuple[dict[str, float], dict[str, tuple]]:
    """The eval metrics of the runtime's library, and per item (correct, first-hit rank, top-5 plans).

    Wrong-plan share as in bench_retrieval: over the questions that name their plans, the share of
    top-5 chunks from a region not asked about; and the share from a plan added to the library."""
    from carbonqa.eval.run import run_eval

    chunks = {chunk.id: chunk for chunk in runtime.index.chunks}
    shipped = {plan.meta.doc_id for plan in runtime.plans[:SHIPPED_DOCS]}
    run = run_eval(runtime.answerer, items, fusion=runtime.settings.fusion, ablation=False, show_progress=False)
    scores = score_all(items, run.predictions)
    overall = summarize(scores)
    wrong_region = added = total = 0
    per_item = {}
    for item, prediction, score in zip(items, run.predictions, scores):
        top = [chunks[chunk_id] for chunk_id in prediction.retrieved_ids[:5]]
        per_item[item.id] = (score.correct, score.first_hit_rank, sorted({chunk.doc_id for chunk in top}))
        if not (item.docs and runtime.retriever.read(item.question).regions.regions):
            continue
        for chunk in top:
            total += 1
            wrong_region += chunk.region not in item.docs
            added += chunk.doc_id not in shipped
    metrics = {"plans": len(runtime.plans), "R@1": overall.recall[1], "R@5": overall.recall[5],
               "MRR@10": overall.mrr, "answer-key accuracy": overall.answer_key_accuracy,
               "refusal accuracy": overall.refusal_accuracy,
               "wrong-plan share of top-5": wrong_region / total, "added-plan share of top-5": added / total}
    return metrics, per_item


def plan_choice(runtime) -> None:
    """Print, per question naming one of a region's plans, the plans searched, the share of top-5 chunks
    from another plan and whether the answer quotes the plan's figure."""
    wrong = total = right = 0
    for question, doc_id, figure in PLAN_QUESTIONS:
        answer = runtime.answerer.ask(AnswerRequest(question=question))
        top = [hit.chunk.doc_id for hit in answer.retrieved[:5]]
        wrong += sum(doc != doc_id for doc in top)
        total += len(top)
        right += figure in answer.answer
        print(f"  {question} -> searched {answer.documents}; top 5 from {sorted(set(top))}; quotes {figure}: "
              f"{figure in answer.answer}")
    print(f"  other-plan share of top-5: {wrong}/{total}; figure quoted: {right}/{len(PLAN_QUESTIONS)}")


def upload_under_load(load: Load, admin: httpx.Client, files: list[Path], key: str, settle_s: float) -> None:
    """Each upload through the API while the clients ask, then a question the new plan answers."""
    for path, (name, fmt, question, figure) in zip(files, UPLOADS):
        load.switch(f"during upload of {path.name}")
        started = time.perf_counter()
        response = admin.post("/documents", headers={"X-API-Key": key}, files=[("files", (path.name, path.read_bytes()))])
        seconds = time.perf_counter() - started
        if response.status_code != 200:
            sys.exit(f"upload of {path.name} failed: {response.status_code} {response.text}")
        change = response.json()
        load.switch(f"after {path.name}")
        answer = admin.post("/ask", json={"question": question}).json()
        cited = sorted({c["chunk_id"].split("/")[0] for c in answer["citations"] if not c["related"]})
        print(f"added {change['added'][0]['doc_id']} ({fmt}, {change['added'][0]['chunk_count']} chunks) "
              f"in {seconds:.1f} s under load; index {change['index']}; now {change['plans']} plans")
        print(f"  right after: {question} -> cites {cited}; quotes {figure}: {figure in answer['answer']}")
        time.sleep(settle_s / 2)


def change_from_another_process(load: Load, admin: httpx.Client, env: dict[str, str], upload: Path,
                                settle_s: float) -> None:
    """The same library changed by `carbonqa remove` / `add` in another process: the service notices the
    index that process saved."""
    for command, plans in ((["remove", "shenzhen-nanshan-2024"], 6), (["add", str(upload)], 7)):
        load.switch(f"during carbonqa {command[0]}")
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "carbonqa.cli", *command], cwd=REPO, env=env,
                              capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"carbonqa {' '.join(command)} failed: {done.stdout}{done.stderr}")
        seconds = time.perf_counter() - started
        switched = served_after(admin, plans)
        load.switch(f"after carbonqa {command[0]}")
        print(f"carbonqa {command[0]} (another process, under load) took {seconds:.1f} s; the service "
              f"served {plans} plans {switched:.2f} s after it finished")
        time.sleep(settle_s / 2)


def compare_evals(before_settings: Settings, after_settings: Settings, items: list[QAItem]) -> None:
    """The eval on the shipped plans' questions over the shipped library and over the grown one."""
    print("eval on the original five plans' questions (in process, same index folder):")
    before, before_items = eval_on_shipped(load_runtime(before_settings, progress=False), items)
    seven = load_runtime(after_settings, progress=False)
    after, after_items = eval_on_shipped(seven, items)
    for metric in before:
        print(f"  {metric:<28} {before[metric]:.3f}  ->  {after[metric]:.3f}" if metric != "plans" else
              f"  {metric:<28} {before[metric]}  ->  {after[metric]}")
    by_id = {item.id: item for item in items}
    changed = [i for i in before_items if before_items[i][:2] != after_items[i][:2]]
    print(f"items whose outcome changed (correct, rank of first hit, plans in top 5): {len(changed)}")
    for item_id in changed:
        print(f"  {item_id} [{by_id[item_id].type}] {by_id[item_id].question}\n"
              f"      {before_items[item_id]}  ->  {after_items[item_id]}")
    print("questions naming one of 珠海's two plans (7 plans):")
    plan_choice(seven)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=8, help="clients asking during the uploads")
    parser.add_argument("--settle-s", type=float, default=15.0, help="seconds of load before and after uploads")
    args = parser.parse_args()

    base_settings = get_settings()
    work, key, env = own_library("carbonqa-library-bench-")
    files = [write_format(PLANS / f"{name}.txt", fmt, work / f"{name}.{fmt}") for name, fmt, _, _ in UPLOADS]
    items = load_qa()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = work / "server.log"
    server = start_server(port, log_path, env)
    try:
        print(f"ready after {wait_ready(base, server, log_path):.1f} s; work folder {work}")
        with Load(base, [item.question for item in items], args.concurrency) as load, \
                httpx.Client(base_url=base, timeout=600) as admin:
            time.sleep(args.settle_s)
            load.switch("before the uploads")
            time.sleep(args.settle_s)
            upload_under_load(load, admin, files, key, args.settle_s)
            change_from_another_process(load, admin, env, files[0], args.settle_s)
        print(f"requests during the run ({args.concurrency} clients asking the eval questions):")
        for phase in load.phases[1:]:
            print(phase.line())
        total_failed = sum(sum(p.failures.values()) for p in load.phases)
        print(f"  failed requests in total (warm-up included): {total_failed}")
        memory = memory_mb(server.pid)
        print(f"server memory: resident {memory['VmRSS']:.0f} MB, peak {memory['VmHWM']:.0f} MB")
    finally:
        server.terminate()
        server.wait(timeout=30)
    compare_evals(base_settings, Settings(index_dir=work / "index", library_dir=work / "library"), items)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
