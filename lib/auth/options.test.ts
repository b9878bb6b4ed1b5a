import { afterEach, describe, expect, it, vi } from "vitest";

const base = { NEXTAUTH_SECRET: "x".repeat(40) };

async function buttonsWith(env: Record<string, string>) {
  vi.resetModules();
  for (const [k, v] of Object.entries({ ...base, ...env })) vi.stubEnv(k, v);
  const { oauthProviderButtons } = await import("./options");
  return oauthProviderButtons();
}

afterEach(() => vi.unstubAllEnvs());

// next-auth's own rule when no redirect callback is given (core/lib/default-callbacks, not exported).
const nextAuthDefault = ({ url, baseUrl }: { url: string; baseUrl: string }) =>
  url.startsWith("/") ? `${baseUrl}${url}` : new URL(url).origin === baseUrl ? url : baseUrl;

describe("where next-auth redirects after sign-in or sign-out", () => {
  async function redirectFor(url: string) {
    vi.resetModules();
    for (const [k, v] of Object.entries(base)) vi.stubEnv(k, v);
    const { authOptions } = await import("./options");
    const redirect = authOptions().callbacks?.redirect ?? nextAuthDefault;
    return redirect({ url, baseUrl: "http://localhost:3000" });
  }

  it("keeps this site's paths and absolute URLs", async () => {
    expect(await redirectFor("/acme/issue/WEB-1?x=1")).toBe("http://localhost:3000/acme/issue/WEB-1?x=1");
    expect(await redirectFor("http://localhost:3000/acme")).toBe("http://localhost:3000/acme");
  });

  it.each(["/\t/evil.example/x", "/\n/evil.example/x", "/\\evil.example", "//evil.example", "https://evil.example/", "javascript:alert(1)", "/.//evil.example"])(
    "sends %j to a clean URL of this site",
    async (raw) => {
      const out = await redirectFor(raw);
      expect(out).not.toMatch(/[\u0000-\u001f\\]/);
      expect(out).not.toMatch(/^http:\/\/localhost:3000\/\//);
      expect(new URL(out).origin).toBe("http://localhost:3000");
    },
  );
});

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
