import Link from "next/link";

/** The result of coming back from an OAuth authorization page, at the top of a settings page, with a Dismiss link. */
export function OutcomeBanner(props: { ok: boolean; title: string; body: string; outcome: string; testId: string; dismissHref: string }) {
  return (
    <div
      role={props.ok ? "status" : "alert"}
      data-testid={props.testId}
      data-outcome={props.outcome}
      className={`flex items-start gap-3 rounded-md border px-4 py-3 text-sm ${props.ok ? "border-emerald-200 bg-emerald-50 text-emerald-900" : "border-amber-200 bg-amber-50 text-amber-900"}`}
    >
      <div className="min-w-0 flex-1">
        <p className="font-medium">{props.title}</p>
        <p className="mt-0.5">{props.body}</p>
      </div>
      <Link href={props.dismissHref} className="shrink-0 text-xs underline underline-offset-2" aria-label="Dismiss this message">
        Dismiss
      </Link>
    </div>
  );
}
