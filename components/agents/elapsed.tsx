"use client";

import { useEffect, useState } from "react";
import { formatDuration } from "@/lib/sessions/format";

/** Time since `from`, ticking each second while `to` is unknown. */
export function Elapsed({ from, to }: { from: string; to: string | null }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (to) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [to]);
  const ms = (to ? new Date(to).getTime() : now) - new Date(from).getTime();
  return (
    <span className="tabular-nums" suppressHydrationWarning>
      {formatDuration(ms)}
    </span>
  );
}
