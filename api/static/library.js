// The 文库 page (ES module): the plan list, a reader showing a plan's full text with its clause tree
// as an outline (/library?doc=ID#CHUNK_ID opens a clause in context), and, with the admin key,
// upload with progress and removal. Document text only reaches the DOM through textContent.
//
// Written for staff, not developers: messages in plain Chinese (the service's own wording under a
// collapsed 详情), plans named by title, issuer and date (never a server path or a stored file name;
// an uploaded plan's original file name), clause ids only on hover and in copied text.
import { $, el, getJSON, initSiteNav } from "./dom.js";

const KEY_STORE = "carbonqa.adminKey"; // kept for this browser tab only (sessionStorage)
let plans = [];

function showStatus(text, isError = false, detail = "") {
  const status = $("status");
  status.hidden = !text;
  status.replaceChildren(text || "");
  if (detail) status.append(el("details", { className: "detail" }, [el("summary", { text: "详情" }), el("p", { text: detail })]));
  status.classList.toggle("error", isError);
}

// A message for the admin form; `detail` (the service's technical wording) goes under a collapsed 详情.
function adminMessage(text, kind, detail = "") {
  const box = $("admin-message");
  box.replaceChildren(el("p", { text }));
  if (detail) box.append(el("details", { className: "detail" }, [el("summary", { text: "详情" }), el("p", { text: detail })]));
  box.className = "admin-message " + (kind || "");
}

// What went wrong, in plain words, by the service's error code (api/errors.py); `files` are the
// uploaded ones, so a batch's bad file can be named.
const PLAIN_ERRORS = {
  unauthorized: "管理密钥不正确，请核对后重新输入。",
  admin_disabled: "本服务没有开启文库管理功能，请联系系统管理员。",
  rate_limited: "操作太频繁，请稍等片刻再试。",
  unavailable: "服务正在启动或暂时不可用，请稍后再试。",
  loading: "服务正在启动，请稍后再试。",
};

function plainError(status, body, files = []) {
  const zh = body && body.message ? body.message.zh : "";
  const detail = body ? [`HTTP ${status}`, body.code, body.detail].filter(Boolean).join(" · ") : `HTTP ${status}`;
  const code = body && body.code;
  if (PLAIN_ERRORS[code]) return { text: PLAIN_ERRORS[code], detail };
  if (status === 413 || code === "invalid_request" || status === 409) {
    const named = files.find((file) => body && body.detail && body.detail.includes(file.name));
    const which = named ? `“${named.name}”` : "有文件";
    const what = status === 409 ? `操作没有完成：${zh}` : `${which}无法添加，这次上传的方案都没有添加。原因：${zh}`;
    return { text: what, detail };
  }
  return { text: "操作没有完成，请稍后重试。", detail };
}

// ---------- list ----------

function partsAndClauses(plan) {
  const counts = plan.counts_by_kind || {};
  const clauses = (counts.section || 0) + (counts.clause || 0) + (counts.item || 0) + (counts.table_row || 0)
    + (counts.paragraph || 0);
  return `${counts.part || 0} / ${clauses}`;
}

async function loadPlans() {
  try {
    plans = await getJSON("/documents");
  } catch (error) {
    showStatus("方案列表暂时无法读取，请稍后刷新页面。", true, error.message);
    return;
  }
  showStatus("");
  const cell = (label, options = {}, children = []) =>
    el("td", { ...options, attrs: { role: "cell", "data-label": label, ...(options.attrs || {}) } }, children);
  $("plans").replaceChildren(...plans.map((plan) => el("tr", { attrs: { role: "row", "data-doc": plan.doc_id } }, [
    cell("方案", { className: "plan-cell" }, [
      el("a", { text: plan.title, attrs: { href: `/library?doc=${encodeURIComponent(plan.doc_id)}` },
        onClick: (event) => { event.preventDefault(); navigate(plan.doc_id); } }),
      el("div", { className: "muted", text: plan.added ? `${plan.region} · 原文件：${plan.source_file}` : plan.region }),
    ]),
    cell("发布机关", { text: plan.issuer || "—" }),
    cell("文号", { text: plan.doc_number || "—" }),
    cell("日期", { text: plan.issue_date || "—" }),
    cell("篇 / 条", { text: partsAndClauses(plan) }),
    cell("来源", {}, [el("span", { className: "tag" + (plan.added ? " added" : ""), text: plan.added ? "已上传" : "内置" })]),
    cell("操作", { className: "actions" }, [plan.added ? el("button", {
      className: "danger", text: "删除", attrs: { type: "button", "aria-label": `删除 ${plan.title}` },
      onClick: () => removePlan(plan),
    }) : null]),
  ])));
}

// ---------- reader ----------

function outlineList(nodes) {
  return el("ul", {}, nodes.map((node) => el("li", {}, [
    el("a", { text: [node.number, node.label].filter(Boolean).join(" "),
      attrs: { href: "#" + node.id, "data-chunk": node.id },
      onClick: (event) => { event.preventDefault(); focusChunk(node.id, true); } }),
    node.children && node.children.length ? outlineList(node.children) : null,
  ])));
}

function focusChunk(chunkId, updateUrl) {
  const target = document.getElementById("chunk:" + chunkId);
  if (!target) return;
  for (const old of document.querySelectorAll(".chunk.target")) old.classList.remove("target");
  for (const old of document.querySelectorAll('.outline a[aria-current="true"]')) old.removeAttribute("aria-current");
  target.classList.add("target");
  const link = document.querySelector(`.outline a[data-chunk="${CSS.escape(chunkId)}"]`);
  if (link) link.setAttribute("aria-current", "true");
  target.scrollIntoView({ block: "start" });
  if (updateUrl) history.replaceState(null, "", location.pathname + location.search + "#" + chunkId);
}

async function openPlan(docId, chunkId) {
  $("list-view").hidden = true;
  $("reader").hidden = false;
  $("reader-title").textContent = "正在加载……";
  $("reader-meta").textContent = "";
  $("outline").replaceChildren();
  $("fulltext").replaceChildren();
  const path = encodeURIComponent(docId);
  let outline;
  let chunks;
  try {
    [outline, chunks] = await Promise.all([getJSON(`/documents/${path}`), getJSON(`/documents/${path}/chunks`)]);
  } catch (error) {
    $("reader-title").textContent = "无法打开这份方案";
    $("reader-meta").textContent = "它可能已被删除，或服务暂时不可用。请返回列表重新选择。";
    $("reader-meta").append(el("details", { className: "detail" }, [el("summary", { text: "详情" }), el("p", { text: error.message })]));
    return;
  }
  const plan = outline.plan;
  $("reader-title").textContent = plan.title;
  $("reader-meta").textContent = [plan.issuer, plan.doc_number, plan.issue_date, plan.region,
    plan.added ? `原文件：${plan.source_file}` : null].filter(Boolean).join(" · ");
  $("outline").replaceChildren(outlineList(outline.outline));
  $("fulltext").dataset.title = plan.title;
  $("fulltext").replaceChildren(...chunks.map((chunk) => el("section", {
    className: "chunk " + chunk.kind, text: chunk.text,
    attrs: { id: "chunk:" + chunk.id, title: `条款编号：${chunk.id}`, "data-chunk": chunk.id },
  })));
  $("reader-title").focus();
  if (chunkId) focusChunk(chunkId, false);
}

// Copied text from the reader ends with where it is from: the plan and the clause ids it spans.
function withSource(event) {
  const selection = document.getSelection();
  const text = selection.toString();
  if (!text.trim()) return;
  const ends = [selection.anchorNode, selection.focusNode].map((node) => node && (node.nodeType === 1 ? node : node.parentElement));
  const chunks = [...document.querySelectorAll("#fulltext .chunk")];
  const at = ends.map((node) => chunks.findIndex((chunk) => chunk.contains(node))).filter((i) => i >= 0).sort((a, b) => a - b);
  if (!at.length) return;
  const ids = chunks.slice(at[0], at[at.length - 1] + 1).map((chunk) => chunk.dataset.chunk);
  const range = ids.length > 1 ? `${ids[0]} 至 ${ids[ids.length - 1]}` : ids[0];
  event.clipboardData.setData("text/plain", `${text}\n——《${$("fulltext").dataset.title}》条款编号：${range}`);
  event.preventDefault();
}

function navigate(docId) {
  history.pushState(null, "", `/library?doc=${encodeURIComponent(docId)}`);
  route();
}

function route() {
  const docId = new URLSearchParams(location.search).get("doc");
  if (docId) {
    openPlan(docId, decodeURIComponent(location.hash.slice(1)) || null);
  } else {
    $("reader").hidden = true;
    $("list-view").hidden = false;
    loadPlans();
  }
}

// ---------- admin ----------

function adminKey() {
  const key = $("admin-key").value.trim();
  if (key) sessionStorage.setItem(KEY_STORE, key);
  return key;
}

function upload(event) {
  event.preventDefault();
  const files = [...$("files").files];
  if (!files.length) return adminMessage("请选择要上传的方案文件。", "error");
  const key = adminKey();
  if (!key) return adminMessage("请先输入管理密钥。", "error");
  const form = new FormData();
  for (const file of files) form.append("files", file, file.name);
  form.append("replace", $("replace").checked ? "true" : "false");
  // XMLHttpRequest, not fetch: it reports upload progress.
  const request = new XMLHttpRequest();
  request.open("POST", "/documents");
  request.setRequestHeader("X-API-Key", key);
  request.setRequestHeader("Accept", "application/json");
  const progress = $("progress");
  progress.hidden = false;
  progress.value = 0;
  $("upload").disabled = true;
  adminMessage("正在上传……", "");
  request.upload.onprogress = (e) => {
    if (e.lengthComputable) progress.value = Math.round((e.loaded / e.total) * 100);
    if (e.loaded === e.total) adminMessage("上传完成，正在解析并更新索引……", "");
  };
  request.onload = async () => {
    $("upload").disabled = false;
    progress.hidden = true;
    let body = null;
    try { body = JSON.parse(request.responseText); } catch { /* not JSON */ }
    if (request.status === 200 && body) {
      const names = body.added.map((plan) => `《${plan.title}》（${plan.chunk_count} 条）`).join("、");
      $("files").value = "";
      await loadPlans(); // the list shows the new plans before the message says they are there
      adminMessage(`已添加${names}。文库现有 ${body.plans} 个方案，可以提问了。`, "ok");
    } else {
      const { text, detail } = plainError(request.status, body, files);
      adminMessage(text, "error", detail);
    }
  };
  request.onerror = () => {
    $("upload").disabled = false;
    progress.hidden = true;
    adminMessage("无法连接到服务，请确认服务正在运行。", "error");
  };
  request.send(form);
}

async function removePlan(plan) {
  const key = adminKey();
  $("admin").open = true;
  if (!key) return adminMessage("请先输入管理密钥，再删除方案。", "error");
  if (!confirm(`删除《${plan.title}》？删除后问答不再引用这份方案；原文件会存档保留，需要时可请管理员恢复。`)) return;
  adminMessage(`正在删除《${plan.title}》……`, "");
  let response;
  try {
    response = await fetch(`/documents/${encodeURIComponent(plan.doc_id)}`, {
      method: "DELETE", headers: { "X-API-Key": key, Accept: "application/json" },
    });
  } catch {
    return adminMessage("无法连接到服务，请确认服务正在运行。", "error");
  }
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    const { text, detail } = plainError(response.status, body);
    return adminMessage(text, "error", detail);
  }
  await loadPlans();
  adminMessage(`已删除《${plan.title}》，原文件已存档。`, "ok");
}

function init() {
  initSiteNav();
  $("admin-key").value = sessionStorage.getItem(KEY_STORE) || "";
  $("upload-form").addEventListener("submit", upload);
  $("back").addEventListener("click", () => { history.pushState(null, "", "/library"); route(); });
  $("fulltext").addEventListener("copy", withSource);
  window.addEventListener("popstate", route);
  route();
}

init();
