// 指标对照 page: every plan's quantitative targets for one year, regions as columns, each value cited.
// All text from the plans goes into the DOM through textContent; charts are SVG built with DOM calls.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const $ = (id) => document.getElementById(id);
const state = { regions: [], province: new Set(), years: [], year: null };

function el(tag, options = {}, children = []) {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs || {})) node.setAttribute(name, value);
  if (options.onClick) node.addEventListener("click", options.onClick);
  for (const child of children) if (child) node.append(child);
  return node;
}

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function shortRegion(region) {
  return region.endsWith("市") && region.length > 2 ? region.slice(0, -1) : region;
}

async function getJSON(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) {
    let detail = `HTTP ${response.status}`;
    try { detail = (await response.json()).detail || detail; } catch { /* not JSON */ }
    throw new Error(detail);
  }
  return response.json();
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

// "力争达到 32%以上（比2020年）": the figure with the words that qualify it, as the plan states them.
function valueLabel(row) {
  const before = row.qualifiers.filter((q) => ["力争", "确保", "原则上", "约"].includes(q)).join("");
  const after = row.qualifiers.filter((q) => !["力争", "确保", "原则上", "约"].includes(q)).join("");
  return `${before}${row.direction}${row.value_text}${row.unit}${after}`;
}

function valueButton(row) {
  return el("button", {
    className: "value", attrs: { type: "button", title: row.sentence, "data-clause": row.clause_id },
    onClick: () => openChunk(row.clause_id, row.sentence),
  }, [
    document.createTextNode(valueLabel(row)),
    row.base_year ? el("span", { className: "value-note", text: `比${row.base_year}年` }) : null,
  ]);
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

// ---------- source panel ----------

function clauseText(text, quote) {
  const block = el("div", { className: "clause-text" });
  const at = quote ? text.indexOf(quote) : -1;
  if (at < 0) {
    block.textContent = text;
    return block;
  }
  block.append(document.createTextNode(text.slice(0, at)), el("mark", { text: quote }),
    document.createTextNode(text.slice(at + quote.length)));
  return block;
}

async function openChunk(chunkId, quote) {
  $("panel").hidden = false;
  document.body.classList.add("panel-open");
  const body = $("panel-body");
  body.replaceChildren(el("div", { className: "muted", text: "正在加载条款……" }));
  try {
    const context = await getJSON("/chunks/" + chunkId.split("/").map(encodeURIComponent).join("/"));
    $("panel-title").textContent = context.plan.title;
    $("panel-path").replaceChildren(...context.chunk.path.map((heading) => el("li", { text: heading })));
    body.replaceChildren(el("section", { className: "clause cited" }, [
      el("div", { className: "clause-id", text: context.chunk.id }),
      clauseText(context.chunk.text, quote),
    ]));
  } catch (error) {
    body.replaceChildren(el("div", { className: "error-text", text: error.message }));
  }
}

function closePanel() {
  $("panel").hidden = true;
  document.body.classList.remove("panel-open");
}

// ---------- start ----------

async function init() {
  $("panel-close").addEventListener("click", closePanel);
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") closePanel(); });
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
