/**
 * The sync daemon: pushes the counter's outbox to the core in order and pulls the store's change feed, one
 * cycle at a time, retrying with capped jittered backoff while the core is away.
 *
 * Promises it keeps (issue 9 "Offline queue and sync daemon"):
 * - Single-flight: at most one cycle runs per host. A wake during a cycle schedules exactly one more (the
 *   commit that woke it may have landed after the running cycle read the outbox), never a pile of them.
 * - Messages go out exactly as the store queued them, in seq order, with the message id minted with the
 *   business fact. The daemon never builds or re-mints a message, so a resend after a lost answer is the same
 *   message and the core answers `duplicate` instead of applying it twice.
 * - Nothing is dropped: a final rejection goes to the store, which turns it into an exception for a manager;
 *   a retryable one (the order's refund lock is held elsewhere) stays queued and is sent again later; a failed
 *   request leaves every message queued.
 * - Pulled changes are applied by the store's …FromSync writers, which never enqueue (no echo).
 * Clock, timers and randomness are injected, so tests drive time.
 */
import { MAX_PULL_LIMIT, MAX_PUSH_BATCH } from '../../src-shared/sync-protocol';
import type { ErrorCode } from '../../src-shared';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
import type { CoreClient, CoreFailure, SyncPushAnswer } from './core-client';
import type { OutboxItem, SyncStorePort } from './ports';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SyncDaemonOptions {
  store: SyncStorePort;
  core: Pick<CoreClient, 'push' | 'changes'>;
  clock?: { now(): Date };
  timers?: Timers;
  /** [0, 1); Math.random by default. */
  random?: () => number;
  backoff?: BackoffPolicy;
  /** Time between cycles while all is well (pulls what other channels did). Default 10 s. */
  intervalMs?: number;
  /** Messages per push, at most MAX_PUSH_BATCH. */
  batchSize?: number;
  pullLimit?: number;
  /** Told after every cycle (logs, UI events). */
  onCycle?: (report: CycleReport) => void;
}

export interface CycleError {
  kind: 'transient' | 'rejected' | 'internal';
  code: ErrorCode;
  message: string;
}

export interface CycleReport {
  startedAt: string;
  finishedAt: string;
  accepted: number;
  duplicates: number;
  /** Final rejections, now exceptions in the store. */
  rejected: number;
  /** Retryable rejections, still queued. */
  retryLater: number;
  pulledChanges: number;
  /** Null when everything queued went out and the feed was read to its head. */
  error: CycleError | null;
}

export interface SyncDaemonStatus {
  /** Did the core answer the last request? Null before the first attempt. */
  online: boolean | null;
  running: boolean;
  queued: number;
  oldestQueuedAt: string | null;
  oldestQueuedAgeMs: number | null;
  lastSyncAt: string | null;
  openExceptions: number;
  consecutiveFailures: number;
  /** The delay chosen before the next attempt after a failure; 0 when not backing off. */
  backoffMs: number;
  nextCycleAt: string | null;
  lastError: CycleError | null;
}

export interface SyncDaemon {
  /** Runs a first cycle now and then every intervalMs (or after the backoff delay). */
  start(): void;
  /**
   * Something was queued: run soon. Coalesced with a running cycle; does not cut a backoff short; nothing
   * before start().
   */
  wake(): void;
  /** Runs a cycle now (or right after the running one) even while backing off; resolves with its report. */
  syncNow(): Promise<CycleReport>;
  status(): SyncDaemonStatus;
  /**
   * Whether the core answers, once that is known: at once when a request since start already told (or when no
   * cycle is running to tell it); else when the running cycle's first request is answered or fails, or after
   * `maxWaitMs` (null: still unknown then).
   */
  onlineKnown(maxWaitMs: number): Promise<boolean | null>;
  /** No new cycles; resolves when the running one (if any) has finished. */
  stop(): Promise<void>;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

const fromCore = (f: CoreFailure): CycleError => ({ kind: f.kind, code: f.code, message: f.message });

export function createSyncDaemon(options: SyncDaemonOptions): SyncDaemon {
  const { store, core } = options;
  const clock = options.clock ?? { now: () => new Date() };
  const timers = options.timers ?? realTimers;
  const random = options.random ?? Math.random;
  const policy = options.backoff ?? DEFAULT_BACKOFF;
  const intervalMs = options.intervalMs ?? 10_000;
  const batchSize = Math.min(options.batchSize ?? MAX_PUSH_BATCH, MAX_PUSH_BATCH);
  const pullLimit = Math.min(options.pullLimit ?? MAX_PULL_LIMIT, MAX_PULL_LIMIT);

  let started = false;
  let stopped = false;
  let current: Promise<CycleReport> | null = null;
  let rerunWaiters: ((r: CycleReport) => void)[] | null = null;
  let timer: unknown = null;
  let nextCycleAt: Date | null = null;
  let online: boolean | null = null;
  let failures = 0;
  let backoffMs = 0;
  let lastError: CycleError | null = null;
  /** Callers of onlineKnown() waiting for the first answer since start (or the end of the running cycle). */
  let knownWaiters: (() => void)[] = [];
  const tellKnown = () => {
    const waiters = knownWaiters;
    knownWaiters = [];
    waiters.forEach((w) => w());
  };

  const noteAnswer = (f: CoreFailure | null) => {
    online = f === null || f.status !== null;
    tellKnown();
  };

  type PushResult = SyncPushAnswer['results'][number];

  /**
   * A final rejection becomes a manager's exception, so it is confirmed first by sending those messages once
   * more. A copy of the same message still in flight (a retry after a timeout while the core was slow, a
   * proxy's retransmission) can make the core answer ORDER_ALREADY_EXISTS for the order that very message
   * created; asked again, the core answers from what it remembered for the message id (`duplicate` then).
   * A real rejection is remembered and answered the same again, so confirming costs one request and changes
   * nothing in the core. If the confirmation gets no answer, those messages stay queued (retried later).
   */
  async function confirmFinalRejections(items: OutboxItem[], results: PushResult[]): Promise<PushResult[]> {
    const finals = new Set(
      results.filter((r) => r.status === 'rejected' && !r.retryable).map((r) => r.messageId),
    );
    if (finals.size === 0) return results;
    // The messages of the batch that were refused only because of those go along (in seq order), so a
    // spurious rejection does not hold them back a whole cycle.
    const dependents = new Set(
      results
        .filter((r) => r.status === 'rejected' && r.retryable && r.dependsOn && finals.has(r.dependsOn))
        .map((r) => r.messageId),
    );
    const again = items.filter((i) => finals.has(i.messageId) || dependents.has(i.messageId));
    const answer = await core.push(again.map((i) => i.message));
    const ids = again.map((i) => i.messageId);
    const confirmed =
      answer.ok && !resultsMismatch(ids, answer.value)
        ? new Map(answer.value.results.map((r) => [r.messageId, r]))
        : null;
    return results.map((r) => {
      if (r.status !== 'rejected' || !(finals.has(r.messageId) || dependents.has(r.messageId))) return r;
      // Unconfirmed: keep it queued by answering it as a retryable rejection.
      return confirmed?.get(r.messageId) ?? { ...r, retryable: true };
    });
  }

  async function pushAll(report: CycleReport): Promise<CycleError | null> {
    const sent = new Set<string>();
    for (;;) {
      const items = store.pendingOutbox(batchSize);
      if (items.length === 0) return null;
      if (items.some((i) => sent.has(i.messageId))) {
        // The store handed back a message it had just acknowledged: pushing again would loop forever.
        return {
          kind: 'internal',
          code: 'INTERNAL_ERROR',
          message: 'the outbox returned an acknowledged message again',
        };
      }
      const ids = items.map((i) => i.messageId);
      const answer = await core.push(items.map((i) => i.message));
      noteAnswer(answer.ok ? null : answer.error);
      if (!answer.ok) {
        store.recordPushFailure(ids, `${answer.error.code}: ${answer.error.message}`, clock.now());
        return fromCore(answer.error);
      }
      const mismatch = resultsMismatch(ids, answer.value);
      if (mismatch) {
        store.recordPushFailure(ids, `CORE_ANSWER_INVALID: ${mismatch}`, clock.now());
        return { kind: 'transient', code: 'CORE_ANSWER_INVALID', message: mismatch };
      }
      const results = await confirmFinalRejections(items, answer.value.results);
      const settled = results.filter((r) => r.status !== 'rejected' || !r.retryable);
      const later = results.filter((r) => r.status === 'rejected' && r.retryable);
      store.recordPushResults(settled, clock.now());
      for (const r of later) {
        if (r.status === 'rejected')
          store.recordPushFailure([r.messageId], `${r.code}: ${r.message}`, clock.now());
      }
      for (const r of results) {
        sent.add(r.messageId);
        if (r.status === 'accepted') report.accepted++;
        else if (r.status === 'duplicate') report.duplicates++;
        else if (r.retryable) report.retryLater++;
        else report.rejected++;
      }
      const first = later[0];
      if (first && first.status === 'rejected') {
        // Later batches wait: a refund behind a locked one must not overtake it.
        return { kind: 'transient', code: first.code, message: first.message };
      }
      if (items.length < batchSize) return null;
    }
  }

  async function pullAll(report: CycleReport): Promise<CycleError | null> {
    let after = store.syncCursor();
    for (;;) {
      const page = await core.changes(after, pullLimit);
      noteAnswer(page.ok ? null : page.error);
      if (!page.ok) return fromCore(page.error);
      store.applyChangesFromSync(page.value, clock.now());
      report.pulledChanges += page.value.changes.length;
      if (!page.value.hasMore || page.value.nextCursor <= after) return null;
      after = page.value.nextCursor;
    }
  }

  async function cycle(): Promise<CycleReport> {
    // Off the caller's stack: wake() is called right after a commit and must return at once.
    await Promise.resolve();
    const report: CycleReport = {
      startedAt: clock.now().toISOString(),
      finishedAt: '',
      accepted: 0,
      duplicates: 0,
      rejected: 0,
      retryLater: 0,
      pulledChanges: 0,
      error: null,
    };
    try {
      const pushError = await pushAll(report);
      // Pull even when a push failed for a message's sake: the feed may carry what frees it (a lock released).
      const pullError = pushError?.kind === 'transient' && online === false ? null : await pullAll(report);
      report.error = pushError ?? pullError;
      if (!report.error) store.recordSyncSuccess(clock.now());
    } catch (e) {
      // The store failed (disk full, a bug): keep the daemon alive and retry with backoff; nothing was lost,
      // because the store writes each step in one transaction.
      report.error = {
        kind: 'internal',
        code: 'INTERNAL_ERROR',
        message: e instanceof Error ? e.message : String(e),
      };
    }
    report.finishedAt = clock.now().toISOString();
    // A cycle that failed before any request (the store) told nothing: whoever waits stops waiting.
    tellKnown();
    if (report.error) {
      failures++;
      backoffMs = backoffDelay(failures, random(), policy);
      lastError = report.error;
    } else {
      failures = 0;
      backoffMs = 0;
      lastError = null;
    }
    try {
      options.onCycle?.(report);
    } catch (e) {
      // A listener's bug must not wedge single flight (the cycle would never be marked finished).
      console.error('sync daemon: onCycle listener failed', e);
    }
    return report;
  }

  function clearTimer() {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
    nextCycleAt = null;
  }

  function schedule(delayMs: number) {
    clearTimer();
    if (!started || stopped) return;
    nextCycleAt = new Date(clock.now().getTime() + delayMs);
    timer = timers.setTimeout(() => {
      timer = null;
      nextCycleAt = null;
      void run();
    }, delayMs);
  }

  function run(): Promise<CycleReport> {
    if (current) {
      // Exactly one more cycle after the running one, however many wakes arrive meanwhile.
      if (!rerunWaiters) rerunWaiters = [];
      const waiters = rerunWaiters;
      return new Promise((resolve) => waiters.push(resolve));
    }
    clearTimer();
    const running = cycle().then((report) => {
      current = null;
      const waiters = rerunWaiters;
      rerunWaiters = null;
      if (waiters && !stopped) {
        void run().then((next) => waiters.forEach((w) => w(next)));
      } else {
        waiters?.forEach((w) => w(report));
        schedule(report.error ? backoffMs : intervalMs);
      }
      return report;
    });
    current = running;
    return running;
  }

  return {
    start() {
      if (started || stopped) return;
      started = true;
      void run();
    },
    wake() {
      // Before start() (a CLI `sync`, a test) only syncNow() runs cycles.
      if (stopped || !started) return;
      if (current) {
        void run();
        return;
      }
      // While backing off, the timer decides: a busy counter must not hammer a core that is down.
      if (failures > 0 && timer !== null) return;
      void run();
    },
    syncNow() {
      if (stopped) return Promise.reject(new Error('the sync daemon is stopped'));
      return run();
    },
    status() {
      const now = clock.now();
      const s = store.syncStatus(now);
      return {
        online,
        running: current !== null,
        queued: s.queued,
        oldestQueuedAt: s.oldestQueuedAt,
        oldestQueuedAgeMs: s.oldestQueuedAt ? now.getTime() - Date.parse(s.oldestQueuedAt) : null,
        lastSyncAt: s.lastSyncAt,
        openExceptions: s.openExceptions,
        consecutiveFailures: failures,
        backoffMs,
        nextCycleAt: nextCycleAt?.toISOString() ?? null,
        lastError,
      };
    },
    onlineKnown(maxWaitMs) {
      if (online !== null || current === null) return Promise.resolve(online);
      return new Promise((resolve) => {
        const timer = timers.setTimeout(() => {
          knownWaiters = knownWaiters.filter((w) => w !== done);
          resolve(online);
        }, maxWaitMs);
        const done = () => {
          timers.clearTimeout(timer);
          resolve(online);
        };
        knownWaiters.push(done);
      });
    },
    async stop() {
      stopped = true;
      clearTimer();
      while (current) await current;
    },
  };
}

/** The core answers one result per message, in order; anything else is not an answer to this batch. */
function resultsMismatch(ids: string[], answer: SyncPushAnswer): string | null {
  if (answer.results.length !== ids.length) {
    return `${ids.length} messages pushed, ${answer.results.length} results answered`;
  }
  const i = answer.results.findIndex((r, k) => r.messageId !== ids[k]);
  return i < 0 ? null : `result ${i} is for ${answer.results[i]!.messageId}, not ${ids[i]}`;
}
