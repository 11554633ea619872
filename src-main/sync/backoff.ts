/**
 * Capped exponential backoff with jitter, pure: the delay before retry number `attempt` (1 = first retry).
 *
 * "Equal jitter": half of the capped exponential delay is fixed, half is random. The fixed half keeps a
 * counter from hammering a core that is down; the random half keeps the counters of a store (all offline
 * for the same outage) from coming back in lockstep when it returns.
 */
export interface BackoffPolicy {
  /** The delay ceiling of the first retry. */
  baseMs: number;
  /** No delay is ever longer than this. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 30_000 };

/** `random` is a number in [0, 1) (Math.random, or a seeded generator in tests). */
export function backoffDelay(
  attempt: number,
  random: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  if (!Number.isInteger(attempt) || attempt < 1) return 0;
  // 2^(attempt-1) overflows to Infinity for large attempts; min() caps it before it matters.
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt - 1, 52));
  const r = Math.min(Math.max(random, 0), 1);
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}
