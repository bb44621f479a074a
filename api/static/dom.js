// Small helpers shared by the carbonqa pages (ES module). Text from documents or users only ever
// reaches the DOM through textContent.

export const $ = (id) => document.getElementById(id);

// el("button", { className, text, attrs: {type: "button"}, onClick }, [children])
export function el(tag, options = {}, children = []) {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs || {})) node.setAttribute(name, value);
  if (options.onClick) node.addEventListener("click", options.onClick);
  for (const child of children) if (child) node.append(child);
  return node;
}

const FOCUSABLE = "a[href], button, input, textarea, select, summary, [tabindex]:not([tabindex='-1'])";

// Keeps keyboard focus inside an open panel: while isOpen(), Tab past its last control comes back to
// its first and Shift+Tab before its first goes to its last.
export function keepFocusIn(container, isOpen) {
  container.addEventListener("keydown", (event) => {
    if (event.key !== "Tab" || !isOpen()) return;
    const controls = [...container.querySelectorAll(FOCUSABLE)]
      .filter((node) => node.getClientRects().length && !node.disabled && !node.closest("[inert]"));
    if (!controls.length) return;
    const at = controls.indexOf(document.activeElement);
    if (event.shiftKey && at <= 0) {
      event.preventDefault();
      controls[controls.length - 1].focus();
    } else if (!event.shiftKey && at === controls.length - 1) {
      event.preventDefault();
      controls[0].focus();
    }
  });
}

// 珠海市 -> 珠海 on chips and labels; the province keeps its full name.
export function shortRegion(region) {
  return region.endsWith("市") && region.length > 2 ? region.slice(0, -1) : region;
}

// An error whose message is meant for the user (already in Chinese).
export class ServiceError extends Error {}

// ---------- API key ----------
// With CARBONQA_API_KEYS set the data routes answer 401 without a key: the pages then ask for one once,
// keep it for this browser tab (sessionStorage) and send it as X-API-Key with every data call.

const API_KEY_STORE = "carbonqa.apiKey";
let pendingKey = null; // one dialog for the calls that fail together

function keyDialog() {
  let dialog = document.getElementById("api-key-dialog");
  if (dialog) return dialog;
  const input = el("input", { attrs: { id: "api-key-input", type: "password", autocomplete: "off", required: "",
    "aria-describedby": "api-key-message" } });
  dialog = el("dialog", { className: "key-dialog", attrs: { id: "api-key-dialog", "aria-labelledby": "api-key-title" } }, [
    el("form", {}, [
      el("h2", { text: "需要 API 密钥", attrs: { id: "api-key-title" } }),
      el("p", { attrs: { id: "api-key-message" } }),
      el("label", { text: "API 密钥", attrs: { for: "api-key-input" } }),
      input,
      el("div", { className: "key-actions" }, [
        el("button", { className: "ghost", text: "取消", attrs: { type: "button" },
          onClick: () => dialog.close("cancel") }),
        el("button", { className: "primary", text: "确定", attrs: { type: "submit" } }),
      ]),
    ]),
  ]);
  // Closed by script rather than by a method="dialog" form: the pages' CSP allows no form submission.
  dialog.querySelector("form").addEventListener("submit", (event) => {
    event.preventDefault();
    dialog.close("ok");
  });
  document.body.append(dialog);
  return dialog;
}

// Asks for a key; resolves to it, or to null when the user cancels.
function askForKey(rejected) {
  if (pendingKey) return pendingKey;
  const dialog = keyDialog();
  const input = dialog.querySelector("input");
  dialog.querySelector("#api-key-message").textContent = rejected
    ? "密钥不正确或已失效，请核对后重新输入。"
    : "本服务需要 API 密钥才能读取数据。请输入管理员提供的密钥（只保存在本浏览器标签页中）。";
  input.value = "";
  dialog.returnValue = "";
  pendingKey = new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      pendingKey = null;
      const key = dialog.returnValue === "ok" ? input.value.trim() : "";
      if (key) sessionStorage.setItem(API_KEY_STORE, key);
      resolve(key || null);
    }, { once: true });
  });
  dialog.showModal();
  input.focus();
  return pendingKey;
}

// fetch() with the stored API key; on a 401 it asks for a key and sends the request again, until the
// service accepts one or the user cancels (then the 401 is returned).
export async function apiFetch(url, init = {}) {
  for (;;) {
    const key = sessionStorage.getItem(API_KEY_STORE);
    const headers = { ...(init.headers || {}), ...(key ? { "X-API-Key": key } : {}) };
    const response = await fetch(url, { ...init, headers });
    if (response.status !== 401) return response;
    const stored = sessionStorage.getItem(API_KEY_STORE);
    if (stored && stored !== key) continue; // another call got a new key meanwhile: try that one
    sessionStorage.removeItem(API_KEY_STORE); // refused: not sent again
    if (!(await askForKey(Boolean(key)))) return response;
  }
}

export async function errorMessage(response) {
  if (response.status === 401) return "没有有效的 API 密钥，无法读取数据。请刷新页面并输入管理员提供的密钥。";
  try {
    const body = await response.json();
    if (body && typeof body.detail === "string") return body.detail;
  } catch {
    /* not JSON */
  }
  if (response.status === 503) return "服务正在启动，请稍候再试。";
  return `请求失败（HTTP ${response.status}），请稍后重试。`;
}

export async function getJSON(url) {
  let response;
  try {
    response = await apiFetch(url, { headers: { Accept: "application/json" } });
  } catch {
    throw new ServiceError("无法连接到服务，请确认服务正在运行。");
  }
  if (!response.ok) throw new ServiceError(await errorMessage(response));
  return response.json();
}

export async function postJSON(url, body) {
  let response;
  try {
    response = await apiFetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ServiceError("无法连接到服务，请确认服务正在运行。");
  }
  if (!response.ok) throw new ServiceError(await errorMessage(response));
  return response.json();
}

// The site navigation (问答 / 文库 / 指标对照): marks the current page and hides links to pages
// this server does not serve (yet), so nobody lands on a 404.
export async function initSiteNav() {
  const links = [...document.querySelectorAll(".sitenav a[data-page]")];
  for (const link of links) {
    if (link.getAttribute("href") === location.pathname) link.setAttribute("aria-current", "page");
  }
  await Promise.all(links.filter((link) => !link.hasAttribute("aria-current")).map(async (link) => {
    try {
      // HEAD keeps it cheap; a route that only answers GET says 405, which still means it exists.
      const response = await fetch(link.getAttribute("href"), { method: "HEAD" });
      link.hidden = response.status === 404;
    } catch {
      link.hidden = true;
    }
  }));
}

// Line icons drawn as SVG (paths from Feather, MIT), so no emoji or icon font is needed.
const ICONS = {
  up: "M14 9V5a3 3 0 0 0-3-3l-4 9v11h11.28a2 2 0 0 0 2-1.7l1.38-9a2 2 0 0 0-2-2.3zM7 22H4a2 2 0 0 1-2-2v-7a2 2 0 0 1 2-2h3",
  down: "M10 15v4a3 3 0 0 0 3 3l4-9V2H5.72a2 2 0 0 0-2 1.7l-1.38 9a2 2 0 0 0 2 2.3zm7-13h2.67A2.31 2.31 0 0 1 22 4v7a2.31 2.31 0 0 1-2.33 2H17",
  trash: "M3 6h18M19 6v14a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V6m3 0V4a2 2 0 0 1 2-2h4a2 2 0 0 1 2 2v2M10 11v6M14 11v6",
  edit: "M17 3a2.83 2.83 0 1 1 4 4L7.5 20.5 2 22l1.5-5.5L17 3z",
  menu: "M3 12h18M3 6h18M3 18h18",
  close: "M18 6 6 18M6 6l12 12",
};

export function icon(name) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "svg-icon");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", ICONS[name]);
  svg.append(path);
  return svg;
}
