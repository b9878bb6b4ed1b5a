import { describe, expect, it } from "vitest";
import { agentBranchName, githubFullName, repositoryNameSchema } from "./repository-name";

describe("GitHub repository names", () => {
  it("accepts owner/name and refuses what GitHub would not", () => {
    expect(repositoryNameSchema.safeParse("acme/api.v2").success).toBe(true);
    expect(repositoryNameSchema.safeParse("-acme/api").success).toBe(false);
    expect(repositoryNameSchema.safeParse("acme/..").success).toBe(false);
    expect(repositoryNameSchema.safeParse("acme/api.git").success).toBe(false);
    expect(repositoryNameSchema.safeParse("acme").success).toBe(false);
  });

  it("reads owner/name out of clone URLs on the configured host only", () => {
    expect(githubFullName("acme/api", "https://github.com")).toBe("acme/api");
    expect(githubFullName("https://github.com/acme/api.git", "https://github.com")).toBe("acme/api");
    expect(githubFullName("git@github.com:acme/api.git", "https://github.com")).toBe("acme/api");
    expect(githubFullName("https://gitlab.com/acme/api.git", "https://github.com")).toBeNull();
    expect(githubFullName("http://127.0.0.1:4000/acme/api", "http://127.0.0.1:4000")).toBe("acme/api");
    expect(githubFullName(null, "https://github.com")).toBeNull();
  });

  it("names agent branches after the issue and the session", () => {
    expect(agentBranchName("ENG-12", "1a2b3c4d-5e6f-7a8b-9c0d-112233445566")).toBe("agent/ENG-12-1a2b3c4d");
  });
});
