// 检索测试 page: a question and filters go to POST /search (the same retrieval and the same input checks
// as /ask); every ranked clause is shown with its fused, BM25 and dense scores and ranks, its plan and
// heading path, and a link that opens it in the 文库 reader. Plan text reaches the DOM through textContent.
import { $, el, getJSON, initSiteNav, postJSON } from "./dom.js";

const state = { limits: null, plans: [] };
const ARMS = { hybrid: ["bm25", "dense"], bm25: ["bm25"], dense: ["dense"] };

function showStatus(text, isError = false) {
  const status = $("status");
  status.hidden = !text;
  status.textContent = text || "";
  status.classList.toggle("error", isError);
}

function showError(text) {
  $("rt-error").hidden = !text;
  $("rt-error").textContent = text || "";
}

async function waitUntilReady() {
  for (;;) {
    const response = await fetch("/readyz");
    const body = await response.json().catch(() => ({}));
    if (response.ok) return body.limits;
    if (body.status === "failed") throw new Error(body.detail || "服务加载失败");
    showStatus("正在加载方案和索引，请稍候……");
    await new Promise((resolve) => setTimeout(resolve, 1500));
  }
}

// ---------- the form ----------

function renderPlans() {
  $("rt-plans").replaceChildren(...state.plans.map((plan) => el("label", { className: "rt-plan" }, [
    el("input", { attrs: { type: "checkbox", value: plan.doc_id } }),
    el("span", { text: plan.title }),
  ])));
}

function updateCounter() {
  const length = $("rt-question").value.length;
  const limit = state.limits ? state.limits.max_question_chars : null;
  $("rt-counter").textContent = limit ? `${length}/${limit} 字` : `${length} 字`;
}

// The request body, or a message saying what to fix (the service checks the same and says so too).
function requestBody() {
  const question = $("rt-question").value.trim();
  const { top_k_min: min, top_k_max: max, max_question_chars: limit } = state.limits;
  if (!question) return { error: "请输入问题。" };
  if (question.length > limit) return { error: `问题共${question.length}字，超过${limit}字上限，请删减后再检索。` };
  const topK = Number($("rt-top-k").value);
  if (!Number.isInteger(topK) || topK < min || topK > max) return { error: `返回条数应为 ${min} 到 ${max} 之间的整数。` };
  const documents = [...$("rt-plans").querySelectorAll("input:checked")].map((box) => box.value);
  const body = { question, mode: $("rt-mode").value, top_k: topK };
  if (documents.length) body.documents = documents;
  return { body };
}

// ---------- the results ----------

function scoreText(score, rank, used) {
  if (!used) return "未使用";
  if (score === null || score === undefined) return "不在候选中";
  return rank ? `${score.toFixed(3)}（第 ${rank} 名）` : score.toFixed(3);
}

function readerLink(chunk) {
  return `/library?doc=${encodeURIComponent(chunk.doc_id)}#${encodeURIComponent(chunk.id)}`;
}

function hitRow(hit, position, mode) {
  const { chunk } = hit;
  const cell = (label, options = {}, children = []) =>
    el("td", { ...options, attrs: { role: "cell", "data-label": label, ...(options.attrs || {}) } }, children);
  const path = chunk.path.length ? chunk.path.join(" › ") : "（全文，无标题）";
  // A list question's section brings all its clauses, also those outside the candidates.
  const fused = hit.fused_rank === null ? "不在候选中（随所在章节列出）" : scoreText(hit.score, hit.fused_rank, true);
  return el("tr", { attrs: { role: "row", "data-chunk": chunk.id } }, [
    el("th", { text: String(position), attrs: { scope: "row", role: "rowheader", "data-label": "名次" } }),
    cell("融合得分", { className: "score fused", text: fused }),
    cell("BM25 得分", { className: "score bm25", text: scoreText(hit.bm25_score, hit.bm25_rank, ARMS[mode].includes("bm25")) }),
    cell("向量得分", { className: "score dense", text: scoreText(hit.dense_score, hit.dense_rank, ARMS[mode].includes("dense")) }),
    cell("方案与标题路径", { className: "where" }, [
      el("div", { className: "plan", text: chunk.title }),
      el("div", { className: "path muted", text: path }),
      el("a", { className: "open-clause", text: "在文库中查看", attrs: { href: readerLink(chunk),
        "aria-label": `在文库中查看：${chunk.title} ${path}` } }),
    ]),
    cell("条款原文", { className: "clause-text", text: chunk.text }),
  ]);
}

function regionNote(regions) {
  const named = (regions && regions.regions) || [];
  return named.length ? `检索范围：${named.join("、")}` : "检索范围：全部方案";
}

function renderResult(result, mode) {
  const total = Object.values(result.timings_ms || {}).reduce((sum, ms) => sum + ms, 0);
  $("rt-summary").textContent = [`共 ${result.hits.length} 条`, $("rt-mode").selectedOptions[0].textContent,
    regionNote(result.regions), `用时 ${Math.round(total)} 毫秒`].join(" · ");
  $("rt-hits").replaceChildren(...result.hits.map((hit, i) => hitRow(hit, i + 1, mode)));
  $("rt-results").hidden = false;
}

async function run(event) {
  event.preventDefault();
  const { body, error } = requestBody();
  showError(error);
  if (error) return $("rt-question").focus();
  $("rt-run").disabled = true;
  $("rt-run").textContent = "检索中…";
  try {
    renderResult(await postJSON("/search", body), body.mode);
  } catch (failure) {
    showError(`检索失败：${failure.message}`);
  } finally {
    $("rt-run").disabled = false;
    $("rt-run").textContent = "检索";
  }
}

// ---------- start ----------

async function init() {
  initSiteNav();
  $("rt-question").addEventListener("input", updateCounter);
  $("rt-form").addEventListener("submit", run);
  // Enter runs the search, Shift+Enter starts a new line (as in the chat).
  $("rt-question").addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    $("rt-form").requestSubmit();
  });
  try {
    state.limits = await waitUntilReady();
    const topK = $("rt-top-k");
    topK.min = state.limits.top_k_min;
    topK.max = state.limits.top_k_max;
    topK.value = state.limits.top_k;
    $("rt-top-k-range").textContent = `${state.limits.top_k_min}–${state.limits.top_k_max} 条`;
    updateCounter();
    state.plans = await getJSON("/documents");
    renderPlans();
    $("rt-run").disabled = false;
    showStatus("");
  } catch (error) {
    showStatus(`加载失败：${error.message}`, true);
  }
}

init();
