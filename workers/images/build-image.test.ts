import { describe, expect, it } from "vitest";
import { parseBuildStep } from "./build-image";

describe("parseBuildStep", () => {
  it("reads BuildKit's plain progress and the classic builder's steps", () => {
    expect(parseBuildStep("#6 [2/4] RUN command -v git")).toEqual({ done: 2, total: 4, step: "RUN command -v git" });
    expect(parseBuildStep("#5 [stage-1 3/5] COPY relay.mjs /opt/agent/")).toEqual({ done: 3, total: 5, step: "COPY relay.mjs /opt/agent/" });
    expect(parseBuildStep("Step 1/6 : FROM node:22-slim")).toEqual({ done: 1, total: 6, step: "FROM node:22-slim" });
  });

  it("ignores everything else", () => {
    for (const line of ["#1 [internal] load build definition from Dockerfile", "#6 0.312 hello", "#6 DONE 0.4s", "Step 7/6 : odd", ""]) expect(parseBuildStep(line)).toBeNull();
  });
});
