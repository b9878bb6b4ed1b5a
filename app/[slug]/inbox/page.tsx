import type { Metadata } from "next";
import { getDb } from "@/db/client";
import { InboxList } from "@/components/inbox/inbox-list";
import { NotifyToggle } from "@/components/inbox/notify-toggle";
import { PageHeader } from "@/components/ui/page-header";
import { getInbox } from "@/lib/inbox/service";
import { requireWorkspacePage } from "@/lib/workspaces/page-context";

export const metadata: Metadata = { title: "Inbox" };
export const dynamic = "force-dynamic";

export default async function InboxPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { ctx } = await requireWorkspacePage(slug, `/${slug}/inbox`);
  const inbox = await getInbox(getDb(), ctx);
  return (
    <>
      <PageHeader title="Inbox" subtitle={`Your agents' runs, mentions of you and your issues in ${ctx.workspace.name}`} actions={<NotifyToggle />} />
      <main className="mx-auto max-w-4xl px-8 py-8">
        <InboxList slug={slug} items={inbox.items} />
      </main>
    </>
  );
}
