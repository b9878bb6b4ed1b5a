// In-page instruments for the timeline benchmark, installed with addInitScript before the app's
// own scripts run. Plain JavaScript in a string: a function compiled by tsx would carry esbuild
// helpers (`__name`) that do not exist in the page.
//
//   - a requestAnimationFrame loop: frame numbers and frame start times;
//   - a stub React DevTools hook: React DOM (production builds too) reports every commit to it;
//   - MutationObservers on the timeline: each commit's DOM changes are attributed to the cards
//     they touched (taken synchronously in the commit hook), and, separately, the observer's own
//     callbacks per card are counted per frame (one burst of mutations ≈ one commit);
//   - marker words (`qz…zq`) found in inserted text: when a piece of text reached the DOM;
//   - an EventSource wrapper: when each event (by its SSE id) arrived in the page;
//   - a PerformanceObserver for long tasks.

/** What `window.__bench.stop()` hands back. Times are epoch milliseconds (timeOrigin + now). */
export type ProbeData = {
  t0: number;
  t1: number;
  /** rAF timestamps of the frames while recording. */
  frames: number[];
  /** Per React commit: frame number, time. Flat pairs. */
  commits: number[];
  /** Per (commit, card it changed): frame number, card index, 1 = content / 0 = only the elapsed-time clock, time. Flat quadruples. */
  touches: number[];
  /** Per (MutationObserver callback, card it saw): frame number, card index. Flat pairs. */
  bursts: number[];
  /** Mutations outside any React commit, per card. */
  otherMutations: number;
  /** Markdown blocks put into the page (mounted or re-rendered) and the characters of text they held. */
  blockRenders: number;
  blockChars: number;
  /** Long tasks: start time, duration. Flat pairs. */
  longTasks: number[];
  /** Marker word → when it was first inserted into the page. */
  markers: Record<string, number>;
  /** Session id → SSE id, arrival time. Flat pairs. */
  arrivals: Record<string, number[]>;
  /** Frame number at start, and whether React reported commits to the hook at all. */
  firstFrame: number;
  hookCommits: number;
};

export const PROBES = String.raw`(() => {
  if (window.__bench) return;
  const now = () => performance.timeOrigin + performance.now();
  const B = (window.__bench = {
    recording: false, frame: 0, t0: 0, t1: 0, firstFrame: 0, hookCommits: 0, otherMutations: 0, blockRenders: 0, blockChars: 0,
    frames: [], commits: [], touches: [], bursts: [], longTasks: [], markers: {}, arrivals: {},
    sources: [], cards: [], finals: {},
  });

  let onCommit = null;
  window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    isDisabled: false,
    renderers: new Map(),
    inject(internals) { const id = this.renderers.size + 1; this.renderers.set(id, internals); return id; },
    onCommitFiberRoot() { B.hookCommits++; if (onCommit) onCommit(); },
    onCommitFiberUnmount() {},
    onPostCommitFiberRoot() {},
    checkDCE() {},
    on() {}, off() {}, emit() {}, sub() { return () => {}; },
  };

  const NativeES = window.EventSource;
  const TYPES = ["status", "text", "thought", "tool_call", "tool_result", "usage", "error", "done"];
  window.EventSource = class extends NativeES {
    constructor(url, init) {
      super(url, init);
      const m = /\/sessions\/([^/?]+)\/stream/.exec(String(url));
      const id = m ? decodeURIComponent(m[1]) : String(url);
      B.sources.push({ id, es: this });
      const arr = (B.arrivals[id] = B.arrivals[id] || []);
      const onEvent = (e) => { if (B.recording && typeof e.data === "string") arr.push(Number(e.lastEventId), now()); };
      for (const t of TYPES) this.addEventListener(t, onEvent);
    }
  };

  const tick = (ts) => {
    B.frame++;
    if (B.recording) B.frames.push(performance.timeOrigin + ts);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);

  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) B.longTasks.push(performance.timeOrigin + e.startTime, e.duration);
    }).observe({ type: "longtask", buffered: true });
  } catch (e) {}

  const MARK = /qz\d+k\d+zq/g;
  const elementOf = (n) => (n.nodeType === 1 ? n : n.parentElement);
  const scan = (text, t) => {
    if (!text || text.indexOf("qz") < 0) return;
    MARK.lastIndex = 0;
    let m;
    while ((m = MARK.exec(text))) if (!(m[0] in B.markers)) B.markers[m[0]] = t;
  };
  /** Card index → 1 if a change was more than the elapsed-time clock, else 0. */
  const attribute = (records, t) => {
    const touched = new Map();
    for (const r of records) {
      const el = elementOf(r.target);
      const li = el && el.closest("li[data-session-id]");
      if (!li) continue;
      const c = B.cards.indexOf(li.getAttribute("data-session-id"));
      if (c < 0) continue;
      const content = el.closest(".tabular-nums") ? 0 : 1;
      touched.set(c, Math.max(touched.get(c) || 0, content));
      if (r.type === "characterData") scan(r.target.data, t);
      else if (r.type === "childList") {
        for (const n of r.addedNodes) scan(n.textContent, t);
        // A streamed markdown block is a <div> (its HTML set whole) inside the text's .prose-comment:
        // re-rendered in place, appended, or arriving inside a new text item.
        const block = (n) => { B.blockRenders++; B.blockChars += n.textContent.length; };
        if (el.parentElement && el.parentElement.classList.contains("prose-comment") && r.addedNodes.length) block(el);
        else for (const n of r.addedNodes) {
          if (n.nodeType !== 1) continue;
          if (el.classList.contains("prose-comment")) block(n);
          else for (const d of n.querySelectorAll(".prose-comment > div")) block(d);
        }
      }
    }
    return touched;
  };

  const OPTS = { childList: true, subtree: true, characterData: true, attributes: true };
  let attrib = null;
  let bursts = null;

  B.start = (cards, finals) => {
    B.cards = cards;
    B.finals = finals;
    const root = document.querySelector('section[aria-label="Activity"]') || document.body;
    attrib = new MutationObserver((records) => {
      if (!B.recording) return;
      B.otherMutations += attribute(records, now()).size;
    });
    bursts = new MutationObserver((records) => {
      if (!B.recording) return;
      const seen = new Set();
      for (const r of records) {
        const li = elementOf(r.target) && elementOf(r.target).closest("li[data-session-id]");
        const c = li ? B.cards.indexOf(li.getAttribute("data-session-id")) : -1;
        if (c >= 0 && !seen.has(c)) { seen.add(c); B.bursts.push(B.frame, c); }
      }
    });
    attrib.observe(root, OPTS);
    bursts.observe(root, OPTS);
    onCommit = () => {
      if (!B.recording) return;
      const t = now();
      B.commits.push(B.frame, t);
      for (const [c, content] of attribute(attrib.takeRecords(), t)) B.touches.push(B.frame, c, content, t);
    };
    B.longTasks.length = 0;
    B.firstFrame = B.frame;
    B.t0 = now();
    B.recording = true;
  };

  B.openStreams = () => B.sources.filter((s) => s.es.readyState === 1).map((s) => s.id);

  B.finished = () =>
    B.cards.every((id) => B.finals[id] in B.markers && document.querySelector('li[data-session-id="' + id + '"]')?.getAttribute("data-status") === "completed");

  B.stop = () => {
    B.recording = false;
    B.t1 = now();
    onCommit = null;
    if (attrib) attrib.disconnect();
    if (bursts) bursts.disconnect();
    return {
      t0: B.t0, t1: B.t1, frames: B.frames, commits: B.commits, touches: B.touches, bursts: B.bursts,
      otherMutations: B.otherMutations, blockRenders: B.blockRenders, blockChars: B.blockChars, longTasks: B.longTasks, markers: B.markers, arrivals: B.arrivals,
      firstFrame: B.firstFrame, hookCommits: B.hookCommits,
    };
  };

  /** The text blocks of a card (not its tool rows, header or footer), in order. */
  B.cardText = (id) =>
    [...document.querySelectorAll('li[data-session-id="' + id + '"] .prose-comment:not([data-testid="agent-answer"])')].map((e) => e.innerText).join("\n");
})();`;
