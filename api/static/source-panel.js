// The source panel: one clause shown in its plan context (plan title, heading path, previous/next
// clause, the quoted sentence highlighted), loaded from GET /chunks/{id}. Reusable by any page:
//
//   import { SourcePanel } from "/static/source-panel.js";   // with /static/style.css linked
//   const panel = new SourcePanel(document.querySelector(".layout"));
//   button.addEventListener("click", () => panel.open("zhuhai-2023/2.1.2", "quoted sentence", button));
//
// Focus moves into the panel when it opens, Tab keeps it inside while open, and it goes back to the
// opener when the panel closes (× or Escape).
// "在文库中查看全文" opens the clause in the 文库 reader (a new tab), scrolled to and highlighted there.
import { el, getJSON, icon, keepFocusIn } from "./dom.js";

// [start, end) of the quote in text, ignoring whitespace differences (the plans break lines mid-sentence).
export function findQuote(text, quote) {
  const exact = text.indexOf(quote);
  if (exact >= 0) return [exact, exact + quote.length];
  const positions = [];
  let squashed = "";
  for (let i = 0; i < text.length; i++) {
    if (!/\s/.test(text[i])) { positions.push(i); squashed += text[i]; }
  }
  const needle = quote.replace(/\s+/g, "");
  const at = needle ? squashed.indexOf(needle) : -1;
  return at < 0 ? null : [positions[at], positions[at + needle.length - 1] + 1];
}

function clauseText(text, quote) {
  const block = el("div", { className: "clause-text" });
  const span = quote ? findQuote(text, quote) : null;
  if (!span) {
    block.textContent = text;
    return block;
  }
  block.append(
    document.createTextNode(text.slice(0, span[0])),
    el("mark", { text: text.slice(span[0], span[1]) }),
    document.createTextNode(text.slice(span[1])),
  );
  return block;
}

// The 文库 reader's address of a clause: the plan opened at the clause, which it highlights.
export function libraryHref(chunk) {
  return `/library?doc=${encodeURIComponent(chunk.doc_id)}#${chunk.id}`;
}

function chunkTitle(chunk) {
  return [chunk.number, chunk.heading].filter(Boolean).join(" ");
}

export class SourcePanel {
  // Appends the (hidden) panel to `parent`; on wide screens it sits beside the page, on narrow ones over it.
  constructor(parent) {
    this.title = el("h2", { className: "panel-title", attrs: { id: "panel-title", tabindex: "-1" } });
    this.closeButton = el("button", {
      className: "ghost icon", attrs: { type: "button", id: "panel-close", "aria-label": "关闭条款原文" },
      onClick: () => this.close(),
    }, [icon("close")]);
    this.crumbs = el("ol", { className: "crumbs", attrs: { id: "panel-path", "aria-label": "条款位置" } });
    this.body = el("div", { className: "panel-body", attrs: { id: "panel-body" } });
    this.root = el("aside", {
      className: "panel", attrs: { id: "panel", hidden: "", "aria-labelledby": "panel-title" },
    }, [
      el("div", { className: "panel-head" }, [
        el("div", {}, [el("div", { className: "panel-kicker", text: "条款原文" }), this.title]),
        this.closeButton,
      ]),
      this.crumbs,
      this.body,
    ]);
    this.opener = null;
    this.request = 0; // only the latest open() may fill the panel
    parent.append(this.root);
    keepFocusIn(this.root, () => this.isOpen);
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !this.root.hidden) this.close();
    });
  }

  get isOpen() {
    return !this.root.hidden;
  }

  // Shows chunk `chunkId` with `quote` highlighted (null: no highlight); focus returns to `opener` on close.
  async open(chunkId, quote = null, opener = document.activeElement) {
    const request = ++this.request;
    if (!this.isOpen) this.opener = opener;
    this.root.hidden = false;
    document.body.classList.add("panel-open");
    this.body.replaceChildren(el("div", { className: "muted", text: "正在加载条款……" }));
    this.title.focus();
    let context;
    try {
      context = await getJSON("/chunks/" + chunkId.split("/").map(encodeURIComponent).join("/"));
    } catch (error) {
      if (request === this.request) this.body.replaceChildren(el("div", { className: "error-text", text: error.message }));
      return;
    }
    if (request !== this.request) return;
    this.show(context, quote);
  }

  show(context, quote) {
    const { chunk, plan } = context;
    this.title.textContent = `${plan.title}${plan.doc_number ? "（" + plan.doc_number + "）" : ""}`;
    this.crumbs.replaceChildren();
    for (const node of context.ancestors) {
      this.crumbs.append(el("li", { text: [node.number, node.label].filter(Boolean).join(" ") }));
    }
    if (chunkTitle(chunk)) this.crumbs.append(el("li", { className: "current", text: chunkTitle(chunk) }));
    const parts = [
      this.neighbour("上一条", context.previous),
      el("section", { className: "clause" + (quote ? " cited" : "") }, [
        el("div", { className: "clause-id", text: chunk.id }),
        clauseText(chunk.text, quote),
      ]),
      el("a", {
        className: "open-in-library", text: "在文库中查看全文",
        attrs: { href: libraryHref(chunk), target: "_blank", rel: "noopener",
          "aria-label": `在文库中查看全文：${plan.title} ${chunkTitle(chunk) || chunk.id}` },
      }),
      this.neighbour("下一条", context.next),
    ];
    this.body.replaceChildren(...parts.filter(Boolean));
    const mark = this.body.querySelector("mark");
    if (mark) mark.scrollIntoView({ block: "center" });
  }

  neighbour(label, chunk) {
    if (!chunk) return null;
    return el("button", {
      className: "neighbour", attrs: { type: "button" }, // named by its text: 上一条/下一条 and the clause
      onClick: () => this.open(chunk.id, null),
    }, [
      el("span", { className: "neighbour-label", text: label }),
      el("span", { className: "neighbour-text", text: chunk.text }),
    ]);
  }

  close() {
    if (!this.isOpen) return;
    this.request++;
    this.root.hidden = true;
    document.body.classList.remove("panel-open");
    const opener = this.opener;
    this.opener = null;
    if (opener && opener.isConnected) opener.focus();
  }
}
