/**
 * The idempotence claims a request runs under, below the journal and the ledger: how long a key is kept,
 * which claim the current request holds (the journal writes its row only while that very claim holds), and
 * freeing the claim of a request that never answered. The HTTP side (claiming a key, storing and replaying
 * answers) is routing/idempotence.ts; this layer knows no wire shape.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Queryable } from '../db/adapter';

export const IDEMPOTENCE_RETENTION_MS = 31 * 24 * 60 * 60 * 1000;

/**
 * A request that claimed a key and never answered, claimed without a known instance (claim-liveness.ts),
 * holds the key this long; after
 * that a retry runs again instead of getting 409 for 31 days. It is far above the longest a request can
 * take (acquirer time-out, refund-lock TTL of 60 s), so a request still running is never taken over.
 */
export const IDEMPOTENCE_ABANDONED_AFTER_MS = 10 * 60 * 1000;

/** The claim a request runs under: the journal writes its row only while this very claim holds. */
export interface RunningClaim {
  merchantId: string;
  key: string;
  hash: string;
  claimId: string;
}

const running = new AsyncLocalStorage<RunningClaim>();

/** Runs `fn` under `claim`: `currentClaim()` inside it (across awaits) answers that claim. */
export function runUnderClaim<T>(claim: RunningClaim, fn: () => Promise<T>): Promise<T> {
  return running.run(claim, fn);
}

/** The idempotence claim the current request runs under, if it sent a key. */
export function currentClaim(): RunningClaim | undefined {
  return running.getStore();
}

/**
 * Frees the claim of a request that never answered (its process died after writing a journal row that is
 * now settled), so a retry with the same key runs now (it resumes from the row) instead of answering "in
 * progress" until the claim is abandoned. A claim that finished (DONE) keeps its stored answer.
 */
export async function freeUnansweredClaim(
  db: Queryable,
  merchantId: string,
  requestKey: { key: string; hash: string },
): Promise<void> {
  await db.query(
    `DELETE FROM idempotence_keys WHERE merchant_id = $1 AND key = $2 AND request_hash = $3
       AND state = 'IN_PROGRESS'`,
    [merchantId, requestKey.key, requestKey.hash],
  );
}
