// 指标对照 page: every plan's quantitative targets for one year, regions as columns, each value cited.
// All text from the plans goes into the DOM through textContent; charts are SVG built with DOM calls.
// The CSV downloads are made by the server (the same grid, or one row per target). Each indicator links
// to the chat with a question comparing the plans on it; /indicators?indicator=…&year=… (the link under an
// analytical chat answer) opens that year with the indicator's row marked.

import { $, el, getJSON, initSiteNav, shortRegion } from "./dom.js";
import { SourcePanel } from "./source-panel.js";

const SVG = "http://www.w3.org/2000/svg";
// A plan that sets no figure for the indicator: the outcome vocabulary's "not stated" (answer/outcomes.py),
// as the wide CSV writes it (the UI test compares the two).
const NOT_STATED = "未说明";
const state = { regions: [], province: new Set(), years: [], year: null };
const asked = new URLSearchParams(window.location.search); // indicator and year from a chat answer's link
let panel; // the SourcePanel shared with the chat page, created in init()

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function showStatus(text, isError = false) {
  const status = $("status");
  status.hidden = !text;
  status.textContent = text || "";
  status.classList.toggle("error", isError);
}

async function waitUntilReady() {
  for (;;) {
    const response = await fetch("/readyz");
    if (response.ok) return;
    const body = await response.json().catch(() => ({}));
    if (body.status === "failed") throw new Error(body.detail || "服务加载失败");
    showStatus("正在加载方案和索引，请稍候……");
    await new Promise((resolve) => setTimeout(resolve, 1500));
  }
}

// ---------- the table ----------

function valueButton(row) {
  return el("button", {
    className: "value", attrs: { type: "button", title: row.quote, "data-clause": row.clause_id },
    onClick: (event) => panel.open(row.clause_id, row.quote, event.currentTarget),
    text: row.label,
  });
}

// The chat, its question box filled with a question comparing every plan on this indicator and year.
function askLink(name) {
  const question = `到${state.year}年，各方案的${name}目标哪个最高？`;
  return el("a", {
    className: "ask-link", text: "问答对比",
    attrs: { href: `/?q=${encodeURIComponent(question)}`, title: question, "aria-label": `问答对比：${question}` },
  });
}

// One bar per plan stating the indicator in its most common unit, each under the plan's full name;
// none unless two or more plans do (one bar compares nothing).
function barChart(name, rows) {
  const units = new Map();
  for (const row of rows) units.set(row.unit, (units.get(row.unit) || 0) + 1);
  const unit = [...units.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const bars = state.regions
    .map((region) => rows.find((row) => row.region === region && row.unit === unit))
    .filter(Boolean);
  if (bars.length < 2) return null;
  const width = 240, rowHeight = 34;
  const max = Math.max(...bars.map((row) => row.value)) || 1;
  const height = bars.length * rowHeight;
  const chart = svg("svg", {
    class: "chart", width, height, viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": `${name}（${unit}）：${bars.map((row) => `${row.region} ${row.value_text}${unit}`).join("，")}`,
  });
  bars.forEach((row, i) => {
    const y = i * rowHeight;
    chart.append(
      svg("text", { x: 0, y: y + 13 }, row.region),
      svg("text", { x: width, y: y + 13, "text-anchor": "end" }, `${row.value_text}${unit}`),
      svg("rect", { class: "bar" + (state.province.has(row.region) ? " province" : ""), x: 0, y: y + 18,
        width: Math.max(2, (width * row.value) / max), height: 10, rx: 2 }),
    );
  });
  return chart;
}

function renderTable(rows) {
  const head = $("matrix-head");
  const column = (text, className = "") => el("th", { text, className, attrs: { scope: "col", role: "columnheader" } });
  head.replaceChildren(
    column("指标", "indicator-name"),
    ...state.regions.map((region) => column(region, state.province.has(region) ? "province" : "")),
    column("对比图"),
  );
  const byIndicator = new Map();
  for (const row of rows) {
    if (!byIndicator.has(row.indicator)) byIndicator.set(row.indicator, []);
    byIndicator.get(row.indicator).push(row);
  }
  // Indicators set by the most plans first: those are the ones worth comparing (the wide CSV's order).
  const regionCount = (list) => new Set(list.map((row) => row.region)).size;
  const ordered = [...byIndicator.entries()].sort((a, b) => regionCount(b[1]) - regionCount(a[1]));
  const body = $("matrix-body");
  body.replaceChildren(...ordered.map(([name, list]) => {
    const chart = barChart(name, list);
    return el("tr", { attrs: { role: "row" } }, [
      el("th", { className: "indicator-name", attrs: { scope: "row", role: "rowheader", "data-indicator": name } }, [
        el("span", { className: "indicator-label", text: name }), askLink(name),
      ]),
      ...state.regions.map((region) => {
        const cell = list.filter((row) => row.region === region);
        const classes = [cell.length ? "" : "empty", state.province.has(region) ? "province" : ""].join(" ").trim();
        return el("td", { className: classes, text: cell.length ? undefined : NOT_STATED,
          attrs: { role: "cell", "data-region": region } }, cell.map(valueButton));
      }),
      el("td", { className: chart ? "chart-cell" : "chart-cell none", text: chart ? undefined : "—",
        attrs: { role: "cell", "data-region": "对比图" } }, [chart]),
    ]);
  }));
  markAsked(body);
  $("summary").textContent = `${state.year}年：${ordered.length} 项指标，${rows.length} 个目标值。` +
    `“${NOT_STATED}”：该方案没有给出这项指标的数值（可能提到了但没有数值，也可能没有提到）。` +
    "对比图只画两个及以上方案给出数值的指标。";
}

// The row of the indicator a chat answer links to: marked, scrolled to and focused.
function markAsked(body) {
  const name = asked.get("indicator");
  const header = name && [...body.querySelectorAll("th[data-indicator]")].find((th) => th.dataset.indicator === name);
  if (!header) return;
  const row = header.closest("tr");
  row.classList.add("asked");
  row.tabIndex = -1;
  row.scrollIntoView({ block: "center" });
  row.focus();
}

async function selectYear(year) {
  state.year = year;
  for (const chip of $("years").children) {
    const on = Number(chip.dataset.year) === year;
    chip.classList.toggle("active", on);
    chip.setAttribute("aria-pressed", String(on));
  }
  for (const layout of ["wide", "long"]) $(`csv-${layout}`).href = `/indicators?year=${year}&format=csv&layout=${layout}`;
  try {
    renderTable(await getJSON(`/indicators?year=${year}`));
    showStatus("");
  } catch (error) {
    showStatus(`加载失败：${error.message}`, true);
  }
}

// ---------- start ----------

async function init() {
  panel = new SourcePanel(document.querySelector(".layout"));
  initSiteNav();
  try {
    await waitUntilReady();
    const [plans, names] = await Promise.all([getJSON("/documents"), getJSON("/indicators/names")]);
    const provinceFirst = [...plans].sort((a, b) => (a.level === "省" ? 0 : 1) - (b.level === "省" ? 0 : 1));
    state.regions = provinceFirst.map((plan) => plan.region);
    state.province = new Set(plans.filter((plan) => plan.level === "省").map((plan) => plan.region));
    state.years = [...new Set(names.flatMap((name) => name.years))].sort();
    $("years").replaceChildren(...state.years.map((year) => el("button", {
      className: "chip", text: `${year}年`, attrs: { type: "button", "data-year": year, "aria-pressed": "false" },
      onClick: () => selectYear(year),
    })));
    const year = Number(asked.get("year"));
    if (state.years.length) await selectYear(state.years.includes(year) ? year : state.years.includes(2025) ? 2025 : state.years[0]);
    else showStatus("方案中没有找到量化目标。");
  } catch (error) {
    showStatus(`加载失败：${error.message}`, true);
  }
}

init();
