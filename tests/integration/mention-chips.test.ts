import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { loadCatalog, upsertAgentConfig } from "@/db/queries/agents";
import { createSkill } from "@/lib/agents/skills";
import { addComment } from "@/lib/comments/service";
import { DispatchError } from "@/lib/errors";
import { createIssue } from "@/lib/issues/service";
import { createProject } from "@/lib/projects/service";
import { BullSessionQueue } from "@/lib/queue/session-queue";
import type { WorkspaceContext } from "@/lib/workspaces/access";
import { makeWorkspace, openTestPostgres } from "./helpers";
import { connectForTest } from "../support/connections";

// Comments whose editor document carries mention chips (picked from the `@` menu): the server
// reads agent chips by their attributes, as it reads typed mentions, and starts exactly those.

const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
let h: DbHandle;
let queue: BullSessionQueue;
let redis: Redis;

beforeAll(async () => {
  h = await openTestPostgres();
  queue = new BullSessionQueue(redisUrl, `test-chips-${randomBytes(4).toString("hex")}`);
  redis = new Redis(redisUrl);
});
afterAll(async () => {
  await queue.destroy();
  redis.disconnect();
  await h.close();
});

async function connect(ctx: WorkspaceContext, slug: string) {
  const provider = (await loadCatalog(h.db, ctx.workspace.id)).find((p) => p.slug === slug)!;
  await upsertAgentConfig(h.db, { workspaceId: ctx.workspace.id, providerId: provider.id, patch: {} });
  await connectForTest(h.db, { workspaceId: ctx.workspace.id, kind: provider.slug });
}

async function fixture() {
  const f = await makeWorkspace(h.db, ["member"]);
  const project = await createProject(h.db, f.adminCtx, { name: "Web", identifier: "WEB" });
  const issue = await createIssue(h.db, f.adminCtx, project, { title: "Tests fail", description: "The login test fails." });
  await connect(f.adminCtx, "claude");
  await connect(f.adminCtx, "gemini");
  await createSkill(h.db, f.adminCtx, { name: "Fix bug", trigger: "fix-bug", mode: "comment_only" });
  return { ...f, issue, member: f.members[0]!.ctx };
}

const agentChip = (label: string, provider: string | null, variant: string | null, skill: string | null = null) => ({
  type: "mention",
  attrs: { kind: "agent", id: null, label, provider, variant, skill },
});
const userChip = (id: string, label: string) => ({ type: "mention", attrs: { kind: "user", id, label, provider: null, variant: null, skill: null } });
const text = (t: string) => ({ type: "text", text: t });
const doc = (...inline: unknown[]) => ({ body: { type: "doc", content: [{ type: "paragraph", content: inline }] } });

describe("a comment with mention chips", () => {
  it("starts exactly the agents of its agent chips (and typed mentions), none for a person's chip", async () => {
    const { member, issue, adminCtx } = await fixture();
    const { comment, sessions } = await addComment(
      h.db,
      member,
      issue,
      doc(
        agentChip("Claude Opus", "claude", "opus", "fix-bug"),
        text(" and "),
        agentChip("Gemini Flash", "gemini", "flash"),
        text(" please, cc "),
        userChip(adminCtx.userId, "Ada Admin"),
        text(" and typed @claude-haiku too"),
      ),
      { queue },
    );
    // Order aside (the order sessions start in is another concern): exactly these three.
    expect(sessions.map((s) => `${s.modelId} ${s.mode} ${s.triggerCommentId === comment.id}`).sort()).toEqual([
      "claude-haiku-4-5 autonomous true",
      "claude-opus-4-6 comment_only true",
      "gemini-2.0-flash autonomous true",
    ]);
    // Rendered as sanitized chips: a span with its data attributes and the "@label" text.
    expect(comment.bodyHtml).toContain('<span data-type="mention" data-kind="agent" data-label="Claude Opus" data-provider="claude" data-variant="opus" data-skill="fix-bug">@Claude Opus :fix-bug</span>');
    expect(comment.bodyHtml).toContain(`data-user-id="${adminCtx.userId}"`);
    expect(comment.bodyHtml).toContain(">@Ada Admin</span>");
  });

  it("a comment of only a person's chip is a plain comment", async () => {
    const { member, issue, adminCtx } = await fixture();
    const { sessions } = await addComment(h.db, member, issue, doc(userChip(adminCtx.userId, "Ada Admin")), { queue });
    expect(sessions).toEqual([]);
  });

  it("a chip naming an unknown variant or skill is refused like the typed mention, and writes nothing", async () => {
    const { member, issue } = await fixture();
    for (const [chip, message] of [
      [agentChip("Claude Ultra", "claude", "ultra"), 'no variant "ultra"'],
      [agentChip("Claude", "claude", null, "nope"), 'Unknown skill "nope"'],
    ] as const) {
      const err = await addComment(h.db, member, issue, doc(chip), { queue }).then(
        () => null,
        (e: unknown) => e as DispatchError,
      );
      expect(err?.code).toBe("bad_request:agent");
      expect(err?.message).toContain(message);
    }
  });

  it("a chip whose attributes are not slugs is a bad request naming the attribute", async () => {
    const { member, issue } = await fixture();
    const err = await addComment(h.db, member, issue, doc(agentChip("x", "claude<script>", null)), { queue }).then(
      () => null,
      (e: unknown) => e as DispatchError,
    );
    expect(err).toMatchObject({ code: "bad_request:comment", field: "body.content.0.content.0.attrs.provider" });
  });
});
