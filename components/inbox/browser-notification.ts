import type { InboxEntry } from "@/lib/inbox/view";

/** Whether this browser can show notifications and what the person said when asked. */
export function notificationPermission(): NotificationPermission | "unsupported" {
  return typeof window !== "undefined" && "Notification" in window ? Notification.permission : "unsupported";
}

/** Asked once, from a click (browsers ignore requests that no gesture started). */
export async function askNotificationPermission(): Promise<NotificationPermission | "unsupported"> {
  if (notificationPermission() === "unsupported") return "unsupported";
  return Notification.requestPermission();
}

/** "Claude Opus finished — WEB-12 Fix the totals"; clicking it brings the tab to the card. */
export function notifyAgentEnded(item: InboxEntry): void {
  if (notificationPermission() !== "granted") return;
  const n = new Notification(item.title, { body: `${item.issueKey} ${item.issueTitle}`, tag: item.id });
  n.onclick = () => {
    window.focus();
    window.location.assign(item.href);
    n.close();
  };
}
