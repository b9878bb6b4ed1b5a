import type { ApiClient, Json } from "./api-client";

// Helpers for tests that run real agents on the e2e server (see global-setup.ts): connect a
// provider, wait for a session, read its Server-Sent Events, see what the scripted APIs received.

const ws = (slug: string, rest: string) => `/api/workspaces/${slug}${rest}`;

/**
 * Connects a provider the way an admin does with a pasted token (`claude setup-token`'s
 * `sk-ant-oat01-…`, or a Google `ya29.…` access token): PUT …/agent/config/token/{provider}.
 * Throws with the answer when it is not a 2xx.
 */
export async function connectProvider(api: ApiClient, slug: string, providerSlug: string, token: string): Promise<Json> {
  const res = await api.request("PUT", ws(slug, `/agent/config/token/${providerSlug}`), { json: { token } });
  if (res.status < 200 || res.status > 299) throw new Error(`connecting ${providerSlug} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`);
  return res.body;
}

const TERMINAL = ["completed", "failed", "cancelled", "timed_out"];

/** Polls GET …/agent/sessions/{id} until its status is one of `statuses` (throws at once on another terminal one); the session JSON. */
export async function waitForSession(api: ApiClient, slug: string, id: string, statuses: string[], timeoutMs = 60_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  let last: Json = null;
  for (;;) {
    const res = await api.get(ws(slug, `/agent/sessions/${id}`));
    if (res.status !== 200) throw new Error(`GET session ${id} answered ${res.status}: ${JSON.stringify(res.body)}`);
    last = res.body.session;
    if (statuses.includes(last.status)) return last;
    // Terminal states never change: waiting longer cannot help.
    if (TERMINAL.includes(last.status)) throw new Error(`session ${id} ended ${last.status} while waiting for ${statuses.join(" | ")}: ${JSON.stringify(last)}`);
    if (Date.now() > deadline) throw new Error(`session ${id} did not reach ${statuses.join(" | ")} within ${timeoutMs / 1000} s: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** One Server-Sent Event as received: `id:`, `event:` and the JSON of `data:`. */
export type StreamEvent = { id: string | null; event: string; data: Json };
export type StreamResult = { status: number; contentType: string | null; events: StreamEvent[]; comments: string[]; ended: "closed" | "stopped" };

/**
 * GET …/agent/sessions/{id}/stream with the given cookie (and `Last-Event-ID` when set), parsed
 * until the server closes the stream, or until `until` returns true for an event (then the
 * request is aborted, as a browser tab going away would). Throws after `timeoutMs` with what arrived.
 */
export async function readStream(
  baseUrl: string,
  cookie: string,
  slug: string,
  id: string,
  opts: { lastEventId?: number | string; until?: (e: StreamEvent, all: StreamEvent[]) => boolean; timeoutMs?: number } = {},
): Promise<StreamResult> {
  const headers: Record<string, string> = { cookie, accept: "text/event-stream" };
  if (opts.lastEventId !== undefined) headers["last-event-id"] = String(opts.lastEventId);
  const abort = new AbortController();
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, timeoutMs);
  const result: StreamResult = { status: 0, contentType: null, events: [], comments: [], ended: "closed" };
  try {
    const res = await fetch(new URL(ws(slug, `/agent/sessions/${id}/stream`), baseUrl), { headers, signal: abort.signal, redirect: "manual" });
    result.status = res.status;
    result.contentType = res.headers.get("content-type");
    if (!res.ok || !res.body) {
      result.comments.push(await res.text());
      return result;
    }
    const parser = new SseParser();
    const decoder = new TextDecoder();
    read: for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      for (const item of parser.push(decoder.decode(chunk, { stream: true }))) {
        if ("comment" in item) {
          result.comments.push(item.comment);
          continue;
        }
        result.events.push(item);
        if (opts.until?.(item, result.events)) {
          result.ended = "stopped";
          break read; // leaving the loop cancels the body: the connection closes
        }
      }
    }
    return result;
  } catch (err) {
    if (timedOut) throw new Error(`the stream of session ${id} did not end within ${timeoutMs / 1000} s; received ${JSON.stringify(result.events)}`);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** The text/event-stream format: fields until a blank line; `:` lines are comments; data lines join with \n. */
class SseParser {
  private buffer = "";
  private id: string | null = null;
  private event = "";
  private data: string[] = [];

  push(text: string): (StreamEvent | { comment: string })[] {
    this.buffer += text;
    const out: (StreamEvent | { comment: string })[] = [];
    let nl: number;
    while ((nl = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + (this.buffer.startsWith("\r\n", nl) ? 2 : 1));
      if (line === "") {
        if (this.data.length) out.push({ id: this.id, event: this.event || "message", data: JSON.parse(this.data.join("\n")) });
        this.event = "";
        this.data = [];
        continue;
      }
      if (line.startsWith(":")) {
        out.push({ comment: line.slice(1).trim() });
        continue;
      }
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "id") this.id = value;
      else if (field === "event") this.event = value;
      else if (field === "data") this.data.push(value);
    }
    return out;
  }
}

/** A request one of the scripted model APIs received (see tests/support/anthropic-api.ts). */
export type ModelApiRequest = { path: string; headers: Record<string, string | string[] | undefined>; body: Json };

/** What a scripted model API started by the global setup has received so far (its test-only GET /__requests). */
export async function modelApiRequests(apiUrl: string): Promise<ModelApiRequest[]> {
  const res = await fetch(new URL("/__requests", apiUrl));
  if (!res.ok) throw new Error(`GET ${apiUrl}/__requests answered ${res.status}`);
  return ((await res.json()) as { requests: ModelApiRequest[] }).requests;
}
