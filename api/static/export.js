// A conversation as Markdown: every question, its reply's outcome label (Answer.status, the wording the
// chat shows), its answer with [n] markers and the asked figures in bold, and under it every citation's
// plan, heading path, clause id and quoted text.
//
// Every text the export did not write itself (conversation title, questions, answers, plan titles,
// headings, quotes, region names, error messages) goes through escapeMarkdown, so none of its HTML or
// Markdown takes effect when the file is opened in a Markdown viewer.
import { figurePieces, markerPieces } from "./answer-text.js";
import { shortRegion } from "./dom.js";

const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

// Text shown as written: HTML characters as entities, Markdown's inline characters backslash-escaped
// (CommonMark allows that before any ASCII punctuation), and at a line start nothing that opens a
// block (list, heading underline, indented code).
export function escapeMarkdown(text) {
  return String(text)
    .replace(/[&<>]/g, (c) => ENTITIES[c])
    .replace(/[\\`*_[\]()|~#!]/g, "\\$&")
    .split("\n")
    .map((line) => line.replace(/^[ \t]+|[ \t]+$/g, "").replace(/^([-+=])/, "\\$1").replace(/^(\d+)([.)])/, "$1\\$2"))
    .join("\n");
}

// **figure**. CommonMark closes ** after punctuation (the % of 14.5%) only before a space or more
// punctuation, so before a letter ("5%和8%") the bold ends before the figure's trailing punctuation.
function strong(figure, next) {
  const tail = /[\p{P}\p{S}]+$/u.exec(figure);
  const cut = tail && next && !/[\s\p{P}\p{S}]/u.test(next) ? tail.index : figure.length;
  return `**${escapeMarkdown(figure.slice(0, cut))}**${escapeMarkdown(figure.slice(cut))}`;
}

function withFigures(text, figures) {
  const pieces = figurePieces(text, figures);
  return pieces.map((piece, i) => (piece.strong ? strong(piece.text, pieces[i + 1]?.text[0]) : escapeMarkdown(piece.text)))
    .join("");
}

// The answer, a paragraph per line; each quote's asked figures in bold; its [n] markers as written.
function answerMarkdown(answer) {
  const byMarker = new Map(answer.citations.map((c) => [c.marker, c]));
  return answer.answer.split("\n").filter((line) => line.trim()).map((line) => markerPieces(line).map(({ text, marker }) => {
    const citation = byMarker.get(marker);
    const mark = marker === null ? "" : citation ? `[${marker}]` : escapeMarkdown(`[${marker}]`);
    return withFigures(text, citation?.emphasis) + mark;
  }).join("")).join("\n\n");
}

function citationLines(title, citations) {
  if (!citations.length) return [];
  const lines = [`${title}：`, ""];
  for (const citation of citations) {
    const where = [`《${citation.plan_title}》`, citation.path.join(" › ")].filter(Boolean).join(" ");
    lines.push(`[${citation.marker}] ${escapeMarkdown(where)}（${escapeMarkdown(citation.chunk_id)}）`, "");
    const quote = citation.quote.split("\n").map((line) => `> ${withFigures(line, citation.emphasis)}`);
    lines.push(quote.join("\n"), "");
  }
  return lines;
}

export function conversationMarkdown(title, turns, exportedAt = new Date()) {
  const lines = [`# ${escapeMarkdown(title)}`, "", `导出时间：${exportedAt.toLocaleString("zh-CN", { hour12: false })}`, ""];
  turns.forEach((turn, index) => {
    lines.push(`## ${index + 1}. ${escapeMarkdown(turn.question.replace(/\s+/g, " "))}`, "");
    if (turn.regions.length) lines.push(`范围：${escapeMarkdown(turn.regions.map(shortRegion).join("、"))}`, "");
    if (turn.error || !turn.answer) {
      lines.push(`（未能回答：${escapeMarkdown(turn.error || "无回答")}）`, "");
      return;
    }
    const answer = turn.answer;
    if (answer.understood_as && answer.understood_as !== answer.question) {
      lines.push(`理解为：${escapeMarkdown(answer.understood_as)}`, "");
    }
    if (answer.status) lines.push(`**${escapeMarkdown(answer.status.text)}**`, "");
    lines.push(answerMarkdown(answer), "");
    lines.push(...citationLines("出处", answer.citations.filter((c) => !c.related)));
    lines.push(...citationLines("相关条款（并非答案，仅供参考）", answer.citations.filter((c) => c.related)));
  });
  return lines.join("\n");
}

// Offers `text` as a file download (no server round trip).
export function download(filename, text, type = "text/markdown;charset=utf-8") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// A file name from the title: letters, digits and CJK kept, the rest dashes.
export function fileName(title) {
  const base = title.replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-+|-+$/g, "").slice(0, 40) || "对话";
  return `carbonqa-${base}.md`;
}
