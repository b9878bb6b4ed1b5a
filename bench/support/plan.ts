// What one fake agent says in the timeline benchmark: a deterministic stream of session events
// that looks like a fast Claude Code answer (markdown text in 20–60 character pieces, now and then
// a tool call and its result), plus what the page must end up showing.
import type { SessionEvent } from "../../lib/sessions/events";

export type Rand = () => number;

/** mulberry32: a small seeded generator, so every run streams the same text. */
export function seeded(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (rand: Rand, lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = <T>(rand: Rand, xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;

const WORDS = (
  "the store keeps every event in order and the card renders only what changed since the last frame while " +
  "streaming markdown blocks stay stable once a blank line closes them so the browser has little work left " +
  "queue worker session timeline render commit batch frame layout paint reader writer cursor replay tail " +
  "agent answer comment branch request review module function handler route schema migration index table"
).split(" ");
const TOOLS = ["Read", "Grep", "Bash", "Edit", "Glob"] as const;
const FILES = ["stores/agent.store.ts", "lib/sessions/transcript.ts", "components/agents/session-card.tsx", "db/queries/worker.ts", "app/api/route.ts"];

/** Words as the page shows them: markdown syntax has no letters or digits, so it drops out. */
export const wordsOf = (text: string): string[] => text.match(/[A-Za-z0-9]+/g) ?? [];

/** `qz<session>k<n>zq`: a word that cannot occur by accident, so the page can see when it lands. */
export const MARKER = /qz\d+k\d+zq/g;

export type SessionPlan = {
  /** Content events in order (seq = index + 1), without the closing `usage` and `done`. */
  events: SessionEvent[];
  usage: Extract<SessionEvent, { type: "usage" }>;
  /** The words the card must show, in order, each once. */
  words: string[];
  /** Marker word → index into `events` of the piece that carries it. */
  markers: Map<string, number>;
  /** The marker in the very last text piece. */
  finalMarker: string;
  textEvents: number;
  toolEvents: number;
  chars: number;
};

/** Tokens of one markdown block; each token is appended whole, so no word or `**` is ever split. */
function block(rand: Rand): string[] {
  const word = () => pick(rand, WORDS);
  const r = rand();
  if (r < 0.1) {
    const t = ["```\n"];
    for (let i = int(rand, 3, 9); i > 0; i--) t.push(`const ${word()}${int(rand, 1, 99)} = ${word()}(${word()}, ${int(rand, 1, 9)});\n`);
    t.push("```\n\n");
    return t;
  }
  if (r < 0.3) {
    const t: string[] = [];
    for (let i = int(rand, 3, 6); i > 0; i--) {
      t.push("- ");
      for (let j = int(rand, 3, 8); j > 0; j--) t.push(`${word()} `);
      t.push("\n");
    }
    t.push("\n");
    return t;
  }
  if (r < 0.35) return ["## ", ...Array.from({ length: int(rand, 2, 5) }, () => `${word()} `), "\n\n"];
  const t: string[] = [];
  for (let s = int(rand, 2, 5); s > 0; s--) {
    const first = word();
    t.push(`${t.length ? " " : ""}${first[0]!.toUpperCase()}${first.slice(1)}`);
    for (let w = int(rand, 5, 12); w > 0; w--) {
      const x = rand();
      t.push(x < 0.06 ? ` **${word()}**` : x < 0.1 ? ` \`${word()}\`` : ` ${word()}`);
    }
    t.push(".");
  }
  t.push("\n\n");
  return t;
}

/**
 * `count` content events for session number `index`: a `status` first, then text pieces with a
 * tool call + result after about one block in ten, and a last piece that closes any open code
 * fence and carries the final marker. Every 40th piece carries a marker word.
 */
export function planSession(index: number, count: number, rand: Rand): SessionPlan {
  const events: SessionEvent[] = [{ type: "status", status: "streaming", message: "Model claude-sonnet-4-6" }];
  const markers = new Map<string, number>();
  let marks = 0;
  let pieces = 0;
  let piece = "";
  let target = int(rand, 20, 60);
  let fenceOpen = false;
  let tools = 0;
  const emit = () => {
    if (!piece) return;
    if (++pieces % 40 === 17) {
      const m = `qz${index}k${++marks}zq`;
      // On a line of its own, so it never pushes a following fence off the start of its line.
      piece += `${piece.endsWith("\n") ? "" : " "}${m}\n`;
      markers.set(m, events.length);
    }
    events.push({ type: "text", text: piece });
    piece = "";
    target = int(rand, 20, 60);
  };

  outer: for (;;) {
    for (const tok of block(rand)) {
      if (tok.startsWith("```")) fenceOpen = !fenceOpen;
      piece += tok;
      if (piece.length < target) continue;
      emit();
      if (events.length >= count - 1) break outer;
    }
    // Agents call tools between paragraphs, not inside them.
    if (rand() < 0.11 && events.length + 3 < count - 1) {
      emit();
      const id = `toolu_${index}_${++tools}`;
      const file = pick(rand, FILES);
      const name = pick(rand, TOOLS);
      events.push({ type: "tool_call", id, name, target: file, input: { file_path: file } });
      events.push({ type: "tool_result", id, ok: true, output: Array.from({ length: 6 }, (_, i) => `${i + 1}\t${WORDS.slice(i * 5, i * 5 + 6).join(" ")}`).join("\n") });
    }
  }
  const finalMarker = `qz${index}k${++marks}zq`;
  events.push({ type: "text", text: `${fenceOpen ? "\n```" : ""}\n\nThat is all for part ${index + 1} ${finalMarker}.\n` });
  markers.set(finalMarker, events.length - 1);

  const text = events.flatMap((e) => (e.type === "text" ? [e.text] : [])).join("");
  return {
    events,
    usage: { type: "usage", inputTokens: 12_000 + index, outputTokens: Math.round(text.length / 4), costUsd: 0.05 },
    words: wordsOf(text),
    markers,
    finalMarker,
    textEvents: events.filter((e) => e.type === "text").length,
    toolEvents: events.filter((e) => e.type === "tool_call" || e.type === "tool_result").length,
    chars: text.length,
  };
}
