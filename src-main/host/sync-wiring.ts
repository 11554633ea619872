/**
 * Wires the sync layer (h-sync) for a counter: the signed core client, the daemon over this store, the core
 * refund port and the online/sync hooks checkout uses. The terminal's secret never goes into the database:
 * it comes from the environment (COUNTER_TERMINAL_SECRET) or the caller.
 */
import type { StoreDb } from '../store';
import { getSetting } from '../store';
import { checkoutSyncHooks, coreRefundPort } from '../sync/checkout-ports';
import { createCoreClient, type CoreClient } from '../sync/core-client';
import { createSyncDaemon, type CycleReport, type SyncDaemon } from '../sync/daemon';
import { createTerminalOrderReader, type CoreOrderReader } from '../sync/reconcile';
import { bindSyncStorePort } from '../sync/store-port';
import type { CoreRefundPort } from '../checkout/context';

export const SYNC_SETTING = { coreUrl: 'core.url', keyId: 'core.keyId' } as const;
export const TERMINAL_SECRET_ENV = 'COUNTER_TERMINAL_SECRET';

export interface SyncConfig {
  readonly baseUrl: string;
  readonly keyId: string;
  readonly secret: string;
  readonly intervalMs?: number;
  /** Told after every sync cycle (the host turns online/offline flips into statusChanged). */
  readonly onCycle?: (report: CycleReport) => void;
}

/** The enrolled core and key id from the settings, the secret from the environment; null when incomplete. */
export function syncConfigFromSettings(db: StoreDb, env: NodeJS.ProcessEnv = process.env): SyncConfig | null {
  const baseUrl = getSetting<string>(db, SYNC_SETTING.coreUrl);
  const keyId = getSetting<string>(db, SYNC_SETTING.keyId);
  const secret = env[TERMINAL_SECRET_ENV];
  return baseUrl && keyId && secret ? { baseUrl, keyId, secret } : null;
}

export interface WiredSync {
  readonly client: CoreClient;
  readonly daemon: SyncDaemon;
  readonly refundPort: CoreRefundPort;
  /** The core's view of this store's orders, read with the terminal key (for `reconcileWithCore`). */
  readonly orders: CoreOrderReader;
  readonly isOnline: () => boolean;
  readonly awaitOnlineKnown: (maxWaitMs: number) => Promise<void>;
  readonly syncNow: () => Promise<void>;
}

export function wireSync(db: StoreDb, config: SyncConfig, clock: () => Date = () => new Date()): WiredSync {
  const client = createCoreClient({
    baseUrl: config.baseUrl,
    keyId: config.keyId,
    secret: config.secret,
    now: clock,
  });
  const daemon = createSyncDaemon({
    store: bindSyncStorePort(db),
    core: client,
    clock: { now: clock },
    intervalMs: config.intervalMs,
    onCycle: config.onCycle,
  });
  return {
    client,
    daemon,
    refundPort: coreRefundPort(client),
    orders: createTerminalOrderReader(client),
    ...checkoutSyncHooks(daemon),
  };
}
