"use client";

import { useEffect, useState } from "react";
import { askNotificationPermission, notificationPermission } from "./browser-notification";

/** Offers browser notifications for agent endings while the tab is hidden; asks the browser once, on click. */
export function NotifyToggle() {
  const [permission, setPermission] = useState<ReturnType<typeof notificationPermission> | null>(null);
  useEffect(() => setPermission(notificationPermission()), []);
  if (permission === null || permission === "unsupported") return null;
  if (permission === "granted") return <span className="text-xs text-slate-500">Browser notifications on</span>;
  if (permission === "denied") return <span className="text-xs text-slate-500" title="Allow notifications for this site in the browser's settings">Browser notifications blocked</span>;
  return (
    <button type="button" className="btn-secondary" onClick={async () => setPermission(await askNotificationPermission())}>
      Notify me when my agents finish
    </button>
  );
}
