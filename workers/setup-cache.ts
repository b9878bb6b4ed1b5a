import { createHash } from "node:crypto";
import type http from "node:http";

export type CachedReply = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

const MAX_ENTRIES = 500;
const MAX_BODY = 64 * 1024;

/** A start-up call whose reply may be kept, and for how long. */
export type SetupCall = { path: string; keepMs: number };

/**
 * Replies to a CLI's start-up calls (Gemini CLI: its Code Assist set-up, experiment flags and quota),
 * kept per credential and request: the CLI waits on them one after another before it prints
 * anything, a round trip to Google apiece, and they answer alike for runs with the same token (the
 * quota, asked three times in one start, for a short while only). Keyed by a hash of the credential
 * the worker adds, so nothing is shared between workspaces, and a refreshed or reconnected token
 * starts afresh.
 */
export class SetupReplyCache {
  private readonly entries = new Map<string, CachedReply & { until: number }>();

  constructor(private readonly now = () => Date.now()) {}

  static key(credential: Record<string, string>, path: string, body: Buffer): string {
    return createHash("sha256").update(JSON.stringify(credential)).update("\0").update(path).update("\0").update(body).digest("hex");
  }

  get(key: string): CachedReply | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (this.now() > hit.until) {
      this.entries.delete(key);
      return undefined;
    }
    return hit;
  }

  /** Only whole successful replies of a modest size are kept. */
  set(key: string, reply: CachedReply, keepMs: number): void {
    if (reply.status !== 200 || reply.body.length > MAX_BODY) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { ...reply, until: this.now() + keepMs });
  }
}

/** The worker's one cache, shared by its sessions (each looks up under its own credential). */
export const setupReplies = new SetupReplyCache();
