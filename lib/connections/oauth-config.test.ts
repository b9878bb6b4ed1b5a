import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { oauthSetup, oauthSetupHint } from "./oauth-config";
import { challengeFor, newVerifier } from "./oauth-client";

const full = {
  DISPATCH_OAUTH_GEMINI_AUTHORIZE_URL: "https://accounts.google.com/o/oauth2/v2/auth",
  DISPATCH_OAUTH_GEMINI_TOKEN_URL: "https://oauth2.googleapis.com/token",
  DISPATCH_OAUTH_GEMINI_CLIENT_ID: "id.apps.googleusercontent.com",
  DISPATCH_OAUTH_GEMINI_SCOPES: "https://www.googleapis.com/auth/cloud-platform",
};

describe("OAuth configuration from the environment", () => {
  it("a provider with the four required variables is configured; secret and revoke URL stay optional", () => {
    const setup = oauthSetup("gemini", full);
    expect(setup).toEqual({ ok: true, config: expect.objectContaining({ clientId: "id.apps.googleusercontent.com", clientSecret: null, revokeUrl: null }) });
  });

  it("a missing or malformed variable is named in the hint for the disabled button", () => {
    const setup = oauthSetup("gemini", { ...full, DISPATCH_OAUTH_GEMINI_CLIENT_ID: " ", DISPATCH_OAUTH_GEMINI_TOKEN_URL: "oauth2.googleapis.com/token" });
    expect(setup.ok).toBe(false);
    expect(oauthSetupHint(setup)).toBe(
      "OAuth is not configured for this provider: set DISPATCH_OAUTH_GEMINI_CLIENT_ID and make DISPATCH_OAUTH_GEMINI_TOKEN_URL an http(s) URL in the server's environment.",
    );
    expect(oauthSetup("claude", full).ok).toBe(false);
  });
});

describe("PKCE", () => {
  it("verifiers are 43–128 unreserved characters, unique, and the challenge is base64url(sha256(verifier))", () => {
    const v = newVerifier();
    expect(v).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);
    expect(newVerifier()).not.toBe(v);
    expect(challengeFor(v)).toBe(createHash("sha256").update(v).digest("base64url"));
    // RFC 7636 appendix B's example.
    expect(challengeFor("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  });
});
