import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64url");
process.env.NEXTAUTH_URL = "http://localhost:3000";
delete process.env.REDIS_URL;

import { getDb, getDbHandle } from "@/db/client";
import { prepareDatabase } from "@/db/migrate";
import * as memberRoute from "@/app/api/workspaces/[slug]/members/[userId]/route";
import * as workspacesRoute from "@/app/api/workspaces/route";
import { authOptions } from "@/lib/auth/options";
import { makeUser, makeWorkspace } from "./helpers";
import { NextAuthBrowser } from "./next-auth-driver";
import { call, cookieFor } from "./route-client";

const password = "correct horse battery";

beforeAll(async () => {
  await prepareDatabase(getDbHandle(), process.env.DATABASE_URL);
});
afterAll(() => getDbHandle().close());

async function signedIn(email: string) {
  const browser = new NextAuthBrowser(authOptions());
  const res = await browser.signIn(email, password);
  expect(res.status).toBe(200);
  expect(browser.hasSession).toBe(true);
  return browser;
}

const workspacesAs = async (cookie: string) => (await call(workspacesRoute.GET, cookie, {})).status;

describe("sign-out ends the session on the server", () => {
  it("the cookie kept from before sign-out gets 401, on every device of the user", async () => {
    const ada = await makeUser(getDb(), "Ada");
    const laptop = await signedIn(ada.email);
    const phone = await signedIn(ada.email);
    const kept = laptop.cookie;
    expect(await workspacesAs(kept)).toBe(200);
    expect(await workspacesAs(phone.cookie)).toBe(200);

    await laptop.signOut();
    expect(laptop.hasSession).toBe(false);
    expect(await workspacesAs(kept)).toBe(401);
    expect(await workspacesAs(phone.cookie)).toBe(401);
  });

  it("next-auth's session endpoint refuses the ended session and clears its cookie", async () => {
    const ada = await makeUser(getDb(), "Ada");
    const browser = await signedIn(ada.email);
    const other = await signedIn(ada.email);
    expect((await other.request("GET", ["session"])).json).toMatchObject({ user: { id: ada.id } });
    await browser.signOut();
    const session = await other.request("GET", ["session"]);
    expect(session.json).toEqual({});
    expect(other.hasSession).toBe(false);
  });

  it("signing in again works, and an old cookie cannot sign the new session out", async () => {
    const ada = await makeUser(getDb(), "Ada");
    const before = await signedIn(ada.email);
    const stale = new NextAuthBrowser(authOptions());
    await stale.signIn(ada.email, password);
    await before.signOut();
    const after = await signedIn(ada.email);
    expect(await workspacesAs(after.cookie)).toBe(200);
    await stale.signOut(); // its token is of the ended version
    expect(await workspacesAs(after.cookie)).toBe(200);
  });

  it("tokens issued before session versions existed still work until the user's first sign-out", async () => {
    const ada = await makeUser(getDb(), "Ada");
    const legacy = await cookieFor(ada.id); // no `sv` claim
    expect(await workspacesAs(legacy)).toBe(200);
    await (await signedIn(ada.email)).signOut();
    expect(await workspacesAs(legacy)).toBe(401);
  });
});

describe("removal from a workspace", () => {
  it("an admin removing a member ends that member's sessions; leaving by oneself does not", async () => {
    const { ws, admin, members } = await makeWorkspace(getDb(), ["member", "member"]);
    const removed = await signedIn(members[0]!.user.email);
    const leaver = await signedIn(members[1]!.user.email);
    const adminCookie = (await signedIn(admin.email)).cookie;

    const res = await call(memberRoute.DELETE, adminCookie, { slug: ws.slug, userId: members[0]!.user.id }, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect(await workspacesAs(removed.cookie)).toBe(401);

    expect((await call(memberRoute.DELETE, leaver.cookie, { slug: ws.slug, userId: members[1]!.user.id }, { method: "DELETE" })).status).toBe(204);
    expect(await workspacesAs(leaver.cookie)).toBe(200);
    expect(await workspacesAs(adminCookie)).toBe(200);
  });
});
