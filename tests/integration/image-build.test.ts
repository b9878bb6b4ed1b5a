import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { agentImageBuilds } from "@/db/schema";
import { getImageNotices } from "@/lib/agents/image-status";
import { buildImage, type BuildProgress } from "@/workers/images/build-image";
import { prepareAgentImages } from "@/workers/images/prepare-images";
import { DockerSandbox } from "@/workers/sandbox/docker-sandbox";
import { openTestPostgres } from "./helpers";

// The start-up image builder against the real Docker engine, with tiny images under unique tags
// (so "missing" is real and nothing of the real agent images is touched). The base is an agent
// image the test set-up builds anyway, so no pull is needed.
const BASE = "dispatch/agent-claude:latest";
const docker = new Docker();
let h: DbHandle;
const tags: string[] = [];
const dirs: string[] = [];

function context(dockerfile: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-image-"));
  fs.writeFileSync(path.join(dir, "Dockerfile"), dockerfile);
  dirs.push(dir);
  return dir;
}
const tag = () => {
  const t = `dispatch/test-image-${randomBytes(4).toString("hex")}:latest`;
  tags.push(t);
  return t;
};
const row = async (image: string) => (await h.db.select().from(agentImageBuilds).where(eq(agentImageBuilds.image, image)))[0];

beforeAll(async () => {
  h = await openTestPostgres();
});
afterAll(async () => {
  for (const t of tags) await docker.getImage(t).remove({ force: true }).catch(() => undefined);
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  await h.db.delete(agentImageBuilds);
  await h.close();
});

describe("building agent images at start-up", () => {
  it("builds a missing image with rising progress, then records it ready", async () => {
    const image = tag();
    const dir = context(`FROM ${BASE}\nRUN echo one > /tmp/one\nRUN echo two > /tmp/two\nRUN echo ${image} > /tmp/three\n`);
    const seen: BuildProgress[] = [];
    await buildImage({ image, label: "Test", contextDir: dir }, (p) => seen.push(p));
    const percents = seen.map((p) => p.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents.some((p) => p > 25 && p < 100)).toBe(true);
    expect(Math.max(...percents)).toBeLessThan(100);
    await docker.getImage(image).inspect();

    const missing = tag();
    await prepareAgentImages({ db: h.db, specs: [{ image: missing, label: "Test", contextDir: context(`FROM ${BASE}\nRUN echo ${missing} > /tmp/x\n`) }] });
    expect(await row(missing)).toMatchObject({ state: "ready", percent: 100, message: null });
    await docker.getImage(missing).inspect();
    expect((await getImageNotices(h.db)).filter((n) => "image" in n && n.image === missing)).toEqual([]);
  });

  it("a build that fails is recorded with its reason and the command to build by hand", async () => {
    const image = tag();
    await prepareAgentImages({ db: h.db, specs: [{ image, label: "Broken", contextDir: context(`FROM ${BASE}\nRUN echo nope && exit 3\n`) }] });
    const r = await row(image);
    expect(r).toMatchObject({ state: "failed", label: "Broken" });
    expect(r!.message).toMatch(/docker build failed \(exit \d+\):.*nope.*npm run images/s);
    expect(await getImageNotices(h.db)).toContainEqual(expect.objectContaining({ kind: "failed", image, label: "Broken" }));
  });

  it("an image that exists is recorded ready without building", async () => {
    await prepareAgentImages({ db: h.db, specs: [{ image: BASE, label: "Claude", contextDir: "/nonexistent" }] });
    expect(await row(BASE)).toMatchObject({ state: "ready", percent: 100 });
  });

  it("without a reachable Docker engine, every image says so and what to install", async () => {
    const a = tag();
    const b = tag();
    const dead = new DockerSandbox(new Docker({ socketPath: path.join(os.tmpdir(), `no-docker-${randomBytes(4).toString("hex")}.sock`) }));
    await prepareAgentImages({ db: h.db, sandbox: dead, specs: [a, b].map((image) => ({ image, label: "Claude", contextDir: "/nonexistent" })) });
    for (const image of [a, b]) expect(await row(image)).toMatchObject({ state: "docker_unreachable", message: expect.stringContaining("Install Docker Engine") });
    expect(await getImageNotices(h.db)).toEqual([{ kind: "docker_unreachable", message: expect.stringContaining("DOCKER_HOST") }]);
    // Once the engine is back and the images are there, the notice goes.
    await h.db.delete(agentImageBuilds).where(eq(agentImageBuilds.state, "docker_unreachable"));
  });
});
