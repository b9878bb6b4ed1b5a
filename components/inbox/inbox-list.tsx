"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { StatusBadge } from "@/components/agents/status-badge";
import { EmptyState } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import type { SessionStatus } from "@/db/schema";
import type { InboxEntry } from "@/lib/inbox/view";
import { announceUnread, inboxApi } from "./inbox-api";

const KIND_LABEL: Record<InboxEntry["kind"], string> = { agent_finished: "Agent", mention: "Mention", assigned_issue: "Assigned", needs_answer: "Question" };

/** The inbox: newest first, unread ones marked; opening an item marks it read. */
export function InboxList({ slug, items: initial }: { slug: string; items: InboxEntry[] }) {
  const router = useRouter();
  const [items, setItems] = useState(initial);
  useEffect(() => setItems(initial), [initial]);
  const [busy, setBusy] = useState(false);
  const unread = items.filter((i) => !i.read).length;

  const setRead = async (id: string, read: boolean) => {
    setItems((all) => all.map((i) => (i.id === id ? { ...i, read } : i)));
    const r = await inboxApi.markRead(slug, id, read);
    if (r) announceUnread(r.unread);
    else setItems((all) => all.map((i) => (i.id === id ? { ...i, read: !read } : i)));
  };
  const markAll = async () => {
    setBusy(true);
    const r = await inboxApi.markAllRead(slug);
    setBusy(false);
    if (!r) return;
    setItems((all) => all.map((i) => ({ ...i, read: true })));
    announceUnread(r.unread);
    router.refresh();
  };

  if (items.length === 0) {
    return (
      <EmptyState title="Nothing in your inbox">
        When an agent you started finishes or fails, or someone mentions you, it shows here.
      </EmptyState>
    );
  }
  return (
    <section aria-label="Inbox items">
      <div className="mb-3 flex items-center justify-between">
        <p className="text-sm text-slate-500" data-testid="inbox-summary">
          {unread === 0 ? "All read" : `${unread} unread`}
        </p>
        <button type="button" className="btn-secondary" onClick={markAll} disabled={busy || unread === 0}>
          Mark all read
        </button>
      </div>
      <ul className="divide-y divide-slate-100 overflow-hidden rounded-lg border border-slate-200 bg-white">
        {items.map((item) => (
          <li key={item.id} className={`group flex items-center gap-3 px-4 py-3 ${item.read ? "" : "bg-indigo-50/40"}`} data-read={item.read} aria-label={item.title}>
            <span aria-hidden className={`h-2 w-2 shrink-0 rounded-full ${item.read ? "bg-transparent" : "bg-indigo-500"}`} />
            <Link href={item.href} prefetch={false} className="min-w-0 flex-1" onClick={() => !item.read && void setRead(item.id, true)}>
              <p className={`truncate text-sm ${item.read ? "text-slate-600" : "font-medium text-slate-900"}`}>{item.title}</p>
              <p className="mt-0.5 truncate text-xs text-slate-500">
                <span className="font-mono">{item.issueKey}</span> · {item.issueTitle}
              </p>
            </Link>
            {item.status ? <StatusBadge status={item.status as SessionStatus} /> : <span className="rounded bg-slate-100 px-1.5 py-0.5 text-[11px] font-medium text-slate-600">{KIND_LABEL[item.kind]}</span>}
            <span className="w-24 shrink-0 text-right text-xs text-slate-400">
              <RelativeTime date={item.createdAt} />
            </span>
            <button
              type="button"
              className="btn-ghost shrink-0 px-2 py-1 text-xs"
              onClick={() => void setRead(item.id, !item.read)}
              aria-label={item.read ? `Mark "${item.title}" unread` : `Mark "${item.title}" read`}
            >
              {item.read ? "Mark unread" : "Mark read"}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
