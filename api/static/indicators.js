// 指标对照 page: every plan's quantitative targets for one year, regions as columns, each value cited.
// All text from the plans goes into the DOM through textContent; charts are SVG built with DOM calls.

import { $, el, getJSON, initSiteNav, shortRegion } from "./dom.js";
import { SourcePanel } from "./source-panel.js";

const SVG = "http://www.w3.org/2000/svg";
const state = { regions: [], province: new Set(), years: [], year: null };
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

// One bar per region that states the indicator with the most common unit; bars scale to the largest value.
function barChart(rows) {
  const units = new Map();
  for (const row of rows) units.set(row.unit, (units.get(row.unit) || 0) + 1);
  const unit = [...units.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const bars = state.regions
    .map((region) => rows.find((row) => row.region === region && row.unit === unit))
    .filter(Boolean);
  const width = 220, rowHeight = 18, labelWidth = 40, numberWidth = 64;
  const max = Math.max(...bars.map((row) => row.value)) || 1;
  const chart = svg("svg", {
    class: "chart", width, height: bars.length * rowHeight + 4, role: "img",
    "aria-label": `${unit} 柱状图`, viewBox: `0 0 ${width} ${bars.length * rowHeight + 4}`,
  });
  bars.forEach((row, i) => {
    const y = i * rowHeight + 2;
    const length = Math.max(1, ((width - labelWidth - numberWidth) * row.value) / max);
    chart.append(
      svg("text", { x: 0, y: y + 12 }, shortRegion(row.region)),
      svg("rect", { class: "bar" + (state.province.has(row.region) ? " province" : ""), x: labelWidth, y: y + 2,
        width: length, height: rowHeight - 6, rx: 2 }),
      svg("text", { x: labelWidth + length + 4, y: y + 12 }, `${row.value_text}${unit}`),
    );
  });
  return chart;
}

function renderTable(rows) {
  const head = $("matrix-head");
  head.replaceChildren(
    el("th", { className: "indicator-name", text: "指标", attrs: { scope: "col" } }),
    ...state.regions.map((region) => el("th", {
      text: region, attrs: { scope: "col" }, className: state.province.has(region) ? "province" : "",
    })),
    el("th", { text: "对比图", attrs: { scope: "col" } }),
  );
  const byIndicator = new Map();
  for (const row of rows) {
    if (!byIndicator.has(row.indicator)) byIndicator.set(row.indicator, []);
    byIndicator.get(row.indicator).push(row);
  }
  // Indicators set by the most plans first: those are the ones worth comparing.
  const regionCount = (list) => new Set(list.map((row) => row.region)).size;
  const ordered = [...byIndicator.entries()].sort((a, b) => regionCount(b[1]) - regionCount(a[1]));
  const body = $("matrix-body");
  body.replaceChildren(...ordered.map(([name, list]) => el("tr", {}, [
    el("th", { className: "indicator-name", text: name, attrs: { scope: "row" } }),
    ...state.regions.map((region) => {
      const cell = list.filter((row) => row.region === region);
      const classes = [cell.length ? "" : "empty", state.province.has(region) ? "province" : ""].join(" ").trim();
      return el("td", { className: classes, text: cell.length ? undefined : "未提及" }, cell.map(valueButton));
    }),
    el("td", {}, [barChart(list)]),
  ])));
  $("summary").textContent =
    `${state.year}年：${ordered.length} 项指标，${rows.length} 个目标值；空格表示该方案未提及。`;
}

async function selectYear(year) {
  state.year = year;
  for (const chip of $("years").children) chip.classList.toggle("active", Number(chip.dataset.year) === year);
  const csv = $("csv");
  csv.href = `/indicators?year=${year}&format=csv`;
  csv.setAttribute("download", `指标对照-${year}.csv`);
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
      className: "chip", text: `${year}年`, attrs: { type: "button", "data-year": year },
      onClick: () => selectYear(year),
    })));
    if (state.years.length) await selectYear(state.years.includes(2025) ? 2025 : state.years[0]);
    else showStatus("方案中没有找到量化目标。");
  } catch (error) {
    showStatus(`加载失败：${error.message}`, true);
  }
}

init();
