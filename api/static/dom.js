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

// 珠海市 -> 珠海 on chips and labels; the province keeps its full name.
export function shortRegion(region) {
  return region.endsWith("市") && region.length > 2 ? region.slice(0, -1) : region;
}

// An error whose message is meant for the user (already in Chinese).
export class ServiceError extends Error {}

export async function errorMessage(response) {
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
    response = await fetch(url, { headers: { Accept: "application/json" } });
  } catch {
    throw new ServiceError("无法连接到服务，请确认服务正在运行。");
  }
  if (!response.ok) throw new ServiceError(await errorMessage(response));
  return response.json();
}

export async function postJSON(url, body) {
  let response;
  try {
    response = await fetch(url, {
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
