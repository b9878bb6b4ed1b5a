import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll } from "vitest";
import type { DbHandle } from "@/db/client";
import { startAnthropicApi, type ModelApi } from "../support/anthropic-api";
import { startGeminiApi, type GeminiApi } from "../support/gemini-api";
import { openTestPostgres } from "./helpers";

export type AgentRunHarness = { h: DbHandle; api: ModelApi; gemini: GeminiApi; workRoot: string };

/**
 * What a file running the real CLIs in Docker needs, set up before its tests and torn down after:
 * its own database, both scripted model APIs (the worker is pointed at them), a work folder.
 * Read the fields in a test or a later hook (they are filled by then).
 */
export function agentRunHarness(workPrefix: string): AgentRunHarness {
  const harness = {} as AgentRunHarness;
  beforeAll(async () => {
    await new Docker().ping();
    harness.h = await openTestPostgres();
    harness.api = await startAnthropicApi();
    process.env.DISPATCH_MODEL_API_CLAUDE = harness.api.url;
    harness.gemini = await startGeminiApi();
    process.env.DISPATCH_MODEL_API_GEMINI = harness.gemini.url;
    harness.workRoot = fs.mkdtempSync(path.join(os.tmpdir(), workPrefix));
  });
  afterAll(async () => {
    await harness.api?.close();
    await harness.gemini?.close();
    await harness.h?.close();
    if (harness.workRoot) fs.rmSync(harness.workRoot, { recursive: true, force: true });
  });
  return harness;
}
