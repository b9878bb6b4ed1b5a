import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { loadCatalog, upsertAgentConfig } from "@/db/queries/agents";
import { insertAgentComment } from "@/db/queries/comments";
import { loadRunContext } from "@/db/queries/session-run-context";
import { createSkill } from "@/lib/agents/skills";
import { addComment } from "@/lib/comments/service";
import { commentText, docFromText } from "@/lib/comments/body";
import { createIssue } from "@/lib/issues/service";
import { createProject } from "@/lib/projects/service";
import { MemorySessionQueue } from "@/lib/queue/session-queue";
import { buildPrompt } from "@/workers/run/prompt";
import { changeMemberRole, removeMember } from "@/lib/workspaces/service";
import { makeWorkspace, openTestPostgres } from "./helpers";
import { connectForTest } from "../support/connections";

let h: DbHandle;
const queue = new MemorySessionQueue();

beforeAll(async () => {
  h = await openTestPostgres();
});
afterAll(async () => {
  await h.close();
});

describe("the prompt's context", () => {
  it("gives each earlier comment its author's role now, so the prompt can leave guests out unless the skill allows", async () => {
    const f = await makeWorkspace(h.db, ["member", "member", "member"]);
    const [member, demoted, leaver] = f.members;
    const project = await createProject(h.db, f.adminCtx, { name: "Web", identifier: "WEB" });
    const issue = await createIssue(h.db, f.adminCtx, project, { title: "Tests fail" });
    const claude = (await loadCatalog(h.db, f.adminCtx.workspace.id)).find((p) => p.slug === "claude")!;
    await upsertAgentConfig(h.db, { workspaceId: f.adminCtx.workspace.id, providerId: claude.id, patch: { maxConcurrentSessions: 10 } });
    await connectForTest(h.db, { workspaceId: f.adminCtx.workspace.id, kind: claude.slug });
    await createSkill(h.db, f.adminCtx, { name: "Support", trigger: "support", include_guest_comments: true });

    await addComment(h.db, f.adminCtx, issue, { text: "from the admin" }, { queue });
    await addComment(h.db, member!.ctx, issue, { text: "from a member" }, { queue });
    await addComment(h.db, demoted!.ctx, issue, { text: "from someone now a guest" }, { queue });
    await addComment(h.db, leaver!.ctx, issue, { text: "from someone who left" }, { queue });
    const first = (await addComment(h.db, member!.ctx, issue, { text: "@claude look" }, { queue })).sessions[0]!;
    await insertAgentComment(h.db, { workspaceId: f.adminCtx.workspace.id, issueId: issue.id, sessionId: first.id, bodyJson: docFromText("from the agent"), bodyHtml: "<p>from the agent</p>" });
    await changeMemberRole(h.db, f.adminCtx, demoted!.user.id, { role: "guest" });
    await removeMember(h.db, f.adminCtx, leaver!.user.id);

    const plain = (await addComment(h.db, member!.ctx, issue, { text: "@claude fix it" }, { queue })).sessions[0]!;
    const support = (await addComment(h.db, member!.ctx, issue, { text: "@claude:support answer them" }, { queue })).sessions[0]!;

    const ctx = (await loadRunContext(h.db, plain.id))!;
    const byText = Object.fromEntries(ctx.recentComments.map((c) => [commentText(c.bodyJson), c.authorRole]));
    expect(byText).toMatchObject({
      "from the admin": "admin",
      "from a member": "member",
      "from someone now a guest": "guest",
      "from someone who left": null,
      "from the agent": "agent",
    });

    // The worker's mapping, with the role passed on.
    const promptFor = async (sessionId: string) => {
      const c = (await loadRunContext(h.db, sessionId))!;
      return buildPrompt({
        issueKey: "WEB-1",
        title: c.issue.title,
        description: c.issue.description,
        comments: c.recentComments
          .filter((x) => x.id !== c.session.triggerCommentId)
          .map((x) => ({ author: x.authorName ?? "Agent", text: commentText(x.bodyJson), role: x.authorRole })),
        skill: c.skill ? { name: c.skill.name, instructions: c.skill.instructions, includeGuestComments: c.skill.includeGuestComments } : null,
        request: c.session.prompt,
        mode: c.session.mode,
      });
    };
    const withoutGuests = await promptFor(plain.id);
    expect(withoutGuests).toContain("from a member");
    expect(withoutGuests).toContain("from the agent");
    expect(withoutGuests).not.toContain("from someone now a guest");
    expect(withoutGuests).not.toContain("from someone who left");
    const withGuests = await promptFor(support.id);
    expect(withGuests).toContain("(guest) wrote:\nfrom someone now a guest");
  });
});
