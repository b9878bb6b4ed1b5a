import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { signedInBrowser } from "./pages/signed-in-browser";
import { signUpAndIn, uniqueEmail, type ApiClient } from "./support/api-client";
import { freePort } from "./support/server";

// The forgery from the hardening issue, for real: a page on another port of the same host (same
// site, so the Lax session cookie goes along) posts to Dispatch in the signed-in user's browser.

const baseUrl = inject("baseUrl");
const tag = randomBytes(3).toString("hex");
const browser = signedInBrowser();
let client: ApiClient;
let evil: { url: string; close: () => Promise<void> };

/** The attacker's site: pages that post to Dispatch the ways a page may without a preflight. */
function attackerPages(slug: string): Record<string, string> {
  const json = JSON.stringify({ name: "Evil", slug, pad: "" }).slice(0, -2); // `…"pad":` + the form's `=` + value `"}`
  return {
    "/form": `<form method="POST" enctype="text/plain" action="${baseUrl}/api/workspaces"><input name='${json}' value='x"}'></form><script>document.forms[0].submit()</script>`,
    "/fetch": `<script>fetch("${baseUrl}/api/workspaces", { method: "POST", mode: "no-cors", credentials: "include", headers: { "content-type": "text/plain" }, body: ${JSON.stringify(JSON.stringify({ name: "Evil", slug: `${slug}-f` }))} }).finally(() => { document.title = "sent"; });</script>`,
  };
}

async function startAttacker(pages: Record<string, string>) {
  const port = await freePort();
  const server = http.createServer((req, res) => {
    const page = pages[req.url ?? ""];
    res.writeHead(page ? 200 : 404, { "content-type": "text/html" }).end(page ?? "");
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const mySlugs = async () => ((await client.get("/api/workspaces")).body.workspaces as { slug: string }[]).map((w) => w.slug);

beforeAll(async () => {
  client = (await signUpAndIn(baseUrl, { name: "Victim", email: uniqueEmail("victim"), password: "correct horse battery" })).client;
  evil = await startAttacker(attackerPages(`evil-${tag}`));
});
afterAll(() => evil.close());

describe("requests from another port of the same host", () => {
  it("a text/plain form auto-submitted there creates nothing, and the answer says why", async () => {
    const page = await browser.open(baseUrl, client);
    await page.goto(`${evil.url}/form`);
    await page.waitForURL(`${baseUrl}/api/workspaces`);
    expect(await page.textContent("body")).toContain("forbidden:origin");
    expect(await mySlugs()).not.toContain(`evil-${tag}`);
  });

  it("a no-cors fetch from there with the user's cookies creates nothing", async () => {
    const page = await browser.open(baseUrl, client);
    await page.goto(`${evil.url}/fetch`);
    await expect.poll(() => page.title(), { timeout: 10_000 }).toBe("sent");
    expect(await mySlugs()).not.toContain(`evil-${tag}-f`);
  });

  it("the app's own pages still change things (same-origin fetch with JSON)", async () => {
    const page = await browser.open(baseUrl, client);
    await page.goto(`${baseUrl}/`);
    const slug = `own-${tag}`;
    const status = await page.evaluate(
      async (s) => (await fetch("/api/workspaces", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "Own", slug: s }) })).status,
      slug,
    );
    expect(status).toBe(201);
    expect(await mySlugs()).toContain(slug);
  });
});

describe("server actions", () => {
  /** The id Next gave createWorkspaceAction in this build, from the server's action manifest. */
  function createWorkspaceActionId(): string {
    const manifest = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, "../../.next/server/server-reference-manifest.json"), "utf8")) as {
      node: Record<string, { exportedName?: string; workers: Record<string, unknown> }>;
    };
    const found = Object.entries(manifest.node).find(([, a]) => a.exportedName === "createWorkspaceAction");
    if (!found) throw new Error("createWorkspaceAction is not in the build's server-reference-manifest.json");
    return found[0];
  }

  // Next compares the Origin of an action request with its Host and refuses a mismatch before the
  // action runs; Dispatch relies on that rather than checking again. This shows it holds.
  it("Next refuses an action posted from another origin, and runs it from the site's own", async () => {
    const id = createWorkspaceActionId();
    const post = (origin: string, slug: string) =>
      fetch(`${baseUrl}/`, {
        method: "POST",
        headers: { "next-action": id, origin, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component", cookie: client.cookieHeader },
        body: JSON.stringify([{ name: "Action", slug }]),
      });
    const refused = await post(evil.url, `act-evil-${tag}`);
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(await mySlugs()).not.toContain(`act-evil-${tag}`);
    // The control: the same request from the site's own origin does run.
    const ran = await post(baseUrl, `act-own-${tag}`);
    expect(ran.status).toBe(200);
    expect(await mySlugs()).toContain(`act-own-${tag}`);
  });
});
