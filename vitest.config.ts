import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = {
  "@": path.resolve(import.meta.dirname),
  // Route handlers are called directly in integration tests; the marker package throws outside Next.
  "server-only": path.resolve(import.meta.dirname, "tests/support/server-only.ts"),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: "unit", include: ["lib/**/*.test.ts", "db/**/*.test.ts", "components/**/*.test.ts", "workers/**/*.test.ts", "stores/**/*.test.ts"], environment: "node" },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          globalSetup: ["tests/integration/global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        // Fault injection that disturbs shared services (restarts PostgreSQL): run alone, by `npm run test:faults`.
        test: {
          name: "faults",
          include: ["tests/faults/**/*.test.ts"],
          globalSetup: ["tests/integration/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // Each file in its own process (their module singletons must not meet); one file at a time,
          // since they restart shared servers: `npm run test:faults` passes --no-file-parallelism.
        },
      },
      {
        resolve: { alias },
        // Deployment: the app image under compose, two Docker engines with a worker each. Slow (builds
        // and starts images): `npm run test:deploy` (one file at a time), not part of `npm test`.
        test: {
          name: "deploy",
          include: ["tests/deploy/**/*.test.ts"],
          globalSetup: ["tests/integration/global-setup.ts"],
          testTimeout: 300_000,
          hookTimeout: 600_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          globalSetup: ["tests/e2e/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          // A page on a busy 2-core machine can take seconds to show what a 1 s default poll expects.
          expect: { poll: { timeout: 10_000 } },
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
