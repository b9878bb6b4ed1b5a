import { afterEach, describe, expect, it, vi } from "vitest";

const base = { NEXTAUTH_SECRET: "x".repeat(40) };

async function buttonsWith(env: Record<string, string>) {
  vi.resetModules();
  for (const [k, v] of Object.entries({ ...base, ...env })) vi.stubEnv(k, v);
  const { oauthProviderButtons } = await import("./options");
  return oauthProviderButtons();
}

afterEach(() => vi.unstubAllEnvs());

describe("single sign-on providers", () => {
  it("offers none when nothing is configured", async () => {
    expect(await buttonsWith({})).toEqual([]);
  });

  it("offers GitHub and OpenID Connect when their variables are set", async () => {
    const buttons = await buttonsWith({
      AUTH_GITHUB_ID: "gh-id",
      AUTH_GITHUB_SECRET: "gh-secret",
      OIDC_ISSUER: "https://id.example.test/realms/acme",
      OIDC_CLIENT_ID: "dispatch",
      OIDC_CLIENT_SECRET: "s3cret",
      OIDC_NAME: "Acme SSO",
    });
    expect(buttons).toEqual([
      { id: "github", name: "GitHub" },
      { id: "oidc", name: "Acme SSO" },
    ]);
  });

  it("refuses half a configuration, naming the missing variable", async () => {
    await expect(buttonsWith({ OIDC_CLIENT_ID: "dispatch", OIDC_CLIENT_SECRET: "s" })).rejects.toThrow(/OIDC_ISSUER: is required when OIDC_CLIENT_ID is set/);
  });
});
