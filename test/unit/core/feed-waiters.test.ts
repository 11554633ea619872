/**
 * Waiting pulls in memory: a wake-up for the store ends the wait (and only that store's), a wake-up that
 * arrives between registering and waiting is not lost, a wait ends by itself at its deadline, nothing is left
 * registered afterwards, and a closing server ends every wait and lets no new one start.
 */
import { describe, expect, it } from 'vitest';
import { createStoreFeedWaiters } from '../../../src-core/sync/feed-waiters';

describe('store feed waiters', () => {
  it('wakes the waiters of one store only, and leaves nothing registered', async () => {
    const waiters = createStoreFeedWaiters();
    const a = waiters.watch('store-a');
    const b = waiters.watch('store-b');
    const aWoken = a.until(5_000);
    const bWoken = b.until(30);
    expect(waiters.size).toBe(2);
    waiters.wake('store-a');
    expect(await aWoken).toBe(true);
    expect(await bWoken).toBe(false);
    a.cancel();
    b.cancel();
    expect(waiters.size).toBe(0);
  });

  it('keeps a wake-up that came after registering and before waiting (the read in between)', async () => {
    const waiters = createStoreFeedWaiters();
    const w = waiters.watch('store-a');
    waiters.wake('store-a');
    const started = Date.now();
    expect(await w.until(5_000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(100);
    w.cancel();
  });

  it('wakes everyone after a reconnect, and ends every wait at once when closing', async () => {
    const waiters = createStoreFeedWaiters();
    const all = ['a', 'b', 'c'].map((s) => waiters.watch(s));
    const woken = all.map((w) => w.until(5_000));
    waiters.wakeAll();
    expect(await Promise.all(woken)).toEqual([true, true, true]);
    all.forEach((w) => w.cancel());

    const pending = waiters.watch('a');
    const ended = pending.until(5_000);
    waiters.close();
    expect(await ended).toBe(true);
    pending.cancel();
    const late = waiters.watch('a');
    const started = Date.now();
    expect(await late.until(5_000)).toBe(false);
    expect(Date.now() - started).toBeLessThan(100);
    expect(waiters.size).toBe(0);
  });
});
