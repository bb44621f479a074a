// carbonqa chat UI (ES module). Every text from documents or users goes into the DOM through textContent.
import { $, el, errorMessage, getJSON, initSiteNav, ServiceError, shortRegion } from "./dom.js";
import { SourcePanel } from "./source-panel.js";

const STORE_KEY = "carbonqa.conversation.v1";
const MAX_STORED_TURNS = 50;
const HISTORY_TURNS = 10; // earlier turns sent with a question (at most the server's limit), for "那佛山呢？"
const EXAMPLES = [
  "广东省到2025年非化石能源消费比重目标是多少？",
  "珠海市在交通运输领域有哪些降碳措施？",
  "佛山市如何推广新能源汽车？",
  "江门市如何推进新型储能发展？",
  "云浮市碳达峰实施方案的主要目标是什么？",
  "各市2025年单位地区生产总值能耗下降目标分别是多少？",
];

const state = {
  turns: loadTurns(),
  regions: [],      // plan regions from /documents, e.g. ["广东省", "珠海市", ...]
  selected: new Set(),
  ready: false,
  busy: false,
  limits: null,     // from /readyz: { max_question_chars, max_history_turns }
};
let panel; // the SourcePanel, created in init()

// ---------- storage ----------

function loadTurns() {
  try {
    const turns = JSON.parse(localStorage.getItem(STORE_KEY) || "[]");
    if (!Array.isArray(turns)) return [];
    return turns.filter((t) => t && typeof t.question === "string" && (typeof t.error === "string"
      || (t.answer && typeof t.answer.answer === "string" && Array.isArray(t.answer.citations))))
      .map((t) => ({ ...t, regions: Array.isArray(t.regions) ? t.regions : [] }));
  } catch {
    return [];
  }
}

function saveTurns() {
  const kept = state.turns.slice(-MAX_STORED_TURNS).map((turn) => ({
    question: turn.question,
    regions: turn.regions,
    // The retrieved hits are large and only the citations are shown again.
    answer: turn.answer ? { ...turn.answer, retrieved: [] } : null,
    error: turn.error,
  }));
  try {
    localStorage.setItem(STORE_KEY, JSON.stringify(kept));
  } catch {
    /* storage full or disabled: the conversation still works for this page */
  }
}

// ---------- server ----------

// Reads a text/event-stream body and calls handlers[event](data) for each event.
async function readEvents(response, handlers) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      let data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data += line.slice(5).trimStart();
      }
      if (handlers[event] && data) handlers[event](JSON.parse(data));
    }
  }
}

async function waitUntilReady() {
  const status = $("status");
  for (;;) {
    try {
      const response = await fetch("/readyz");
      const body = await response.json();
      if (body.limits) applyLimits(body.limits);
      if (response.ok) break;
      status.hidden = false;
      status.className = body.status === "failed" ? "status error" : "status";
      status.textContent = body.status === "failed"
        ? `服务加载失败：${body.detail}`
        : "正在加载索引与模型（首次启动需要建立索引），请稍候……";
      if (body.status === "failed") return;
    } catch {
      status.hidden = false;
      status.className = "status error";
      status.textContent = "无法连接到服务，正在重试……";
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  status.hidden = true;
  state.ready = true;
  try {
    const plans = await getJSON("/documents");
    // The province first, then the cities in corpus order.
    const ordered = [...plans.filter((p) => p.level === "省"), ...plans.filter((p) => p.level !== "省")];
    state.regions = ordered.map((plan) => plan.region);
  } catch {
    state.regions = [];
  }
  renderChips();
  updateComposer();
}

// ---------- region chips ----------

function renderChips() {
  const chips = $("chips");
  chips.replaceChildren();
  const all = el("button", {
    className: "chip" + (state.selected.size === 0 ? " active" : ""),
    text: "全部",
    attrs: { type: "button", "aria-pressed": String(state.selected.size === 0) },
    onClick: () => { state.selected.clear(); renderChips(); },
  });
  chips.append(all);
  for (const region of state.regions) {
    const on = state.selected.has(region);
    chips.append(el("button", {
      className: "chip" + (on ? " active" : ""),
      text: shortRegion(region),
      attrs: { type: "button", "aria-pressed": String(on), "data-region": region },
      onClick: () => {
        if (on) state.selected.delete(region); else state.selected.add(region);
        renderChips();
      },
    }));
  }
}

// ---------- conversation ----------

function renderConversation() {
  const conversation = $("conversation");
  conversation.querySelectorAll(".turn").forEach((node) => node.remove());
  $("welcome").hidden = state.turns.length > 0;
  state.turns.forEach((turn) => conversation.append(renderTurn(turn)));
  conversation.scrollTop = conversation.scrollHeight;
}

function renderTurn(turn) {
  const scope = turn.regions && turn.regions.length ? `（范围：${turn.regions.map(shortRegion).join("、")}）` : "";
  const node = el("article", { className: "turn" }, [
    el("div", { className: "bubble user" }, [
      el("div", { className: "user-text", text: turn.question }),
      scope ? el("div", { className: "scope", text: scope }) : null,
    ]),
  ]);
  const card = el("div", { className: "bubble bot" });
  turn.card = card;
  node.append(card);
  fillCard(turn);
  return node;
}

function fillCard(turn) {
  const card = turn.card;
  if (!card) return;
  card.replaceChildren();
  card.className = "bubble bot";
  if (turn.pending) {
    card.classList.add("loading");
    if (turn.draft) {
      card.append(el("p", { className: "answer-text streaming", text: turn.draft }));
    } else {
      card.append(el("div", { className: "dots", attrs: { "aria-label": "正在检索" } }, [
        el("span"), el("span"), el("span"),
      ]), el("span", { className: "muted", text: "正在检索方案原文……" }));
    }
    return;
  }
  if (turn.error) {
    card.classList.add("failed");
    card.append(
      el("div", { className: "error-title", text: "抱歉，这次没能回答" }),
      el("p", { className: "error-text", text: turn.error }),
      el("button", {
        className: "ghost small", text: "重试", attrs: { type: "button" },
        onClick: () => retry(turn),
      }),
    );
    return;
  }
  const answer = turn.answer;
  if (answer.understood_as && answer.understood_as !== answer.question) {
    card.append(el("div", { className: "understood", text: `理解为：${answer.understood_as}` }));
  }
  if (answer.refused) {
    card.classList.add("refused");
    card.append(el("div", { className: "refusal-title", text: "资料中未找到" }));
  }
  card.append(answerParagraph(answer));
  if (answer.citations.length) {
    const title = answer.refused ? "最相关的条款（仅供参考）" : "出处";
    const list = el("ol", { className: "citations" });
    for (const citation of answer.citations) list.append(citationItem(citation));
    card.append(el("div", { className: "citations-title", text: title }), list);
  }
  card.append(cardFooter(answer));
}

// The answer text with each [n] turned into a button that opens the cited clause.
function answerParagraph(answer) {
  const paragraph = el("p", { className: "answer-text" });
  const byMarker = new Map(answer.citations.map((c) => [c.marker, c]));
  const pattern = /\[(\d{1,3})\]/g;
  let last = 0;
  let match;
  while ((match = pattern.exec(answer.answer)) !== null) {
    paragraph.append(document.createTextNode(answer.answer.slice(last, match.index)));
    const citation = byMarker.get(Number(match[1]));
    if (citation) {
      paragraph.append(el("button", {
        className: "cite", text: `[${match[1]}]`,
        attrs: { type: "button", title: `${citation.plan_title} · ${citation.path.join(" › ")}` },
        onClick: (event) => panel.open(citation.chunk_id, citation.quote, event.currentTarget),
      }));
    } else {
      paragraph.append(document.createTextNode(match[0]));
    }
    last = pattern.lastIndex;
  }
  paragraph.append(document.createTextNode(answer.answer.slice(last)));
  return paragraph;
}

function citationItem(citation) {
  return el("li", {}, [
    el("button", {
      className: "citation", attrs: { type: "button" },
      onClick: (event) => panel.open(citation.chunk_id, citation.quote, event.currentTarget),
    }, [
      el("span", { className: "citation-marker", text: `[${citation.marker}]` }),
      el("span", { className: "citation-body" }, [
        el("span", { className: "citation-source", text: `${citation.plan_title} · ${citation.path.join(" › ")}` }),
        el("span", { className: "citation-quote", text: citation.quote }),
      ]),
    ]),
  ]);
}

function cardFooter(answer) {
  const copy = el("button", { className: "ghost small", text: "复制回答", attrs: { type: "button" } });
  copy.addEventListener("click", async () => {
    const lines = [answer.answer, ""];
    for (const c of answer.citations) lines.push(`[${c.marker}] ${c.plan_title} · ${c.path.join(" › ")}：${c.quote}`);
    copy.textContent = (await copyText(lines.join("\n"))) ? "已复制" : "复制失败";
    setTimeout(() => { copy.textContent = "复制回答"; }, 1500);
  });
  const total = answer.timings_ms && answer.timings_ms.total;
  return el("div", { className: "card-footer" }, [
    copy,
    total ? el("span", { className: "muted", text: `用时 ${Math.round(total)} 毫秒` }) : null,
  ]);
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = el("textarea", { className: "offscreen" });
    area.value = text;
    document.body.append(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok;
  }
}

function applyLimits(limits) {
  state.limits = limits;
  $("question").maxLength = limits.max_question_chars;
  updateComposer();
}

// ---------- asking ----------

function historyFor(turn) {
  const earlier = state.turns.slice(0, state.turns.indexOf(turn)).filter((t) => t.answer);
  const turns = Math.min(HISTORY_TURNS, state.limits.max_history_turns);
  return earlier.slice(earlier.length - turns).map((t) => ({ question: t.question, answer: t.answer.answer }));
}

async function run(turn) {
  turn.pending = true;
  turn.error = null;
  turn.answer = null;
  turn.draft = "";
  fillCard(turn);
  state.busy = true;
  updateComposer();
  const body = { question: turn.question, history: historyFor(turn) };
  if (turn.regions.length) body.regions = turn.regions;
  try {
    let response;
    try {
      response = await fetch("/ask/stream", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
        body: JSON.stringify(body),
      });
    } catch {
      throw new ServiceError("无法连接到服务，请确认服务正在运行后重试。");
    }
    if (!response.ok) throw new ServiceError(await errorMessage(response));
    await readEvents(response, {
      delta: (data) => {
        turn.draft += data.text || "";
        fillCard(turn);
      },
      done: (answer) => { turn.answer = answer; },
      error: (data) => { throw new ServiceError(data.detail || "生成回答时出错，请重试。"); },
    });
    if (!turn.answer) throw new ServiceError("回答中断了，请重试。");
  } catch (error) {
    turn.error = error instanceof ServiceError ? error.message : "出现了意外错误，请重试。";
  } finally {
    turn.pending = false;
    state.busy = false;
    fillCard(turn);
    saveTurns();
    updateComposer();
    $("conversation").scrollTop = $("conversation").scrollHeight;
  }
}

function ask(question) {
  question = question.trim();
  if (!question || state.busy || !state.ready) return;
  const turn = { question, regions: [...state.selected], answer: null, error: null, pending: true };
  state.turns.push(turn);
  $("welcome").hidden = true;
  $("conversation").append(renderTurn(turn));
  $("question").value = "";
  updateComposer();
  run(turn);
}

function retry(turn) {
  if (!state.busy && state.ready) run(turn);
}

function updateComposer() {
  const text = $("question").value;
  $("counter").textContent = state.limits ? `${text.length}/${state.limits.max_question_chars}` : `${text.length}`;
  $("send").disabled = !state.ready || state.busy || !text.trim();
  $("send").textContent = state.busy ? "回答中…" : "发送";
}

// ---------- start ----------

function init() {
  panel = new SourcePanel(document.querySelector(".layout"));
  initSiteNav();
  for (const example of EXAMPLES) {
    $("examples").append(el("button", {
      className: "example", text: example, attrs: { type: "button" },
      onClick: () => ask(example),
    }));
  }
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    ask($("question").value);
  });
  $("question").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      ask($("question").value);
    }
  });
  $("question").addEventListener("input", updateComposer);
  $("clear").addEventListener("click", () => {
    if (state.busy) return;
    state.turns = [];
    saveTurns();
    panel.close();
    renderConversation();
  });
  renderChips();
  renderConversation();
  updateComposer();
  waitUntilReady();
}

init();
