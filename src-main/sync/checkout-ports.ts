/**
 * The sync layer's side of what checkout needs (src-main/checkout/context.ts): the core refund port built
 * from the signed client, and the daemon's online flag and sync trigger. Checkout is below sync, so it
 * declares the ports and the composition root passes these in.
 */
import type { CoreFailure as CheckoutCoreFailure, CoreRefundPort } from '../checkout/context';
import { err, ok, type Result } from '../../src-shared';
import type { CoreClient, CoreFailure } from './core-client';
import type { SyncDaemon } from './daemon';

const toCheckoutFailure = (f: CoreFailure): CheckoutCoreFailure => ({
  kind: f.kind,
  error: { code: f.code, message: f.message, params: f.propertyName ? { propertyName: f.propertyName } : {} },
});

const mapFailure = <T>(r: Result<T, CoreFailure>): Result<T, CheckoutCoreFailure> =>
  r.ok ? ok(r.value) : err(toCheckoutFailure(r.error));

export function coreRefundPort(
  client: Pick<CoreClient, 'reserveRefund' | 'releaseReservation'>,
): CoreRefundPort {
  return {
    reserveRefund: async (req) => mapFailure(await client.reserveRefund(req)),
    releaseReservation: async (id) => mapFailure(await client.releaseReservation(id)),
  };
}

/** `isOnline`, `awaitOnlineKnown` and `syncNow` for CheckoutDeps, from the running daemon. */
export function checkoutSyncHooks(daemon: Pick<SyncDaemon, 'status' | 'syncNow' | 'onlineKnown'>): {
  isOnline: () => boolean;
  awaitOnlineKnown: (maxWaitMs: number) => Promise<void>;
  syncNow: () => Promise<void>;
} {
  return {
    isOnline: () => daemon.status().online === true,
    awaitOnlineKnown: async (maxWaitMs) => {
      await daemon.onlineKnown(maxWaitMs);
    },
    syncNow: async () => {
      await daemon.syncNow();
    },
  };
}
