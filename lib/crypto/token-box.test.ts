import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { open, parseKeyRing, seal } from "./token-box";

const key = () => randomBytes(32).toString("base64");

describe("token box", () => {
  it("round-trips, with a fresh nonce each time and the key id beside the ciphertext", () => {
    const ring = parseKeyRing(`new:${key()},old:${key()}`);
    const a = seal(ring, "sk-ant-oat01-secret");
    const b = seal(ring, "sk-ant-oat01-secret");
    expect(a.keyId).toBe("new");
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.ciphertext).not.toContain("secret");
    expect(open(ring, a)).toBe("sk-ant-oat01-secret");
  });

  it("opens values sealed under an older key of the ring", () => {
    const oldKey = key();
    const sealed = seal(parseKeyRing(`old:${oldKey}`), "token");
    expect(open(parseKeyRing(`new:${key()},old:${oldKey}`), sealed)).toBe("token");
  });

  it("refuses a tampered ciphertext and an unknown key id", () => {
    const ring = parseKeyRing(`k:${key()}`);
    const sealed = seal(ring, "token");
    const raw = Buffer.from(sealed.ciphertext, "base64");
    raw[raw.length - 1]! ^= 1;
    expect(() => open(ring, { ...sealed, ciphertext: raw.toString("base64") })).toThrow();
    expect(() => open(ring, { ...sealed, keyId: "gone" })).toThrow(/no encryption key with id gone/);
  });

  it("names a malformed key ring entry", () => {
    expect(() => parseKeyRing(`k:${key()},bad:short`)).toThrow(/entry 2/);
  });
});
