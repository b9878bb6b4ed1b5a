import path from "node:path";
import type { Db } from "@/db/client";
import { listProviderImages, recordImageBuild } from "@/db/queries/image-builds";
import { describeError } from "@/lib/log/describe-error";
import { SessionFailure } from "@/lib/sessions/failure";
import { DockerSandbox } from "../sandbox/docker-sandbox";
import type { SandboxDriver } from "../sandbox/types";
import { buildImage, type ImageSpec } from "./build-image";

/** What to do about it, under the banner's title "Docker is not reachable: agents cannot run yet". */
export const DOCKER_MISSING_MESSAGE =
  "Install Docker Engine (https://docs.docker.com/engine/install/) or Docker Desktop and start it, or point DOCKER_HOST at a running engine, then restart Dispatch: the agent images are built at start-up.";

/** The seeded providers' images and their build folders (docker/agent-<cli>), as `npm run images` builds them. */
export async function providerImageSpecs(db: Db, root = process.cwd()): Promise<ImageSpec[]> {
  return (await listProviderImages(db)).map((p) => ({ image: p.image, label: p.label, contextDir: path.join(root, "docker", `agent-${p.cli}`), sharedDir: path.join(root, "docker", "shared") }));
}

/**
 * Builds the agent images that are missing on this worker's Docker engine, one after another,
 * with progress in the log and in agent_image_builds (Settings → Agents shows it). If Docker
 * cannot be reached, that is recorded instead, in words saying what to install.
 */
export async function prepareAgentImages(o: { db: Db; sandbox?: SandboxDriver; specs?: ImageSpec[] }): Promise<void> {
  const sandbox = o.sandbox ?? new DockerSandbox();
  const specs = o.specs ?? (await providerImageSpecs(o.db));
  for (const spec of specs) {
    const record = (state: "building" | "ready" | "failed" | "docker_unreachable", percent: number, message: string | null) =>
      recordImageBuild(o.db, { image: spec.image, label: spec.label, state, percent, message });
    let exists: boolean;
    try {
      exists = await sandbox.imageExists(spec.image);
    } catch (err) {
      if (!(err instanceof SessionFailure)) throw err;
      console.error(`[images] Docker is not reachable from this server, so agents cannot run. ${DOCKER_MISSING_MESSAGE}`);
      for (const s of specs) await recordImageBuild(o.db, { image: s.image, label: s.label, state: "docker_unreachable", percent: 0, message: DOCKER_MISSING_MESSAGE });
      return;
    }
    if (exists) {
      await record("ready", 100, null);
      continue;
    }
    console.info(`[images] ${spec.image} is missing: building it (the first mention of ${spec.label} works once it is ready)`);
    await record("building", 0, "Starting");
    // Progress is written as it comes, one write at a time, so the page never shows an older step after a newer one.
    let writing: Promise<void> = Promise.resolve();
    try {
      await buildImage(spec, (p) => {
        console.info(`[images] Preparing the ${spec.label} image… ${p.percent}% (${p.step})`);
        writing = writing.then(() => record("building", p.percent, p.step)).catch(() => undefined);
      });
      await writing;
      await record("ready", 100, null);
      console.info(`[images] ${spec.image} is ready`);
    } catch (err) {
      await writing;
      const why = err instanceof Error ? err.message : String(err);
      console.error(`[images] building ${spec.image} failed: ${why}`);
      await record("failed", 0, `${why.slice(0, 500)} — build it by hand with: npm run images`);
    }
  }
}

/** DISPATCH_AUTO_BUILD_IMAGES=1 (set by npm start unless given): prepare the images in the background; never fails start-up. */
export function startImagePreparation(o: { db: Db; sandbox?: SandboxDriver }): void {
  if (process.env.DISPATCH_AUTO_BUILD_IMAGES !== "1") return;
  void prepareAgentImages(o).catch((err: unknown) => console.error(`[images] preparing the agent images failed: ${describeError(err)}`));
}
