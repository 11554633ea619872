/**
 * Rescue import against a real core (PGlite and PostgreSQL): counter A sells offline, part of its queue
 * reaches the core before it dies (the core applied it, A never learnt), A's encrypted rescue file is
 * imported on counter B of the same store, and B syncs: every fact of A is in the core exactly once, still
 * A's; B's own orders are untouched; a counter of another store cannot push A's facts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, enrollTerminal } from '../../../src-core/accounts/accounts';
import { openDrawer } from '../../../src-main/checkout/cash-drawer';
import { executeRefund } from '../../../src-main/checkout/refunds';
import { checkoutSale } from '../../../src-main/checkout/sale';
import { SETTING } from '../../../src-main/host/compose';
import { exportRescue, importRescue } from '../../../src-main/host/rescue';
import { wireSync } from '../../../src-main/host/sync-wiring';
import { pendingOutbox, setSetting, syncStatus, type StoreDb } from '../../../src-main/store';
import { createCoreClient } from '../../../src-main/sync/core-client';
import { createSyncDaemon } from '../../../src-main/sync/daemon';
import { createTerminalOrderReader, reconcileWithCore } from '../../../src-main/sync/reconcile';
import { bindSyncStorePort, localOrderViews } from '../../../src-main/sync/store-port';
import { DATABASE_KINDS } from '../../helpers/core-db';
import { startTestCore, type TestCore } from '../../helpers/core-server';
import { createHostRig, MANAGER, type HostRig } from '../../helpers/host-rig';
import { cardNumbersIn, filesUnder, openTestStore } from '../../helpers/host-store';

const PASS = 'replacement counter, aisle 3';

async function counter(core: TestCore, key: { keyId: string; secret: string; issuer: number }) {
  const h = await createHostRig();
  const sync = wireSync(h.db, { baseUrl: core.url, keyId: key.keyId, secret: key.secret });
  setSetting(h.db, SETTING.issuer, key.issuer);
  Object.assign(h.deps, { issuer: key.issuer, core: sync.refundPort });
  return { h, sync };
}

async function cardSale(h: HostRig, amountMinor: number) {
  const r = await checkoutSale(h.deps, {
    entries: [{ kind: 'free', description: 'Lamp', amountMinor, taxRateBp: 1900 }],
    tenders: [{ method: 'CARD' }],
    operatorId: 'cashier',
  });
  if (!r.ok || !r.value.tenders[0]?.ok) throw new Error(`sale failed: ${JSON.stringify(r)}`);
  return { orderId: String(r.value.orderId), paymentId: r.value.tenders[0].paymentId! };
}

const localOps = (db: StoreDb, orderIds: readonly string[]) =>
  orderIds.flatMap((id) =>
    (
      db.sql.prepare(`SELECT operation_id FROM operations WHERE order_id = ?`).all(id) as {
        operation_id: string;
      }[]
    ).map((r) => r.operation_id),
  );

for (const { kind, skip } of DATABASE_KINDS) {
  describe.skipIf(skip !== null)(`rescue import against a core on ${kind}${skip ? ` (${skip})` : ''}`, () => {
    let core: TestCore;
    const closers: (() => Promise<void>)[] = [];
    beforeAll(async () => {
      core = await startTestCore(kind);
    });
    afterAll(async () => {
      for (const c of closers.reverse()) await c();
      await core?.close();
    });

    const coreOps = async (orderIds: readonly string[]) =>
      (
        await core.t.db.query<{ id: string; terminal_id: string | null }>(
          `SELECT id::text AS id, terminal_id::text AS terminal_id FROM operations WHERE order_id::text = ANY(string_to_array($1, ','))`,
          [orderIds.join(',')],
        )
      ).sort((x, y) => x.id.localeCompare(y.id));

    it("B takes over A's unsynced work: each fact once in the core, still A's; B's own orders untouched", async () => {
      const keyB = await enrollTerminal(core.t.db, core.ledger.ctx, core.keyring, {
        merchantId: core.merchantId,
        store: core.storeId,
      });
      if (!keyB.ok) throw new Error(keyB.error.message);
      const A = await counter(core, core.terminal);
      const B = await counter(core, keyB.value);
      closers.push(
        () => A.h.close(),
        () => B.h.close(),
        () => A.sync.daemon.stop(),
        () => B.sync.daemon.stop(),
      );

      // A: one sale synced, then offline: a card sale, the drawer opened, a cash sale, a cash refund.
      const a1 = await cardSale(A.h, 4_000);
      expect(await A.sync.daemon.syncNow()).toMatchObject({ error: null });
      const a2 = await cardSale(A.h, 2_500);
      expect(openDrawer(A.h.deps, { floatMinor: 5_000, operatorId: 'cashier' }).ok).toBe(true);
      const cash = await checkoutSale(A.h.deps, {
        entries: [{ kind: 'free', description: 'Bulb', amountMinor: 1_200, taxRateBp: 1900 }],
        tenders: [{ method: 'CASH', tenderedMinor: 2_000 }],
        operatorId: 'cashier',
      });
      if (!cash.ok) throw new Error(cash.error.message);
      const a3 = String(cash.value.orderId);
      const refund = await executeRefund(
        A.h.deps,
        {
          paymentId: a1.paymentId,
          amountMinor: 500,
          method: 'CASH',
          reason: 'scratched',
          operatorId: 'manager',
        },
        { manager: MANAGER },
      );
      expect(refund.ok && refund.value.state).toBe('DONE');
      const queuedAtA = pendingOutbox(A.h.db, 100);
      expect(queuedAtA.map((m) => m.message.kind)).toEqual([
        'ORDER_CREATED',
        'PAYMENT_RECORDED',
        'CASH_MOVEMENT',
        'ORDER_CREATED',
        'PAYMENT_RECORDED',
        'REFUND',
      ]);
      // A's last push: the core applied its first four messages, then A died before recording the answer.
      const partly = await A.sync.client.push(queuedAtA.slice(0, 4).map((m) => m.message));
      expect(partly.ok && partly.value.results.map((r) => r.status)).toEqual([
        'accepted',
        'accepted',
        'accepted',
        'accepted',
      ]);
      const exported = exportRescue(A.h.db, PASS, new Date());
      if (!exported.ok) throw new Error(exported.error.message);
      expect(exported.value.messages).toBe(6);
      fs.writeFileSync(path.join(A.h.dir, 'rescue.counter'), exported.value.file, { mode: 0o600 });

      // B: its own sale synced, another still queued when the file arrives.
      const b1 = await cardSale(B.h, 3_000);
      expect(await B.sync.daemon.syncNow()).toMatchObject({ error: null });
      const b2 = await cardSale(B.h, 1_800);
      const file = fs.readFileSync(path.join(A.h.dir, 'rescue.counter'), 'utf8');
      expect(importRescue(B.h.db, file, PASS)).toEqual({
        ok: true,
        value: { queued: 6, skipped: 0, orders: 3 },
      });
      // The same file again: nothing more.
      expect(importRescue(B.h.db, file, PASS)).toEqual({
        ok: true,
        value: { queued: 0, skipped: 6, orders: 3 },
      });

      const cycle = await B.sync.daemon.syncNow();
      expect(cycle).toMatchObject({ error: null, rejected: 0, retryLater: 0 });
      // B's queued sale and A's last two are new; A's first four were already in the core.
      expect(cycle.accepted).toBe(2 + 2);
      expect(cycle.duplicates).toBe(4);
      expect(syncStatus(B.h.db, new Date())).toMatchObject({ queued: 0, openExceptions: 0 });

      // Every message of A once in the core, accepted, recorded as A's.
      const rows = await core.t.db.query<{ message_id: string; terminal_id: string; result: string }>(
        `SELECT message_id::text AS message_id, terminal_id::text AS terminal_id, result FROM sync_messages
          WHERE message_id::text = ANY(string_to_array($1, ','))`,
        [queuedAtA.map((m) => m.messageId).join(',')],
      );
      expect(rows.map((r) => [r.message_id, r.terminal_id, r.result]).sort()).toEqual(
        queuedAtA.map((m) => [m.messageId, core.terminal.terminalId, 'accepted']).sort(),
      );
      // A's orders in the core are exactly A's ledger rows, once each, all A's.
      const aOrders = [a1.orderId, a2.orderId, a3];
      const aCore = await coreOps(aOrders);
      expect(aCore.map((r) => r.id)).toEqual(localOps(A.h.db, aOrders).sort());
      expect(new Set(aCore.map((r) => r.terminal_id))).toEqual(new Set([core.terminal.terminalId]));
      const aPayments = await core.t.db.query<{ id: string; terminal_id: string }>(
        `SELECT id, terminal_id::text AS terminal_id FROM payments WHERE order_id::text = ANY(string_to_array($1, ','))`,
        [aOrders.join(',')],
      );
      expect(aPayments).toHaveLength(3);
      expect(aPayments.every((p) => p.terminal_id === core.terminal.terminalId)).toBe(true);
      const drawer = await core.t.db.query<{ n: string }>(
        `SELECT COUNT(*)::text AS n FROM cash_movements WHERE terminal_id = $1`,
        [core.terminal.terminalId],
      );
      expect(drawer[0]?.n).toBe('1');
      // B's own orders: exactly B's rows, B's terminal.
      const bOrders = [b1.orderId, b2.orderId];
      const bCore = await coreOps(bOrders);
      expect(bCore.map((r) => r.id)).toEqual(localOps(B.h.db, bOrders).sort());
      expect(new Set(bCore.map((r) => r.terminal_id))).toEqual(new Set([keyB.value.terminalId]));

      // B's pull brings A's facts back as A's; nothing doubles at B, and B agrees with the core on all five.
      const report = await reconcileWithCore({
        daemon: B.sync.daemon,
        localOrders: () => localOrderViews(B.h.db, [...aOrders, ...bOrders]),
        core: createTerminalOrderReader(B.sync.client),
      });
      expect(report).toMatchObject({
        ok: true,
        value: { ordersChecked: 5, differences: [], syncError: null },
      });
      expect(localOps(B.h.db, aOrders).sort()).toEqual(aCore.map((r) => r.id));
      // No card number in either counter's files (A's holds the rescue file) or the core's log.
      fs.writeFileSync(path.join(B.h.dir, 'core.log'), core.logs.join(''));
      expect(cardNumbersIn([...filesUnder(A.h.dir), ...filesUnder(B.h.dir)])).toEqual([]);
    });

    it("a rescue of a rescue: C pushes A's facts as A's and B's as B's, each once", async () => {
      const enroll = async () => {
        const t = await enrollTerminal(core.t.db, core.ledger.ctx, core.keyring, {
          merchantId: core.merchantId,
          store: core.storeId,
        });
        if (!t.ok) throw new Error(t.error.message);
        return t.value;
      };
      const [keyA, keyB, keyC] = [await enroll(), await enroll(), await enroll()];
      const A = await counter(core, keyA);
      const B = await counter(core, keyB);
      const C = await counter(core, keyC);
      closers.push(
        () => A.h.close(),
        () => B.h.close(),
        () => C.h.close(),
        () => A.sync.daemon.stop(),
        () => B.sync.daemon.stop(),
        () => C.sync.daemon.stop(),
      );
      // A sells offline and breaks; B takes its file, sells offline too and breaks; C takes B's file.
      const a = await cardSale(A.h, 1_300);
      const fromA = exportRescue(A.h.db, PASS, new Date());
      if (!fromA.ok) throw new Error(fromA.error.message);
      expect(importRescue(B.h.db, fromA.value.file, PASS)).toMatchObject({ ok: true, value: { queued: 2 } });
      const b = await cardSale(B.h, 1_400);
      const fromB = exportRescue(B.h.db, PASS, new Date());
      if (!fromB.ok) throw new Error(fromB.error.message);
      expect(importRescue(C.h.db, fromB.value.file, PASS)).toMatchObject({ ok: true, value: { queued: 4 } });
      expect(await C.sync.daemon.syncNow()).toMatchObject({ error: null, accepted: 4, rejected: 0 });
      expect(syncStatus(C.h.db, new Date())).toMatchObject({ queued: 0, openExceptions: 0 });
      const terminalOf = async (orderId: string) =>
        new Set((await coreOps([orderId])).map((r) => r.terminal_id));
      expect(await terminalOf(a.orderId)).toEqual(new Set([keyA.terminalId]));
      expect(await terminalOf(b.orderId)).toEqual(new Set([keyB.terminalId]));
      expect((await coreOps([a.orderId, b.orderId])).map((r) => r.id)).toEqual(
        [...localOps(A.h.db, [a.orderId]), ...localOps(B.h.db, [b.orderId])].sort(),
      );
    });

    it("a counter of another store cannot push A's facts: final refusals for a manager, nothing recorded", async () => {
      const A = await counter(core, core.terminal);
      closers.push(
        () => A.h.close(),
        () => A.sync.daemon.stop(),
      );
      const sale = await cardSale(A.h, 900);
      const exported = exportRescue(A.h.db, PASS, new Date());
      if (!exported.ok) throw new Error(exported.error.message);

      const store2 = await createStore(core.t.db, core.ledger.ctx, {
        merchantId: core.merchantId,
        name: 'Pier',
      });
      if (!store2.ok) throw new Error(store2.error.message);
      const keyC = await enrollTerminal(core.t.db, core.ledger.ctx, core.keyring, {
        merchantId: core.merchantId,
        store: store2.value.storeId,
      });
      if (!keyC.ok) throw new Error(keyC.error.message);
      const c = openTestStore();
      closers.push(async () => c.close());
      setSetting(c, SETTING.issuer, keyC.value.issuer);
      expect(importRescue(c, exported.value.file, PASS)).toMatchObject({ ok: true, value: { queued: 2 } });
      const daemon = createSyncDaemon({
        store: bindSyncStorePort(c),
        core: createCoreClient({ baseUrl: core.url, keyId: keyC.value.keyId, secret: keyC.value.secret }),
      });
      // The order is refused; its payment waits for it (SYNC_DEPENDS_ON_REJECTED) and is refused alone next.
      expect(await daemon.syncNow()).toMatchObject({ accepted: 0, rejected: 1, retryLater: 1 });
      expect(await daemon.syncNow()).toMatchObject({ accepted: 0, rejected: 1, retryLater: 0 });
      expect(syncStatus(c, new Date())).toMatchObject({ queued: 0, openExceptions: 2 });
      const exceptions = c.sql.prepare(`SELECT code FROM sync_exceptions`).all() as { code: string }[];
      expect(exceptions.map((e) => e.code)).toEqual([
        'SYNC_RESCUE_ORIGIN_UNKNOWN',
        'SYNC_RESCUE_ORIGIN_UNKNOWN',
      ]);
      expect(await coreOps([sale.orderId])).toEqual([]);
      expect(await core.t.db.query(`SELECT 1 FROM orders WHERE id::text = $1`, [sale.orderId])).toEqual([]);
    });
  });
}
