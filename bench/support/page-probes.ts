// In-page instruments for the timeline benchmark, installed with addInitScript before the app's
// own scripts run. They are functions, not strings: the app's Content-Security-Policy forbids
// eval, so everything the bench runs in the page goes through page.evaluate(fn) / addInitScript(fn)
// (DevTools protocol calls that CSP does not govern). tsx (esbuild with keepNames) wraps named
// inner functions in `__name(...)`; `installNameShim` runs first and provides it in the page.
//
//   - a requestAnimationFrame loop: frame numbers and frame start times;
//   - a stub React DevTools hook: React DOM (production builds too) reports every commit to it;
//   - MutationObservers on the timeline: each commit's DOM changes are attributed to the cards
//     they touched (taken synchronously in the commit hook), and, separately, the observer's own
//     callbacks per card are counted per frame (one burst of mutations ≈ one commit);
//   - marker words (`qz…zq`) found in inserted text: when a piece of text reached the DOM;
//   - an EventSource wrapper that records every event type the app listens to, whatever the
//     transport's URLs: the session comes from the event's data (`"sessionId"`) or, failing that,
//     from a `/sessions/<id>/` URL; the sequence number from the data's `"seq"` or the SSE id;
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
  /** Session id → sequence number, arrival time. Flat pairs. */
  arrivals: Record<string, number[]>;
  /** Frame number at start, and whether React reported commits to the hook at all. */
  firstFrame: number;
  hookCommits: number;
  /** The long-task observer could be installed. */
  longTaskTiming: boolean;
};

/** Card id → the text its transcript shows (see `cardText`). */
export type CardTexts = Record<string, string>;

type Probes = {
  recording: boolean;
  frame: number;
  t0: number;
  t1: number;
  firstFrame: number;
  hookCommits: number;
  longTaskTiming: boolean;
  otherMutations: number;
  blockRenders: number;
  blockChars: number;
  frames: number[];
  commits: number[];
  touches: number[];
  bursts: number[];
  longTasks: number[];
  markers: Record<string, number>;
  arrivals: Record<string, number[]>;
  sources: EventSource[];
  cards: string[];
  finals: Record<string, string>;
  start(cards: string[], finals: Record<string, string>): void;
  stop(): ProbeData;
  /** EventSources the page opened: how many are open, how many still connecting. */
  streams(): { open: number; connecting: number };
  /** Every card has its last text piece in the page and says "completed". */
  finished(): boolean;
  cardText(id: string): string;
};

declare global {
  interface Window {
    __bench?: Probes;
    __REACT_DEVTOOLS_GLOBAL_HOOK__?: unknown;
  }
}

/** esbuild's keepNames helper, for functions compiled by tsx that run in the page. */
export function installNameShim() {
  (globalThis as Record<string, unknown>).__name = (f: unknown) => f;
}

export function installProbes() {
  if (window.__bench) return;
  const now = () => performance.timeOrigin + performance.now();
  const B: Probes = {
    recording: false,
    frame: 0,
    t0: 0,
    t1: 0,
    firstFrame: 0,
    hookCommits: 0,
    longTaskTiming: false,
    otherMutations: 0,
    blockRenders: 0,
    blockChars: 0,
    frames: [],
    commits: [],
    touches: [],
    bursts: [],
    longTasks: [],
    markers: {},
    arrivals: {},
    sources: [],
    cards: [],
    finals: {},
    start: () => undefined,
    stop: () => {
      throw new Error("not started");
    },
    streams: () => ({ open: 0, connecting: 0 }),
    finished: () => false,
    cardText: () => "",
  };
  window.__bench = B;

  let onCommit: (() => void) | null = null;
  window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    isDisabled: false,
    renderers: new Map(),
    inject(this: { renderers: Map<number, unknown> }, internals: unknown) {
      const id = this.renderers.size + 1;
      this.renderers.set(id, internals);
      return id;
    },
    onCommitFiberRoot() {
      B.hookCommits++;
      if (onCommit) onCommit();
    },
    onCommitFiberUnmount() {},
    onPostCommitFiberRoot() {},
    checkDCE() {},
    on() {},
    off() {},
    emit() {},
    sub() {
      return () => {};
    },
  };

  // Records each event type the app subscribes to, once per EventSource.
  const NativeES = window.EventSource;
  // Read with two small regular expressions, not JSON.parse: the probe runs for every event, in the
  // page's own SSE task, and must not add much to what it measures.
  const SESSION = /"sessionId":"([^"]+)"/;
  const SEQ = /"seq":(\d+)/;
  const record = (es: EventSource, e: Event) => {
    const m = e as MessageEvent;
    if (!B.recording || typeof m.data !== "string") return;
    const fromUrl = /\/sessions\/([^/?]+)\//.exec(es.url)?.[1];
    const id = SESSION.exec(m.data)?.[1] ?? (fromUrl ? decodeURIComponent(fromUrl) : "?");
    const seq = Number(SEQ.exec(m.data)?.[1] ?? m.lastEventId);
    (B.arrivals[id] ??= []).push(seq, now());
  };
  type Add = (type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions) => void;
  class ProbedEventSource extends NativeES {
    constructor(url: string | URL, init?: EventSourceInit) {
      super(url, init);
      B.sources.push(this);
      const native = this.addEventListener.bind(this) as Add;
      const probed = new Set<string>();
      const add: Add = (type, listener, options) => {
        if (type !== "open" && type !== "error" && !probed.has(type)) {
          probed.add(type);
          native(type, (e) => record(this, e));
        }
        native(type, listener, options);
      };
      (this as unknown as { addEventListener: Add }).addEventListener = add;
    }
  }
  window.EventSource = ProbedEventSource;

  const tick = (ts: number) => {
    B.frame++;
    if (B.recording) B.frames.push(performance.timeOrigin + ts);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);

  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) B.longTasks.push(performance.timeOrigin + e.startTime, e.duration);
    }).observe({ type: "longtask", buffered: true });
    B.longTaskTiming = PerformanceObserver.supportedEntryTypes.includes("longtask");
  } catch {
    // no long-task timing in this browser: the row stays empty
  }

  const MARK = /qz\d+k\d+zq/g;
  const elementOf = (n: Node) => (n.nodeType === 1 ? (n as Element) : n.parentElement);
  const scan = (text: string | null, t: number) => {
    if (!text || text.indexOf("qz") < 0) return;
    MARK.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = MARK.exec(text))) if (!(m[0] in B.markers)) B.markers[m[0]] = t;
  };
  // A streamed markdown block: an element whose HTML is set whole, marked `data-md-block` (before
  // that, any <div> directly inside a text's .prose-comment).
  const BLOCK = "[data-md-block], .prose-comment > div:not([data-md-chunk])";
  const block = (n: Element) => {
    B.blockRenders++;
    B.blockChars += n.textContent?.length ?? 0;
  };
  /** Card index → 1 if a change was more than the elapsed-time clock, else 0. */
  const attribute = (records: MutationRecord[], t: number) => {
    const touched = new Map<number, number>();
    for (const r of records) {
      const el = elementOf(r.target);
      const li = el?.closest("li[data-session-id]");
      if (!el || !li) continue;
      const c = B.cards.indexOf(li.getAttribute("data-session-id") ?? "");
      if (c < 0) continue;
      const content = el.closest(".tabular-nums") ? 0 : 1;
      touched.set(c, Math.max(touched.get(c) ?? 0, content));
      if (r.type === "characterData") scan((r.target as CharacterData).data, t);
      else if (r.type === "childList") {
        for (const n of r.addedNodes) scan(n.textContent, t);
        if (!r.addedNodes.length) continue;
        const host = el.closest(BLOCK);
        if (host) block(host); // re-rendered in place
        else
          for (const n of r.addedNodes) {
            if (n.nodeType !== 1) continue;
            const e = n as Element;
            if (e.matches(BLOCK)) block(e);
            else for (const d of e.querySelectorAll(BLOCK)) block(d);
          }
      }
    }
    return touched;
  };

  const OPTS = { childList: true, subtree: true, characterData: true, attributes: true };
  let attrib: MutationObserver | null = null;
  let bursts: MutationObserver | null = null;

  B.start = (cards, finals) => {
    B.cards = cards;
    B.finals = finals;
    const root = document.querySelector('section[aria-label="Activity"]') ?? document.body;
    attrib = new MutationObserver((records) => {
      if (!B.recording) return;
      B.otherMutations += attribute(records, now()).size;
    });
    bursts = new MutationObserver((records) => {
      if (!B.recording) return;
      const seen = new Set<number>();
      for (const r of records) {
        const li = elementOf(r.target)?.closest("li[data-session-id]");
        const c = li ? B.cards.indexOf(li.getAttribute("data-session-id") ?? "") : -1;
        if (c >= 0 && !seen.has(c)) {
          seen.add(c);
          B.bursts.push(B.frame, c);
        }
      }
    });
    attrib.observe(root, OPTS);
    bursts.observe(root, OPTS);
    onCommit = () => {
      if (!B.recording || !attrib) return;
      const t = now();
      B.commits.push(B.frame, t);
      for (const [c, content] of attribute(attrib.takeRecords(), t)) B.touches.push(B.frame, c, content, t);
    };
    B.longTasks.length = 0;
    B.firstFrame = B.frame;
    B.t0 = now();
    B.recording = true;
  };

  B.streams = () => ({
    open: B.sources.filter((s) => s.readyState === NativeES.OPEN).length,
    connecting: B.sources.filter((s) => s.readyState === NativeES.CONNECTING).length,
  });

  B.finished = () =>
    B.cards.every((id) => (B.finals[id] ?? "") in B.markers && document.querySelector(`li[data-session-id="${id}"]`)?.getAttribute("data-status") === "completed");

  B.stop = () => {
    B.recording = false;
    B.t1 = now();
    onCommit = null;
    attrib?.disconnect();
    bursts?.disconnect();
    return {
      t0: B.t0,
      t1: B.t1,
      frames: B.frames,
      commits: B.commits,
      touches: B.touches,
      bursts: B.bursts,
      otherMutations: B.otherMutations,
      blockRenders: B.blockRenders,
      blockChars: B.blockChars,
      longTasks: B.longTasks,
      markers: B.markers,
      arrivals: B.arrivals,
      firstFrame: B.firstFrame,
      hookCommits: B.hookCommits,
      longTaskTiming: B.longTaskTiming,
    };
  };

  /**
   * The text blocks of a card (not its tool rows, header or footer), in order, as rendered
   * (innerText). innerText leaves out what `content-visibility: auto` skips off screen, so such
   * parts are made visible while reading: the text a reader sees scrolling through the card.
   */
  B.cardText = (id) => {
    const blocks = [...document.querySelectorAll<HTMLElement>(`li[data-session-id="${id}"] .prose-comment:not([data-testid="agent-answer"])`)];
    const skipped = blocks.flatMap((b) => [...b.querySelectorAll<HTMLElement>("*")].filter((e) => getComputedStyle(e).contentVisibility === "auto"));
    for (const e of skipped) e.style.contentVisibility = "visible";
    try {
      return blocks.map((e) => e.innerText).join("\n");
    } finally {
      for (const e of skipped) e.style.contentVisibility = "";
    }
  };
}
