/**
 * What the sync daemon needs from the counter's store (HOST-SYNC-CONTRACT.md): the store's outbox functions
 * without their database argument, bound by the composition root. The daemon never sees SQLite, so it can be
 * tested against any store that keeps these promises, and the store never imports sync.
 */
import type { SyncMessage, SyncPullResponse, SyncPushResponse } from '../../src-shared/sync-protocol';

export interface OutboxItem {
  /** The terminal's outbox sequence (SyncMessage.seq), strictly increasing. */
  seq: number;
  /** UUIDv7 minted with the business fact: the key the core suppresses duplicates on; never re-minted. */
  messageId: string;
  kind: SyncMessage['kind'];
  orderId: string | null;
  /** Exactly what is pushed. */
  message: SyncMessage;
  attempts: number;
  lastError: string | null;
  /** ISO */
  createdAt: string;
}

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
