/**
 * Binds the store's outbox functions (src-main/store/outbox.ts) to one database: the SyncStorePort the
 * daemon gets from the composition root.
 */
import {
  applyChangesFromSync,
  pendingOutbox,
  recordPushFailure,
  recordPushResults,
  recordSyncSuccess,
  syncCursor,
  syncStatus,
  type StoreDb,
} from '../store';
import type { SyncStorePort } from './ports';

export function bindSyncStorePort(db: StoreDb): SyncStorePort {
  return {
    pendingOutbox: (limit) => pendingOutbox(db, limit),
    recordPushResults: (results, at) => recordPushResults(db, results, at),
    recordPushFailure: (ids, error, at) => recordPushFailure(db, ids, error, at),
    syncCursor: () => syncCursor(db),
    applyChangesFromSync: (pull, at) => applyChangesFromSync(db, pull, at),
    syncStatus: (now) => syncStatus(db, now),
    recordSyncSuccess: (at) => recordSyncSuccess(db, at),
  };
}
