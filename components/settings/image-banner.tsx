"use client";

import { useEffect, useState } from "react";
import type { ImageNotice } from "@/lib/agents/image-status";

const POLL_MS = 3_000;

/**
 * Settings → Agents: "Preparing the Claude image… 40%" while the server builds a missing agent
 * image (re-read every few seconds until done), why a build failed, or that Docker is missing.
 */
export function ImageBanner({ slug, notices: initial }: { slug: string; notices: ImageNotice[] }) {
  const [notices, setNotices] = useState(initial);
  const building = notices.some((n) => n.kind === "building");
  useEffect(() => {
    if (!building) return;
    const t = setInterval(async () => {
      const res = await fetch(`/api/workspaces/${encodeURIComponent(slug)}/agent/images`, { cache: "no-store" }).catch(() => null);
      if (res?.ok) setNotices(((await res.json()) as { notices: ImageNotice[] }).notices);
    }, POLL_MS);
    return () => clearInterval(t);
  }, [slug, building]);

  if (notices.length === 0) return null;
  return (
    <div className="space-y-3">
      {notices.map((n) =>
        n.kind === "docker_unreachable" ? (
          <div key="docker" role="alert" data-testid="docker-unreachable" className="rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
            <p className="font-medium">Docker is not reachable: agents cannot run yet</p>
            <p className="mt-0.5">{n.message}</p>
          </div>
        ) : n.kind === "building" ? (
          <div key={n.image} role="status" data-testid="image-building" className="rounded-md border border-indigo-200 bg-indigo-50 px-4 py-3 text-sm text-indigo-900">
            <div className="flex items-baseline justify-between gap-3">
              <p className="font-medium">
                Preparing the {n.label} image… {n.percent}%
              </p>
              {n.step && <p className="truncate text-xs text-indigo-700/80">{n.step}</p>}
            </div>
            <div className="mt-2 h-1.5 overflow-hidden rounded-full bg-indigo-100" aria-hidden>
              <div className="h-full rounded-full bg-indigo-500 transition-all" style={{ width: `${n.percent}%` }} />
            </div>
            <p className="mt-1.5 text-xs text-indigo-700/80">The first mention of {n.label} runs as soon as it is ready; you can connect the provider meanwhile.</p>
          </div>
        ) : (
          <div key={n.image} role="alert" data-testid="image-failed" className="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
            <p className="font-medium">The {n.label} image could not be built</p>
            <p className="mt-0.5 break-words">{n.message}</p>
          </div>
        ),
      )}
    </div>
  );
}
