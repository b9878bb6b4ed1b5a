import type { Db } from "@/db/client";
import { listImageBuilds } from "@/db/queries/image-builds";

/** What Settings → Agents says about the agent images: being prepared, failed, or Docker missing. Ready ones say nothing. */
export type ImageNotice =
  | { kind: "docker_unreachable"; message: string }
  | { kind: "building"; image: string; label: string; percent: number; step: string | null }
  | { kind: "failed"; image: string; label: string; message: string };

/** A build that has not reported for this long died with its process; it is not shown as running. */
const STALE_MS = 15 * 60_000;

export async function getImageNotices(db: Db, now = new Date()): Promise<ImageNotice[]> {
  const rows = await listImageBuilds(db);
  const unreachable = rows.find((r) => r.state === "docker_unreachable");
  if (unreachable) return [{ kind: "docker_unreachable", message: unreachable.message ?? "Docker is not reachable from this server." }];
  return rows.flatMap((r): ImageNotice[] => {
    if (r.state === "building" && now.getTime() - r.updatedAt.getTime() < STALE_MS) return [{ kind: "building", image: r.image, label: r.label, percent: r.percent, step: r.message }];
    if (r.state === "failed") return [{ kind: "failed", image: r.image, label: r.label, message: r.message ?? "The build failed." }];
    return [];
  });
}
