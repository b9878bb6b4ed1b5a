/**
 * A client's "last event I have" number as sent (`Last-Event-ID`, `?session=<id>@<n>`): plain
 * digits, or null. Any length is accepted and capped; callers clamp it to the log's end, so a
 * number beyond it means "from now" rather than an error or a query the database refuses.
 */
export function eventCount(raw: string): number | null {
  if (!/^\d{1,100}$/.test(raw)) return null;
  return Math.min(Number(raw), Number.MAX_SAFE_INTEGER);
}
