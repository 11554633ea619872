/**
 * What the sync daemon needs from the counter's store (HOST-SYNC-CONTRACT.md): the store's outbox functions
 * without their database argument, bound by the composition root. The daemon never sees SQLite, so it can be
 * tested against any store that keeps these promises, and the store never imports sync.
 */
import type { SyncPullResponse, SyncPushResponse } from '../../src-shared/sync-protocol';
import type { OutboxItem } from '../store/outbox';

// One shape of a queued message, the store's (sync may import the store: it sits above it).
export type { OutboxItem } from '../store/outbox';

export interface StoreSyncStatus {
  queued: number;
  oldestQueuedAt: string | null;
  lastSyncAt: string | null;
  openExceptions: number;
}

export interface SyncStorePort {
  /** Queued messages in seq order, not acknowledged, not turned into exceptions. */
  pendingOutbox(limit: number): OutboxItem[];
  /**
   * accepted | duplicate → acknowledged; rejected (final) → an exception a manager resolves, with the order
   * attached. The daemon passes only final rejections here; retryable ones go to recordPushFailure.
   */
  recordPushResults(results: SyncPushResponse['results'], at: Date): void;
  /** attempts++ and lastError; the messages stay queued. */
  recordPushFailure(messageIds: string[], error: string, at: Date): void;
  /** The last change-feed position applied. */
  syncCursor(): number;
  /** Applies a pull page with the …FromSync writers (never enqueues) and advances the cursor, in one transaction. */
  applyChangesFromSync(pull: SyncPullResponse, at: Date): void;
  syncStatus(now: Date): StoreSyncStatus;
  recordSyncSuccess(at: Date): void;
}
