import Docker from "dockerode";
import type { Db } from "@/db/client";
import { enabledProviderImages } from "@/db/queries/health";
import { CheckFailure, type Check } from "@/lib/observability/health";
import { databaseChecks, redisCheck } from "@/lib/observability/readiness-checks";

/** The worker is ready when it can do a session's work: database, Redis, its Docker engine and the agent images. */
export function workerChecks(args: { db: Db; redisUrl?: string; docker?: Docker }): Check[] {
  // DOCKER_HOST (and its TLS settings) as the sandbox reads them.
  const docker = args.docker ?? new Docker();
  return [
    ...databaseChecks(() => args.db),
    ...(args.redisUrl ? [redisCheck(args.redisUrl)] : []),
    { name: "docker", run: async () => void (await docker.ping()) },
    {
      name: "images",
      run: async () => {
        const images = await enabledProviderImages(args.db);
        const missing: string[] = [];
        for (const image of images) {
          await docker
            .getImage(image)
            .inspect()
            .catch((err: { statusCode?: number }) => {
              if (err.statusCode === 404) missing.push(image);
              else throw err;
            });
        }
        if (missing.length) throw new CheckFailure(`missing ${missing.join(", ")} (build with npm run images)`);
        return `${images.length} present`;
      },
    },
  ];
}
