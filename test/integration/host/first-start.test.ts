/**
 * A new counter set up from the screen, with no CLI: the host starts on a bare data directory (real SQLite,
 * no issuer, no terminal, no staff), refuses a sale with COUNTER_NOT_SET_UP writing nothing, lets the first
 * manager be created without authorisation, connects the virtual terminal (real socat pty) as soon as the
 * manager saves its port, and after `core.enrol` against a real core on PGlite sells by cash and card with
 * the core's issuer and syncs, all without a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost, type Host } from '../../../src-main/host/compose';
import { dispatch } from '../../../src-main/host/api';
import { createHostHandlers } from '../../../src-main/host/handlers';
import { startPtyPair, type PtyPair } from '../../../src-main/zvt/virtual-terminal/pty';
import { VirtualTerminal } from '../../../src-main/zvt/virtual-terminal/terminal';
import { openSerialStream } from '../../../src-main/zvt/transport/serial';
import type { ByteStream } from '../../../src-main/zvt/transport/byte-stream';
import { createCoreClient } from '../../../src-main/sync/core-client';
import { startTestCore, type TestCore } from '../../helpers/core-server';
import { tempDataDir } from '../../helpers/host-store';
import { FAST_LINK, FAST_SESSION, FAST_VT } from '../zvt/rig';

const NOT_SET_UP = 'This counter is not set up yet: a manager enrols it with the payment core in Settings.';
const FIRST = { staffId: 'anna', name: 'Anna Owner', role: 'MANAGER', pin: '4826' };
const MANAGER = { managerId: 'anna', managerPin: '4826' };
const issuerOf = (paymentId: string) => Number(paymentId.slice(1, 7));

describe('a new counter set up from the screen (bare data directory, core on PGlite)', () => {
  let core: TestCore;
  let host: Host;
  let pty: PtyPair;
  let pt: ByteStream | null = null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked by the tests
  let call: (command: string, input?: unknown) => Promise<any>;
  const dir = tempDataDir('counter-first-');
  const count = (table: string) =>
    (host.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  const until = async (what: () => Promise<boolean>, ms = 10_000) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await what()) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  };

  beforeAll(async () => {
    core = await startTestCore('pglite');
    pty = await startPtyPair();
    const vt = new VirtualTerminal({ timers: FAST_VT });
    const side = await openSerialStream({ path: pty.ptPath });
    if (!side.ok) throw new Error(side.error.message);
    pt = side.value;
    void vt.serveSerial(pt, FAST_LINK);
  }, 90_000);
  afterAll(async () => {
    await host?.close();
    await pt?.close();
    await pty?.stop();
    await core?.close();
  });

  it('starts on a bare directory and says what is not set up', async () => {
    const created = createHost({
      dataDir: dir,
      sync: 'settings',
      linkTimers: FAST_LINK,
      sessionTimers: FAST_SESSION,
      terminalRetryMs: 300,
    });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    host = created.value;
    const started = await host.start();
    // The terminal is not configured: reported, not fatal.
    expect(started.ok).toBe(false);
    if (!started.ok) expect(started.error.message).toMatch(/no terminal port is configured yet.*Settings/);
    const handlers = createHostHandlers(host);
    call = (command, input = {}) => dispatch(handlers, command as never, input);
    const status = await call('status');
    expect(status.ok).toBe(true);
    expect(status.value).toMatchObject({
      issuer: 0,
      setUp: { issuer: false, terminal: false, manager: false },
      terminal: { state: 'DISCONNECTED', port: null },
      core: { enrolled: false, url: null },
    });
    expect((await call('staff.list')).value).toEqual([]);
  });

  it('refuses every sale, deposit and refund with the set-up message and writes nothing', async () => {
    const tables = ['orders', 'payments', 'outbox', 'checkouts', 'id_sequences', 'operations'];
    const before = tables.map(count);
    const sale = await call('sale.checkout', {
      checkoutId: '0190f7a0-0000-7000-8000-000000000001',
      entries: [{ description: 'Bell', amountMinor: 900, taxRateBp: 1900 }],
      tenders: [{ method: 'CASH', tenderedMinor: 1_000 }],
      operatorId: 'anna',
    });
    expect(sale.ok).toBe(false);
    expect(sale.error.code).toBe('COUNTER_NOT_SET_UP');
    expect(sale.error.message).toContain(NOT_SET_UP);
    const card = await call('sale.checkout', {
      entries: [{ description: 'Bell', amountMinor: 900, taxRateBp: 1900 }],
      tenders: [{ method: 'CARD' }],
      operatorId: 'anna',
    });
    expect(card.error.code).toBe('COUNTER_NOT_SET_UP');
    const deposit = await call('deposit.take', {
      customer: { name: 'Dora' },
      totalMinor: 10_000,
      deposit: { amountMinor: 2_000 },
      tender: { method: 'CARD' },
      operatorId: 'anna',
    });
    expect(deposit.error.code).toBe('COUNTER_NOT_SET_UP');
    const refund = await call('refund.execute', {
      paymentId: '1123400000000000017',
      amountMinor: 100,
      method: 'CASH',
      reason: 'returned',
      operatorId: 'anna',
      manager: MANAGER,
    });
    expect(refund.error.code).toBe('COUNTER_NOT_SET_UP');
    // The rest of the money commands: a balance, a cashier's refund request and its approval, a void.
    const others = await Promise.all([
      call('balance.collect', {
        orderId: '0190f7a0-0000-7000-8000-0000000000aa',
        tenders: [{ method: 'CASH', tenderedMinor: 1_000 }],
        operatorId: 'anna',
        checkoutId: '0190f7a0-0000-7000-8000-000000000002',
      }),
      call('refund.request', {
        paymentId: '1123400000000000017',
        amountMinor: 100,
        method: 'CASH',
        reason: 'returned',
        operatorId: 'anna',
        operatorPin: '1234',
      }),
      call('refund.approve', { requestId: '0190f7a0-0000-7000-8000-0000000000bb', manager: MANAGER }),
      call('payment.void', { paymentId: '1123400000000000017', operatorId: 'anna', manager: MANAGER }),
    ]);
    expect(others.map((r) => r.error?.code)).toEqual(Array(4).fill('COUNTER_NOT_SET_UP'));
    expect(tables.map(count)).toEqual(before);
    expect(count('payments')).toBe(0);
  });

  it('creates the first manager without authorisation, and only the first', async () => {
    const first = await call('staff.enroll', FIRST);
    expect(first.ok).toBe(true);
    expect(first.value).toEqual({ staffId: 'anna', role: 'MANAGER' });
    const second = await call('staff.enroll', { staffId: 'eve', name: 'Eve', role: 'MANAGER', pin: '1357' });
    expect(second.ok).toBe(false);
    expect((await call('staff.verify', { staffId: 'anna', pin: '4826' })).value.role).toBe('MANAGER');
    expect((await call('status')).value.setUp).toMatchObject({ manager: true, issuer: false });
  });

  it('connects the terminal once the manager saves its port, without a restart', async () => {
    const put = await call('settings.put', { terminal: { serialPath: pty.ecrPath }, manager: MANAGER });
    expect(put.ok).toBe(true);
    const ready = await until(async () => (await call('status')).value.terminal.state === 'READY');
    expect(ready).toBe(true);
    expect((await call('status')).value).toMatchObject({
      setUp: { terminal: true, manager: true, issuer: false },
      terminal: { state: 'READY', port: pty.ecrPath },
    });
  });

  it('after core.enrol sells by cash and card with the core issuer and syncs them', async () => {
    const enrol = await call('core.enrol', {
      coreUrl: core.url,
      keyId: core.terminal.keyId,
      secret: core.terminal.secret,
      issuer: core.terminal.issuer,
      manager: MANAGER,
    });
    expect(enrol.ok).toBe(true);
    expect(enrol.value.saved).toBe(true);
    expect((await call('status')).value).toMatchObject({
      issuer: core.terminal.issuer,
      setUp: { issuer: true, terminal: true, manager: true },
    });
    expect((await call('drawer.open', { floatMinor: 5_000, operatorId: 'anna' })).ok).toBe(true);
    const cash = await call('sale.checkout', {
      checkoutId: '0190f7a0-0000-7000-8000-000000000001', // refused before: the id is free again
      entries: [{ description: 'Bell', amountMinor: 900, taxRateBp: 1900 }],
      tenders: [{ method: 'CASH', tenderedMinor: 1_000 }],
      operatorId: 'anna',
    });
    expect(cash.ok).toBe(true);
    expect(issuerOf(cash.value.tenders[0].paymentId)).toBe(core.terminal.issuer);
    const card = await call('sale.checkout', {
      entries: [{ description: 'Horn', amountMinor: 1_250, taxRateBp: 1900 }],
      tenders: [{ method: 'CARD' }],
      operatorId: 'anna',
    });
    expect(card.ok).toBe(true);
    expect(card.value.tenders[0]).toMatchObject({ method: 'CARD', ok: true, state: 'APPROVED' });
    expect(issuerOf(card.value.tenders[0].paymentId)).toBe(core.terminal.issuer);
    const synced = await until(async () => (await call('status')).value.queued === 0, 15_000);
    expect(synced).toBe(true);
    const reader = createCoreClient({
      baseUrl: core.url,
      keyId: core.terminal.keyId,
      secret: core.terminal.secret,
    });
    for (const orderId of [cash.value.orderId, card.value.orderId])
      expect((await reader.order(orderId)).ok).toBe(true);
  }, 30_000);
});
