import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import pg from "pg";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type DbHandle } from "@/db/client";
import { prepareDatabase } from "@/db/migrate";
import { agentImageBuilds } from "@/db/schema";
import { gotoHydrated, launchChromium } from "./pages/browser";
import { shotsDir } from "./pages/signed-in-browser";
import { SESSION_COOKIE, signUpAndIn, uniqueEmail } from "./support/api-client";
import { freePort, startNext, type RunningServer } from "./support/server";

// Settings → Agents tells a newcomer what the agent images need. A `next start` of its own, on a
// PostgreSQL database this test can also read and write, with the start-up image builder on
// (DISPATCH_AUTO_BUILD_IMAGES=1, as npm start sets it) and DOCKER_HOST pointing at a socket
// nobody listens on. The builder's own progress writes are covered by tests/integration/image-build.test.ts.

const root = path.resolve(import.meta.dirname, "../..");
const adminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const dbName = `dispatch_images_${randomBytes(4).toString("hex")}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-images-"));
const slug = `images-${randomBytes(3).toString("hex")}`;

let server: RunningServer;
let handle: DbHandle;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${dbName}`;
  handle = openDb({ url: dbUrl.toString() });
  await prepareDatabase(handle, dbUrl.toString());
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: dbUrl.toString(),
    DOCKER_HOST: `unix://${path.join(dataDir, "no-docker.sock")}`,
    DISPATCH_AUTO_BUILD_IMAGES: "1",
    DISPATCH_DATA_DIR: dataDir,
    DISPATCH_WORK_DIR: path.join(dataDir, "sessions"),
    DISPATCH_ENCRYPTION_KEYS: `t:${randomBytes(32).toString("base64")}`,
    NEXTAUTH_URL: `http://127.0.0.1:${port}`,
    NEXTAUTH_SECRET: randomBytes(36).toString("base64url"),
  };
  delete env.REDIS_URL;
  delete env.DISPATCH_EMBEDDED_WORKER;
  server = await startNext({ root, port, env });
  const { client } = await signUpAndIn(server.url, { name: "Nia New", email: uniqueEmail("nia"), password: "correct horse battery" });
  expect((await client.post("/api/workspaces", { name: "First team", slug })).status).toBe(201);
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addCookies([{ name: SESSION_COOKIE, value: client.cookie(SESSION_COOKIE)!, domain: "127.0.0.1", path: "/", httpOnly: true, sameSite: "Lax" }]);
  page = await context.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await handle?.close();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const settingsUrl = () => `${server.url}/${slug}/settings/agents`;

describe("Settings → Agents and the agent images", () => {
  it("without a reachable Docker engine, says so plainly with what to install", async () => {
    const banner = page.getByTestId("docker-unreachable");
    await expect
      .poll(
        async () => {
          await gotoHydrated(page, settingsUrl());
          return banner.count();
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe(1);
    expect(await banner.getByText("Docker is not reachable: agents cannot run yet").count()).toBe(1);
    expect(await banner.innerText()).toContain("Install Docker Engine");
    expect(await banner.innerText()).toContain("DOCKER_HOST");
    // The server logs JSON lines (lib/observability/log.ts): the images component says it too.
    const said = server
      .output()
      .split("\n")
      .filter((l) => l.startsWith("{") && l.endsWith("}"))
      .map((l) => JSON.parse(l) as { component?: string; msg?: string })
      .filter((l) => l.component === "images" && l.msg?.startsWith("Docker is not reachable from this server"));
    expect(said).toHaveLength(1);
    await page.screenshot({ path: path.join(shotsDir, "settings-docker-unreachable.png") });
  });

  it("while an image is prepared, shows its progress and follows it until it is ready", async () => {
    // As the builder of a process that reaches Docker would write it.
    await handle.db.delete(agentImageBuilds);
    await handle.db.insert(agentImageBuilds).values({ image: "dispatch/agent-claude:latest", label: "Claude", state: "building", percent: 40, message: "RUN command -v git" });
    await gotoHydrated(page, settingsUrl());
    const banner = page.getByTestId("image-building");
    expect(await banner.innerText()).toContain("Preparing the Claude image… 40%");
    expect(await page.getByTestId("docker-unreachable").count()).toBe(0);
    await page.screenshot({ path: path.join(shotsDir, "settings-image-progress.png") });

    await handle.db.update(agentImageBuilds).set({ percent: 75, message: "COPY relay.mjs" }).where(eq(agentImageBuilds.image, "dispatch/agent-claude:latest"));
    await expect.poll(() => banner.innerText(), { timeout: 15_000 }).toContain("Preparing the Claude image… 75%");
    await handle.db.update(agentImageBuilds).set({ state: "ready", percent: 100, message: null }).where(eq(agentImageBuilds.image, "dispatch/agent-claude:latest"));
    await expect.poll(() => banner.count(), { timeout: 15_000 }).toBe(0);
  });
});
