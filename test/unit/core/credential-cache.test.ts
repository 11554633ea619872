/**
 * The credential cache: a hit within its time-to-live does not read the database; an invalidation (a
 * revocation's notification) makes the next lookup read it; and a read that was already running when the key
 * was revoked answers its caller but does not put the stale credentials back into the cache.
 */
import { describe, expect, it } from 'vitest';
import type { KeyCredentials } from '../../../src-core/accounts/accounts';
import { createCredentialCache } from '../../../src-core/accounts/credential-cache';

const creds = (keyId: string): KeyCredentials => ({
  kind: 'api',
  keyId,
  merchantId: 'M1',
  secret: 'not-a-real-secret',
  terminal: null,
});

describe('credential cache', () => {
  it('serves a hit until its time-to-live ends or the key is invalidated', async () => {
    let now = 0;
    const cache = createCredentialCache({ ttlMs: 5_000, now: () => now });
    let reads = 0;
    const load = async () => {
      reads++;
      return creds('k1');
    };
    await cache.lookup('k1', load);
    now = 4_999;
    await cache.lookup('k1', load);
    expect(reads).toBe(1);
    cache.invalidate('k1');
    await cache.lookup('k1', load);
    expect(reads).toBe(2);
    now = 10_000;
    await cache.lookup('k1', load);
    expect(reads).toBe(3);
    cache.clear();
    await cache.lookup('k1', load);
    expect(reads).toBe(4);
  });

  it('does not cache what a read in flight during a revocation found', async () => {
    const cache = createCredentialCache({ ttlMs: 5_000 });
    let release!: () => void;
    const slowRead = cache.lookup(
      'k1',
      () => new Promise<KeyCredentials>((r) => (release = () => r(creds('k1')))),
    );
    // The revocation commits and its notification arrives while the read is still on its way.
    cache.invalidate('k1');
    release();
    expect(await slowRead).toEqual(creds('k1'));
    // The next request reads again and finds the key revoked.
    expect(await cache.lookup('k1', async () => null)).toBeNull();
  });
});
