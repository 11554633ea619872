/**
 * Right after a host start nothing has answered yet, so the counter does not know whether it is online
 * (docs/host.md "Offline card policy"). The daemon's first cycle runs at once; a card payment asked for in
 * that moment waits for its first answer (briefly): a reachable core means no offline limits, a core that
 * refuses the connection or does not answer within the wait means the offline limits apply. A real core
 * (PGlite, loopback HTTP), the real sync daemon, a real SQLite store and the virtual terminal.
 */
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { enrollTerminal } from '../../../src-core/accounts/accounts';
import { checkoutSale } from '../../../src-main/checkout/sale';
import { ONLINE_UNKNOWN_WAIT_MS } from '../../../src-main/checkout/offline-policy';
import type { WiredSync } from '../../../src-main/host/sync-wiring';
import { startTestCore, type TestCore } from '../../helpers/core-server';
import { connectRigToCore, createHostRig, type HostRig } from '../../helpers/host-rig';
import { startManagerHost, type ManagerHost } from '../../helpers/manager-host';

// The counter's offline limits: one card payment of at most 50.00 while offline; the test sells 400.00.
const LIMITS = {
  perPaymentMaxMinor: 5_000,
  totalMaxMinor: 50_000,
  maxCount: 20,
  maxAgeHours: 48,
  collectAtCounterAboveMinor: 0,
};
const LARGE = 40_000;

let core: TestCore;
let h: HostRig | undefined;
let sync: WiredSync | undefined;
let host: ManagerHost | undefined;
const servers: net.Server[] = [];
const sockets: net.Socket[] = [];

beforeAll(async () => {
  core = await startTestCore('pglite');
}, 120_000);
afterEach(async () => {
  // The black hole's connections end, so the daemon's request fails and stop() returns at once.
  for (const s of sockets.splice(0)) s.destroy();
  await sync?.daemon.stop();
  await h?.close();
  await host?.close();
  sync = undefined;
  h = undefined;
  host = undefined;
});
afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  await core?.close();
});

/** A counter of the store (its own terminal key) whose daemon talks to `baseUrl`, not started yet. */
async function counter(baseUrl: string): Promise<{ h: HostRig; sync: WiredSync }> {
  const t = await enrollTerminal(core.t.db, core.ledger.ctx, core.keyring, {
    merchantId: core.merchantId,
    store: core.storeId,
  });
  if (!t.ok) throw new Error(t.error.message);
  h = await createHostRig({ offlineLimits: LIMITS });
  sync = connectRigToCore(h, { baseUrl, ...t.value }, { awaitOnlineKnown: true });
  return { h, sync };
}

const sellLarge = (rig: HostRig) =>
  checkoutSale(rig.deps, {
    entries: [{ kind: 'free', description: 'E-bike service', amountMinor: LARGE, taxRateBp: 1900 }],
    tenders: [{ method: 'CARD' }],
    operatorId: 'cashier',
  });

/** A port where nothing listens (connection refused at once). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A server that accepts connections and never answers (a core behind a dead link). */
async function blackHole(): Promise<number> {
  const s = net.createServer((socket) => void sockets.push(socket));
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as net.AddressInfo).port;
}

describe('the first sync after a start', () => {
  it('a card payment in the first moment waits for the first answer: core reachable → no offline limit', async () => {
    const c = await counter(core.url);
    c.sync.daemon.start();
    // Nothing has answered yet: the counter does not know (the old behaviour refused 400.00 here).
    expect(c.sync.daemon.status().online).toBeNull();
    expect(c.h.deps.isOnline()).toBe(false);
    const r = await sellLarge(c.h);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (!r.ok) return;
    expect(r.value.tenders).toMatchObject([{ state: 'APPROVED', amountMinor: LARGE }]);
    expect(c.h.deps.isOnline()).toBe(true);
  });

  it('core refuses the connection → offline at once, the limit applies', async () => {
    const c = await counter(`http://127.0.0.1:${await closedPort()}`);
    c.sync.daemon.start();
    const r = await sellLarge(c.h);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('OFFLINE_CARD_OVER_PAYMENT_LIMIT');
    expect(c.sync.daemon.status().online).toBe(false);
    // Within the limit it is taken (the counter keeps selling offline).
    const small = await checkoutSale(c.h.deps, {
      entries: [{ kind: 'free', description: 'Bell', amountMinor: 1_500, taxRateBp: 1900 }],
      tenders: [{ method: 'CARD' }],
      operatorId: 'cashier',
    });
    expect(small.ok).toBe(true);
  });

  it(`no answer within ${ONLINE_UNKNOWN_WAIT_MS} ms → treated as offline, the limit applies`, async () => {
    const c = await counter(`http://127.0.0.1:${await blackHole()}`);
    c.sync.daemon.start();
    const started = Date.now();
    const r = await sellLarge(c.h);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('OFFLINE_CARD_OVER_PAYMENT_LIMIT');
    // It waited for the first answer, which never came: still unknown when it decided.
    expect(Date.now() - started).toBeGreaterThanOrEqual(ONLINE_UNKNOWN_WAIT_MS - 50);
    expect(c.sync.daemon.status().online).toBeNull();
  }, 30_000);

  it('a whole host (createHost) starts its first sync at once and wires the wait into checkout', async () => {
    host = await startManagerHost({
      core: {
        baseUrl: core.url,
        keyId: core.terminal.keyId,
        secret: core.terminal.secret,
        issuer: core.terminal.issuer,
      },
    });
    // The default offline limits (50.00 per payment) apply to this host's store.
    expect(typeof host.host.deps.awaitOnlineKnown).toBe('function');
    const r = await checkoutSale(host.host.deps, {
      entries: [{ kind: 'free', description: 'E-bike service', amountMinor: LARGE, taxRateBp: 1900 }],
      tenders: [{ method: 'CARD' }],
      operatorId: 'cashier',
    });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(host.host.sync?.daemon.status()).toMatchObject({ online: true });
    expect(host.host.sync?.daemon.status().lastSyncAt).not.toBeNull();
  }, 60_000);
});
