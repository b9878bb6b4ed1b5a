"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { useInboxCount } from "@/components/inbox/use-inbox-count";
import { Avatar } from "@/components/ui/avatar";
import { Logo } from "@/components/ui/logo";

type Props = {
  workspace: { slug: string; name: string };
  role: "admin" | "member" | "guest";
  user: { name: string; email: string };
  projects: { identifier: string; name: string; openIssues: number }[];
  /** Unread inbox items when the page was rendered; kept fresh by useInboxCount. */
  unread: number;
};

export function WorkspaceSidebar({ workspace, role, user, projects, unread: initialUnread }: Props) {
  const pathname = usePathname();
  const unread = useInboxCount(workspace.slug, initialUnread);
  const link = (href: string, exact = false) => {
    const active = exact ? pathname === href : pathname === href || pathname.startsWith(`${href}/`);
    return `flex items-center justify-between rounded-md px-2 py-1.5 text-sm ${active ? "bg-slate-200/70 font-medium text-slate-900" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900"}`;
  };
  return (
    // The column carries the background and border and stretches to the page's full height; the
    // sticky panel inside is one screen tall. On the panel itself they stopped after one screen.
    <div className="w-60 shrink-0 border-r border-slate-200 bg-slate-50/80" data-testid="sidebar-column">
      <aside className="sticky top-0 flex h-screen flex-col px-3 py-4">
        <Link href="/" className="mb-5 px-2" aria-label="All workspaces">
          <Logo />
        </Link>
        <div className="mb-4 px-2">
          <p className="truncate text-sm font-semibold text-slate-900">{workspace.name}</p>
          <p className="text-xs capitalize text-slate-500">{role}</p>
        </div>
        <nav className="space-y-0.5" aria-label="Workspace">
          <Link href={`/${workspace.slug}/inbox`} className={link(`/${workspace.slug}/inbox`)} prefetch={false} aria-label={unread ? `Inbox, ${unread} unread` : "Inbox"}>
            <span>Inbox</span>
            {unread > 0 && (
              <span className="rounded-full bg-indigo-600 px-1.5 py-px text-[11px] font-semibold tabular-nums text-white" data-testid="inbox-unread">
                {unread > 99 ? "99+" : unread}
              </span>
            )}
          </Link>
          <Link href={`/${workspace.slug}`} className={link(`/${workspace.slug}`, true)}>
            Projects
          </Link>
          <Link href={`/${workspace.slug}/members`} className={link(`/${workspace.slug}/members`)}>
            Members
          </Link>
          {/* Not prefetched either: extra prefetches on a busy server delayed server actions of the page (see settings-nav.tsx). */}
          <Link href={`/${workspace.slug}/agents`} className={link(`/${workspace.slug}/agents`)} title="Agent sessions across the workspace" prefetch={false}>
            Agents
          </Link>
          <Link href={`/${workspace.slug}/settings/agents`} className={link(`/${workspace.slug}/settings/agents`)} title="Agent settings">
            Settings
          </Link>
          {/* Not prefetched, like the settings tabs (see settings-nav.tsx). */}
          <Link href={`/${workspace.slug}/settings/git`} className={link(`/${workspace.slug}/settings/git`)} title="Git settings" prefetch={false}>
            Git
          </Link>
        </nav>
        <p className="mb-1 mt-6 px-2 text-xs font-medium uppercase tracking-wide text-slate-400">Projects</p>
        <nav className="min-h-0 flex-1 space-y-0.5 overflow-y-auto" aria-label="Projects">
          {projects.length === 0 && <p className="px-2 text-xs text-slate-400">None yet</p>}
          {projects.map((p) => (
            <Link key={p.identifier} href={`/${workspace.slug}/projects/${p.identifier}`} className={link(`/${workspace.slug}/projects/${p.identifier}`)}>
              <span className="truncate">{p.name}</span>
              <span className="ml-2 text-xs tabular-nums text-slate-400">{p.openIssues}</span>
            </Link>
          ))}
        </nav>
        <div className="mt-4 flex items-center gap-2 border-t border-slate-200 px-2 pt-3">
          <Avatar name={user.name} size="sm" />
          <span className="min-w-0 flex-1 truncate text-xs text-slate-600" title={user.email}>
            {user.name}
          </span>
          <SignOutButton />
        </div>
      </aside>
    </div>
  );
}
