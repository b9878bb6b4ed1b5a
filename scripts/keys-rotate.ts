/**
 * npm run keys:rotate — re-encrypts every stored provider token under the current key.
 * With DISPATCH_ENCRYPTION_KEYS: put the new key first ("k2:<base64>,k1:<base64>"), run this,
 * then drop the old key. Embedded default: a new key is generated into the data folder's key
 * file (put first, the old one kept) and everything is re-encrypted under it.
 */
import fs from "node:fs";
import { dataDir, getDbHandle } from "@/db/client";
import { rotateTokens } from "@/lib/crypto/rotate";
import { keyFile, keyRing, newKeyEntry, parseKeyRing } from "@/lib/crypto/token-box";
import { describeError } from "@/lib/log/describe-error";

async function main() {
  let ring;
  if (process.env.DISPATCH_ENCRYPTION_KEYS?.trim()) {
    ring = keyRing(dataDir());
  } else {
    const file = keyFile(dataDir());
    const existing = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split(/[\n,]/).map((l) => l.trim()).filter(Boolean) : [];
    const id = `k${Date.now().toString(36)}`;
    const lines = [newKeyEntry(id), ...existing];
    ring = parseKeyRing(lines.join(","));
    // The new key goes in before anything is sealed with it, so a crash cannot strand a token.
    fs.mkdirSync(dataDir(), { recursive: true });
    fs.writeFileSync(`${file}.tmp`, `${lines.join("\n")}\n`, { mode: 0o600 });
    fs.renameSync(`${file}.tmp`, file);
    console.info(`[keys] added key ${id} to ${file}`);
  }
  const handle = getDbHandle();
  try {
    const r = await rotateTokens(handle.db, ring);
    console.info(`[keys] ${r.rotated} connection(s) re-encrypted under key ${ring.current}; ${r.alreadyCurrent} already were; ${r.changedMeanwhile} changed meanwhile (left as they are).`);
  } finally {
    await handle.close();
  }
}

main().catch((err: unknown) => {
  console.error(`[keys] rotation stopped, no token was re-encrypted: ${describeError(err)}`);
  process.exit(1);
});
