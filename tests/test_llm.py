"""LLM mode against a scripted OpenAI-compatible server on loopback, over the tiny corpus: verification and
fallbacks."""
from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from carbonqa.answer.grounding import Clause, build_messages, complete_part, reply_sentences, verify
from carbonqa.answer.llm import LLMClient, LLMError
from carbonqa.answer.models import AnswerRequest
from carbonqa.answer.pipeline import Answerer
from carbonqa.answer.policy import AnswerPolicy
from carbonqa.ingest.models import Chunk, ChunkKind

API_KEY = "sk-test-secret-123"
MIN_SUPPORT = AnswerPolicy().llm_min_support
CLAUSE = re.compile(r"\[(\d+)\]《[^》]+》[^\n]*\n(.*?)(?=\n\n\[\d+\]《|\n\n问题：)", re.S)
SLOW_S = 2.0
TRICKLE_S = 0.05  # between bytes of a trickled reply: ~10 s for the whole of it

pytestmark = pytest.mark.unit


class ScriptedLLM(BaseHTTPRequestHandler):
    """Replies per `server.script`: good | wrong_number | partly_wrong | made_up | no_markers | error |
    slow | trickle.

    Replies are built from the clauses in the request, as a model would: "good" restates the first
    clause sentence that holds a number and cites it; "wrong_number" cites a clause that lacks it.
    """

    def log_message(self, *args) -> None:  # keep pytest output clean
        pass

    def do_POST(self) -> None:
        try:
            self.respond()
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (the timeout case)
            pass

    def respond(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
        script = self.server.script
        if script == "error":
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b'{"error": "boom"}')
            return
        if script == "slow":
            time.sleep(SLOW_S)
        reply = self.reply(script, body["messages"][-1]["content"])
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        if script == "trickle":  # one byte at a time: every read arrives in time, the reply never ends
            event = f"data: {json.dumps({'choices': [{'delta': {'content': reply}}]}, ensure_ascii=False)}\n\n"
            for byte in event.encode():
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(TRICKLE_S)
            return
        for i in range(0, len(reply), 4):
            event = {"choices": [{"delta": {"content": reply[i:i + 4]}}]}
            self.wfile.write(f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode())
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")

    @staticmethod
    def reply(script: str, prompt: str) -> str:
        clauses = {int(n): text for n, text in CLAUSE.findall(prompt)}
        number, fact = next((n, s) for n, text in clauses.items() for s in re.split(r"(?<=[。；])", text)
                            if re.search(r"\d+(?:\.\d+)?%", s))
        fact = fact.strip().rstrip("。；")
        figure = re.search(r"\d+(?:\.\d+)?%", fact).group(0)
        if script == "no_markers":
            return f"根据方案，{fact}。"
        if script == "wrong_number":
            other = next(n for n, text in clauses.items() if figure not in text)
            return f"方案提出{fact}[{other}]。"
        if script == "partly_wrong":
            return f"方案提出{fact}[{number}]。另外，相关比重要达到99.9%[{number}]。"
        if script == "made_up":  # a sentence without numbers that no clause says
            return f"方案提出{fact}[{number}]。同时要求每户居民家中配备家用储能设备[{number}]。"
        return f"方案提出{fact}[{number}]。"


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), ScriptedLLM)
    httpd.script = "good"
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def llm(server):
    server.requests.clear()
    host, port = server.server_address
    return LLMClient(f"http://{host}:{port}/v1", "scripted", api_key=API_KEY, timeout_s=0.5)


@pytest.fixture
def llm_answerer(tiny_retriever, tiny_corpus, llm):
    return Answerer(tiny_retriever, tiny_corpus, llm=llm)


QUESTION = "江门2025年非化石能源消费比重目标？"


def assert_citations_true(answer) -> None:
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers == {c.marker for c in answer.citations}
    for citation in answer.citations:
        assert citation.quote and citation.quote in citation.clause_text


# ---- the client ------------------------------------------------------------------------------

def test_client_sends_key_as_bearer_and_keeps_it_out_of_repr(server, llm):
    server.script = "good"
    messages = build_messages("问题", [Clause(1, _chunk("到2025年，比重达到16%。"), "到2025年，比重达到16%。")])
    assert "[1]" in "".join(llm.stream(messages))
    request = server.requests[-1]
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == f"Bearer {API_KEY}"
    assert request["body"]["model"] == "scripted" and request["body"]["messages"] == messages
    assert request["body"]["stream"] is True
    assert API_KEY not in repr(llm)


def test_client_errors_and_timeouts_raise_llm_error_without_the_key(server, llm):
    messages = build_messages("问题", [Clause(1, _chunk("比重达到16%。"), "比重达到16%。")])
    for script, expected in (("error", "HTTP 500"), ("slow", "timed out")):
        server.script = script
        with pytest.raises(LLMError, match=expected) as caught:
            list(llm.stream(messages))
        assert API_KEY not in str(caught.value)


def test_client_timeout_covers_a_trickling_reply(server, llm):
    server.script = "trickle"
    messages = build_messages("问题", [Clause(1, _chunk("到2025年，比重达到16%。"), "到2025年，比重达到16%。")])
    started = time.monotonic()
    with pytest.raises(LLMError, match="timed out after 0.5s"):
        list(llm.stream(messages))
    assert time.monotonic() - started < 3.0  # the reply would take ~10 s; the deadline is 0.5 s


def test_client_unreachable_server_is_an_llm_error():
    client = LLMClient("http://127.0.0.1:9", "none", timeout_s=0.5)
    with pytest.raises(LLMError, match="unreachable|timed out"):
        list(client.stream([{"role": "user", "content": "hi"}]))


# ---- verification ----------------------------------------------------------------------------

def test_verify_keeps_supported_sentences_and_renumbers():
    clauses = [Clause(1, _chunk("到2025年，非化石能源消费比重提升至16%。", "a"), "到2025年，非化石能源消费比重提升至16%。"),
               Clause(2, _chunk("到2030年，森林覆盖率达到69%左右。", "b"), "到2030年，森林覆盖率达到69%左右。")]
    result = verify("到2030年森林覆盖率约69%。[2]2025年非化石能源比重为16%[1]。", clauses, MIN_SUPPORT)
    assert result.removed == []
    assert result.text == "到2030年森林覆盖率约69%。[1]2025年非化石能源比重为16%[2]。"
    assert [(c.marker, c.chunk_id) for c in result.citations] == [(1, "b"), (2, "a")]
    assert result.citations[0].quote == "到2030年，森林覆盖率达到69%左右。"


@pytest.mark.parametrize("reply, reason", [
    ("非化石能源消费比重提升至16%。", "no marker"),
    ("非化石能源消费比重提升至16%[3]。", "unknown marker"),
    ("非化石能源消费比重提升至18%[1]。", "number 18 not in cited clause"),
    ("到2030年非化石能源消费比重提升至16%[1]。", "number 2030 not in cited clause"),
])
def test_verify_removes_unsupported_sentences(reply, reason):
    text = "到2025年，非化石能源消费比重提升至16%。"
    result = verify(reply, [Clause(1, _chunk(text), text)], MIN_SUPPORT)
    assert result.text == "" and result.citations == []
    assert result.removed and result.removed[0].startswith(reason)


@pytest.mark.parametrize("reply", [
    "方案要求每户居民家中配备家用储能设备[1]。",  # no number, nothing the clause says
    "到2025年，全市推广氢燃料电池公交车达到16%[1]。",  # its numbers are in the clause, its words are not
])
def test_verify_removes_sentences_whose_words_the_clause_does_not_say(reply):
    text = "到2025年，非化石能源消费比重提升至16%。"
    result = verify(reply, [Clause(1, _chunk(text), text)], MIN_SUPPORT)
    assert result.text == "" and result.removed[0].startswith("words not in cited clause")


def test_complete_part_waits_for_the_markers_after_a_full_stop():
    assert complete_part("甲达到16%。") == ""
    assert complete_part("甲达到16%。[1") == ""
    assert complete_part("甲达到16%。[1] [2") == ""
    assert complete_part("甲达到16%。[1]乙") == "甲达到16%。[1]"
    assert complete_part("甲达到16%[1]。乙达到20%[2]。丙") == "甲达到16%[1]。乙达到20%[2]。"


def test_reply_sentences_keep_markers_written_after_the_full_stop():
    assert reply_sentences("甲达到16%。[1]乙达到20%[2]。\n") == ["甲达到16%。[1]", "乙达到20%[2]。"]
    assert reply_sentences("甲达到“16%。”[1] [2]\n乙达到20%。") == ["甲达到“16%。”[1] [2]", "乙达到20%。"]


# ---- the answerer in LLM mode ----------------------------------------------------------------

def test_good_reply_is_used_with_verified_citations(server, llm_answerer):
    server.script = "good"
    answer = llm_answerer.ask(AnswerRequest(question=QUESTION))
    assert answer.mode == "llm" and answer.mode_note is None and not answer.refused
    assert "32%" in answer.answer
    assert_citations_true(answer)
    prompt = server.requests[-1]["body"]["messages"][-1]["content"]
    assert "[1]《江门市碳达峰实施方案》" in prompt and QUESTION in prompt


def test_reply_citing_a_clause_without_the_number_falls_back(server, llm_answerer):
    server.script = "wrong_number"
    answer = llm_answerer.ask(AnswerRequest(question=QUESTION))
    assert answer.mode == "llm_fallback" and "not in cited clause" in answer.mode_note
    assert "32%" in answer.answer
    assert_citations_true(answer)


@pytest.mark.parametrize("script, unsupported, note", [
    ("partly_wrong", "99.9", "number 99.9 not in cited clause"),
    ("made_up", "储能设备", "words not in cited clause"),  # a sentence without numbers is checked too
])
def test_unsupported_sentences_are_trimmed(server, llm_answerer, script, unsupported, note):
    server.script = script
    answer = llm_answerer.ask(AnswerRequest(question=QUESTION))
    assert answer.mode == "llm" and "removed 1" in answer.mode_note and note in answer.mode_note
    assert unsupported not in answer.answer and "32%" in answer.answer
    assert_citations_true(answer)


@pytest.mark.parametrize("script, note", [("no_markers", "no marker"), ("error", "HTTP 500"), ("slow", "timed out")])
def test_unusable_replies_fall_back_to_extractive(server, llm_answerer, ask, script, note):
    server.script = script
    answer = llm_answerer.ask(AnswerRequest(question=QUESTION))
    assert answer.mode == "llm_fallback" and note in answer.mode_note
    assert answer.answer == ask(QUESTION).answer
    assert_citations_true(answer)


def test_refusals_do_not_call_the_llm(server, llm_answerer):
    server.script = "good"
    answer = llm_answerer.ask(AnswerRequest(question="深圳到2025年光伏装机目标是多少？"))
    assert answer.refused and answer.mode == "extractive"
    assert server.requests == []


@pytest.mark.parametrize("script", ["partly_wrong", "made_up"])
def test_stream_sends_only_verified_sentences(server, llm_answerer, script):
    server.script = script
    events = list(llm_answerer.stream(AnswerRequest(question=QUESTION)))
    kinds = [e["event"] for e in events]
    assert kinds[-2:] == ["citations", "done"] and set(kinds[:-2]) == {"delta"}
    streamed = "".join(e["data"]["text"] for e in events[:-2])
    done = events[-1]["data"]
    assert streamed == done["answer"]  # nothing unverified was ever sent
    assert done["mode"] == "llm" and "99.9" not in streamed and "储能设备" not in streamed and "32%" in streamed
    assert events[-2]["data"]["citations"] == done["citations"]


def test_stream_of_a_trickling_reply_falls_back_at_the_deadline(server, llm_answerer):
    server.script = "trickle"
    events = list(llm_answerer.stream(AnswerRequest(question=QUESTION)))
    done = events[-1]["data"]
    assert done["mode"] == "llm_fallback" and "timed out" in done["mode_note"]
    assert "".join(e["data"]["text"] for e in events[:-2]) == done["answer"]


def test_stream_falls_back_on_server_error(server, llm_answerer):
    server.script = "error"
    events = list(llm_answerer.stream(AnswerRequest(question=QUESTION)))
    done = events[-1]["data"]
    assert done["mode"] == "llm_fallback" and "32%" in done["answer"]


def _chunk(text: str, chunk_id: str = "t/1") -> Chunk:
    return Chunk(id=chunk_id, doc_id="t", title="测试方案", region="云浮市", level="市", kind=ChunkKind.clause,
                 path=["测试"], text=text, start=0, end=len(text))
