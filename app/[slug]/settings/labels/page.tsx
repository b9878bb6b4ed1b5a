import type { Metadata } from "next";
import { getDb } from "@/db/client";
import { LabelsManager } from "@/components/settings/labels-manager";
import { SettingsNav } from "@/components/settings/settings-nav";
import { PageHeader } from "@/components/ui/page-header";
import { getLabels } from "@/lib/issues/labels";
import { hasRole } from "@/lib/workspaces/access";
import { requireWorkspacePage } from "@/lib/workspaces/page-context";

export const metadata: Metadata = { title: "Labels" };

export default async function LabelsSettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { ctx } = await requireWorkspacePage(slug, `/${slug}/settings/labels`);
  const labels = await getLabels(getDb(), ctx);
  return (
    <>
      <PageHeader title="Labels" subtitle={`The labels issues of ${ctx.workspace.name} can carry`} />
      <SettingsNav slug={slug} current="labels" />
      <main className="mx-auto max-w-4xl space-y-6 px-8 py-8">
        <LabelsManager
          slug={slug}
          labels={labels.map((l) => ({ id: l.id, name: l.name, color: l.color }))}
          canCreate={hasRole(ctx, "member")}
          canDelete={hasRole(ctx, "admin")}
        />
      </main>
    </>
  );
}
