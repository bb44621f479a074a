// A conversation as Markdown: every question, its answer with [n] markers, and under it every
// citation's plan, heading path, clause id and quoted text.
import { shortRegion } from "./dom.js";

// Markdown quote block for text that may span lines.
function quoted(text) {
  return text.split("\n").map((line) => `> ${line}`).join("\n");
}

export function conversationMarkdown(title, turns, exportedAt = new Date()) {
  const lines = [`# ${title}`, "", `导出时间：${exportedAt.toLocaleString("zh-CN", { hour12: false })}`, ""];
  turns.forEach((turn, index) => {
    lines.push(`## ${index + 1}. ${turn.question.replace(/\s+/g, " ")}`, "");
    if (turn.regions.length) lines.push(`范围：${turn.regions.map(shortRegion).join("、")}`, "");
    if (turn.error || !turn.answer) {
      lines.push(`（未能回答：${turn.error || "无回答"}）`, "");
      return;
    }
    const answer = turn.answer;
    if (answer.understood_as && answer.understood_as !== answer.question) lines.push(`理解为：${answer.understood_as}`, "");
    if (answer.refused) lines.push("**资料中未找到**", "");
    lines.push(answer.answer, "");
    if (answer.citations.length) {
      lines.push(answer.refused ? "最相关的条款（仅供参考）：" : "出处：", "");
      for (const citation of answer.citations) {
        lines.push(`[${citation.marker}] 《${citation.plan_title}》 ${citation.path.join(" › ")}（${citation.chunk_id}）`, "");
        lines.push(quoted(citation.quote), "");
      }
    }
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
