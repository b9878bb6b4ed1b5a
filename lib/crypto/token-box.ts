import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { logFor } from "@/lib/observability/log";

/**
 * Provider tokens at rest: AES-256-GCM, a random 96-bit nonce per value, the key id stored
 * beside the ciphertext. Keys come from DISPATCH_ENCRYPTION_KEYS ("id:base64key,id2:…", the
 * first encrypts); the embedded default generates one into its data folder (mode 0600).
 */
export type KeyRing = { current: string; keys: Map<string, Buffer> };
export type Sealed = { keyId: string; ciphertext: string };

export function parseKeyRing(spec: string): KeyRing {
  const keys = new Map<string, Buffer>();
  let current = "";
  for (const [i, part] of spec.split(/[,\n]/).map((p) => p.trim()).filter(Boolean).entries()) {
    const [id, b64] = part.split(":");
    const key = Buffer.from(b64 ?? "", "base64");
    if (!id || !/^[A-Za-z0-9_-]{1,32}$/.test(id) || key.length !== 32) {
      throw new Error(`DISPATCH_ENCRYPTION_KEYS: entry ${i + 1} must be "<id>:<32 bytes in base64>"`);
    }
    keys.set(id, key);
    if (i === 0) current = id;
  }
  if (!current) throw new Error("DISPATCH_ENCRYPTION_KEYS is empty");
  return { current, keys };
}

export function seal(ring: KeyRing, plaintext: string): Sealed {
  const key = ring.keys.get(ring.current)!;
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return { keyId: ring.current, ciphertext: Buffer.concat([nonce, cipher.getAuthTag(), body]).toString("base64") };
}

export function open(ring: KeyRing, sealed: Sealed): string {
  const key = ring.keys.get(sealed.keyId);
  if (!key) throw new Error(`no encryption key with id ${sealed.keyId} in DISPATCH_ENCRYPTION_KEYS`);
  const raw = Buffer.from(sealed.ciphertext, "base64");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  try {
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    // GCM's tag check: a different key under the same id, or a damaged value. Never a silent wrong token.
    throw new Error(`a token sealed with key "${sealed.keyId}" does not decrypt: that key is not the one it was sealed with, or the value is damaged`);
  }
}

let cached: KeyRing | undefined;

export const keyFile = (dataDir: string) => path.join(dataDir, "encryption-keys");
export const newKeyEntry = (id: string) => `${id}:${randomBytes(32).toString("base64")}`;

/** The process's key ring: from the environment, or generated once into the data folder. */
export function keyRing(dataDir: string): KeyRing {
  if (cached) return cached;
  const spec = process.env.DISPATCH_ENCRYPTION_KEYS?.trim();
  if (spec) return (cached = parseKeyRing(spec));
  const file = keyFile(dataDir);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    try {
      fs.writeFileSync(file, `${newKeyEntry("k1")}\n`, { mode: 0o600, flag: "wx" });
      logFor("crypto").info(`generated an encryption key in ${file} (set DISPATCH_ENCRYPTION_KEYS to manage keys yourself)`);
    } catch {
      // Another process wrote it first.
    }
  }
  return (cached = parseKeyRing(fs.readFileSync(file, "utf8")));
}
