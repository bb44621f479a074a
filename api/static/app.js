// carbonqa chat UI (ES module). Every text from documents or users goes into the DOM through textContent.
import { ConversationStore, titleOf } from "./conversations.js";
import { figurePieces, markerPieces } from "./answer-text.js";
import { $, apiFetch, el, errorMessage, getJSON, icon, initSiteNav, keepFocusIn, postJSON, ServiceError, shortRegion } from "./dom.js";
import { conversationMarkdown, download, fileName } from "./export.js";
import { SourcePanel } from "./source-panel.js";

const HISTORY_TURNS = 10; // earlier turns sent with a question (at most the server's limit), for "那佛山呢？"
const EXAMPLES_SHOWN = 6;

const store = new ConversationStore();
const state = {
  regions: [],      // plan regions from /documents, e.g. ["广东省", "珠海市", ...]
  selected: new Set(),
  ready: false,
  busy: false,
  limits: null,     // from /readyz: { max_question_chars, max_history_turns }
  starters: [],     // from /suggestions
  startersFrom: 0,  // first starter shown
};
let panel; // the SourcePanel, created in init()

const turns = () => store.active.turns;

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
  const [plans, starters] = await Promise.all([getJSON("/documents").catch(() => []), getJSON("/suggestions").catch(() => [])]);
  // The province first, then the cities in corpus order.
  const ordered = [...plans.filter((p) => p.level === "省"), ...plans.filter((p) => p.level !== "省")];
  state.regions = ordered.map((plan) => plan.region);
  state.starters = interleaved(starters);
  renderChips();
  renderExamples();
  updateComposer();
}

// ---------- region filter ----------

function renderChips() {
  const chips = $("chips");
  chips.replaceChildren();
  chips.append(el("button", {
    className: "chip" + (state.selected.size === 0 ? " active" : ""),
    text: "全部",
    attrs: { type: "button", "aria-pressed": String(state.selected.size === 0) },
    onClick: () => setFilter([]),
  }));
  for (const region of state.regions) {
    const on = state.selected.has(region);
    chips.append(el("button", {
      className: "chip" + (on ? " active" : ""),
      text: shortRegion(region),
      attrs: { type: "button", "aria-pressed": String(on), "data-region": region },
      onClick: () => {
        if (on) state.selected.delete(region); else state.selected.add(region);
        setFilter([...state.selected]);
      },
    }));
  }
  showChipsCue();
  const scoped = state.selected.size > 0;
  $("scope").textContent = scoped ? `范围：${[...state.selected].map(shortRegion).join("、")}` : "范围：全部方案";
  $("scope").classList.toggle("active", scoped);
  $("clear-scope").hidden = !scoped;
}

// On a narrow screen the chips scroll sideways: a fading edge with › or ‹ shows that more are hidden there.
function showChipsCue() {
  const chips = $("chips");
  const frame = $("chips-frame");
  frame.classList.toggle("more-before", chips.scrollLeft > 1);
  frame.classList.toggle("more-after", chips.scrollLeft + chips.clientWidth < chips.scrollWidth - 1);
}

function setFilter(regions) {
  state.selected = new Set(regions);
  renderChips();
}

// ---------- starter questions ----------

// Kinds take turns, and each kind starts at a different plan, so the first few shown cover several of both.
function interleaved(starters) {
  const kinds = [...new Set(starters.map((s) => s.kind))];
  const lists = kinds.map((kind, k) => {
    const list = starters.filter((s) => s.kind === kind);
    const shift = k % list.length;
    return [...list.slice(shift), ...list.slice(0, shift)];
  });
  const mixed = [];
  for (let i = 0; mixed.length < starters.length; i++) {
    for (const list of lists) if (i < list.length) mixed.push(list[i]);
  }
  return mixed;
}

function renderExamples() {
  const shown = [];
  for (let i = 0; i < Math.min(EXAMPLES_SHOWN, state.starters.length); i++) {
    shown.push(state.starters[(state.startersFrom + i) % state.starters.length]);
  }
  $("examples").replaceChildren(...shown.map((starter) => el("button", {
    className: "example", text: starter.question, attrs: { type: "button", "data-kind": starter.kind },
    onClick: () => ask(starter.question),
  })));
  $("more-examples").hidden = state.starters.length <= EXAMPLES_SHOWN;
}

// ---------- conversations ----------

function renderSidebar() {
  const found = store.search($("conversation-search").value);
  const list = $("conversation-list");
  list.replaceChildren(...found.map(conversationItem));
  $("no-match").hidden = found.length > 0;
  $("conversation-title").textContent = titleOf(store.active);
}

function conversationItem(conversation) {
  const title = titleOf(conversation);
  const current = conversation.id === store.activeId;
  const open = el("button", {
    className: "conversation-open", text: title,
    attrs: { type: "button", "aria-current": current ? "true" : "false", title },
    onClick: () => switchTo(conversation.id),
  });
  const item = el("li", { className: "conversation-item" + (current ? " current" : ""), attrs: { "data-id": conversation.id } }, [
    open,
    el("button", {
      className: "ghost icon", attrs: { type: "button", "aria-label": `重命名“${title}”`, "data-action": "rename" },
      onClick: () => startRename(item, conversation),
    }, [icon("edit")]),
    el("button", {
      className: "ghost icon", attrs: { type: "button", "aria-label": `删除“${title}”`, "data-action": "delete" },
      onClick: () => confirmDelete(conversation),
    }, [icon("trash")]),
  ]);
  return item;
}

function startRename(item, conversation) {
  const input = el("input", {
    className: "rename", attrs: { type: "text", maxlength: "60", "aria-label": "对话名称" },
  });
  input.value = titleOf(conversation);
  let done = false;
  const finish = (save) => {
    if (done) return;
    done = true;
    if (save && input.value.trim()) store.rename(conversation.id, input.value);
    renderSidebar();
    const again = $("conversation-list").querySelector(`[data-id="${conversation.id}"] .conversation-open`);
    if (again) again.focus();
  };
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); finish(true); }
    if (event.key === "Escape") { event.preventDefault(); event.stopPropagation(); finish(false); }
  });
  input.addEventListener("blur", () => finish(true));
  item.replaceChildren(input);
  input.focus();
  input.select();
}

// Deleting asks first, in a modal dialog (focus stays inside it; Escape cancels).
function confirmDelete(conversation) {
  const dialog = $("confirm");
  $("confirm-text").textContent = `删除对话“${titleOf(conversation)}”？删除后无法恢复。`;
  dialog.onclose = () => {
    if (dialog.returnValue === "ok") {
      store.remove(conversation.id);
      showConversation();
    }
    $("new-conversation").focus();
  };
  dialog.returnValue = "cancel";
  dialog.showModal();
}

function switchTo(id) {
  store.select(id);
  showConversation();
  closeSidebar();
}

function newConversation() {
  const empty = store.items.find((c) => c.turns.length === 0);
  if (empty) store.select(empty.id); else store.create();
  showConversation();
  closeSidebar();
  $("question").focus();
}

function showConversation() {
  panel.close();
  renderSidebar();
  renderConversation();
  updateComposer();
}

// On narrow screens the list slides over the chat, which is inert (no focus, no clicks) meanwhile;
// Tab stays inside the list until it is closed (its × button, Escape, or a tap beside it).
function openSidebar() {
  document.body.classList.add("sidebar-open");
  document.querySelector(".chat").inert = true;
  document.querySelector(".topbar").inert = true;
  $("sidebar-toggle").setAttribute("aria-expanded", "true");
  $("scrim").hidden = false;
  $("new-conversation").focus();
}

function closeSidebar() {
  if (!document.body.classList.contains("sidebar-open")) return;
  document.body.classList.remove("sidebar-open");
  document.querySelector(".chat").inert = false;
  document.querySelector(".topbar").inert = false;
  $("sidebar-toggle").setAttribute("aria-expanded", "false");
  $("scrim").hidden = true;
}

// ---------- conversation ----------

function renderConversation() {
  const conversation = $("conversation");
  conversation.querySelectorAll(".turn").forEach((node) => node.remove());
  $("welcome").hidden = turns().length > 0;
  turns().forEach((turn) => conversation.append(renderTurn(turn)));
  conversation.scrollTop = conversation.scrollHeight;
}

function renderTurn(turn) {
  const node = el("article", { className: "turn" }, [el("div", { className: "bubble user" }, [
    el("div", { className: "user-text", text: turn.question }),
  ])]);
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
  const scope = turn.regions.length ? el("div", { className: "scope", text: `范围：${turn.regions.map(shortRegion).join("、")}` }) : null;
  if (scope) card.append(scope);
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
      el("button", { className: "ghost", text: "重试", attrs: { type: "button" }, onClick: () => retry(turn) }),
    );
    return;
  }
  const answer = turn.answer;
  if (answer.filter_conflict && !turn.choice) {
    card.classList.add("conflict");
    card.append(conflictNotice(turn, answer.filter_conflict));
    return;
  }
  // Every reply is headed by its outcome label (Answer.status): 已回答, 部分回答 naming what is missing, or 未说明.
  if (answer.outcome === "not_stated") card.classList.add("refused");
  if (answer.outcome === "partial") card.classList.add("partial");
  card.append(...answerParts(turn));
}

// The question names places the filter leaves out: ask which was meant instead of a silent "not found".
function conflictNotice(turn, conflict) {
  const selected = conflict.selected.map(shortRegion).join("、");
  const named = conflict.named.map(shortRegion).join("、");
  return el("div", { className: "conflict-notice", attrs: { role: "alert" } }, [
    el("div", { className: "conflict-title", text: `问题提到了${conflict.outside.map(shortRegion).join("、")}，但当前范围是${selected}` }),
    el("p", { className: "muted", text: "请选择按哪个范围回答：" }),
    el("div", { className: "conflict-actions" }, [
      el("button", {
        className: "ghost", text: `按所选范围（${selected}）回答`, attrs: { type: "button", "data-choice": "filter" },
        onClick: () => { turn.choice = "filter"; fillCard(turn); saveActive(); focusAnswer(turn); },
      }),
      el("button", {
        className: "primary", text: `改为回答${named}`, attrs: { type: "button", "data-choice": "question" },
        onClick: () => answerForQuestion(turn),
      }),
    ]),
  ]);
}

// Re-asks without the filter (the places the question names decide) and clears the filter for what follows.
async function answerForQuestion(turn) {
  if (state.busy) return;
  turn.regions = [];
  turn.choice = "question";
  setFilter([]);
  await run(turn);
  focusAnswer(turn);
}

// After a choice replaced the buttons, focus goes to the answer so keyboard and screen-reader users follow.
function focusAnswer(turn) {
  const target = turn.card && turn.card.querySelector(".answer-text, .error-text");
  if (target) {
    target.tabIndex = -1;
    target.focus();
  }
}

// The parts of an answer card, in order. Each is a small function, so new parts slot in.
function answerParts(turn) {
  const answer = turn.answer;
  return [
    answer.understood_as && answer.understood_as !== answer.question
      ? el("div", { className: "understood", text: `理解为：${answer.understood_as}` }) : null,
    outcomeLabel(answer),
    answerParagraph(answer),
    indicatorLink(answer),
    citationList("出处", answer.citations.filter((c) => !c.related), "citations"),
    citationList("相关条款（并非答案，仅供参考）", answer.citations.filter((c) => c.related), "citations related"),
    followUpList(answer),
    cardFooter(turn),
  ].filter(Boolean);
}

// An analytical answer (Answer.analysis) was computed from the plans' targets: the 指标对照 page shows
// every plan's figures for that indicator and year side by side.
function indicatorLink(answer) {
  const analysis = answer.analysis;
  if (!analysis) return null;
  const params = new URLSearchParams({ indicator: analysis.indicator });
  if (analysis.year) params.set("year", String(analysis.year));
  return el("a", {
    className: "indicator-link", text: `在指标对照中查看“${analysis.indicator}”`,
    attrs: { href: `/indicators?${params}` },
  });
}

// The status the server gave the reply (answer/outcomes.py), the same words the export and the CLI use.
function outcomeLabel(answer) {
  if (!answer.status) return null; // a reply stored before replies carried their status
  return el("div", { className: "outcome", text: answer.status.text, attrs: { "data-outcome": answer.outcome } });
}

// "广东省碳达峰实施方案 · 二、重点任务 › （一）…"; a plan's notice has no heading path.
function citationSource(citation) {
  return [citation.plan_title, citation.path.join(" › ")].filter(Boolean).join(" · ");
}

// "二、重点任务 › （一）… › 2.大力…" -> "二（一）2": the numbers of the heading path.
function pathNumbers(path) {
  const numbers = path.map((heading) => (heading.match(/^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）|\d+[.．])/) || [""])[0]
    .replace(/[、.．]$/, ""));
  return numbers.every(Boolean) && numbers.length ? numbers.join("") : path.join(" ");
}

// "[1] 珠海市碳达峰实施方案 一（二）": the visible marker first, so the accessible name holds what is seen.
function citationLabel(citation) {
  return `[${citation.marker}] ${citation.plan_title} ${pathNumbers(citation.path)}`.trim();
}

// Text with the asked figures (Citation.emphasis) in <strong>.
function withFigures(text, figures) {
  return figurePieces(text, figures).map((piece) => (piece.strong
    ? el("strong", { className: "figure", text: piece.text }) : document.createTextNode(piece.text)));
}

// The answer text with each [n] turned into a button that opens the cited clause, the figure it
// quotes for the question emphasised.
function answerParagraph(answer) {
  const paragraph = el("p", { className: "answer-text" });
  if (answer.refused) paragraph.classList.add("refused-text");
  const byMarker = new Map(answer.citations.map((c) => [c.marker, c]));
  for (const { text, marker } of markerPieces(answer.answer)) {
    const citation = byMarker.get(marker);
    paragraph.append(...withFigures(text, citation?.emphasis));
    if (citation) {
      paragraph.append(el("button", {
        className: "cite", attrs: { type: "button", "aria-label": citationLabel(citation), title: citationLabel(citation) },
        onClick: (event) => panel.open(citation.chunk_id, citation.quote, event.currentTarget),
      }, [el("span", { text: `[${marker}]` })]));
    } else if (marker !== null) {
      paragraph.append(document.createTextNode(`[${marker}]`));
    }
  }
  return paragraph;
}

function citationList(title, citations, className) {
  if (!citations.length) return null;
  const list = el("ol", { className }, citations.map((citation) => el("li", {}, [
    el("button", {
      className: "citation", attrs: { type: "button" }, // named by its text: marker, source, quote
      onClick: (event) => panel.open(citation.chunk_id, citation.quote, event.currentTarget),
    }, [
      el("span", { className: "citation-marker", text: `[${citation.marker}]` }),
      el("span", { className: "citation-body" }, [
        el("span", { className: "citation-source", text: citationSource(citation) }),
        el("span", { className: "citation-quote" }, withFigures(citation.quote, citation.emphasis)),
      ]),
    ]),
  ])));
  return el("div", { className: "citations-block" }, [el("div", { className: "citations-title", text: title }), list]);
}

function followUpList(answer) {
  const questions = answer.follow_ups || [];
  if (!questions.length) return null;
  return el("div", { className: "follow-ups" }, [
    el("div", { className: "citations-title", text: "接着问" }),
    ...questions.map((question) => el("button", {
      className: "follow-up", text: question, attrs: { type: "button" }, onClick: () => ask(question),
    })),
  ]);
}

function cardFooter(turn) {
  const answer = turn.answer;
  const copy = el("button", { className: "ghost", text: "复制", attrs: { type: "button" } });
  copy.addEventListener("click", async () => {
    const lines = [answer.status ? answer.status.text : null, answer.answer, ""].filter((line) => line !== null);
    for (const c of answer.citations) lines.push(`[${c.marker}] ${citationSource(c)}：${c.quote}`);
    copy.textContent = (await copyText(lines.join("\n"))) ? "已复制" : "复制失败";
    setTimeout(() => { copy.textContent = "复制"; }, 1500);
  });
  const total = answer.timings_ms && answer.timings_ms.total;
  return el("div", { className: "card-footer" }, [
    feedbackControls(turn),
    copy,
    total ? el("span", { className: "muted", text: `用时 ${Math.round(total)} 毫秒` }) : null,
  ]);
}

// ---------- feedback ----------

function feedbackControls(turn) {
  const box = el("div", { className: "feedback", attrs: { role: "group", "aria-label": "这个回答有帮助吗" } });
  const sent = turn.feedback;
  const rate = (rating, label) => el("button", {
    className: "ghost icon rate",
    attrs: { type: "button", "aria-label": label, title: label, "aria-pressed": String(sent?.rating === rating), "data-rating": rating },
    onClick: () => (rating === "up" ? sendFeedback(turn, "up", null, box) : noteForm(turn, box)),
  }, [icon(rating)]);
  box.append(rate("up", "有帮助"), rate("down", "有问题"));
  if (sent) box.append(el("span", { className: "muted feedback-done", text: "已收到反馈，谢谢" }));
  return box;
}

// 👎 asks what was wrong (optional) before sending.
function noteForm(turn, box) {
  if (box.querySelector(".feedback-form")) return;
  const note = el("textarea", {
    className: "feedback-note", attrs: { rows: "2", maxlength: "1000", "aria-label": "哪里有问题（可选）", placeholder: "哪里有问题？（可选，例如：应引用珠海方案的某条）" },
  });
  const form = el("div", { className: "feedback-form" }, [
    note,
    el("div", { className: "feedback-actions" }, [
      el("button", { className: "primary", text: "提交反馈", attrs: { type: "button" }, onClick: () => sendFeedback(turn, "down", note.value, box) }),
      el("button", { className: "ghost", text: "取消", attrs: { type: "button" }, onClick: () => form.remove() }),
    ]),
  ]);
  box.append(form);
  note.focus();
}

async function sendFeedback(turn, rating, note, box) {
  const answer = turn.answer;
  const body = {
    question: turn.question,
    answer: answer.answer,
    rating,
    note: note && note.trim() ? note.trim() : null,
    citation_ids: answer.citations.map((c) => c.chunk_id),
    outcome: answer.outcome || (answer.refused ? "refused" : "answered"),
  };
  box.querySelectorAll("button").forEach((button) => { button.disabled = true; });
  try {
    await postJSON("/feedback", body);
    turn.feedback = { rating, note: body.note };
    saveActive();
    box.replaceWith(feedbackControls(turn));
  } catch (error) {
    box.querySelectorAll("button").forEach((button) => { button.disabled = false; });
    box.querySelector(".feedback-error")?.remove();
    box.append(el("span", { className: "error-text feedback-error", text: `反馈未能发送：${error.message}` }));
  }
}

// ---------- asking ----------

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
  state.limits = limits;  // no maxLength: a pasted question over the limit is reported, never cut
  updateComposer();
}

function historyFor(turn) {
  const all = turns();
  const earlier = all.slice(0, all.indexOf(turn)).filter((t) => t.answer);
  const count = Math.min(HISTORY_TURNS, state.limits.max_history_turns);
  return earlier.slice(earlier.length - count).map((t) => ({ question: t.question, answer: t.answer.answer }));
}

function saveActive() {
  store.touch(store.active);
  renderSidebar();
}

async function run(turn) {
  turn.pending = true;
  turn.error = null;
  turn.answer = null;
  turn.draft = "";
  turn.feedback = null;
  fillCard(turn);
  state.busy = true;
  updateComposer();
  const body = { question: turn.question, history: historyFor(turn) };
  if (turn.regions.length) body.regions = turn.regions;
  try {
    let response;
    try {
      response = await apiFetch("/ask/stream", {
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
    saveActive();
    updateComposer();
    $("conversation").scrollTop = $("conversation").scrollHeight;
  }
}

function ask(question) {
  question = question.trim();
  if (!question || state.busy || !state.ready) return;
  const turn = { question, regions: [...state.selected], answer: null, error: null, pending: true };
  turns().push(turn);
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
  const limit = state.limits ? state.limits.max_question_chars : Infinity;
  const tooLong = text.length > limit;
  $("counter").textContent = state.limits ? `${text.length}/${limit}` : `${text.length}`;
  $("counter").classList.toggle("over", tooLong);
  $("too-long").hidden = !tooLong;
  $("too-long").textContent = tooLong ? `问题共${text.length}字，超过${limit}字上限，请删减后再发送（不会自动截断）。` : "";
  $("send").disabled = !state.ready || state.busy || !text.trim() || tooLong;
  $("send").textContent = state.busy ? "回答中…" : "发送";
  $("export").disabled = turns().length === 0;
  $("print").disabled = turns().length === 0;
}

// ---------- start ----------

function init() {
  panel = new SourcePanel(document.querySelector(".layout"));
  initSiteNav();
  $("sidebar-toggle").replaceChildren(icon("menu"));
  $("sidebar-close").replaceChildren(icon("close"));
  $("sidebar-close").addEventListener("click", () => {
    closeSidebar();
    $("sidebar-toggle").focus();
  });
  keepFocusIn($("sidebar"), () => document.body.classList.contains("sidebar-open"));
  $("chips").addEventListener("scroll", showChipsCue, { passive: true });
  window.addEventListener("resize", showChipsCue);
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
  $("clear-scope").addEventListener("click", () => { setFilter([]); $("question").focus(); });
  $("more-examples").addEventListener("click", () => {
    state.startersFrom = (state.startersFrom + EXAMPLES_SHOWN) % Math.max(1, state.starters.length);
    renderExamples();
  });
  $("new-conversation").addEventListener("click", newConversation);
  $("conversation-search").addEventListener("input", renderSidebar);
  $("sidebar-toggle").addEventListener("click", () => {
    if (document.body.classList.contains("sidebar-open")) closeSidebar(); else openSidebar();
  });
  $("scrim").addEventListener("click", closeSidebar);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && document.body.classList.contains("sidebar-open")) {
      closeSidebar();
      $("sidebar-toggle").focus();
    }
  });
  $("confirm-cancel").addEventListener("click", () => $("confirm").close("cancel"));
  $("confirm-ok").addEventListener("click", () => $("confirm").close("ok"));
  $("export").addEventListener("click", () => {
    const title = titleOf(store.active);
    download(fileName(title), conversationMarkdown(title, turns()));
  });
  $("print").addEventListener("click", () => window.print());
  renderChips();
  showConversation();
  prefillQuestion();
  waitUntilReady();
}

// /?q=…: the 指标对照 page's link to ask about an indicator fills the question box (the user sends it).
function prefillQuestion() {
  const question = new URLSearchParams(window.location.search).get("q");
  if (!question) return;
  $("question").value = question;
  updateComposer();
  $("question").focus();
}

init();
