// Conversations kept in this browser (localStorage): a list with titles, each a list of turns.
// A turn is { question, regions, answer, error, choice, feedback }; only those fields are stored.

const STORE_KEY = "carbonqa.conversations.v1";
const OLD_KEY = "carbonqa.conversation.v1"; // the older single-conversation format, moved into the list on load
const MAX_CONVERSATIONS = 50;
const MAX_TURNS = 50;
const TITLE_CHARS = 30;

function validTurn(turn) {
  return turn && typeof turn.question === "string" && (typeof turn.error === "string"
    || (turn.answer && typeof turn.answer.answer === "string" && Array.isArray(turn.answer.citations)));
}

function cleanTurn(turn) {
  return {
    question: turn.question,
    regions: Array.isArray(turn.regions) ? turn.regions : [],
    // The retrieved hits are large and only the citations are shown again.
    answer: turn.answer ? { ...turn.answer, retrieved: [] } : null,
    error: turn.error || null,
    choice: turn.choice || null,       // "filter" | "question": how a filter conflict was settled
    feedback: turn.feedback || null,   // { rating, note } once sent
  };
}

function newId() {
  return `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
}

export class ConversationStore {
  constructor(storage = window.localStorage) {
    this.storage = storage;
    this.items = [];
    this.activeId = null;
    this.load();
  }

  load() {
    let data = null;
    try {
      data = JSON.parse(this.storage.getItem(STORE_KEY) || "null");
    } catch {
      data = null;
    }
    const items = data && Array.isArray(data.items) ? data.items : [];
    this.items = items.filter((c) => c && typeof c.id === "string" && Array.isArray(c.turns)).map((c) => ({
      id: c.id,
      title: typeof c.title === "string" ? c.title : "",
      updatedAt: Number(c.updatedAt) || 0,
      turns: c.turns.filter(validTurn).map(cleanTurn),
    }));
    if (!this.items.length) this.migrateOld();
    this.activeId = this.items.some((c) => c.id === data?.activeId) ? data.activeId : this.sorted()[0]?.id ?? null;
    if (!this.activeId) this.create();
  }

  migrateOld() {
    try {
      const turns = JSON.parse(this.storage.getItem(OLD_KEY) || "[]");
      if (Array.isArray(turns) && turns.some(validTurn)) {
        this.items.push({ id: newId(), title: "", updatedAt: Date.now(), turns: turns.filter(validTurn).map(cleanTurn) });
      }
      this.storage.removeItem(OLD_KEY);
    } catch {
      /* nothing to migrate */
    }
  }

  save() {
    const data = () => JSON.stringify({
      activeId: this.activeId,
      items: this.items.slice(0, MAX_CONVERSATIONS).map((c) => ({
        id: c.id, title: c.title, updatedAt: c.updatedAt, turns: c.turns.slice(-MAX_TURNS).map(cleanTurn),
      })),
    });
    // When storage is full, the least recently used conversations go first, never the open one.
    for (;;) {
      try {
        this.storage.setItem(STORE_KEY, data());
        return;
      } catch {
        const oldest = this.sorted().filter((c) => c.id !== this.activeId).pop();
        if (!oldest) return; // storage disabled: the conversation still works for this page
        this.items = this.items.filter((c) => c !== oldest);
      }
    }
  }

  get active() {
    return this.items.find((c) => c.id === this.activeId);
  }

  // Most recently used first.
  sorted() {
    return [...this.items].sort((a, b) => b.updatedAt - a.updatedAt);
  }

  create() {
    const conversation = { id: newId(), title: "", updatedAt: Date.now(), turns: [] };
    this.items.unshift(conversation);
    this.activeId = conversation.id;
    this.save();
    return conversation;
  }

  select(id) {
    if (this.items.some((c) => c.id === id)) this.activeId = id;
    this.save();
  }

  rename(id, title) {
    const conversation = this.items.find((c) => c.id === id);
    if (!conversation) return;
    conversation.title = title.trim().slice(0, 60);
    this.save();
  }

  remove(id) {
    this.items = this.items.filter((c) => c.id !== id);
    if (this.activeId === id) this.activeId = this.sorted()[0]?.id ?? null;
    if (!this.activeId) this.create();
    this.save();
  }

  touch(conversation) {
    conversation.updatedAt = Date.now();
    this.save();
  }

  // Conversations whose title, questions or answers contain `text` (case-insensitive).
  search(text) {
    const needle = text.trim().toLowerCase();
    if (!needle) return this.sorted();
    return this.sorted().filter((c) => [titleOf(c), ...c.turns.flatMap((t) => [t.question, t.answer?.answer || ""])]
      .some((value) => value.toLowerCase().includes(needle)));
  }
}

// The title shown: the one given, else the first question, else 新对话.
export function titleOf(conversation) {
  if (conversation.title) return conversation.title;
  const first = conversation.turns[0]?.question;
  if (!first) return "新对话";
  return first.length > TITLE_CHARS ? first.slice(0, TITLE_CHARS) + "…" : first;
}
