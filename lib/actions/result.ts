import type { ErrorBody } from "@/lib/errors";

/** What every server action returns: thrown messages are hidden by Next in production, so errors are values. */
export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
