import type { Metadata } from "next";
import { getDb } from "@/db/client";
import { PageHeader } from "@/components/ui/page-header";
import { MembersManager } from "@/components/workspace/members-manager";
import { requireWorkspacePage } from "@/lib/workspaces/page-context";
import { getMembers } from "@/lib/workspaces/service";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { ctx } = await requireWorkspacePage(slug, `/${slug}/members`);
  const members = await getMembers(getDb(), ctx);
  return (
    <>
      <PageHeader title="Members" subtitle={`${members.length} ${members.length === 1 ? "person" : "people"} in ${ctx.workspace.name}`} />
      <main className="mx-auto max-w-3xl px-8 py-8">
        <MembersManager
          slug={slug}
          isAdmin={ctx.role === "admin"}
          currentUserId={ctx.userId}
          members={members.map((m) => ({ userId: m.userId, name: m.name, email: m.email, role: m.role }))}
        />
      </main>
    </>
  );
}
