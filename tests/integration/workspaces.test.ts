import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { DispatchError } from "@/lib/errors";
import { loadWorkspaceContext } from "@/lib/workspaces/access";
import { addMember, changeMemberRole, createWorkspace, getMembers, removeMember } from "@/lib/workspaces/service";
import { makeUser, makeWorkspace, openTestPostgres, uniq } from "./helpers";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestPostgres();
});
afterAll(() => h.close());

async function expectError(p: Promise<unknown>, code: string, field?: string) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected ${code}`).toBeInstanceOf(DispatchError);
  expect((err as DispatchError).code).toBe(code);
  if (field) expect((err as DispatchError).field).toBe(field);
}

describe("workspaces", () => {
  it("the creator becomes the only admin", async () => {
    const user = await makeUser(h.db);
    const ws = await createWorkspace(h.db, user.id, { name: "Acme Inc", slug: uniq("acme-") });
    const ctx = await loadWorkspaceContext(h.db, ws.slug, user.id);
    expect(ctx.role).toBe("admin");
    expect(await getMembers(h.db, ctx)).toEqual([expect.objectContaining({ userId: user.id, role: "admin" })]);
  });

  it("a taken slug is a conflict naming the slug field", async () => {
    const user = await makeUser(h.db);
    const slug = uniq("taken-");
    await createWorkspace(h.db, user.id, { name: "One", slug });
    await expectError(createWorkspace(h.db, user.id, { name: "Two", slug }), "conflict:workspace_slug", "slug");
  });

  it.each([["Has Caps"], ["-leading"], ["a"], ["api"], ["two--hyphens"], ["emoji-🚀"]])("rejects the malformed slug %j", async (slug) => {
    const user = await makeUser(h.db);
    await expectError(createWorkspace(h.db, user.id, { name: "X", slug }), "bad_request:workspace", "slug");
  });

  it("non-members get not_found, the same as for a workspace that does not exist", async () => {
    const { ws } = await makeWorkspace(h.db);
    const stranger = await makeUser(h.db);
    await expectError(loadWorkspaceContext(h.db, ws.slug, stranger.id), "not_found:workspace");
    await expectError(loadWorkspaceContext(h.db, "no-such-workspace", stranger.id), "not_found:workspace");
  });
});

describe("members", () => {
  it("admins add members by email with a role and change roles", async () => {
    const { adminCtx } = await makeWorkspace(h.db);
    const bob = await makeUser(h.db, "Bob");
    const added = await addMember(h.db, adminCtx, { email: bob.email.toUpperCase(), role: "guest" });
    expect(added.role).toBe("guest");
    await changeMemberRole(h.db, adminCtx, bob.id, { role: "member" });
    const members = await getMembers(h.db, adminCtx);
    expect(members.find((m) => m.userId === bob.id)?.role).toBe("member");
  });

  it("adding an unknown email or an existing member names the email field", async () => {
    const { adminCtx, admin } = await makeWorkspace(h.db);
    await expectError(addMember(h.db, adminCtx, { email: "nobody@example.test" }), "not_found:user", "email");
    await expectError(addMember(h.db, adminCtx, { email: admin.email }), "conflict:member", "email");
    await expectError(addMember(h.db, adminCtx, { email: "not an email" }), "bad_request:member", "email");
  });

  it("members and guests cannot manage members", async () => {
    const { members } = await makeWorkspace(h.db, ["member", "guest"]);
    const other = await makeUser(h.db);
    for (const { ctx } of members) {
      await expectError(addMember(h.db, ctx, { email: other.email }), "forbidden:admin");
    }
  });

  it("the last admin can be neither demoted nor removed", async () => {
    const { adminCtx, admin } = await makeWorkspace(h.db);
    await expectError(changeMemberRole(h.db, adminCtx, admin.id, { role: "member" }), "conflict:last_admin");
    await expectError(removeMember(h.db, adminCtx, admin.id), "conflict:last_admin");
    expect((await getMembers(h.db, adminCtx))[0]?.role).toBe("admin");
  });

  it("two admins demoting each other at once leave exactly one admin", async () => {
    const { adminCtx, admin, members } = await makeWorkspace(h.db, ["admin"]);
    const second = members[0]!;
    const results = await Promise.allSettled([
      changeMemberRole(h.db, adminCtx, second.user.id, { role: "member" }),
      changeMemberRole(h.db, second.ctx, admin.id, { role: "member" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const admins = (await getMembers(h.db, adminCtx)).filter((m) => m.role === "admin");
    expect(admins).toHaveLength(1);
  });

  it("a member can leave; an admin can remove a member", async () => {
    const { adminCtx, members } = await makeWorkspace(h.db, ["member", "member"]);
    await removeMember(h.db, members[0]!.ctx, members[0]!.user.id);
    await removeMember(h.db, adminCtx, members[1]!.user.id);
    expect((await getMembers(h.db, adminCtx)).map((m) => m.role)).toEqual(["admin"]);
  });
});
