"use client";

import { usePathname } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import type { InboxEntry } from "@/lib/inbox/view";
import { INBOX_CHANGED, inboxApi } from "./inbox-api";
import { notifyAgentEnded } from "./browser-notification";

/** How often the count is re-read while the page is open (a cheap indexed count; the page render reads it too). */
const REFRESH_MS = 20_000;

/**
 * The sidebar's unread count: first from the page render, then re-read on navigation, when the
 * tab comes back, every REFRESH_MS, and at once when the inbox page changes it. New agent items
 * that arrive while the tab is hidden raise a browser notification (when the person allowed it).
 */
export function useInboxCount(slug: string, initial: number): number {
  const [unread, setUnread] = useState(initial);
  const pathname = usePathname();
  const seen = useRef<Set<string> | null>(null);

  useEffect(() => setUnread(initial), [initial]);

  useEffect(() => {
    let stopped = false;
    // A read that started before the inbox page changed the count would bring the old number back.
    let changes = 0;
    const refresh = async () => {
      const before = changes;
      const r = await inboxApi.unread(slug);
      if (!r || stopped || before !== changes) return;
      setUnread(r.unread);
      const known = seen.current;
      seen.current = new Set(r.items.map((i) => i.id));
      // The first read only learns what is there; later ones tell about what is new.
      if (known && document.hidden) r.items.filter((i: InboxEntry) => i.kind === "agent_finished" && !known.has(i.id)).forEach(notifyAgentEnded);
    };
    void refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    const onVisible = () => document.visibilityState === "visible" && void refresh();
    const onChanged = (e: Event) => {
      changes++;
      setUnread((e as CustomEvent<number>).detail);
    };
    document.addEventListener("visibilitychange", onVisible);
    window.addEventListener(INBOX_CHANGED, onChanged);
    return () => {
      stopped = true;
      clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
      window.removeEventListener(INBOX_CHANGED, onChanged);
    };
  }, [slug, pathname]);

  return unread;
}
