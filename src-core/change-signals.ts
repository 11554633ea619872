/**
 * Wires the database's change signals (schema v4: notifications sent by triggers in the transaction that made
 * the change) to what each core process keeps in memory: a revoked key leaves the credential cache, a store
 * whose feed moved wakes its waiting pulls. When the listening connection was lost and comes back, anything
 * may have been missed: the whole cache is dropped and every waiting pull reads again.
 */
import type { Db } from './db/adapter';
import { CREDENTIALS_CHANNEL, STORE_FEED_CHANNEL } from './db/schema-v4-change-signals';
import type { CredentialCache } from './accounts/credential-cache';
import type { StoreFeedWaiters } from './sync/feed-waiters';

export function listenForChangeSignals(
  db: Db,
  deps: {
    credentials: CredentialCache;
    feedWaiters: StoreFeedWaiters;
    log: { warn(obj: object, msg: string): void };
  },
): Promise<() => Promise<void>> {
  return db.listen([CREDENTIALS_CHANNEL, STORE_FEED_CHANNEL], {
    onNotify(channel, payload) {
      if (channel === CREDENTIALS_CHANNEL) deps.credentials.invalidate(payload);
      else if (channel === STORE_FEED_CHANNEL) deps.feedWaiters.wake(payload);
    },
    onReconnect() {
      deps.credentials.clear();
      deps.feedWaiters.wakeAll();
      deps.log.warn(
        {},
        'the database notification connection was lost and is back: credential cache cleared, pulls woken',
      );
    },
  });
}
