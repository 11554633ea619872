/**
 * Long-poll pulls waiting for a store's change feed to move (`GET /sync/v1/changes?waitSeconds=N`). A waiter
 * is a callback in memory, never a database connection: thousands of counters may wait at once. It is woken
 * by the `counter_store_feed` notification (schema v4: a trigger sends it in the transaction that moves the
 * feed, whichever process or path recorded the operation), and then reads the feed again; a wake-up is a
 * hint to read, never the data itself.
 *
 * To never sleep through a change, a pull registers its waiter before it reads the feed: a change that
 * commits after the read wakes it, one that committed before is in what it read.
 */

export interface FeedWait {
  /** Resolves true when the store's feed may have moved, false when `ms` passed first. */
  until(ms: number): Promise<boolean>;
  /** Stops waiting (always call it, woken or not). */
  cancel(): void;
}

export interface StoreFeedWaiters {
  /** Registers a waiter on the store now; wait on it after reading the feed. */
  watch(storeId: string): FeedWait;
  /** The store's feed moved (a notification arrived). */
  wake(storeId: string): void;
  /** Notifications may have been missed (the listening connection came back): everyone reads again. */
  wakeAll(): void;
  /** The server is closing: every wait ends now, and later ones do not wait. */
  close(): void;
  /** Waiters registered now (tests, logs). */
  readonly size: number;
}

export function createStoreFeedWaiters(): StoreFeedWaiters {
  const byStore = new Map<string, Set<() => void>>();
  let closed = false;
  let size = 0;

  const remove = (storeId: string, fire: () => void) => {
    const set = byStore.get(storeId);
    if (!set?.delete(fire)) return;
    size--;
    if (set.size === 0) byStore.delete(storeId);
  };
  const fireAll = (set: Set<() => void> | undefined) => {
    // Copied first: a woken waiter removes itself from the set.
    for (const fire of [...(set ?? [])]) fire();
  };

  return {
    watch(storeId) {
      // After close() nothing wakes a waiter: it does not wait at all.
      if (closed) return { until: () => Promise.resolve(false), cancel: () => undefined };
      let woken = false;
      let resolveWait: ((moved: boolean) => void) | null = null;
      let timer: NodeJS.Timeout | null = null;
      const fire = () => {
        woken = true;
        remove(storeId, fire);
        if (timer) clearTimeout(timer);
        resolveWait?.(true);
        resolveWait = null;
      };
      let set = byStore.get(storeId);
      if (!set) byStore.set(storeId, (set = new Set()));
      set.add(fire);
      size++;
      return {
        until(ms) {
          if (woken) return Promise.resolve(true);
          if (ms <= 0) return Promise.resolve(false);
          return new Promise<boolean>((resolve) => {
            resolveWait = resolve;
            timer = setTimeout(() => {
              resolveWait = null;
              remove(storeId, fire);
              resolve(false);
            }, ms);
          });
        },
        cancel() {
          if (timer) clearTimeout(timer);
          remove(storeId, fire);
          resolveWait?.(false);
          resolveWait = null;
        },
      };
    },
    wake(storeId) {
      fireAll(byStore.get(storeId));
    },
    wakeAll() {
      for (const set of [...byStore.values()]) fireAll(set);
    },
    close() {
      closed = true;
      for (const set of [...byStore.values()]) fireAll(set);
    },
    get size() {
      return size;
    },
  };
}
