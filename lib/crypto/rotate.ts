import type { Db } from "@/db/client";
import { listSealedTokens, resealTokens } from "@/db/queries/connections";
import { open, seal, type KeyRing } from "./token-box";

/**
 * Re-encrypts every stored token under the ring's current key. Everything is decrypted before
 * anything is written, so a missing or wrong key stops the run with nothing changed.
 */
export async function rotateTokens(db: Db, ring: KeyRing): Promise<{ rotated: number; alreadyCurrent: number; changedMeanwhile: number }> {
  const rows = await listSealedTokens(db);
  const plans = rows
    .filter((r) => r.keyId !== ring.current)
    .map((r) => {
      const reopen = (c: string) => open(ring, { keyId: r.keyId, ciphertext: c });
      return { row: r, access: reopen(r.access), refresh: r.refresh === null ? null : reopen(r.refresh) };
    });
  let rotated = 0;
  for (const p of plans) {
    const reseal = (t: string) => seal(ring, t).ciphertext;
    if (await resealTokens(db, p.row, { keyId: ring.current, access: reseal(p.access), refresh: p.refresh === null ? null : reseal(p.refresh) })) rotated++;
  }
  return { rotated, alreadyCurrent: rows.length - plans.length, changedMeanwhile: plans.length - rotated };
}
