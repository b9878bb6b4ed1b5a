import { getDb } from "@/db/client";
import { StoreProvider } from "@/stores/store-provider";
import { WorkspaceSidebar } from "@/components/workspace/sidebar";
import { requireWorkspacePage } from "@/lib/workspaces/page-context";
import { getUnreadCount } from "@/lib/inbox/service";
import { getProjects } from "@/lib/projects/service";

export default async function WorkspaceLayout({ children, params }: { children: React.ReactNode; params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { user, ctx } = await requireWorkspacePage(slug, `/${slug}`);
  const [projects, unread] = await Promise.all([getProjects(getDb(), ctx), getUnreadCount(getDb(), ctx)]);
  return (
    <div className="flex min-h-screen">
      <WorkspaceSidebar
        workspace={{ slug: ctx.workspace.slug, name: ctx.workspace.name }}
        role={ctx.role}
        user={{ name: user.name, email: user.email }}
        projects={projects.map((p) => ({ identifier: p.identifier, name: p.name, openIssues: p.openIssues }))}
        unread={unread}
      />
      <div className="min-w-0 flex-1">
        <StoreProvider>{children}</StoreProvider>
      </div>
    </div>
  );
}
