import { describe, expect, it } from "vitest";
import { signInErrorMessage, signInRefusalCode } from "./sign-in-error";

describe("signInErrorMessage", () => {
  it("says how long to wait when sign-in was refused over the limit", () => {
    expect(signInErrorMessage(signInRefusalCode(900))).toBe("Too many attempts, try again in 15 minutes.");
    expect(signInErrorMessage(signInRefusalCode(30))).toBe("Too many attempts, try again in 1 minute.");
  });

  it("keeps the wrong-password message, and says nothing more for anything else", () => {
    expect(signInErrorMessage("CredentialsSignin")).toBe("Wrong email or password.");
    expect(signInErrorMessage("internal:server")).toBe("Sign-in failed. Please try again.");
    expect(signInErrorMessage(undefined)).toBe("Sign-in failed. Please try again.");
  });
});
