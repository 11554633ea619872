/**
 * The per-process cache of request credentials (a key id → who it is and its secret), so a signed request
 * does not cost a database read and a decryption every time. Revocation reaches every core process at once:
 * revoking a key changes its row, a trigger NOTIFYs its id in the same transaction (schema v4), and each
 * process drops it here (`invalidate`) as soon as the notification arrives, on PostgreSQL and on PGlite
 * alike. `ttlMs` stays as a bound for the one case notifications cannot cover: the listening connection is
 * down (it is cleared when the connection comes back, `clear`).
 *
 * A lookup that was already reading the database when the key was revoked must not put what it read back
 * into the cache after the invalidation: every invalidation moves a generation counter, and a read started
 * under an older generation is answered but not cached.
 */
import type { KeyCredentials } from './accounts';

/** Also the longest a revoked key keeps working while notifications are not arriving. */
export const DEFAULT_CREDENTIAL_CACHE_MS = 5_000;
const MAX_ENTRIES = 10_000;

export interface CredentialCache {
  /** The cached credentials of a key id, or `load`'s answer (cached; null: unknown or revoked). */
  lookup(keyId: string, load: () => Promise<KeyCredentials | null>): Promise<KeyCredentials | null>;
  /** The key changed (revoked): the next lookup reads the database. */
  invalidate(keyId: string): void;
  /** Everything may be stale (notifications were missed). */
  clear(): void;
}

export function createCredentialCache(options: { ttlMs?: number; now?: () => number } = {}): CredentialCache {
  const ttlMs = options.ttlMs ?? DEFAULT_CREDENTIAL_CACHE_MS;
  const now = options.now ?? (() => Date.now());
  const entries = new Map<string, { at: number; creds: KeyCredentials | null }>();
  let generation = 0;
  return {
    async lookup(keyId, load) {
      const at = now();
      const hit = entries.get(keyId);
      if (hit && at - hit.at < ttlMs) return hit.creds;
      const startedIn = generation;
      const creds = await load();
      if (generation === startedIn) {
        if (entries.size >= MAX_ENTRIES) entries.clear();
        entries.set(keyId, { at, creds });
      }
      return creds;
    },
    invalidate(keyId) {
      generation++;
      entries.delete(keyId);
    },
    clear() {
      generation++;
      entries.clear();
    },
  };
}
