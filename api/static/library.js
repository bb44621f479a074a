// The 文库 page (ES module): the plan list, a reader showing a plan's full text with its clause tree
// as an outline (/library?doc=ID#CHUNK_ID opens a clause in context), and, with the admin key,
// upload with progress and removal. Document text only reaches the DOM through textContent.
import { $, el, errorMessage, getJSON, initSiteNav } from "./dom.js";

const KEY_STORE = "carbonqa.adminKey"; // kept for this browser tab only (sessionStorage)
let plans = [];

function showStatus(text, isError = false) {
  const status = $("status");
  status.hidden = !text;
  status.textContent = text || "";
  status.classList.toggle("error", isError);
}

function adminMessage(text, kind) {
  const box = $("admin-message");
  box.textContent = text;
  box.className = "admin-message " + (kind || "");
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
    showStatus(error.message, true);
    return;
  }
  showStatus("");
  $("plans").replaceChildren(...plans.map((plan) => el("tr", { attrs: { "data-doc": plan.doc_id } }, [
    el("td", {}, [
      el("a", { text: plan.title, attrs: { href: `/library?doc=${encodeURIComponent(plan.doc_id)}` },
        onClick: (event) => { event.preventDefault(); navigate(plan.doc_id); } }),
      el("div", { className: "muted", text: `${plan.region} · ${plan.doc_id}` }),
    ]),
    el("td", { text: plan.issuer || "—" }),
    el("td", { text: plan.doc_number || "—" }),
    el("td", { text: plan.issue_date || "—" }),
    el("td", { text: partsAndClauses(plan) }),
    el("td", {}, [el("span", { className: "tag" + (plan.added ? " added" : ""),
      text: plan.added ? "已上传" : "内置" })]),
    el("td", {}, [plan.added ? el("button", {
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
    $("reader-title").textContent = "无法打开该方案";
    $("reader-meta").textContent = error.message;
    return;
  }
  const plan = outline.plan;
  $("reader-title").textContent = plan.title;
  $("reader-meta").textContent = [plan.issuer, plan.doc_number, plan.issue_date, plan.region, plan.source_file]
    .filter(Boolean).join(" · ");
  $("outline").replaceChildren(outlineList(outline.outline));
  $("fulltext").replaceChildren(...chunks.map((chunk) => el("section", {
    className: "chunk " + chunk.kind, attrs: { id: "chunk:" + chunk.id },
  }, [el("div", { className: "chunk-id", text: chunk.id }), el("div", { text: chunk.text })])));
  $("reader-title").focus();
  if (chunkId) focusChunk(chunkId, false);
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
  if (!key) return adminMessage("请输入管理密钥。", "error");
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
      const names = body.added.map((plan) => `《${plan.title}》（${plan.doc_id}，${plan.chunk_count} 条）`).join("、");
      $("files").value = "";
      await loadPlans(); // the list shows the new plans before the message says they are there
      adminMessage(`已添加 ${names}。现有 ${body.plans} 个方案。`, "ok");
    } else {
      adminMessage(body && body.detail ? body.detail : `上传失败（HTTP ${request.status}）。`, "error");
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
  if (!key) return adminMessage("请输入管理密钥后再删除。", "error");
  if (!confirm(`删除《${plan.title}》（${plan.doc_id}）？原文件会保留在文库目录的 .removed/ 中。`)) return;
  adminMessage(`正在删除 ${plan.doc_id}……`, "");
  let response;
  try {
    response = await fetch(`/documents/${encodeURIComponent(plan.doc_id)}`, {
      method: "DELETE", headers: { "X-API-Key": key, Accept: "application/json" },
    });
  } catch {
    return adminMessage("无法连接到服务，请确认服务正在运行。", "error");
  }
  if (!response.ok) return adminMessage(await errorMessage(response), "error");
  const body = await response.json();
  await loadPlans();
  adminMessage(`已删除 ${plan.doc_id}；原文件保留在 ${body.kept_file}。`, "ok");
}

function init() {
  initSiteNav();
  $("admin-key").value = sessionStorage.getItem(KEY_STORE) || "";
  $("upload-form").addEventListener("submit", upload);
  $("back").addEventListener("click", () => { history.pushState(null, "", "/library"); route(); });
  window.addEventListener("popstate", route);
  route();
}

init();
