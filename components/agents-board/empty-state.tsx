import Link from "next/link";
import { EmptyState } from "@/components/ui/page-header";

export function BoardEmptyState({ slug, filtered }: { slug: string; filtered: boolean }) {
  return filtered ? (
    <EmptyState title="No agent sessions match these filters">
      <Link href={`/${slug}/agents`} className="text-indigo-600 hover:underline">
        Clear the filters
      </Link>
    </EmptyState>
  ) : (
    <EmptyState title="No agent sessions yet">
      Mention an agent in an issue comment, e.g. <code className="rounded bg-slate-100 px-1 font-mono text-xs">@claude fix the failing test</code>; its runs show here.
    </EmptyState>
  );
}
