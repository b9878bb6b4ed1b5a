import type { InboxEntry } from "@/lib/inbox/view";

/** The browser's calls to the inbox routes; each returns null when the request failed. */
const base = (slug: string) => `/api/workspaces/${encodeURIComponent(slug)}/inbox`;

async function call<T>(url: string, init?: RequestInit): Promise<T | null> {
  const res = await fetch(url, { cache: "no-store", ...init }).catch(() => null);
  return res?.ok ? ((await res.json()) as T) : null;
}

const json = (method: string, body: unknown): RequestInit => ({ method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

export const inboxApi = {
  unread: (slug: string) => call<{ items: InboxEntry[]; unread: number }>(`${base(slug)}?unread=1&limit=10`),
  markRead: (slug: string, id: string, read: boolean) => call<{ id: string; read: boolean; unread: number }>(`${base(slug)}/${encodeURIComponent(id)}`, json("PATCH", { read })),
  markAllRead: (slug: string) => call<{ marked: number; unread: number }>(`${base(slug)}/read-all`, { method: "POST" }),
};

/** Tells the sidebar's count that the inbox page changed it (same tab). */
export const INBOX_CHANGED = "dispatch:inbox-changed";
export const announceUnread = (unread: number) => window.dispatchEvent(new CustomEvent<number>(INBOX_CHANGED, { detail: unread }));
