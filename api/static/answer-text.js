// Reading an answer's text, for the chat (DOM) and the Markdown export alike: where its [n] markers
// are, and where the figures its citations emphasise (Citation.emphasis) stand.

const MARKER = /\[(\d{1,3})\]/g;

// The text cut at its markers: [{ text, marker }], marker = n of the [n] closing the piece (null for
// the last piece); the pieces' texts and markers join back to the text.
export function markerPieces(text) {
  const pieces = [];
  let last = 0;
  let match;
  MARKER.lastIndex = 0;
  while ((match = MARKER.exec(text)) !== null) {
    pieces.push({ text: text.slice(last, match.index), marker: Number(match[1]) });
    last = MARKER.lastIndex;
  }
  pieces.push({ text: text.slice(last), marker: null });
  return pieces;
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// The text cut around the figures: [{ text, strong }]. A figure matches whatever whitespace the text
// has inside it (the answer shows a quote on one line).
export function figurePieces(text, figures = []) {
  const words = [...new Set(figures.map((f) => f.replace(/\s+/g, "")).filter(Boolean))]
    .sort((a, b) => b.length - a.length)
    .map((f) => [...f].map(escapeRegExp).join("\\s*"));
  if (!words.length) return [{ text, strong: false }];
  const pattern = new RegExp(`(?<![\\d.])(?:${words.join("|")})`, "g"); // 5% is not the end of 15%
  const pieces = [];
  let last = 0;
  let match;
  while ((match = pattern.exec(text)) !== null) {
    if (match.index > last) pieces.push({ text: text.slice(last, match.index), strong: false });
    pieces.push({ text: match[0], strong: true });
    last = pattern.lastIndex;
  }
  if (last < text.length || !pieces.length) pieces.push({ text: text.slice(last), strong: false });
  return pieces;
}
